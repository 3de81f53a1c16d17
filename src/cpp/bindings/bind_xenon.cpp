// pybind11 bindings of cevns/xenon_chi2.hpp (XENONnT solar 8B likelihood) and
// cevns/solar.hpp (the solar 8B source). Only type conversion lives here.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cevns/rate.hpp>
#include <cevns/solar.hpp>
#include <cevns/xenon_chi2.hpp>
#include <cevns/xenonnt.hpp>
#include <cevns/xenonnt_release.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings.hpp"

namespace py = pybind11;

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::vector<double> to_vector(const Array &a) {
  return std::vector<double>(a.data(), a.data() + a.size());
}

py::array_t<double> to_array(const std::vector<double> &v) {
  py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

void require_size(const Array &a, std::size_t n, const char *name) {
  if (static_cast<std::size_t>(a.size()) != n)
    throw std::invalid_argument(std::string(name) + ": expected " + std::to_string(n) +
                                " values, got " + std::to_string(a.size()));
}

cevns::XenonMorphing to_morphing(const std::string &s) {
  if (s == "rate_times_shape") return cevns::XenonMorphing::rate_times_shape;
  if (s == "histogram") return cevns::XenonMorphing::histogram;
  throw std::invalid_argument("morphing: '" + s +
                              "' is not one of 'rate_times_shape', 'histogram'");
}

}  // namespace

