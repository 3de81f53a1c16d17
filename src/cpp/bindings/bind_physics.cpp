// Bindings of the physics pieces: constants, neutrino species, spectra and flux
// components, form factors, pi-DAR flux and timing, nuclei table, kinetic mixing, models
// and cross sections. Type conversion only.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "cevns/constants.hpp"
#include "cevns/cross_section.hpp"
#include "cevns/flux.hpp"
#include "cevns/form_factor.hpp"
#include "cevns/kinetic_mixing.hpp"
#include "cevns/mediator.hpp"
#include "cevns/neutrino.hpp"
#include "cevns/nuclei.hpp"
#include "cevns/sources.hpp"
#include "cevns/spectrum.hpp"

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

  py::enum_<DarComponent>(m, "DarComponent",
                          "The three components of a pi-DAR beam (prompt numu, nue, numubar).")
      .value("numu", DarComponent::NuMu)
      .value("nue", DarComponent::NuE)
      .value("numubar", DarComponent::NuMuBar);

  py::enum_<Lepton>(m, "Lepton")
      .value("e", Lepton::E)
      .value("mu", Lepton::Mu)
      .value("tau", Lepton::Tau);
  py::class_<Neutrino>(
      m, "Neutrino", "A neutrino species: lepton flavour and nu/anti-nu (e.g. Neutrino('nutau')).")
      .def(py::init([](const std::string& name) { return neutrino_from_string(name); }),
           py::arg("name"))
      .def(py::init([](Lepton l, bool anti) {
             return Neutrino{l, anti};
           }),
           py::arg("lepton"), py::arg("anti") = false)
      .def(py::init([](DarComponent f) { return species(f); }), py::arg("component"))
      .def_readonly("lepton", &Neutrino::lepton)
      .def_readonly("anti", &Neutrino::anti)
      .def_property_readonly("name", [](const Neutrino& nu) { return to_string(nu); })
      .def_property_readonly("pdg", &pdg_code)
      .def("__eq__", [](const Neutrino& a, const Neutrino& b) { return a == b; })
      .def("__hash__", &pdg_code)
      .def("__repr__", [](const Neutrino& nu) { return "Neutrino('" + to_string(nu) + "')"; });
  py::implicitly_convertible<DarComponent, Neutrino>();
  py::implicitly_convertible<std::string, Neutrino>();

  py::class_<Spectrum, std::shared_ptr<Spectrum>>(
      m, "Spectrum", "Neutrino energy spectrum normalised to one neutrino (spectrum.hpp).")
      .def_property_readonly("e_min", &Spectrum::e_min)
      .def_property_readonly("e_max", &Spectrum::e_max)
      .def("breakpoints", &Spectrum::breakpoints)
      .def("density",
           [](const Spectrum& s, py::array_t<double> E) {
             return py::vectorize([&s](double e) { return s.density(e); })(E);
           })
      .def(
          "kinematic_factors",
          [](const Spectrum& s, double T, double M) {
            const KinematicFactors kf = s.kinematic_factors(T, M);
            return py::make_tuple(kf.k0, kf.k2);
          },
          py::arg("T_MeV"), py::arg("M_MeV"))
      .def("magnetic_kinematic_factor", &Spectrum::magnetic_kinematic_factor, py::arg("T_MeV"),
           py::arg("M_MeV"));
  py::class_<LineSpectrum, Spectrum, std::shared_ptr<LineSpectrum>>(m, "LineSpectrum")
      .def(py::init<double>(), py::arg("E0_MeV"));
  py::class_<TabulatedSpectrum, Spectrum, std::shared_ptr<TabulatedSpectrum>>(m,
                                                                              "TabulatedSpectrum")
      .def(py::init<std::vector<double>, std::vector<double>, std::vector<double>>(),
           py::arg("E_MeV"), py::arg("phi"), py::arg("kinks") = std::vector<double>{})
      .def_property_readonly("energies", &TabulatedSpectrum::energies)
      .def_property_readonly("densities", &TabulatedSpectrum::densities)
      .def_property_readonly("integral", &TabulatedSpectrum::integral);
  py::class_<FluxComponent>(m, "FluxComponent")
      .def(py::init([](std::string name, Neutrino nu, std::shared_ptr<Spectrum> spectrum,
                       double fluence, std::vector<double> tf) {
             FluxComponent c{std::move(name), nu, std::move(spectrum), fluence, std::move(tf)};
             c.validate();
             return c;
           }),
           py::arg("name"), py::arg("species"), py::arg("spectrum"), py::arg("fluence_cm2"),
           py::arg("time_fractions") = std::vector<double>{1.0})
      .def_readonly("name", &FluxComponent::name)
      .def_readonly("species", &FluxComponent::species)
      .def_property_readonly(
          "spectrum",
          [](const FluxComponent& c) { return std::const_pointer_cast<Spectrum>(c.spectrum); })
      .def_readonly("fluence_cm2", &FluxComponent::fluence_cm2)
      .def_readonly("time_fractions", &FluxComponent::time_fractions)
      .def("__repr__", [](const FluxComponent& c) {
        return "FluxComponent('" + c.name + "', " + to_string(c.species) + ")";
      });
  m.def(
      "pion_dar_spectrum",
      [](DarComponent f) { return std::const_pointer_cast<Spectrum>(pion_dar_spectrum(f)); },
      py::arg("component"));
  m.def(
      "pion_dar_source",
      [](double eta, py::array_t<double, py::array::c_style | py::array::forcecast> tf) {
        if (tf.ndim() != 2 || tf.shape(0) != 3)
          throw std::invalid_argument("time_fractions must have shape (3, n_time)");
        std::array<std::vector<double>, 3> fr;
        for (int f = 0; f < 3; ++f) fr[f].assign(tf.data(f, 0), tf.data(f, 0) + tf.shape(1));
        return pion_dar_source(eta, fr);
      },
      py::arg("fluence_cm2"), py::arg("time_fractions"),
      "The pi-DAR components (numu, nue, numubar) with eta per component and time "
      "fractions [3, n_time].");
  m.def(
      "mix_flavours",
      [](const std::string& name, const TabulatedSpectrum& produced, double fluence, bool anti,
         const std::function<std::array<double, 3>(double)>& P, std::vector<double> tf) {
        return mix_flavours(name, produced, fluence, anti, P, std::move(tf));
      },
      py::arg("name"), py::arg("produced"), py::arg("fluence_cm2"), py::arg("anti"),
      py::arg("probabilities"), py::arg("time_fractions") = std::vector<double>{1.0},
      "Pure-species components phi(E) P_alpha(E) of an oscillated source; `probabilities` "
      "maps E [MeV] to (P_e, P_mu, P_tau).");

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
  m.def("dar_spectrum", [](DarComponent f, py::array_t<double> E) {
    return py::vectorize([f](double e) { return dar_spectrum(f, e); })(E);
  });
  m.def("kinematic_factors", [](DarComponent f, double T, double M) {
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
  m.def("arrival_time_pdf", [](DarComponent f, py::array_t<double> t, const BeamTiming& b) {
    return py::vectorize([f, &b](double x) { return arrival_time_pdf(f, x, b); })(t);
  });
  m.def("arrival_time_cdf", [](DarComponent f, py::array_t<double> t, const BeamTiming& b) {
    return py::vectorize([f, &b](double x) { return arrival_time_cdf(f, x, b); })(t);
  });
  m.def(
      "time_bin_fractions",
      [](DarComponent f, std::vector<double> edges, const BeamTiming& b, double t0, double rate) {
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
  py::class_<Isotope>(m, "Isotope", "A row of the nuclei table (data/nuclei.csv).")
      .def_readonly("name", &Isotope::name)
      .def_readonly("element", &Isotope::element)
      .def_readonly("Z", &Isotope::Z)
      .def_readonly("N", &Isotope::N)
      .def_readonly("atomic_mass_u", &Isotope::atomic_mass_u)
      .def_readonly("abundance", &Isotope::abundance)
      .def_readonly("r_p_fm", &Isotope::r_p_fm)
      .def_readonly("r_n_fm", &Isotope::r_n_fm)
      .def_readonly("rn_parameter", &Isotope::rn_parameter)
      .def_readonly("source", &Isotope::source)
      .def("nucleus", &Isotope::nucleus)
      .def("__repr__", [](const Isotope& i) { return "Isotope('" + i.name + "')"; });
  m.def("nuclei", &nuclei, "The nuclei table (one Isotope per row of data/nuclei.csv).");
  m.def("nucleus", &nucleus, py::arg("name"), "The Nucleus of a table row (e.g. 'Xe131').");
  m.def("natural_element", &natural_element, py::arg("symbol"),
        "[(Nucleus, abundance)] of a natural element (e.g. 'Xe'), abundances summing to 1.");
  m.def("elements", &elements, "Chemical symbols in the nuclei table.");

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
      [](const Nucleus& n, Neutrino f, double E, py::array_t<double> T, const Mediator& med,
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
