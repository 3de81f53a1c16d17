#include "cevns/scan.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

#include "coupling_minima.hpp"
#include "sweep_start.hpp"
#include "threads.hpp"

namespace cevns {
namespace {

/// Lower end, in ln g, of the bracket [left, right] around the sample at g_mid:
/// ln(left), or just below ln(g_mid) when left is g = 0.
double log_bracket_lo(double left, double g_mid) {
  return left > 0.0 ? std::log(left) : std::log(g_mid) - 0.25;
}

/// `grid` with `extra` couplings merged in (ascending, no duplicates).
std::vector<double> merged(std::vector<double> grid, const std::vector<double>& extra) {
  if (extra.empty()) return grid;
  grid.insert(grid.end(), extra.begin(), extra.end());
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  return grid;
}

}  // namespace

CouplingPoint CouplingProfile::best() const {
  CouplingPoint b{0.0, std::numeric_limits<double>::infinity()};
  for (std::size_t i = 0; i < g.size(); ++i)
    if (chi2[i] < b.chi2) b = {g[i], chi2[i]};
  for (const auto& m : minima)
    if (m.chi2 < b.chi2) b = m;
  return b;
}

void CouplingChi2::add(std::shared_ptr<const BinnedChi2> chi2, const Templates& t) {
  if (!chi2) throw std::invalid_argument("CouplingChi2::add: null chi2");
  const std::size_t n = chi2->n_bins();
  if (t.n0.size() != n || t.n1.size() != n || t.n2.size() != n)
    throw std::invalid_argument("CouplingChi2::add: templates must have n_bins values each");
  terms_.push_back({std::move(chi2), t});
}

double CouplingChi2::operator()(double g) const { return evaluate(g, nullptr); }

double CouplingChi2::evaluate(double g, std::vector<std::vector<double>>* nuisances) const {
  if (!std::isfinite(g) || g < 0.0)
    throw std::invalid_argument("CouplingChi2: coupling must be finite and >= 0");
  const double g2 = g * g, g4 = g2 * g2;
  double total = 0.0;
  std::vector<double> pred;
  for (std::size_t k = 0; k < terms_.size(); ++k) {
    const Term& term = terms_[k];
    const std::size_t n = term.t.n0.size();
    pred.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      // N0 + g^2 N1 + g^4 N2 is a sum of squares (>= 0): negatives are round-off
      const double v = term.t.n0[i] + g2 * term.t.n1[i] + g4 * term.t.n2[i];
      pred[i] = v > 0.0 ? v : 0.0;
    }
    if (nuisances == nullptr) {
      total += term.chi2->profile(pred.data()).chi2;
      continue;
    }
    std::vector<double>& start = (*nuisances)[k];
    ProfileResult r = term.chi2->profile_from(pred.data(), start.empty() ? nullptr : start.data());
    total += r.chi2;
    if (std::isfinite(r.chi2)) {
      start = std::move(r.nuisances);
    } else {
      start.clear();
    }
  }
  return total;
}

CouplingProfile CouplingChi2::profile(const std::vector<double>& grid) const {
  if (grid.size() < 3) throw std::invalid_argument("CouplingChi2::profile: need >= 3 couplings");
  for (std::size_t i = 0; i < grid.size(); ++i) {
    if (!std::isfinite(grid[i]) || grid[i] < 0.0 || (i > 0 && !(grid[i] > grid[i - 1])))
      throw std::invalid_argument("CouplingChi2::profile: grid must be ascending with g >= 0");
  }
  CouplingProfile p;
  p.g = grid;
  p.chi2.resize(grid.size());
  // sweep the grid warm-starting each profile from the optima before it
  std::vector<detail::SweepStart> starts(terms_.size());
  std::vector<std::vector<double>> nuisances(terms_.size());
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const double lng = std::log(grid[i]);
    for (std::size_t k = 0; k < terms_.size(); ++k) nuisances[k] = starts[k].at(lng, lng);
    p.chi2[i] = evaluate(grid[i], &nuisances);
    for (std::size_t k = 0; k < terms_.size(); ++k)
      if (!nuisances[k].empty()) starts[k].record(lng, lng, std::move(nuisances[k]));
  }
  // Refine each interior local minimum in log g: thin allowed strips (a
  // cancellation of the weak charge) can be far narrower than the grid. (From
  // the default start: warm starts move the minimum's g within Brent's
  // tolerance, and the frozen references with it.)
  auto f = [this](double lg) { return (*this)(std::exp(lg)); };
  p.minima = detail::refined_minima(f, grid, p.chi2, 1e-7);
  return p;
}

