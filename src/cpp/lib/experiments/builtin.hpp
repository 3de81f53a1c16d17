#pragma once
// The built-in experiment definitions (not installed): one function per file of
// src/cpp/lib/experiments/, registered in this order before the first lookup.
// Adding an experiment: write experiments/<name>.cpp and add its line here.
#include <utility>
#include <vector>

#include "cevns/experiment.hpp"

namespace cevns::detail {

ExperimentDefinition csi2021_definition();  // experiments/csi2021.cpp
ExperimentDefinition ar2020_definition();   // experiments/ar2020.cpp
/// xenonnt, xenonnt_sr0, xenonnt_sr1, xenonnt_sr2 (experiments/xenonnt.cpp)
std::vector<ExperimentDefinition> xenonnt_definitions();

/// The built-in definitions, in registry order.
inline std::vector<ExperimentDefinition> builtin_experiments() {
  std::vector<ExperimentDefinition> out{csi2021_definition(), ar2020_definition()};
  for (ExperimentDefinition& d : xenonnt_definitions()) out.push_back(std::move(d));
  return out;
}

}  // namespace cevns::detail
