#pragma once
// Private helper of the core (not installed): the refinement of the local minima
// of a coupling sweep, one rule for the data (CouplingChi2::profile) and the toys.
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "cevns/scan.hpp"

namespace cevns::detail {

/// The refined local minima of chi2(g) sampled on an ascending grid (values f):
/// every interior sample that is a local minimum is bracketed by its neighbours
/// (in ln g; a neighbour g = 0 is replaced by ln g_i - 0.25), the bracket is
/// sampled at its two midpoints, so that two valleys closer than the grid's
/// spacing are told apart, and Brent's method runs from the lowest sample of
/// every local minimum of those five points (brent_minimize_from: it never ends
/// above that sample, nor leaves its valley for a higher one).
/// \param at_lng  chi2 at ln g
/// \param tol     Brent's absolute tolerance in ln g
/// \param refine  where given, refine(lo, x, fx, hi) first: a minimum (ln g, chi2) of
///                the valley of x in (lo, hi) no higher than fx, or chi2 NaN to leave it
///                to Brent (the toys' Newton search with the curve's derivatives)
/// \return the minima (g, chi2), in ascending g per bracket
template <class F, class R = std::nullptr_t>
std::vector<CouplingPoint> refined_minima(F&& at_lng, const std::vector<double>& grid,
                                          const std::vector<double>& f, double tol,
                                          R&& refine = nullptr) {
  std::vector<CouplingPoint> out;
  for (std::size_t i = 1; i + 1 < grid.size(); ++i) {
    if (!(f[i] <= f[i - 1] && f[i] <= f[i + 1])) continue;
    const double mid = std::log(grid[i]);
    const double lo = grid[i - 1] > 0.0 ? std::log(grid[i - 1]) : mid - 0.25;
    const double hi = std::log(grid[i + 1]);
    const double x[5] = {lo, 0.5 * (lo + mid), mid, 0.5 * (mid + hi), hi};
    const double v[5] = {f[i - 1], at_lng(x[1]), f[i], at_lng(x[3]), f[i + 1]};
    for (int k = 1; k <= 3; ++k) {
      if (!(v[k] <= v[k - 1] && v[k] <= v[k + 1])) continue;
      CouplingPoint m{0.0, std::nan("")};
      if constexpr (!std::is_same_v<std::decay_t<R>, std::nullptr_t>)
        m = refine(x[k - 1], x[k], v[k], x[k + 1]);
      if (std::isnan(m.chi2)) m = brent_minimize_from(at_lng, x[k - 1], x[k], v[k], x[k + 1], tol);
      out.push_back({std::exp(m.g), m.chi2});
    }
  }
  return out;
}

}  // namespace cevns::detail