std::vector<Interval> CouplingChi2::allowed(const CouplingProfile& prof, double level) const {
  // merge the grid and the refined minima in g order
  std::vector<CouplingPoint> pts;
  pts.reserve(prof.g.size() + prof.minima.size());
  for (std::size_t i = 0; i < prof.g.size(); ++i) pts.push_back({prof.g[i], prof.chi2[i]});
  pts.insert(pts.end(), prof.minima.begin(), prof.minima.end());
  const auto by_g = [](const CouplingPoint& a, const CouplingPoint& b) { return a.g < b.g; };
  std::sort(pts.begin(), pts.end(), by_g);
  // A ridge between two allowed regions can peak above the level between
  // samples that are all below it (Ar, universal, low mass: 0.01 above the
  // level): refine every local maximum inside a run of allowed samples, so that
  // the regions do not depend on the grid.
  std::vector<CouplingPoint> ridges;
  for (std::size_t k = 1; k + 1 < pts.size(); ++k) {
    const CouplingPoint &a = pts[k - 1], &m = pts[k], &b = pts[k + 1];
    if (!(a.chi2 <= level && m.chi2 <= level && b.chi2 <= level)) continue;
    if (!(m.chi2 >= a.chi2 && m.chi2 >= b.chi2)) continue;
    const double lo = log_bracket_lo(a.g, m.g);
    auto neg = [this](double lg) { return -(*this)(std::exp(lg)); };
    const CouplingPoint r = brent_minimize(neg, lo, std::log(b.g), 1e-7);
    if (-r.chi2 > level) ridges.push_back({std::exp(r.g), -r.chi2});
  }
  if (!ridges.empty()) {
    pts.insert(pts.end(), ridges.begin(), ridges.end());
    std::sort(pts.begin(), pts.end(), by_g);
  }
  auto f = [this, level](double g) { return (*this)(g)-level; };
  auto edge = [&](const CouplingPoint& a, const CouplingPoint& b) {
    return brent_root(f, a.g, b.g, a.chi2 - level, b.chi2 - level, 1e-10 * b.g);
  };
  std::vector<Interval> out;
  std::size_t i = 0;
  while (i < pts.size()) {
    if (!(pts[i].chi2 <= level)) {
      ++i;
      continue;
    }
    const double lo = i == 0 ? pts[0].g : edge(pts[i - 1], pts[i]);
    std::size_t j = i;
    while (j + 1 < pts.size() && pts[j + 1].chi2 <= level) ++j;
    const double hi =
        j + 1 < pts.size() ? edge(pts[j], pts[j + 1]) : std::numeric_limits<double>::infinity();
    out.emplace_back(lo, hi);
    i = j + 1;
  }
  return out;
}

std::vector<CouplingChi2> coupling_chi2_per_mass(const std::vector<const Experiment*>& experiments,
                                                 MediatorKind kind, const Charges& charges,
                                                 const std::vector<double>& masses_MeV,
                                                 const PhysicsParameters* params) {
  if (experiments.empty()) throw std::invalid_argument("coupling_chi2_per_mass: no experiments");
  std::vector<CouplingChi2> out(masses_MeV.size());
  for (const Experiment* e : experiments) {
    if (e == nullptr) throw std::invalid_argument("coupling_chi2_per_mass: null experiment");
    const std::vector<Templates> t =
        params == nullptr ? e->rate().templates_for_masses(kind, charges, masses_MeV)
                          : e->rate().templates_for_masses(kind, charges, masses_MeV, *params);
    for (std::size_t i = 0; i < t.size(); ++i) out[i].add(e->chi2_ptr(), t[i]);
  }
  return out;
}

std::vector<CouplingProfile> profile_many(const std::vector<CouplingChi2>& per_mass,
                                          const std::vector<std::vector<double>>& grids,
                                          int n_threads) {
  if (grids.size() != per_mass.size())
    throw std::invalid_argument("profile_many: one grid per mass needed");
  std::vector<CouplingProfile> out(per_mass.size());
  detail::parallel_for(static_cast<long long>(per_mass.size()), n_threads, "", [&](long long k) {
    out[static_cast<std::size_t>(k)] = per_mass[k].profile(grids[k]);
  });
  return out;
}

