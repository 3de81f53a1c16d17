// Bindings of the detector response and the binned rate engine.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <string>

#include "bindings.hpp"
#include "cevns/parameters.hpp"
#include "cevns/rate.hpp"
#include "cevns/response.hpp"
#include "cevns/sources.hpp"

namespace py = pybind11;
using namespace cevns;

namespace cevns_bind {

namespace {
py::array_t<double> to_2d(const std::vector<double>& v, std::size_t n0, std::size_t n1) {
  py::array_t<double> out({n0, n1});
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}
}  // namespace

void register_rate(py::module_& m) {
  py::class_<ResponseModel, std::shared_ptr<ResponseModel>>(m, "ResponseModel")
      .def("bin_probability", &ResponseModel::bin_probability, py::arg("T_MeV"), py::arg("lo"),
           py::arg("hi"));
  py::class_<ArgonResponse, ResponseModel, std::shared_ptr<ArgonResponse>>(m, "ArgonResponse")
      .def(py::init(
               [](double a, double b, double res, std::vector<double> x, std::vector<double> eff) {
                 return std::make_shared<ArgonResponse>(
                     a, b, res, EfficiencyTable{std::move(x), std::move(eff)});
               }),
           py::arg("qf_a"), py::arg("qf_b_per_keVnr"), py::arg("resolution_a"),
           py::arg("eff_keVee"), py::arg("eff"))
      .def("electron_equivalent_keVee", &ArgonResponse::electron_equivalent_keVee);
  py::class_<CsIResponse, ResponseModel, std::shared_ptr<CsIResponse>>(m, "CsIResponse")
      .def(py::init<std::array<double, 4>, double, double, std::array<double, 4>>(),
           py::arg("quenching_poly"), py::arg("light_yield"), py::arg("res_b"),
           py::arg("efficiency"))
      .def("electron_equivalent_keVee", &CsIResponse::electron_equivalent_keVee)
      .def("efficiency", &CsIResponse::efficiency);

  py::class_<Templates>(m, "Templates")
      .def_property_readonly("n0", [](const Templates& t) { return t.n0; })
      .def_property_readonly("n1", [](const Templates& t) { return t.n1; })
      .def_property_readonly("n2", [](const Templates& t) { return t.n2; });

  py::class_<PhysicsParameters>(m, "PhysicsParameters",
                                "Physics parameters (sin2w, rn_*, eps_*, mu_*, r2_*); SM defaults.")
      .def(py::init([](const std::map<std::string, double>& values) {
             PhysicsParameters p;
             for (const auto& [k, v] : values) p.set(k, v);
             return p;
           }),
           py::arg("values") = std::map<std::string, double>{})
      .def_static("names", &PhysicsParameters::names)
      .def("set", &PhysicsParameters::set, py::arg("name"), py::arg("value"))
      .def("get", &PhysicsParameters::get, py::arg("name"))
      .def("validate", &PhysicsParameters::validate)
      .def("proton_coupling", &PhysicsParameters::proton_coupling, py::arg("flavour"))
      .def("to_dict", [](const PhysicsParameters& p) {
        std::map<std::string, double> out;
        for (const auto& n : PhysicsParameters::names()) out[n] = p.get(n);
        return out;
      });
  m.def("charge_radius_sm", &charge_radius_sm, py::arg("lepton_mass_MeV"),
        "SM neutrino charge radius <r^2> [1e-32 cm^2] for a charged-lepton mass [MeV].");
  m.def("charge_radius_coupling_shift", &charge_radius_coupling_shift,
        "sqrt2 pi alpha/(3 G_F) per 1e-32 cm^2: g_V^p shift per unit <r^2>.");
  m.def(
      "magnetic_kinematic_factor",
      [](DarComponent f, double T, double M) { return magnetic_kinematic_factor(f, T, M); },
      py::arg("flavour"), py::arg("T_MeV"), py::arg("M_MeV"));
  m.def(
      "dsigma_dT_magnetic",
      [](const Nucleus& n, double E, double T, double mu, const std::string& ff) {
        return dsigma_dT_magnetic(n, E, T, mu, form_factor_model_from_string(ff));
      },
      py::arg("nucleus"), py::arg("E_MeV"), py::arg("T_MeV"), py::arg("mu_over_muB"),
      py::arg("form_factor") = "helm",
      "Magnetic-moment d sigma/dT [MeV^-3] for mu_nu/mu_B (not in units of 1e-10).");
  m.def(
      "dsigma_dT_params",
      [](const Nucleus& n, Neutrino f, double E, double T, const Mediator& med, double g,
         const PhysicsParameters& p, const std::string& ff) {
        return dsigma_dT(n, f, E, T, med, g, p, form_factor_model_from_string(ff));
      },
      py::arg("nucleus"), py::arg("flavour"), py::arg("E_MeV"), py::arg("T_MeV"),
      py::arg("mediator"), py::arg("coupling"), py::arg("params"), py::arg("form_factor") = "helm",
      "d sigma/dT [MeV^-3] with the physics parameters (parameters.hpp).");

  py::class_<BinnedRate>(m, "BinnedRate")
      .def(py::init([](std::vector<std::pair<Nucleus, double>> targets, double eta,
                       std::shared_ptr<ResponseModel> response, std::vector<double> edges,
                       py::array_t<double, py::array::c_style | py::array::forcecast> tf,
                       const std::string& ff, int panels) {
             RateConfig cfg;
             for (auto& t : targets) cfg.targets.push_back(Target{t.first, t.second});
             cfg.response = std::move(response);
             cfg.energy_edges = std::move(edges);
             if (tf.ndim() != 2 || tf.shape(0) != 3)
               throw std::invalid_argument("time_fractions must have shape (3, n_time)");
             std::array<std::vector<double>, 3> fr;
             for (int f = 0; f < 3; ++f) fr[f].assign(tf.data(f, 0), tf.data(f, 0) + tf.shape(1));
             cfg.components = pion_dar_source(eta, fr);
             cfg.form_factor = form_factor_model_from_string(ff);
             cfg.panels_per_segment = panels;
             py::gil_scoped_release release;
             return std::make_unique<BinnedRate>(std::move(cfg));
           }),
           py::arg("targets"), py::arg("flux_norm_cm2"), py::arg("response"),
           py::arg("energy_edges"), py::arg("time_fractions"), py::arg("form_factor") = "helm",
           py::arg("panels_per_segment") = 16,
           "A pi-DAR rate: eta per component and time fractions [3, n_time].")
      .def(py::init([](std::vector<std::pair<Nucleus, double>> targets,
                       std::vector<FluxComponent> components,
                       std::shared_ptr<ResponseModel> response, std::vector<double> edges,
                       const std::string& ff, int panels) {
             RateConfig cfg;
             for (auto& t : targets) cfg.targets.push_back(Target{t.first, t.second});
             cfg.components = std::move(components);
             cfg.response = std::move(response);
             cfg.energy_edges = std::move(edges);
             cfg.form_factor = form_factor_model_from_string(ff);
             cfg.panels_per_segment = panels;
             py::gil_scoped_release release;
             return std::make_unique<BinnedRate>(std::move(cfg));
           }),
           py::arg("targets"), py::arg("components"), py::arg("response"), py::arg("energy_edges"),
           py::arg("form_factor") = "helm", py::arg("panels_per_segment") = 16,
           "A rate for any source: its flux components.")
      .def_property_readonly("n_components", &BinnedRate::n_components)
      .def_property_readonly("components", &BinnedRate::components)
      .def_property_readonly("n_energy", &BinnedRate::n_energy)
      .def_property_readonly("n_time", &BinnedRate::n_time)
      .def_property_readonly("n_grid", &BinnedRate::n_grid)
      .def_property_readonly("parameter_names", &BinnedRate::parameter_names,
                             "Physics parameters this rate depends on (not the neutron radii "
                             "of nuclei it does not contain).")
      .def(
          "predict",
          [](const BinnedRate& r, const Mediator& med, double g) {
            std::vector<double> v;
            {
              py::gil_scoped_release release;
              v = r.predict(med, g);
            }
            return to_2d(v, r.n_energy(), r.n_time());
          },
          py::arg("mediator"), py::arg("coupling") = 0.0)
      .def(
          "energy_spectrum",
          [](const BinnedRate& r, const Mediator& med, double g) {
            std::vector<double> v;
            {
              py::gil_scoped_release release;
              v = r.energy_spectrum(med, g);
            }
            return to_2d(v, r.n_components(), r.n_energy());
          },
          py::arg("mediator"), py::arg("coupling") = 0.0)
      .def(
          "templates",
          [](const BinnedRate& r, const Mediator& med) {
            Templates t;
            {
              py::gil_scoped_release release;
              t = r.templates(med);
            }
            return py::make_tuple(to_2d(t.n0, r.n_energy(), r.n_time()),
                                  to_2d(t.n1, r.n_energy(), r.n_time()),
                                  to_2d(t.n2, r.n_energy(), r.n_time()));
          },
          py::arg("mediator"))
      .def(
          "templates_for_masses",
          [](const BinnedRate& r, MediatorKind kind, const Charges& charges,
             std::vector<double> masses, const py::object& params) {
            std::vector<Templates> ts;
            const PhysicsParameters* p =
                params.is_none() ? nullptr : params.cast<const PhysicsParameters*>();
            {
              py::gil_scoped_release release;
              ts = p == nullptr ? r.templates_for_masses(kind, charges, masses)
                                : r.templates_for_masses(kind, charges, masses, *p);
            }
            const std::size_t nb = r.n_energy() * r.n_time();
            py::array_t<double> out({masses.size(), std::size_t(3), r.n_energy(), r.n_time()});
            double* o = out.mutable_data();
            for (std::size_t i = 0; i < ts.size(); ++i) {
              std::copy(ts[i].n0.begin(), ts[i].n0.end(), o + (3 * i + 0) * nb);
              std::copy(ts[i].n1.begin(), ts[i].n1.end(), o + (3 * i + 1) * nb);
              std::copy(ts[i].n2.begin(), ts[i].n2.end(), o + (3 * i + 2) * nb);
            }
            return out;
          },
          py::arg("kind"), py::arg("charges"), py::arg("masses_MeV"),
          py::arg("params") = py::none(),
          "Templates (n0, n1, n2) for each mass: array [n_mass, 3, n_energy, n_time] "
          "(on top of PhysicsParameters `params`, if given).")
      .def(
          "differential_rate",
          [](const BinnedRate& r, const Mediator& med, double g, std::vector<double> T) {
            std::vector<double> v;
            {
              py::gil_scoped_release release;
              v = r.differential_rate(med, g, T);
            }
            return to_2d(v, r.n_components(), T.size());
          },
          py::arg("mediator"), py::arg("coupling"), py::arg("T_MeV"))
      .def(
          "predict_with",
          [](const BinnedRate& r, const Mediator& med, double g, const PhysicsParameters& p) {
            std::vector<double> v;
            {
              py::gil_scoped_release release;
              v = r.predict(med, g, p);
            }
            return to_2d(v, r.n_energy(), r.n_time());
          },
          py::arg("mediator"), py::arg("coupling"), py::arg("params"),
          "Binned prediction with the physics parameters [n_energy, n_time].")
      .def(
          "energy_spectrum_with",
          [](const BinnedRate& r, const Mediator& med, double g, const PhysicsParameters& p) {
            std::vector<double> v;
            {
              py::gil_scoped_release release;
              v = r.energy_spectrum(med, g, p);
            }
            return to_2d(v, r.n_components(), r.n_energy());
          },
          py::arg("mediator"), py::arg("coupling"), py::arg("params"))
      .def(
          "templates_with",
          [](const BinnedRate& r, const Mediator& med, const PhysicsParameters& p) {
            Templates t;
            {
              py::gil_scoped_release release;
              t = r.templates(med, p);
            }
            return py::make_tuple(to_2d(t.n0, r.n_energy(), r.n_time()),
                                  to_2d(t.n1, r.n_energy(), r.n_time()),
                                  to_2d(t.n2, r.n_energy(), r.n_time()));
          },
          py::arg("mediator"), py::arg("params"))
      .def(
          "differential_rate_with",
          [](const BinnedRate& r, const Mediator& med, double g, std::vector<double> T,
             const PhysicsParameters& p) {
            std::vector<double> v;
            {
              py::gil_scoped_release release;
              v = r.differential_rate(med, g, T, p);
            }
            return to_2d(v, r.n_components(), T.size());
          },
          py::arg("mediator"), py::arg("coupling"), py::arg("T_MeV"), py::arg("params"))
      .def(
          "flux_averaged_cross_section",
          [](const BinnedRate& r, const Mediator& med, double g, py::object params) {
            const PhysicsParameters p =
                params.is_none() ? r.own_parameters() : params.cast<PhysicsParameters>();
            py::gil_scoped_release release;
            return r.flux_averaged_cross_section(med, g, p);
          },
          py::arg("mediator"), py::arg("coupling") = 0.0, py::arg("params") = py::none(),
          "Flux-averaged total cross section <sigma>_Phi [cm^2 per nucleus] (all recoil "
          "energies, the components weighted by their fluences and the targets averaged).");
}

}  // namespace cevns_bind
