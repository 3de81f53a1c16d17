#pragma once
/// \file nuisances.hpp
/// The nuisance parameters of each experiment's chi2, defined once: names (the
/// order of ProfileResult::nuisances), prior widths and the paper's equation.
/// Normalisation nuisances eta_z are fractional shifts with a Gaussian prior of
/// width sigma_z (eq. 6 for CsI, eq. 7 for Ar); the Ar shape nuisances eps_zl of
/// eq. (9) are in units of their 1-sigma template (width 1). A width of 0 fixes
/// the nuisance at 0.
#include <array>
#include <string>
#include <vector>

namespace cevns {

/// eq. (6) normalisation uncertainties (fractions): CEvNS, BRN, NIN, SS.
inline constexpr std::array<double, 4> csi_normalisation_sigmas{0.12, 0.25, 0.35, 0.021};
/// eq. (7) normalisation uncertainties (fractions): CEvNS, SS, prompt BRN, delayed BRN.
inline constexpr std::array<double, 4> ar_normalisation_sigmas{0.13, 0.0079, 0.32, 1.0};

/// One nuisance parameter of an experiment's chi2.
struct NuisanceSpec {
  std::string name;      ///< e.g. "eta_cevns", "eps_brn_energy"
  std::string kind;      ///< "normalisation" (eta, a fraction) or "shape" (eps, in sigma units)
  double sigma = 1.0;    ///< prior width (fraction for eta; 1 for eps)
  std::string equation;  ///< where the paper defines it, e.g. "eq. (6)"
  std::string doc;       ///< one line
};

/// The nuisances of "csi2021" or "ar2020", in the order of ProfileResult::nuisances.
/// \throws std::invalid_argument on an unknown experiment
std::vector<NuisanceSpec> nuisance_table(const std::string& experiment);

}  // namespace cevns
