/// \file toys.cpp
/// \brief Test statistics of pseudo-experiments (toys.hpp).
#include "cevns/toys.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "cevns/scan.hpp"  // refined_mass_minimum, with_cancellation_seeds/_band
#include "coupling_minima.hpp"
#include "sweep_start.hpp"
#include "threads.hpp"

namespace cevns {
namespace {

void check_templates(const std::vector<Templates> &t,
                     const std::vector<std::shared_ptr<const BinnedChi2>> &c, const char *what) {
  if (t.size() != c.size())
    throw std::invalid_argument(std::string(what) + ": one set of templates per data set needed");
  for (std::size_t d = 0; d < t.size(); ++d) {
    const std::size_t n = c[d]->n_bins();
    if (t[d].n0.size() != n || t[d].n1.size() != n || t[d].n2.size() != n)
      throw std::invalid_argument(std::string(what) + ": templates of data set " +
                                  std::to_string(d) + " must have n_bins values each");
  }
}

void check_grid(const std::vector<double> &g, const char *what) {
  if (g.size() < 3) throw std::invalid_argument(std::string(what) + ": need >= 3 couplings");
  for (std::size_t i = 0; i < g.size(); ++i)
    if (!std::isfinite(g[i]) || g[i] < 0.0 || (i > 0 && !(g[i] > g[i - 1])))
      throw std::invalid_argument(std::string(what) + ": grid must be ascending with g >= 0");
}

/// chi2(g) of a toy at one mass, summed over the data sets: each data set's
/// coupling curve (BinnedChi2::curve) of the toy's chi2 and the mass's templates,
/// both by reference (no copies per toy).
class ToyCurve {
 public:
  ToyCurve(const std::vector<std::unique_ptr<BinnedChi2>> &chi2, const std::vector<Templates> &t) {
    curves_.reserve(chi2.size());
    for (std::size_t d = 0; d < chi2.size(); ++d)
      curves_.push_back(chi2[d]->curve(t[d].n0.data(), t[d].n1.data(), t[d].n2.data()));
  }

  /// chi2 at g (>= 0), every data set profiled from the default start, or, with
  /// `start` (one vector per data set, empty: the default), from those nuisances,
  /// which then become the optima (emptied where chi2 is not finite).
  double operator()(double g, std::vector<std::vector<double>> *start = nullptr) const {
    double total = 0.0;
    for (std::size_t d = 0; d < curves_.size(); ++d) {
      if (start == nullptr) {
        total += curves_[d]->at(g, nullptr).chi2;
        continue;
      }
      std::vector<double> &s = (*start)[d];
      ProfileResult r = curves_[d]->at(g, s.empty() ? nullptr : s.data());
      total += r.chi2;
      if (std::isfinite(r.chi2)) {
        s = std::move(r.nuisances);
      } else {
        s.clear();
      }
    }
    return total;
  }
  /// chi2 at g started from `chain`, which moves to the optima where they are finite.
  double warm(double g, std::vector<std::vector<double>> &chain) const {
    std::vector<std::vector<double>> nuisances = chain;
    const double v = (*this)(g, &nuisances);
    for (std::size_t d = 0; d < nuisances.size(); ++d)
      if (!nuisances[d].empty()) chain[d] = std::move(nuisances[d]);
    return v;
  }
  std::size_t n_datasets() const { return curves_.size(); }

 private:
  std::vector<std::unique_ptr<CouplingCurve>> curves_;
};

/// Minimum of chi2(g) over a grid with every interior local minimum refined
/// by Brent's method in log g (tolerance 1e-7), as CouplingChi2::profile (and
/// so scan.global_minimum) does for the data (detail::refined_minima), with warm starts: the
/// sweep's profiles start from the optima before them (detail::SweepStart), the
/// refinement's from the last one's.
double grid_minimum(const ToyCurve &c, const std::vector<double> &grid) {
  const std::size_t nd = c.n_datasets();
  std::vector<double> f(grid.size());
  double best = std::numeric_limits<double>::infinity();
  std::vector<detail::SweepStart> starts(nd);
  std::vector<std::vector<std::vector<double>>> optima(grid.size());
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const double lng = std::log(grid[i]);
    std::vector<std::vector<double>> &nuisances = optima[i];
    nuisances.resize(nd);
    for (std::size_t d = 0; d < nd; ++d) nuisances[d] = starts[d].at(lng);
    f[i] = c(grid[i], &nuisances);
    for (std::size_t d = 0; d < nd; ++d)
      if (!nuisances[d].empty()) starts[d].record(lng, nuisances[d]);
    best = std::min(best, f[i]);
  }
  for (std::size_t i = 1; i + 1 < grid.size(); ++i) {
    if (!(f[i] <= f[i - 1] && f[i] <= f[i + 1])) continue;
    // refined_minima over the bracket of sample i alone, warm-started from its optima
    std::vector<std::vector<double>> chain = optima[i];
    auto fl = [&c, &chain](double lg) { return c.warm(std::exp(lg), chain); };
    const std::vector<double> g3(grid.begin() + (i - 1), grid.begin() + (i + 2));
    const std::vector<double> f3(f.begin() + (i - 1), f.begin() + (i + 2));
    for (const CouplingPoint &m : detail::refined_minima(fl, g3, f3, 1e-7))
      best = std::min(best, m.chi2);
  }
  return best;
}

}  // namespace

