// pybind11 entry point: one register_* function per area of the core, as in
// boost-histogram. Only type conversion lives in the bindings.
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "cevns/version.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "cevns C++ core: form factors, kinetic mixing, binned rates, profiled chi2";
  m.attr("__version__") = cevns::version();  // the compiled core's: never stale
  cevns_bind::register_physics(m);
  cevns_bind::register_rate(m);
  cevns_bind::register_chi2(m);
  cevns_bind::register_scan(m);
  cevns_bind::register_gm2(m);
  cevns_bind::register_experiment(m);
  cevns_bind::register_toys(m);
  cevns_bind::register_xenon(m);
}
