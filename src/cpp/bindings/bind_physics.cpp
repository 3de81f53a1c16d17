// Bindings of the physics pieces: constants, form factors, flux, timing,
// kinetic mixing, models and cross sections. Type conversion only.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "cevns/constants.hpp"
#include "cevns/cross_section.hpp"
#include "cevns/flux.hpp"
#include "cevns/form_factor.hpp"
#include "cevns/kinetic_mixing.hpp"
#include "cevns/mediator.hpp"

namespace py = pybind11;
using namespace cevns;

namespace cevns_bind {

void register_physics(py::module_& m) {
  namespace c = cevns::constants;
  py::dict k;
  k["G_F"] = c::G_F;
  k["alpha_em"] = c::alpha_em;
  k["hbar_c_MeV_fm"] = c::hbar_c_MeV_fm;
  k["N_A"] = c::N_A;
  k["amu_MeV"] = c::amu_MeV;
  k["m_e"] = c::m_e;
  k["m_mu"] = c::m_mu;
  k["m_tau"] = c::m_tau;
  k["m_pi"] = c::m_pi;
  k["tau_pi_ns"] = c::tau_pi_ns;
  k["tau_mu_ns"] = c::tau_mu_ns;
  k["gVp_nue"] = c::gVp_nue;
  k["gVp_numu"] = c::gVp_numu;
  k["gVn"] = c::gVn;
  k["sigma_piN_over_mud_ref"] = c::sigma_piN_over_mud_ref;
  k["max_mediator_mass_MeV"] = kMaxMediatorMassMeV;
  m.attr("constants") = k;

  py::enum_<Flavour>(m, "Flavour")
      .value("numu", Flavour::NuMu)
      .value("nue", Flavour::NuE)
      .value("numubar", Flavour::NuMuBar);

  m.def(
      "form_factor",
      [](const std::string& model, py::array_t<double> q, double r_rms) {
        const FormFactorModel fm = form_factor_model_from_string(model);
        auto qv = q.unchecked<1>();
        py::array_t<double> out(qv.shape(0));
        auto o = out.mutable_unchecked<1>();
        for (py::ssize_t i = 0; i < qv.shape(0); ++i) o(i) = form_factor(fm, qv(i), r_rms);
        return out;
      },
      py::arg("model"), py::arg("q_MeV"), py::arg("r_rms_fm"),
      "Form factor F(|q|) for |q| [MeV] (1-D array) and rms radius [fm].");
  m.def("loop_integral", py::vectorize(&loop_integral), py::arg("m_MeV"), py::arg("q_MeV"));
  m.def("epsilon_loop", py::vectorize(&epsilon_loop), py::arg("m_beta_MeV"), py::arg("m_alpha_MeV"),
        py::arg("q_MeV"), "One-loop kinetic mixing epsilon_{beta alpha}(|q|) of eq. (29).");

  m.def("numu_line_energy", &numu_line_energy);
  m.def("delayed_endpoint_energy", &delayed_endpoint_energy);
  m.def("dar_spectrum", [](Flavour f, py::array_t<double> E) {
    return py::vectorize([f](double e) { return dar_spectrum(f, e); })(E);
  });
  m.def("kinematic_factors", [](Flavour f, double T, double M) {
    const KinematicFactors kf = kinematic_factors(f, T, M);
    return py::make_tuple(kf.k0, kf.k2);
  });
  m.def("flux_normalisation", &flux_normalisation, py::arg("nu_per_pot"), py::arg("n_pot"),
        py::arg("baseline_m"));

  py::class_<BeamTiming>(m, "BeamTiming")
      .def(py::init([](double mean, double sigma) {
             BeamTiming b;
             b.pot_mean_us = mean;
             b.pot_sigma_us = sigma;
             return b;
           }),
           py::arg("pot_mean_us") = 0.440, py::arg("pot_sigma_us") = 0.150)
      .def_readonly("pot_mean_us", &BeamTiming::pot_mean_us)
      .def_readonly("pot_sigma_us", &BeamTiming::pot_sigma_us)
      .def_readonly("tau_pi_us", &BeamTiming::tau_pi_us)
      .def_readonly("tau_mu_us", &BeamTiming::tau_mu_us);
  m.def("arrival_time_pdf", [](Flavour f, py::array_t<double> t, const BeamTiming& b) {
    return py::vectorize([f, &b](double x) { return arrival_time_pdf(f, x, b); })(t);
  });
  m.def("arrival_time_cdf", [](Flavour f, py::array_t<double> t, const BeamTiming& b) {
    return py::vectorize([f, &b](double x) { return arrival_time_cdf(f, x, b); })(t);
  });
  m.def(
      "time_bin_fractions",
      [](Flavour f, std::vector<double> edges, const BeamTiming& b, double t0, double rate) {
        return time_bin_fractions(f, edges, b, TimingEfficiency{t0, rate});
      },
      py::arg("flavour"), py::arg("edges_us"), py::arg("timing"), py::arg("eff_t0_us") = 0.0,
      py::arg("eff_rate_per_us") = 0.0);

  py::class_<Nucleus>(m, "Nucleus")
      .def(py::init([](std::string name, int Z, int N, double mass, double rp, double rn) {
             return Nucleus{std::move(name), Z, N, mass, rp, rn};
           }),
           py::arg("name"), py::arg("Z"), py::arg("N"), py::arg("mass_MeV"), py::arg("r_p_fm"),
           py::arg("r_n_fm"))
      .def_readonly("name", &Nucleus::name)
      .def_readonly("Z", &Nucleus::Z)
      .def_readonly("N", &Nucleus::N)
      .def_readonly("mass_MeV", &Nucleus::mass_MeV)
      .def_readonly("r_p_fm", &Nucleus::r_p_fm)
      .def_readonly("r_n_fm", &Nucleus::r_n_fm)
      .def("__repr__", [](const Nucleus& n) {
        return "Nucleus('" + n.name + "', Z=" + std::to_string(n.Z) + ", N=" + std::to_string(n.N) +
               ")";
      });
  m.def("argon40", &argon40);
  m.def("cesium133", &cesium133);
  m.def("iodine127", &iodine127);

  py::enum_<MediatorKind>(m, "MediatorKind")
      .value("standard_model", MediatorKind::StandardModel)
      .value("vector", MediatorKind::Vector)
      .value("kinetic_mixing", MediatorKind::KineticMixing)
      .value("scalar", MediatorKind::Scalar);
  py::class_<Charges>(m, "Charges")
      .def(py::init([](double u, double d, double e, double mu, double tau) {
             return Charges{u, d, e, mu, tau};
           }),
           py::arg("u") = 0.0, py::arg("d") = 0.0, py::arg("e") = 0.0, py::arg("mu") = 0.0,
           py::arg("tau") = 0.0)
      .def_readonly("u", &Charges::u)
      .def_readonly("d", &Charges::d)
      .def_readonly("e", &Charges::e)
      .def_readonly("mu", &Charges::mu)
      .def_readonly("tau", &Charges::tau);
  py::class_<Mediator>(m, "Mediator")
      .def_static("standard_model", &Mediator::standard_model)
      .def_static("vector", &Mediator::vector, py::arg("charges"), py::arg("mass_MeV"))
      .def_static("kinetic_mixing", &Mediator::kinetic_mixing, py::arg("charges"),
                  py::arg("mass_MeV"))
      .def_static("scalar", &Mediator::scalar, py::arg("mass_MeV"))
      .def_readonly("kind", &Mediator::kind)
      .def_readonly("charges", &Mediator::charges)
      .def_readonly("mass_MeV", &Mediator::mass_MeV)
      .def("with_mass", [](const Mediator& m0, double M) {
        Mediator m1 = m0;
        m1.mass_MeV = M;
        m1.validate();
        return m1;
      });
  m.def("momentum_transfer", &momentum_transfer);
  m.def(
      "dsigma_dT",
      [](const Nucleus& n, Flavour f, double E, py::array_t<double> T, const Mediator& med,
         double g, const std::string& ff) {
        const FormFactorModel fm = form_factor_model_from_string(ff);
        return py::vectorize([&](double t) { return dsigma_dT(n, f, E, t, med, g, fm); })(T);
      },
      py::arg("nucleus"), py::arg("flavour"), py::arg("E_MeV"), py::arg("T_MeV"),
      py::arg("mediator"), py::arg("coupling") = 0.0, py::arg("form_factor") = "helm",
      "d sigma/dT [MeV^-3] (eq. 10, 16, 28, 33).");
  m.def("mev2_to_cm2", &mev2_to_cm2);
}

}  // namespace cevns_bind