std::vector<std::vector<Interval>> allowed_many(const std::vector<CouplingChi2>& per_mass,
                                                const std::vector<CouplingProfile>& profiles,
                                                double level, int n_threads) {
  if (profiles.size() != per_mass.size())
    throw std::invalid_argument("allowed_many: one profile per mass needed");
  std::vector<std::vector<Interval>> out(per_mass.size());
  detail::parallel_for(static_cast<long long>(per_mass.size()), n_threads, "", [&](long long k) {
    out[static_cast<std::size_t>(k)] = per_mass[k].allowed(profiles[k], level);
  });
  return out;
}

std::vector<double> with_cancellation_seeds(std::vector<double> grid,
                                            const std::vector<Templates>& templates) {
  std::vector<double> seeds;
  const auto seed = [&seeds](double s1, double s2) {
    if (!(s1 < 0.0 && s2 > 0.0)) return;
    const double gf = std::sqrt(-s1 / s2);
    if (!std::isfinite(gf) || !(gf > 0.0)) return;
    for (double f : {0.99, 1.0, 1.01}) seeds.push_back(gf * f);
  };
  double t1 = 0.0, t2 = 0.0;
  for (const Templates& t : templates) {
    double s1 = 0.0, s2 = 0.0;
    for (double v : t.n1) s1 += v;
    for (double v : t.n2) s2 += v;
    seed(s1, s2);
    t1 += s1;
    t2 += s2;
  }
  if (templates.size() > 1) seed(t1, t2);
  return merged(std::move(grid), seeds);
}

std::vector<double> with_cancellation_band(std::vector<double> grid,
                                           const std::vector<Templates>& templates,
                                           double per_decade) {
  if (!std::isfinite(per_decade) || !(per_decade > 0.0))
    throw std::invalid_argument("with_cancellation_band: per_decade must be finite and > 0");
  constexpr double kFlank = 1.5;
  // the band stays within the grid's positive couplings: the grid is the search
  // range (and a bin with N2 ~ 0 would otherwise ask for a band of any width)
  double g_min = std::numeric_limits<double>::infinity(), g_max = 0.0;
  for (double g : grid)
    if (g > 0.0 && std::isfinite(g)) {
      g_min = std::min(g_min, g);
      g_max = std::max(g_max, g);
    }
  std::vector<double> band;
  for (const Templates& t : templates) {
    double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
    for (std::size_t i = 0; i < t.n1.size(); ++i) {
      if (!(t.n1[i] < 0.0 && t.n2[i] > 0.0)) continue;
      const double r = -t.n1[i] / t.n2[i];  // x where the prediction is back at N0
      lo = std::min(lo, std::sqrt(0.5 * r));
      hi = std::max(hi, std::sqrt(r));
    }
    if (!(hi > 0.0) || !std::isfinite(lo) || !std::isfinite(hi)) continue;
    lo = std::max(lo / kFlank, g_min);
    hi = std::min(hi * kFlank, g_max);
    if (!(hi > lo)) continue;
    const std::size_t n = static_cast<std::size_t>(std::ceil(per_decade * std::log10(hi / lo))) + 1;
    const double step = std::log(hi / lo) / static_cast<double>(n - 1);
    for (std::size_t k = 0; k < n; ++k)
      band.push_back(lo * std::exp(step * static_cast<double>(k)));
  }
  return merged(std::move(grid), band);
}

