// The nuisance table of each experiment (cevns/nuisances.hpp): names from the
// chi2 classes, widths from the constants of nuisances.hpp.
#include "cevns/nuisances.hpp"

#include <stdexcept>

#include "cevns/chi2.hpp"

namespace cevns {

namespace {

std::vector<NuisanceSpec> table(const std::vector<std::string>& names,
                                const std::array<double, 4>& sigmas,
                                const std::array<const char*, 4>& what, const char* norm_eq,
                                const char* shape_eq) {
  std::vector<NuisanceSpec> out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i < sigmas.size())
      out.push_back({names[i], "normalisation", sigmas[i], norm_eq,
                     std::string("normalisation of the ") + what[i] + " events"});
    else
      out.push_back({names[i], "shape", 1.0, shape_eq,
                     "shape shift in units of its 1-sigma template (" + names[i].substr(4) + ")"});
  }
  return out;
}

}  // namespace

std::vector<NuisanceSpec> nuisance_table(const std::string& experiment) {
  if (experiment == "csi2021")
    return table(CsiChi2::nuisance_names(), csi_normalisation_sigmas,
                 {"CEvNS", "beam-related neutron", "neutrino-induced neutron", "steady-state"},
                 "eq. (6)", "");
  if (experiment == "ar2020")
    return table(
        ArChi2::nuisance_names(), ar_normalisation_sigmas,
        {"CEvNS", "steady-state", "prompt beam-related neutron", "delayed beam-related neutron"},
        "eq. (7)", "eq. (9)");
  throw std::invalid_argument("unknown experiment '" + experiment + "'; accepted: csi2021, ar2020");
}

}  // namespace cevns
