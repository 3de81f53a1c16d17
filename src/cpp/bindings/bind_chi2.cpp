// pybind11 bindings of cevns/chi2.hpp: the profiled chi2 of eq. (6) (CsI)
// and eq. (7)-(9) (Ar). Only type conversion lives here; numpy arrays of any
// shape are flattened (C order) and must hold n_bins values.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <cevns/chi2.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "bindings.hpp"

namespace py = pybind11;

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

void require_size(const Array &a, std::size_t n, const char *name) {
  if (static_cast<std::size_t>(a.size()) != n) {
    throw std::invalid_argument(std::string(name) + ": expected " + std::to_string(n) +
                                " values, got " + std::to_string(a.size()));
  }
}

std::vector<double> to_vector(const Array &a) {
  return std::vector<double>(a.data(), a.data() + a.size());
}

/// Split a (k, n) array (k*n values, C order) into k vectors of n values.
template <std::size_t K>
std::array<std::vector<double>, K> split_rows(const Array &a, std::size_t n, const char *name) {
  if (static_cast<std::size_t>(a.size()) != K * n || (a.ndim() >= 2 && a.shape(0) != K)) {
    throw std::invalid_argument(std::string(name) + ": expected shape (" + std::to_string(K) +
                                ", " + std::to_string(n) + "), got " + std::to_string(a.size()) +
                                " values");
  }
  std::array<std::vector<double>, K> out;
  for (std::size_t k = 0; k < K; ++k) {
    out[k].assign(a.data() + k * n, a.data() + (k + 1) * n);
  }
  return out;
}

std::array<double, 4> to_sigmas(const Array &a) {
  if (a.size() != 4) {
    throw std::invalid_argument("sigmas: expected 4 values, got " + std::to_string(a.size()));
  }
  return {a.data()[0], a.data()[1], a.data()[2], a.data()[3]};
}

py::array_t<double> to_array(const std::vector<double> &v) {
  py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

template <class Chi2>
cevns::ProfileResult profile(const Chi2 &self, const Array &cevns) {
  require_size(cevns, self.n_bins(), "cevns");
  py::gil_scoped_release release;
  return self.profile(cevns.data());
}

template <class Chi2>
py::tuple profile_many(const Chi2 &self, const Array &cevns, int n_threads) {
  const std::size_t n = self.n_bins();
  if (cevns.ndim() != 2 || static_cast<std::size_t>(cevns.shape(1)) != n) {
    throw std::invalid_argument("cevns: expected a 2-D array of shape (n_points, " +
                                std::to_string(n) + ")");
  }
  const auto n_points = static_cast<std::size_t>(cevns.shape(0));
  py::array_t<double> chi2(static_cast<py::ssize_t>(n_points));
  py::array_t<double> nuis(
      {static_cast<py::ssize_t>(n_points), static_cast<py::ssize_t>(Chi2::n_nuisances)});
  double *c_out = chi2.mutable_data();
  double *n_out = nuis.mutable_data();
  {
    py::gil_scoped_release release;
    self.profile_many(cevns.data(), n_points, c_out, n_out, n_threads);
  }
  return py::make_tuple(chi2, nuis);
}

template <class Chi2>
double chi2_at(const Chi2 &self, const Array &cevns, const Array &nuisances) {
  require_size(cevns, self.n_bins(), "cevns");
  require_size(nuisances, Chi2::n_nuisances, "nuisances");
  return self.chi2_at(cevns.data(), nuisances.data());
}

template <class Chi2, class PyClass>
void add_common(PyClass &cls) {
  cls.def_property_readonly("n_bins", &Chi2::n_bins, "Number of bins.")
      .def_property_readonly_static(
          "nuisance_names", [](const py::object &) { return Chi2::nuisance_names(); },
          "Names of the nuisances, in the order of ProfileResult.nuisances.")
      .def_property_readonly(
          "sigmas",
          [](const Chi2 &self) {
            const auto &s = self.sigmas();
            return py::make_tuple(s[0], s[1], s[2], s[3]);
          },
          "Normalisation uncertainties (fractions); 0 means fixed at 0.")
      .def("profile", &profile<Chi2>, py::arg("cevns"),
           "Minimum of chi2 over the nuisances for the CEvNS prediction "
           "(events per bin); "
           "releases the GIL.")
      .def("profile_many", &profile_many<Chi2>, py::arg("cevns"), py::arg("n_threads") = 0,
           "Profile every row of a (n_points, n_bins) array; returns "
           "(chi2[n_points], "
           "nuisances[n_points, n_nuisances]). Releases the GIL, OpenMP "
           "threads.")
      .def("chi2_at", &chi2_at<Chi2>, py::arg("cevns"), py::arg("nuisances"),
           "chi2 at given nuisances (no profiling).");
}

}  // namespace

