#pragma once
#include <pybind11/pybind11.h>

namespace cevns_bind {
void register_physics(pybind11::module_& m);     // bind_physics.cpp
void register_rate(pybind11::module_& m);        // bind_rate.cpp
void register_chi2(pybind11::module_& m);        // bind_chi2.cpp
void register_scan(pybind11::module_& m);        // bind_scan.cpp
void register_gm2(pybind11::module_& m);         // bind_gm2.cpp
void register_experiment(pybind11::module_& m);  // bind_experiment.cpp
void register_toys(pybind11::module_& m);        // bind_toys.cpp
void register_xenon(pybind11::module_& m);       // bind_xenon.cpp
}  // namespace cevns_bind