MassGridMinimum refined_mass_minimum(
    std::size_t n, std::size_t stride, const std::function<double(std::size_t)>& at,
    const std::function<double(std::size_t, std::size_t)>& probe,
    const std::function<bool(std::size_t, std::size_t)>& same_curve) {
  if (n == 0) throw std::invalid_argument("refined_mass_minimum: no masses");
  if (stride == 0) throw std::invalid_argument("refined_mass_minimum: stride must be >= 1");
  std::vector<double> f(n, std::numeric_limits<double>::quiet_NaN());
  const auto value = [&](std::size_t m) {
    if (std::isnan(f[m])) f[m] = at(m);
    return f[m];
  };
  std::vector<std::size_t> coarse;
  for (std::size_t m = 0; m < n; m += stride) coarse.push_back(m);
  if (coarse.back() != n - 1) coarse.push_back(n - 1);
  MassGridMinimum best{0, std::numeric_limits<double>::infinity()};
  for (std::size_t m : coarse)
    if (value(m) < best.value) best = {m, f[m]};
  if (stride == 1) return best;
  // A minimum of the fine grid can hide between two coarse masses whose values
  // fall monotonically (a narrow valley beside a kink where the minimum over g
  // changes branch): no coarse mass is a local minimum there. A curve that does
  // not dip below an interval's lower end stays between its ends; so in every
  // coarse interval whose lower end lies within kMassRefineWindow of the best (and
  // whose ends differ by more than kFlat: the identical curves of the low- and
  // high-mass plateaus are skipped) the masses next to both ends are looked at,
  // and from one below the lower end a descent along the full grid moves to the
  // lower neighbour until neither is lower. (A coarse local minimum is thus
  // refined on both sides.)
  constexpr double kFlat = 1e-7;
  const double window = best.value + kMassRefineWindow;
  const auto descend = [&](std::size_t j) {
    value(j);  // (a probed start is evaluated in full)
    while (true) {
      std::size_t next = j;
      if (j > 0 && value(j - 1) < f[next]) next = j - 1;
      if (j + 1 < n && value(j + 1) < f[next]) next = j + 1;
      if (next == j) return j;
      j = next;
    }
  };
  for (std::size_t k = 0; k + 1 < coarse.size(); ++k) {
    const std::size_t a = coarse[k], b = coarse[k + 1];
    const double lower = std::min(f[a], f[b]);
    const bool flat = std::abs(f[a] - f[b]) <= kFlat && (!same_curve || same_curve(a, b));
    if (b - a < 2 || lower > window || flat) continue;
    for (std::size_t j : {a + 1, b - 1}) {
      const double v = !probe || !std::isnan(f[j]) ? value(j) : probe(j, j == a + 1 ? a : b);
      if (v < lower) {
        const std::size_t m = descend(j);
        if (f[m] < best.value) best = {m, f[m]};
      }
    }
  }
  return best;
}

PlanePoint plane_minimum(const std::vector<const Experiment*>& experiments, MediatorKind kind,
                         const Charges& charges, const std::vector<double>& masses_MeV,
                         const std::vector<std::vector<double>>& grids, std::size_t stride,
                         const std::vector<CouplingProfile>& coarse,
                         const PhysicsParameters* params, int n_threads) {
  const std::size_t n = masses_MeV.size();
  if (n == 0) throw std::invalid_argument("plane_minimum: no masses");
  if (grids.size() != n) throw std::invalid_argument("plane_minimum: one grid per mass needed");
  if (stride == 0) throw std::invalid_argument("plane_minimum: stride must be >= 1");
  if (stride > 1)
    for (std::size_t m = 1; m < n; ++m)
      if (!(masses_MeV[m] > masses_MeV[m - 1]))
        throw std::invalid_argument("plane_minimum: masses must ascend when stride > 1");
  std::vector<std::size_t> coarse_index;
  for (std::size_t m = 0; m < n; m += stride) coarse_index.push_back(m);
  if (coarse_index.back() != n - 1) coarse_index.push_back(n - 1);
  std::vector<CouplingPoint> best_at(n, {0.0, std::numeric_limits<double>::quiet_NaN()});
  if (coarse.empty()) {  // the coarse pass in parallel
    std::vector<double> m(coarse_index.size());
    std::vector<std::vector<double>> g(coarse_index.size());
    for (std::size_t k = 0; k < coarse_index.size(); ++k) {
      m[k] = masses_MeV[coarse_index[k]];
      g[k] = grids[coarse_index[k]];
    }
    const std::vector<CouplingProfile> p =
        profile_many(coupling_chi2_per_mass(experiments, kind, charges, m, params), g, n_threads);
    for (std::size_t k = 0; k < p.size(); ++k) best_at[coarse_index[k]] = p[k].best();
  } else {
    if (coarse.size() != coarse_index.size())
      throw std::invalid_argument("plane_minimum: " + std::to_string(coarse_index.size()) +
                                  " coarse profiles needed, got " + std::to_string(coarse.size()));
    for (std::size_t k = 0; k < coarse.size(); ++k) best_at[coarse_index[k]] = coarse[k].best();
  }
  const auto at = [&](std::size_t m) {
    if (std::isnan(best_at[m].chi2))  // visited by the descent: templates of this mass now
      best_at[m] = coupling_chi2_per_mass(experiments, kind, charges, {masses_MeV[m]}, params)[0]
                       .profile(grids[m])
                       .best();
    return best_at[m].chi2;
  };
  const MassGridMinimum b = refined_mass_minimum(n, stride, at);
  return {masses_MeV[b.index], best_at[b.index].g, b.value};
}

}  // namespace cevns
