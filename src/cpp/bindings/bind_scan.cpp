// Bindings of the coupling-scan engine (scan.hpp).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>

#include "bindings.hpp"
#include "cevns/scan.hpp"

namespace py = pybind11;
using namespace cevns;

namespace cevns_bind {

namespace {
using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::vector<double> flat(const Array& a) {
  return std::vector<double>(a.data(), a.data() + a.size());
}

py::array_t<double> minima_array(const CouplingProfile& p) {
  py::array_t<double> out({p.minima.size(), std::size_t(2)});
  auto o = out.mutable_unchecked<2>();
  for (std::size_t i = 0; i < p.minima.size(); ++i) {
    o(i, 0) = p.minima[i].g;
    o(i, 1) = p.minima[i].chi2;
  }
  return out;
}
}  // namespace

void register_scan(py::module_& m) {
  py::class_<CouplingProfile>(m, "CouplingProfile")
      .def_property_readonly(
          "g", [](const CouplingProfile& p) { return py::array_t<double>(p.g.size(), p.g.data()); })
      .def_property_readonly("chi2",
                             [](const CouplingProfile& p) {
                               return py::array_t<double>(p.chi2.size(), p.chi2.data());
                             })
      .def_property_readonly("minima", &minima_array, "refined local minima, rows (g, chi2)")
      .def("best", [](const CouplingProfile& p) {
        const CouplingPoint b = p.best();
        return py::make_tuple(b.g, b.chi2);
      });

  py::class_<CouplingChi2>(m, "CouplingChi2",
                           "Profiled chi2(g) of one model at one mass, summed over data sets.")
      .def(py::init<>())
      .def(
          "add",
          [](CouplingChi2& self, const std::shared_ptr<BinnedChi2>& chi2, const Array& n0,
             const Array& n1, const Array& n2) {
            self.add(chi2, Templates{flat(n0), flat(n1), flat(n2)});
          },
          py::arg("chi2"), py::arg("n0"), py::arg("n1"), py::arg("n2"))
      .def("__call__", &CouplingChi2::operator(), py::arg("g"),
           py::call_guard<py::gil_scoped_release>())
      .def("profile", &CouplingChi2::profile, py::arg("grid"),
           py::call_guard<py::gil_scoped_release>())
      .def(
          "allowed",
          [](const CouplingChi2& self, const CouplingProfile& p, double level) {
            return self.allowed(p, level);
          },
          py::arg("profile"), py::arg("level"), py::call_guard<py::gil_scoped_release>());

  m.def(
      "coupling_chi2_per_mass",
      [](const py::list& experiments, MediatorKind kind, const Charges& charges,
         const std::vector<double>& masses, const py::object& params) {
        std::vector<const Experiment*> exps;
        for (const auto& e : experiments) exps.push_back(e.cast<const Experiment*>());
        const PhysicsParameters* p =
            params.is_none() ? nullptr : params.cast<const PhysicsParameters*>();
        std::vector<CouplingChi2> per_mass;
        {
          py::gil_scoped_release release;
          per_mass = coupling_chi2_per_mass(exps, kind, charges, masses, p);
        }
        py::list out;  // each shares the experiments' chi2 (no keep-alive needed)
        for (auto& c : per_mass) out.append(py::cast(std::move(c)));
        return out;
      },
      py::arg("experiments"), py::arg("kind"), py::arg("charges"), py::arg("masses_MeV"),
      py::arg("params") = py::none(),
      "chi2(g) of a model (kind, charges) at every mass, summed over the experiments "
      "(on top of PhysicsParameters `params`, if given).");
  m.def("profile_many", &profile_many, py::arg("per_mass"), py::arg("grids"),
        py::arg("n_threads") = 0, py::call_guard<py::gil_scoped_release>(),
        "Coupling profiles of many masses (OpenMP over masses).");
  m.def(
      "plane_minimum",
      [](const py::list& experiments, MediatorKind kind, const Charges& charges,
         const std::vector<double>& masses, const std::vector<std::vector<double>>& grids,
         std::size_t stride, const std::vector<CouplingProfile>& coarse, const py::object& params,
         int n_threads) {
        std::vector<const Experiment*> exps;
        for (const auto& e : experiments) exps.push_back(e.cast<const Experiment*>());
        const PhysicsParameters* p =
            params.is_none() ? nullptr : params.cast<const PhysicsParameters*>();
        PlanePoint b;
        {
          py::gil_scoped_release release;
          b = plane_minimum(exps, kind, charges, masses, grids, stride, coarse, p, n_threads);
        }
        return py::make_tuple(b.mass_MeV, b.g, b.chi2);
      },
      py::arg("experiments"), py::arg("kind"), py::arg("charges"), py::arg("masses_MeV"),
      py::arg("grids"), py::arg("stride"), py::arg("coarse") = std::vector<CouplingProfile>{},
      py::arg("params") = py::none(), py::arg("n_threads") = 0,
      "Minimum (mass_MeV, g, chi2) of the data's chi2 over the (M, g) plane: coarse pass over "
      "every stride-th mass (profiles `coarse` if given), then descent along the full mass "
      "grid (refined_mass_minimum, the toys' rule).");
  m.def("allowed_many", &allowed_many, py::arg("per_mass"), py::arg("profiles"), py::arg("level"),
        py::arg("n_threads") = 0, py::call_guard<py::gil_scoped_release>(),
        "Allowed intervals of many masses at one chi2 level.");
}

}  // namespace cevns_bind