namespace cevns_bind {

void register_chi2(pybind11::module_ &m) {
  py::class_<cevns::ProfileResult>(m, "ProfileResult",
                                   "Profiled chi2 (-2 ln L + const) at one model point.")
      .def_readonly("chi2", &cevns::ProfileResult::chi2)
      .def_property_readonly("nuisances",
                             [](const cevns::ProfileResult &r) { return to_array(r.nuisances); })
      .def_readonly("n_eval", &cevns::ProfileResult::n_eval)
      .def_readonly("converged", &cevns::ProfileResult::converged)
      .def("__repr__", [](const cevns::ProfileResult &r) {
        return "ProfileResult(chi2=" + std::to_string(r.chi2) +
               ", n_eval=" + std::to_string(r.n_eval) +
               ", converged=" + (r.converged ? std::string("True") : std::string("False")) + ")";
      });

  // shared ownership: CouplingChi2 and ToyPlane keep the chi2 they were given alive
  py::class_<cevns::BinnedChi2, std::shared_ptr<cevns::BinnedChi2>>(m, "BinnedChi2")
      .def_property_readonly("n_bins", &cevns::BinnedChi2::n_bins)
      .def_property_readonly("nuisance_count", &cevns::BinnedChi2::nuisance_count)
      .def_property_readonly("n_observed", &cevns::BinnedChi2::n_observed,
                             "Number of observed counts (n_bins unless the chi2 folds the "
                             "prediction into other bins).")
      .def(
          "expected",
          [](const cevns::BinnedChi2 &self, const Array &cevns, const Array &nuisances) {
            require_size(cevns, self.n_bins(), "cevns");
            require_size(nuisances, self.nuisance_count(), "nuisances");
            std::vector<double> out(self.n_observed());
            self.expected(cevns.data(), nuisances.data(), out.data());
            return to_array(out);
          },
          py::arg("cevns"), py::arg("nuisances"),
          "Expected counts per bin (CEvNS and every background) at given nuisances.")
      .def(
          "components",
          [](const cevns::BinnedChi2 &self, const Array &cevns, const Array &nuisances) {
            require_size(cevns, self.n_bins(), "cevns");
            require_size(nuisances, self.nuisance_count(), "nuisances");
            py::dict out;
            for (const auto &c : self.components(cevns.data(), nuisances.data()))
              out[py::str(c.first)] = to_array(c.second);
            return out;
          },
          py::arg("cevns"), py::arg("nuisances"),
          "The named components of the expected counts at given nuisances (dict, 'cevns' "
          "first; their sum is expected()).")
      .def(
          "auxiliary_measurements",
          [](const cevns::BinnedChi2 &self) {
            py::list out;
            for (const auto &a : self.auxiliary_measurements())
              out.append(py::make_tuple(a.name, a.doc, to_array(a.values), a.exposure));
            return out;
          },
          "The measurements besides the counts that toys fluctuate: (name, doc, values, "
          "exposure) each; a toy draws Poisson(exposure * mean) / exposure.")
      .def(
          "auxiliary_expected",
          [](const cevns::BinnedChi2 &self, const Array &cevns, const Array &nuisances) {
            require_size(cevns, self.n_bins(), "cevns");
            require_size(nuisances, self.nuisance_count(), "nuisances");
            std::size_t size = 0;
            for (const auto &a : self.auxiliary_measurements()) size += a.values.size();
            std::vector<double> out(size);
            self.auxiliary_expected(cevns.data(), nuisances.data(), out.data());
            return to_array(out);
          },
          py::arg("cevns"), py::arg("nuisances"),
          "Means of the auxiliary measurements at a CEvNS prediction and nuisances "
          "(concatenated): the toys' plug-in truth (e.g. of the SS).")
      .def_property_readonly(
          "constraint_widths",
          [](const cevns::BinnedChi2 &self) { return to_array(self.constraint_widths()); },
          "Width of each nuisance's Gaussian constraint (0: fixed).")
      .def_property_readonly(
          "centres", [](const cevns::BinnedChi2 &self) { return to_array(self.centres()); },
          "Centres of the nuisances' Gaussian constraints (0 for the real data).")
      .def(
          "with_data",
          [](const cevns::BinnedChi2 &self, const Array &observed, const Array &auxiliary,
             const Array &centres) {
            require_size(observed, self.n_observed(), "observed");
            std::size_t size = 0;
            for (const auto &a : self.auxiliary_measurements()) size += a.values.size();
            require_size(auxiliary, size, "auxiliary");
            require_size(centres, self.nuisance_count(), "centres");
            return std::shared_ptr<cevns::BinnedChi2>(
                self.with_data(observed.data(), size ? auxiliary.data() : nullptr, centres.data()));
          },
          py::arg("observed"), py::arg("auxiliary"), py::arg("centres"),
          "A copy for a pseudo-experiment: other observed counts, auxiliary measurements "
          "(concatenated) and constraint centres; the same templates and sigmas.");
  py::class_<cevns::ArChi2, cevns::BinnedChi2, std::shared_ptr<cevns::ArChi2>> ar(
      m, "ArChi2",
      "Ar Gaussian least squares, eq. (7)-(9), nuisances profiled "
      "exactly (normal equations).");
  ar.def(py::init([](const Array &observed, const Array &ss, const Array &prompt_brn,
                     const Array &delayed_brn, const Array &cevns_shape, const Array &brn_shape,
                     const Array &sigmas) {
           const std::size_t n = static_cast<std::size_t>(observed.size());
           return cevns::ArChi2(
               to_vector(observed), to_vector(ss), to_vector(prompt_brn), to_vector(delayed_brn),
               split_rows<cevns::ArChi2::n_cevns_shapes>(cevns_shape, n, "cevns_shape"),
               split_rows<cevns::ArChi2::n_brn_shapes>(brn_shape, n, "brn_shape"),
               to_sigmas(sigmas));
         }),
         py::arg("observed"), py::arg("ss"), py::arg("prompt_brn"), py::arg("delayed_brn"),
         py::arg("cevns_shape"), py::arg("brn_shape"),
         py::arg("sigmas") = std::vector<double>(std::begin(cevns::ar_normalisation_sigmas),
                                                 std::end(cevns::ar_normalisation_sigmas)));
  add_common<cevns::ArChi2>(ar);

  py::class_<cevns::CsiChi2, cevns::BinnedChi2, std::shared_ptr<cevns::CsiChi2>> csi(
      m, "CsiChi2",
      "CsI Poisson (Baker-Cousins) chi2, eq. (6), nuisances "
      "profiled with Newton steps + NLopt LD_LBFGS.");
  csi.def(py::init([](const Array &observed, const Array &brn, const Array &nin, const Array &ss,
                      const Array &sigmas, const std::string &ss_model,
                      const std::vector<double> &time_widths, double ac_exposure) {
            cevns::CsiSsModel model;
            if (ss_model == "measured") {
              model.kind = cevns::CsiSsModel::Kind::measured;
              model.time_widths = time_widths;
              model.ac_exposure = ac_exposure;
            } else if (ss_model != "paper") {
              throw py::value_error("ss_model: '" + ss_model +
                                    "' is not accepted; expected one of: paper, measured");
            }
            return cevns::CsiChi2(to_vector(observed), to_vector(brn), to_vector(nin),
                                  to_vector(ss), to_sigmas(sigmas), std::move(model));
          }),
          py::arg("observed"), py::arg("brn"), py::arg("nin"), py::arg("ss"),
          py::arg("sigmas") = std::vector<double>(std::begin(cevns::csi_normalisation_sigmas),
                                                  std::end(cevns::csi_normalisation_sigmas)),
          py::arg("ss_model") = "paper", py::arg("time_widths") = std::vector<double>{},
          py::arg("ac_exposure") = 1.0);
  csi.def_property_readonly(
      "ss_model",
      [](const cevns::CsiChi2 &self) {
        return self.ss_model().kind == cevns::CsiSsModel::Kind::measured ? "measured" : "paper";
      },
      "The steady-state model: paper (eq. 6) or measured (joint C + AC likelihood).");
  csi.def_property_readonly(
      "ss_time_weights",
      [](const cevns::CsiChi2 &self) { return to_array(self.ss_model().time_widths); },
      "measured model: the SS time distribution's weight per time bin (empty for paper).");
  csi.def(
      "ss_rates",
      [](const cevns::CsiChi2 &self, const Array &cevns, const Array &nuisances) {
        require_size(cevns, self.n_bins(), "cevns");
        require_size(nuisances, cevns::CsiChi2::n_nuisances, "nuisances");
        return to_array(self.ss_rates(cevns.data(), nuisances.data()));
      },
      py::arg("cevns"), py::arg("nuisances"),
      "measured model: SS rate per PE row (events in the C window) profiled at the "
      "nuisances; paper: empty.");
  add_common<cevns::CsiChi2>(csi);
  csi.def(
      "gradient",
      [](const cevns::CsiChi2 &self, const Array &cevns, const Array &nuisances) {
        require_size(cevns, self.n_bins(), "cevns");
        require_size(nuisances, cevns::CsiChi2::n_nuisances, "nuisances");
        std::vector<double> g(cevns::CsiChi2::n_nuisances);
        self.gradient(cevns.data(), nuisances.data(), g.data());
        return to_array(g);
      },
      py::arg("cevns"), py::arg("nuisances"), "Analytic d chi2 / d eta of eq. (6).");
}

}  // namespace cevns_bind