ToyPlane::ToyPlane(std::vector<std::shared_ptr<const BinnedChi2>> chi2s,
                   std::vector<std::vector<Templates>> templates,
                   std::vector<std::vector<double>> grids, std::size_t coarse_stride,
                   bool cancellation_seeds, double band_per_decade)
    : chi2s_(std::move(chi2s)),
      templates_(std::move(templates)),
      grids_(std::move(grids)),
      stride_(coarse_stride),
      seeds_(cancellation_seeds),
      band_(band_per_decade) {
  if (chi2s_.empty()) throw std::invalid_argument("ToyPlane: no data sets");
  if (!std::isfinite(band_) || band_ < 0.0)
    throw std::invalid_argument("ToyPlane: band_per_decade must be finite and >= 0");
  if (stride_ < 1) throw std::invalid_argument("ToyPlane: coarse_stride must be >= 1");
  for (const auto &c : chi2s_) {
    if (!c) throw std::invalid_argument("ToyPlane: null chi2");
    std::size_t size = 0;
    for (const AuxiliaryMeasurement &a : c->auxiliary_measurements()) size += a.values.size();
    auxiliary_sizes_.push_back(size);
  }
  if (grids_.size() != templates_.size())
    throw std::invalid_argument("ToyPlane: one coupling grid per mass needed");
  for (std::size_t m = 0; m < templates_.size(); ++m) {
    check_templates(templates_[m], chi2s_, "ToyPlane");
    check_grid(grids_[m], "ToyPlane");
    grids_[m] = search_grid(std::move(grids_[m]), templates_[m]);
  }
}

std::vector<double> ToyPlane::search_grid(std::vector<double> grid,
                                          const std::vector<Templates> &t) const {
  if (seeds_) grid = with_cancellation_seeds(std::move(grid), t);
  if (band_ > 0.0) grid = with_cancellation_band(std::move(grid), t, band_);
  return grid;
}

ToyStatistic ToyPlane::evaluate(const std::vector<ToyData> &toy,
                                const std::vector<Templates> &tested,
                                const std::vector<double> &tested_grid, double g,
                                bool plane) const {
  if (toy.size() != chi2s_.size())
    throw std::invalid_argument("ToyPlane::evaluate: one ToyData per data set needed");
  check_templates(tested, chi2s_, "ToyPlane::evaluate");
  check_grid(tested_grid, "ToyPlane::evaluate");
  if (!std::isfinite(g) || g < 0.0)
    throw std::invalid_argument("ToyPlane::evaluate: coupling must be finite and >= 0");
  // the toy's chi2 per data set: the data set's templates with the toy's data
  std::vector<std::unique_ptr<BinnedChi2>> own;
  own.reserve(chi2s_.size());
  for (std::size_t d = 0; d < chi2s_.size(); ++d) {
    const std::size_t n = chi2s_[d]->n_observed();
    if (toy[d].observed.size() != n || toy[d].auxiliary.size() != auxiliary_sizes_[d] ||
        toy[d].centres.size() != chi2s_[d]->nuisance_count())
      throw std::invalid_argument("ToyPlane::evaluate: toy data of data set " + std::to_string(d) +
                                  " has the wrong size");
    own.push_back(chi2s_[d]->with_data(toy[d].observed.data(),
                                       toy[d].auxiliary.empty() ? nullptr : toy[d].auxiliary.data(),
                                       toy[d].centres.data()));
  }
  ToyStatistic out;
  const ToyCurve at_mass(own, tested);
  out.chi2_point = at_mass(g);
  // the tested point itself bounds the minima from above (it may lie between
  // grid points, below every refined minimum)
  const double at_grid = grid_minimum(at_mass, search_grid(tested_grid, tested));
  out.chi2_mass_min = std::min(at_grid, out.chi2_point);
  if (!plane) {
    out.chi2_plane_min = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  out.chi2_plane_min = std::min(out.chi2_mass_min, plane_minimum(own));
  return out;
}

double ToyPlane::plane_minimum(const std::vector<std::unique_ptr<BinnedChi2>> &own) const {
  // the data's rule (scan.hpp, refined_mass_minimum): coarse pass, then descent in mass
  const auto at = [&](std::size_t m) {
    return grid_minimum(ToyCurve(own, templates_[m]), grids_[m]);
  };
  return refined_mass_minimum(templates_.size(), stride_, at).value;
}

std::vector<ToyStatistic> ToyPlane::evaluate_many(const std::vector<std::vector<ToyData>> &toys,
                                                  const std::vector<Templates> &tested,
                                                  const std::vector<double> &tested_grid, double g,
                                                  bool plane, int n_threads) const {
  std::vector<ToyStatistic> out(toys.size());
  detail::parallel_for(
      static_cast<long long>(toys.size()), n_threads, "ToyPlane: ", [&](long long k) {
        out[static_cast<std::size_t>(k)] =
            evaluate(toys[static_cast<std::size_t>(k)], tested, tested_grid, g, plane);
      });
  return out;
}

}  // namespace cevns