namespace cevns_bind {

void register_xenon(pybind11::module_ &m) {
  py::class_<cevns::OscillationParameters>(
      m, "OscillationParameters",
      "Oscillation parameters; defaults NuFIT 5.2 (2022), normal ordering, with SK "
      "atmospheric data.")
      .def(py::init<>())
      .def_readwrite("sin2_theta12", &cevns::OscillationParameters::sin2_theta12)
      .def_readwrite("sin2_theta13", &cevns::OscillationParameters::sin2_theta13)
      .def_readwrite("sin2_theta23", &cevns::OscillationParameters::sin2_theta23)
      .def_readwrite("dm2_21", &cevns::OscillationParameters::dm2_21, "[eV^2]");
  py::class_<cevns::SolarProfile>(m, "SolarProfile",
                                  "Production region of one solar neutrino source (B16).")
      .def_property_readonly("radius",
                             [](const cevns::SolarProfile &p) { return to_array(p.radius); })
      .def_property_readonly(
          "electron_density",
          [](const cevns::SolarProfile &p) { return to_array(p.electron_density); },
          "n_e [mol/cm^3]")
      .def_property_readonly("weight",
                             [](const cevns::SolarProfile &p) { return to_array(p.weight); });
  m.def("read_solar_profile", &cevns::read_solar_profile, py::arg("path"), py::arg("source") = "8B",
        "Read a B16 nudistr table (one source's production column).");
  m.def(
      "survival_probability",
      [](const Array &energies, const cevns::SolarProfile &profile,
         const cevns::OscillationParameters &osc) {
        std::vector<double> out(static_cast<std::size_t>(energies.size()));
        for (std::size_t i = 0; i < out.size(); ++i)
          out[i] = cevns::survival_probability(energies.data()[i], profile, osc);
        return to_array(out);
      },
      py::arg("energies_MeV"), py::arg("profile"), py::arg("osc") = cevns::OscillationParameters{},
      "Adiabatic LMA-MSW P_ee(E_nu) averaged over the production region.");
  py::class_<cevns::XenonntRelease>(m, "XenonntRelease",
                                    "The XENONnT 8B release as the core reads it (hash-checked).")
      .def_property_readonly(
          "mono_energy",
          [](const cevns::XenonntRelease &r) { return to_array(r.runs[0].mono_energy); },
          "Energies of the mono-energetic templates [keV].")
      .def(
          "observed",
          [](const cevns::XenonntRelease &r, int sr) {
            return to_array(r.runs.at(static_cast<std::size_t>(sr)).observed);
          },
          py::arg("sr"))
      .def(
          "component",
          [](const cevns::XenonntRelease &r, int sr, const std::string &name) {
            const auto &run = r.runs.at(static_cast<std::size_t>(sr));
            if (name == "ac") return to_array(run.ac);
            if (name == "er") return to_array(run.er);
            if (name == "neutron") return to_array(run.neutron);
            if (name == "mono") return to_array(run.mono);
            throw std::invalid_argument("component: '" + name +
                                        "' is not one of ac, er, neutron, mono");
          },
          py::arg("sr"), py::arg("name"),
          "Templates per tonne-year (ac, er: 81; neutron: 49 x 81; mono: E x 49 x 81).");
  m.def(
      "read_xenonnt_release",
      [](const std::string &data_dir) {
        py::gil_scoped_release release;
        return cevns::read_xenonnt_release(data_dir);
      },
      py::arg("data_dir"), "Read and verify the XENONnT release of a data directory.");
  m.def(
      "xenonnt_chi2",
      [](const cevns::XenonntRelease &rel, const std::vector<int> &runs, double sigma_signal,
         double sigma_b8_flux, double sigma_er, double sigma_neutron, const std::string &morphing) {
        cevns::XenonSigmas s{sigma_signal, sigma_b8_flux, sigma_er, sigma_neutron};
        return cevns::xenonnt_chi2(rel, runs, s, to_morphing(morphing));
      },
      py::arg("release"), py::arg("runs"), py::arg("sigma_signal") = 0.25,
      py::arg("sigma_b8_flux") = 0.0381, py::arg("sigma_er") = 1.0, py::arg("sigma_neutron") = 0.58,
      py::arg("morphing") = "rate_times_shape",
      "XenonChi2 of the physics route (inputs: node inputs of XenonntRate).");
  m.def(
      "xenonnt_rate",
      [](const std::string &data_dir, const std::vector<double> &nodes, double flux,
         const cevns::OscillationParameters &osc, const std::string &solar_model,
         int panels_per_segment) {
        cevns::XenonntRateOptions opt;
        opt.panels_per_segment = panels_per_segment;
        py::gil_scoped_release release;
        return cevns::xenonnt_rate(cevns::solar_b8_source(data_dir, flux, osc, solar_model), nodes,
                                   opt);
      },
      py::arg("data_dir"), py::arg("node_energies_keV"), py::arg("flux") = cevns::kSnoB8Flux,
      py::arg("osc") = cevns::OscillationParameters{}, py::arg("solar_model") = "gs98",
      py::arg("panels_per_segment") = 2,
      "BinnedRate of solar 8B on one tonne of natural xenon over one year, binned on the "
      "template energies: predictions are the node inputs x_k [events / (t yr)].");
  m.def(
      "solar_b8_components",
      [](const std::string &data_dir, double flux, const cevns::OscillationParameters &osc,
         const std::string &solar_model, double seconds) {
        return cevns::solar_b8_source(data_dir, flux, osc, solar_model).components("8B", seconds);
      },
      py::arg("data_dir"), py::arg("flux") = cevns::kSnoB8Flux,
      py::arg("osc") = cevns::OscillationParameters{}, py::arg("solar_model") = "gs98",
      py::arg("seconds") = 365.25 * 86400.0,
      "Flux components of solar 8B at Earth (one per flavour) over `seconds`.");
  m.def(
      "xenonnt_observed",
      [](const std::string &events_csv, const std::string &binning_yaml) {
        return to_array(
            cevns::bin_xenonnt_events(events_csv, cevns::read_xenonnt_binning(binning_yaml)));
      },
      py::arg("events_csv"), py::arg("binning_yaml"),
      "Events of a release data/sr*.csv binned with binning/sr*.yaml: 81 counts (C order).");
  m.def(
      "spectrum_table",
      [](const std::string &path, const Array &energies) {
        const cevns::TabulatedSpectrum t = cevns::read_spectrum_table(path);
        std::vector<double> out(static_cast<std::size_t>(energies.size()));
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = t.density(energies.data()[i]);
        return to_array(out);
      },
      py::arg("path"), py::arg("energies_MeV"),
      "A tabulated spectrum (Winter et al. 8B, hep) normalised to 1, linearly interpolated "
      "[1/MeV].");

  py::class_<cevns::XenonRun>(m, "XenonRun",
                              "One XENONnT science run: observed counts and expectations "
                              "(events per bin) at nominal multipliers.")
      .def(py::init([](std::string name, const Array &observed, const Array &ac, const Array &er,
                       const Array &neutron, const Array &fold, double sigma_ac) {
             cevns::XenonRun r;
             r.name = std::move(name);
             r.observed = to_vector(observed);
             r.ac = to_vector(ac);
             r.er = to_vector(er);
             r.neutron = to_vector(neutron);
             r.fold = to_vector(fold);
             r.sigma_ac = sigma_ac;
             return r;
           }),
           py::arg("name"), py::arg("observed"), py::arg("ac"), py::arg("er"), py::arg("neutron"),
           py::arg("fold"), py::arg("sigma_ac"))
      .def_readonly("name", &cevns::XenonRun::name)
      .def_readonly("sigma_ac", &cevns::XenonRun::sigma_ac)
      .def_property_readonly("observed",
                             [](const cevns::XenonRun &r) { return to_array(r.observed); });

  py::class_<cevns::XenonChi2, cevns::BinnedChi2, std::shared_ptr<cevns::XenonChi2>>(
      m, "XenonChi2",
      "XENONnT solar 8B extended binned Poisson likelihood (81 bins per science run), "
      "nuisances profiled by projected Newton per (t_ly, t_qy) grid cell (NLopt LN_BOBYQA "
      "where it does not converge).")
      .def(py::init([](std::vector<cevns::XenonRun> runs, std::size_t n_inputs, double sigma_signal,
                       double sigma_b8_flux, double sigma_er, double sigma_neutron,
                       const std::string &morphing) {
             cevns::XenonSigmas s{sigma_signal, sigma_b8_flux, sigma_er, sigma_neutron};
             return cevns::XenonChi2(std::move(runs), n_inputs, s, to_morphing(morphing));
           }),
           py::arg("runs"), py::arg("n_inputs"), py::arg("sigma_signal") = 0.25,
           py::arg("sigma_b8_flux") = 0.0381, py::arg("sigma_er") = 1.0,
           py::arg("sigma_neutron") = 0.58, py::arg("morphing") = "rate_times_shape")
      .def_property_readonly("n_observed", &cevns::XenonChi2::n_observed)
      .def_property_readonly(
          "sigmas",
          [](const cevns::XenonChi2 &self) {
            py::dict d;
            const auto &s = self.sigmas();
            d["eta_signal"] = s.signal;
            d["eta_b8_flux"] = s.b8_flux;
            d["eta_er"] = s.er;
            d["eta_nr"] = s.neutron;
            d["t_ly"] = 1.0;
            d["t_qy"] = 1.0;
            for (const auto &r : self.runs()) d[py::str("eta_ac_" + r.name)] = r.sigma_ac;
            return d;
          },
          "Prior widths by nuisance name (inf: free, 0: fixed).")
      .def(
          "profile_many",
          [](const cevns::XenonChi2 &self, const Array &inputs, int n_threads) {
            const std::size_t n = self.n_bins(), nn = self.nuisance_count();
            if (inputs.ndim() != 2 || static_cast<std::size_t>(inputs.shape(1)) != n)
              throw std::invalid_argument("inputs: expected shape (n_points, " + std::to_string(n) +
                                          ")");
            const auto np_ = static_cast<std::size_t>(inputs.shape(0));
            py::array_t<double> chi2(static_cast<py::ssize_t>(np_));
            py::array_t<double> nuis({static_cast<py::ssize_t>(np_), static_cast<py::ssize_t>(nn)});
            double *c = chi2.mutable_data(), *q = nuis.mutable_data();
            {
              py::gil_scoped_release release;
              self.profile_many(inputs.data(), np_, c, q, n_threads);
            }
            return py::make_tuple(chi2, nuis);
          },
          py::arg("inputs"), py::arg("n_threads") = 0,
          "Profile every row of a (n_points, n_inputs) array (OpenMP).")
      .def_property_readonly("nuisance_names", &cevns::XenonChi2::nuisance_names)
      .def(
          "profile",
          [](const cevns::XenonChi2 &self, const Array &inputs) {
            require_size(inputs, self.n_bins(), "inputs");
            py::gil_scoped_release release;
            return self.profile(inputs.data());
          },
          py::arg("inputs"), "Minimum of chi2 over the nuisances; releases the GIL.")
      .def(
          "profile_fixed",
          [](const cevns::XenonChi2 &self, const Array &inputs, const std::vector<bool> &fixed,
             const std::vector<double> &values) {
            require_size(inputs, self.n_bins(), "inputs");
            py::gil_scoped_release release;
            return self.profile_fixed(inputs.data(), fixed, values);
          },
          py::arg("inputs"), py::arg("fixed"), py::arg("values"),
          "Minimum of chi2 with the flagged nuisances held at the given values.")
      .def(
          "profile_nlopt",
          [](const cevns::XenonChi2 &self, const Array &inputs, const std::vector<bool> &fixed,
             const std::vector<double> &values) {
            require_size(inputs, self.n_bins(), "inputs");
            py::gil_scoped_release release;
            return self.profile_nlopt(inputs.data(), fixed, values);
          },
          py::arg("inputs"), py::arg("fixed"), py::arg("values"),
          "profile_fixed with every free nuisance minimised jointly by NLopt LN_BOBYQA "
          "from `values`: the derivative-free reference of the Newton profile.")
      .def(
          "chi2_at",
          [](const cevns::XenonChi2 &self, const Array &inputs, const Array &nuisances) {
            require_size(inputs, self.n_bins(), "inputs");
            require_size(nuisances, self.nuisance_count(), "nuisances");
            return self.chi2_at(inputs.data(), nuisances.data());
          },
          py::arg("inputs"), py::arg("nuisances"), "chi2 at given nuisances.")
      .def(
          "signal",
          [](const cevns::XenonChi2 &self, const Array &inputs, const Array &nuisances) {
            require_size(inputs, self.n_bins(), "inputs");
            require_size(nuisances, self.nuisance_count(), "nuisances");
            std::vector<double> out(self.n_observed());
            self.signal(inputs.data(), nuisances.data(), out.data());
            return to_array(out);
          },
          py::arg("inputs"), py::arg("nuisances"),
          "The 8B CEvNS expectation per observed bin at given nuisances.");
}

}  // namespace cevns_bind
