// Bindings of the muon g-2 loop function (paper Appendix B, eq. 58-59). Type conversion only.
#include <pybind11/numpy.h>

#include "bindings.hpp"
#include "cevns/gm2.hpp"

namespace py = pybind11;
using namespace cevns;

namespace cevns_bind {

void register_gm2(py::module_& m) {
  py::enum_<BosonType>(m, "GM2Boson", "Lorentz nature of the boson in the g-2 loop (eq. 59).")
      .value("scalar", BosonType::Scalar)
      .value("vector", BosonType::Vector);

  m.def(
      "gm2_loop_integral",
      [](BosonType b, py::array_t<double> mass_MeV) {
        return py::vectorize([b](double M) { return gm2_loop_integral(b, M); })(mass_MeV);
      },
      py::arg("boson"), py::arg("mass_MeV"),
      "Loop integral of eq. (58), int_0^1 Q(x)/(x^2 + (1-x) M^2/m_mu^2) dx, for masses M [MeV] "
      "(any shape). Raises ValueError for M <= 0 or non-finite.");
  m.def(
      "delta_a_mu",
      [](BosonType b, py::array_t<double> mass_MeV, py::array_t<double> coupling) {
        return py::vectorize([b](double M, double g) { return delta_a_mu(b, M, g); })(mass_MeV,
                                                                                      coupling);
      },
      py::arg("boson"), py::arg("mass_MeV"), py::arg("coupling"),
      "delta a_mu = g^2/(8 pi^2) * loop integral (eq. 58) for masses M [MeV] and muon couplings g "
      "(broadcast). Raises ValueError for M <= 0 or non-finite.");
}

}  // namespace cevns_bind
