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

namespace detail {
/// What a sweep along g at one mass found: its minimum, chi2 at the grid's first
/// coupling (g = 0: the SM) and the brackets (three couplings, the middle one the
/// lowest) of its interior local minima with the optima at their middle, from which
/// another mass is probed (probe_minimum).
struct MassScan {
  double best = std::numeric_limits<double>::infinity();
  double g_first = 0.0, f_first = 0.0;
  struct Bracket {
    double g[3];
    std::vector<std::vector<double>> optima;  // per data set, near its minimum (warm starts)
    double g_min;                             // where its refinement ended lowest
    double f_min;                             // chi2 there
  };
  std::vector<Bracket> brackets;
};

/// A toy's chi2 at g = 0 (the SM) profiled from the default start, as every sweep
/// begins (grid_minimum): the same at every mass with the same N0 templates, so
/// computed once per toy and reused (~12 profiles per toy, each from a cold start).
struct SmPoint {
  std::vector<std::vector<double>>
      n0;  // per data set, the N0 it was computed for (empty: none yet)
  double chi2 = 0.0;
  std::vector<std::vector<double>> optima;  // per data set (empty where not finite)
};

}  // namespace detail

namespace {

using detail::MassScan;
using detail::SmPoint;

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
  /// newton: its minima along g by Newton's method where it applies (newton_minimum)
  /// sm: the toy's chi2 at g = 0, reused across its masses (nullptr: none)
  ToyCurve(const std::vector<std::unique_ptr<BinnedChi2>> &chi2, const std::vector<Templates> &t,
           bool newton, SmPoint *sm = nullptr)
      : t_(t), newton_(newton), sm_(sm) {
    curves_.reserve(chi2.size());
    for (std::size_t d = 0; d < chi2.size(); ++d)
      curves_.push_back(chi2[d]->curve(t[d].n0.data(), t[d].n1.data(), t[d].n2.data()));
  }

  /// chi2 at g (>= 0), every data set profiled from the default start, or, with
  /// `start` (one vector per data set, empty: the default), from those nuisances,
  /// which then become the optima (emptied where chi2 is not finite).
  /// With `slope`, also the derivatives of chi2 in ln g (CouplingCurve::at_slope),
  /// summed over the data sets (NaN where one has none), and with `moves` the optima's
  /// d nuisances / d ln g per data set (ProfileResult::nuisance_slope; empty where a
  /// curve gives none). With a finite `floor`, chi2 is wanted exactly only below it:
  /// the data sets are profiled last to first, each with the floor less the chi2 of
  /// those before (CouplingCurve::at_above; every chi2 is >= 0), and a total above the
  /// floor may be within 0.02 of the minimum (CsI: 0.014) instead of exact.
  double operator()(double g, std::vector<std::vector<double>> *start = nullptr,
                    double *slope = nullptr, std::vector<std::vector<double>> *moves = nullptr,
                    double floor = std::numeric_limits<double>::infinity()) const {
    double total = 0.0;
    if (slope != nullptr) slope[0] = slope[1] = 0.0;
    if (moves != nullptr) moves->assign(curves_.size(), {});
    const bool floored = floor < std::numeric_limits<double>::infinity();
    // (at_above with an infinite floor is at / at_slope)
    const auto profile = [&](std::size_t d, const double *from) {
      double rest = floor - total;  // inf - inf: no floor left
      if (std::isnan(rest)) rest = std::numeric_limits<double>::infinity();
      double sd[2];
      ProfileResult r = curves_[d]->at_above(g, from, rest, slope ? sd : nullptr);
      if (slope != nullptr) {
        slope[0] += sd[0];
        slope[1] += sd[1];
        if (moves != nullptr) (*moves)[d] = std::move(r.nuisance_slope);
      }
      return r;
    };
    const std::size_t nd = curves_.size();
    for (std::size_t k = 0; k < nd; ++k) {
      const std::size_t d = floored ? nd - 1 - k : k;
      if (start == nullptr) {
        total += profile(d, nullptr).chi2;
        continue;
      }
      std::vector<double> &s = (*start)[d];
      ProfileResult r = profile(d, s.empty() ? nullptr : s.data());
      total += r.chi2;
      if (std::isfinite(r.chi2)) {
        s = std::move(r.nuisances);
      } else {
        s.clear();
      }
    }
    return total;
  }
  /// chi2 at g started from `chain`, which moves to the optima where they are finite
  /// (`slope`, `moves`: see operator()).
  double warm(double g, std::vector<std::vector<double>> &chain, double *slope = nullptr,
              std::vector<std::vector<double>> *moves = nullptr) const {
    std::vector<std::vector<double>> nuisances = chain;
    const double v = (*this)(g, &nuisances, slope, moves);
    for (std::size_t d = 0; d < nuisances.size(); ++d)
      if (!nuisances[d].empty()) chain[d] = std::move(nuisances[d]);
    return v;
  }
  /// Optima at g (one vector per data set; empty ones left) into the curves' carried
  /// form (CouplingCurve::carry), resp. that form back into starts at g (land).
  void carry(double g, std::vector<std::vector<double>> &nuisances) const {
    for (std::size_t d = 0; d < curves_.size(); ++d)
      if (!nuisances[d].empty()) curves_[d]->carry(g, nuisances[d].data());
  }
  void land(double g, std::vector<std::vector<double>> &nuisances) const {
    for (std::size_t d = 0; d < curves_.size(); ++d)
      if (!nuisances[d].empty()) curves_[d]->land(g, nuisances[d].data());
  }
  /// chi2 at g = 0 profiled from the default start into `optima` (one vector per data
  /// set, as operator() leaves them), taken from the toy's SmPoint where it holds this
  /// curve's N0 (the profile is deterministic: the same numbers).
  double at_zero(std::vector<std::vector<double>> &optima) const {
    const auto same_n0 = [this] {
      for (std::size_t d = 0; d < t_.size(); ++d)
        if (sm_->n0[d] != t_[d].n0) return false;
      return true;
    };
    if (sm_ != nullptr && !sm_->n0.empty() && same_n0()) {
      optima = sm_->optima;
      return sm_->chi2;
    }
    optima.assign(curves_.size(), {});
    const double v = (*this)(0.0, &optima);
    if (sm_ != nullptr) {
      sm_->n0.resize(t_.size());
      for (std::size_t d = 0; d < t_.size(); ++d) sm_->n0[d] = t_[d].n0;
      sm_->chi2 = v;
      sm_->optima = optima;
    }
    return v;
  }
  std::size_t n_datasets() const { return curves_.size(); }
  /// Data set d's sweep coordinate of g (CouplingCurve::sweep_coordinate).
  double sweep_coordinate(std::size_t d, double g) const { return curves_[d]->sweep_coordinate(g); }
  bool newton() const { return newton_; }

 private:
  std::vector<std::unique_ptr<CouplingCurve>> curves_;
  const std::vector<Templates> &t_;
  bool newton_;
  SmPoint *sm_;
};

/// Newton's method ends where the predicted gain G = f'^2 / (2 f'') in chi2 is small:
/// the minimum is then the quadratic model's, f - G at u - f'/f'', not evaluated (its
/// error is of third order in the step). Below kNewtonPredict where the step before was
/// a full one whose drop in chi2 matched its predicted gain to kModelMatch (the model
/// holds there: no kink between), else below kNewtonPredictCold (at the first point: an
/// evaluated point's gain can be misjudged near a kink by ~1e3; a stop at 1e-11 once
/// left 8e-9). Brent's tolerance of 1e-7 in ln g leaves ~1e-14 f''.
constexpr double kNewtonPredict = 1e-9;
constexpr double kNewtonPredictCold = 1e-12;
constexpr double kModelMatch = 0.2;
constexpr int kNewtonSteps = 12;
constexpr int kNewtonHalvings = 4;

/// "No minimum found here" (chi2 NaN) at ln g = u: Brent's method is to run instead.
CouplingPoint no_minimum(double u) { return {u, std::numeric_limits<double>::quiet_NaN()}; }

/// The minimum of the valley of u0 = ln g0 inside (lo, hi) by Newton's method in
/// ln g with the curve's derivatives (ToyCurve, CouplingCurve::at_slope), warm-started
/// from `chain`: chi2 and its derivatives at u0, then steps -f'/f'' (halved until
/// chi2 is lower, at most kNewtonHalvings times) until the predicted gain is small
/// (kNewtonPredict). Returns (ln g, chi2) of the minimum predicted from that last,
/// evaluated point (that point itself where the step leaves (lo, hi)), or chi2 NaN
/// where Newton does not apply and Brent's method should run instead: no derivatives,
/// f'' <= 0, a step that leaves (lo, hi) or does not lower chi2, kNewtonSteps used.
/// The point returned lies in (lo, hi) and is no higher than chi2 at u0.
CouplingPoint newton_minimum(const ToyCurve &c, double lo, double u0, double hi,
                             std::vector<std::vector<double>> chain) {
  const CouplingPoint fail = no_minimum(u0);
  double u = u0;
  double d[2];
  std::vector<std::vector<double>> moves;  // d optima / du at u, where given
  double f = c.warm(std::exp(u), chain, d, &moves);
  bool model_holds = false;  // the last step was a full one and lowered chi2 as predicted
  for (int it = 0; it < kNewtonSteps; ++it) {
    if (!std::isfinite(f) || !std::isfinite(d[0]) || !(d[1] > 0.0)) return fail;
    double step = -d[0] / d[1];
    const double gain = 0.5 * d[0] * d[0] / d[1];
    if (gain < (model_holds ? kNewtonPredict : kNewtonPredictCold)) {
      if (u + step > lo && u + step < hi) return {u + step, f - gain};
      return {u, f};
    }
    bool lower = false;
    for (int half = 0; half <= kNewtonHalvings && !lower; ++half, step *= 0.5) {
      const double un = u + step;
      if (!(un > lo && un < hi)) continue;
      // start from the optima moved along the step to first order
      std::vector<std::vector<double>> from = chain;
      for (std::size_t k = 0; k < from.size(); ++k)
        if (moves[k].size() == from[k].size())
          for (std::size_t z = 0; z < from[k].size(); ++z) from[k][z] += step * moves[k][z];
      double dn[2];
      std::vector<std::vector<double>> moved;
      const double fn = c.warm(std::exp(un), from, dn, &moved);
      if (!(fn <= f)) continue;
      model_holds = half == 0 && std::abs((f - fn) / gain - 1.0) <= kModelMatch;
      u = un;
      f = fn;
      d[0] = dn[0];
      d[1] = dn[1];
      chain = std::move(from);
      moves = std::move(moved);
      lower = true;
    }
    if (!lower) return fail;
  }
  return fail;
}

/// Refines a bracket (g3 ascending, f3[1] the lowest), warm-started from `chain`: by
/// Newton's method from its middle where it applies (newton_minimum), else like
/// detail::refined_minima (the bracket's midpoints, then each valley by Newton's method
/// where it applies, else by Brent's); returns the lowest minimum (or g3[1], f3[1]).
CouplingPoint refine_bracket(const ToyCurve &c, const double *g3, const double *f3,
                             std::vector<std::vector<double>> chain) {
  auto fl = [&c, &chain](double lg) { return c.warm(std::exp(lg), chain); };
  auto newton = [&c, &chain](double lo, double x, double fx, double hi) {
    if (!c.newton()) return no_minimum(x);
    const CouplingPoint m = newton_minimum(c, lo, x, hi, chain);
    return m.chi2 <= fx ? m : no_minimum(x);
  };
  const std::vector<double> gv(g3, g3 + 3), fv(f3, f3 + 3);
  CouplingPoint best{g3[1], f3[1]};
  // Newton's method from the middle first: the bracket's valley without the two
  // midpoints refined_minima looks at for a second valley inside it (the grid is dense
  // where narrow valleys come, over the cancellation band; 0 of 900 toys off the dense
  // reference without them, bench/plane_density.py)
  if (c.newton()) {
    const double mid = std::log(g3[1]);
    const double lo = g3[0] > 0.0 ? std::log(g3[0]) : mid - 0.25, hi = std::log(g3[2]);
    CouplingPoint m = newton(lo, mid, f3[1], hi);
    if (!std::isnan(m.chi2)) {
      m.g = std::exp(m.g);
      return m.chi2 < best.chi2 ? m : best;
    }
  }
  for (const CouplingPoint &m : detail::refined_minima(fl, gv, fv, 1e-7, newton))
    if (m.chi2 < best.chi2) best = m;
  return best;
}

/// The sweeps step over couplings whose chi2 lies at least this far above the
/// smallest chi2 found so far (the ceiling): kMassRefineWindow, so that a mass whose
/// sweep stepped over its minimum reports a value that the mass refinement
/// (refined_mass_minimum) treats as it treats the exact one (both lie beyond its window).
constexpr double kFarMargin = kMassRefineWindow;
/// At most this many grid steps are taken at once (0.8 decades of g at 5 per decade).
constexpr std::size_t kMaxStride = 4;

/// The smallest value over t in [0, 1] of the Hermite interpolant of chi2 between two
/// couplings h apart in ln g: the cubic through (f, f') at both ends and the quintic
/// through (f, f', f''), sampled at 33 points (the test is against a margin of 10).
double hermite_floor(const double f[2], const double d1[2], const double d2[2], double h) {
  const double v0 = h * d1[0], v1 = h * d1[1], a0 = h * h * d2[0], a1 = h * h * d2[1];
  double floor = std::min(f[0], f[1]);
  for (int k = 1; k < 32; ++k) {
    const double t = k / 32.0, t2 = t * t, t3 = t2 * t, t4 = t3 * t, t5 = t4 * t;
    const double cubic = f[0] * (1 - 3 * t2 + 2 * t3) + v0 * (t - 2 * t2 + t3) +
                         f[1] * (3 * t2 - 2 * t3) + v1 * (t3 - t2);
    const double quintic = f[0] * (1 - 10 * t3 + 15 * t4 - 6 * t5) +
                           v0 * (t - 6 * t3 + 8 * t4 - 3 * t5) +
                           a0 * 0.5 * (t2 - 3 * t3 + 3 * t4 - t5) + a1 * 0.5 * (t3 - 2 * t4 + t5) +
                           v1 * (-4 * t3 + 7 * t4 - 3 * t5) + f[1] * (10 * t3 - 15 * t4 + 6 * t5);
    floor = std::min({floor, cubic, quintic});
  }
  return floor;
}

/// The SM plateau of a sweep: the couplings from g = 0 up to where the mediator's part
/// of the prediction, summed over bins and data sets as (x N1 + x^2 N2)^2 / (N0 + 1)
/// (x = g^2; a Fisher-like measure of how far chi2 can move), first exceeds this.
constexpr double kPlateauShare = 1e-3;
/// The plateau is stepped over only where chi2 at g = 0 and the plateau's quadratic
/// model in x (plateau_holds) lie this far above the ceiling.
constexpr double kPlateauMargin = 1.0;
/// The largest cubic coefficient (in x / x_end) of chi2 over the plateau that its
/// quadratic model may leave.
constexpr double kPlateauCubic = 0.01;

/// Index of the last coupling of the plateau of `grid` (ascending, grid[0] = 0) for
/// templates t (0: none beyond g = 0; see kPlateauShare).
std::size_t plateau_end(const std::vector<double> &grid, const std::vector<Templates> &t) {
  if (grid.empty() || grid[0] != 0.0) return 0;
  std::size_t end = 0;
  for (std::size_t i = 1; i < grid.size(); ++i) {
    const double x = grid[i] * grid[i];
    double share = 0.0;
    for (const Templates &d : t)
      for (std::size_t k = 0; k < d.n0.size(); ++k) {
        const double m = x * (d.n1[k] + x * d.n2[k]);
        share += m * m / (d.n0[k] + 1.0);
      }
    if (!(share <= kPlateauShare)) break;
    end = i;
  }
  return end;
}

/// Minimum of chi2(g) over a grid with every interior local minimum refined
/// by Brent's method in log g (tolerance 1e-7), as CouplingChi2::profile (and
/// so scan.global_minimum) does for the data (detail::refined_minima), with warm starts: the
/// sweep's profiles start from the optima before them, extrapolated (quadratically
/// where it can) in the curves' sweep coordinates and carried form (detail::SweepStart,
/// CouplingCurve::sweep_coordinate and carry: the CsI scale as fitted events), the
/// refinement's from the last one's.
/// With a finite `ceiling` (an upper bound of the minimum sought: a chi2 already
/// found) and curves with derivatives, the sweep steps over grid points: from an
/// evaluated coupling it evaluates the one `stride` grid points on (doubling the
/// stride, up to kMaxStride, after each step over), and steps over the points
/// between where chi2, its derivatives at both ends and the Hermite interpolants they
/// give stay kFarMargin above the ceiling (the high-g plateau without CEvNS, the
/// flanks of a cancellation, the SM plateau of a toy with a deep valley); elsewhere
/// every point between is evaluated. Where it does not step over, it evaluates the
/// full sweep's couplings (their values equal to the profiles' precision: the warm
/// starts differ), except that a point after one at or above ceiling + kFarMargin
/// (`far`) is profiled with `far` as its floor (ToyCurve, CouplingCurve::at_above):
/// where its chi2 is proven above `far`, it is known to 0.02 only (the step-over test
/// and the brackets want such points only as far above, and a valley found among
/// them is refined exactly). Its best is exact where it lies below ceiling + kFarMargin.
MassScan grid_minimum(const ToyCurve &c, const std::vector<double> &grid,
                      double ceiling = std::numeric_limits<double>::infinity(),
                      std::size_t plateau = 0) {
  const std::size_t nd = c.n_datasets(), n = grid.size();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> f(n, nan), d1(n, nan), d2(n, nan);
  std::vector<char> done(n, 0);
  MassScan out;
  std::vector<detail::SweepStart> starts(nd, detail::SweepStart(true));
  std::vector<std::vector<std::vector<double>>> optima(n);
  const bool skip = std::isfinite(ceiling);
  const double far = ceiling + kFarMargin;
  // after a point far above the ceiling the next is expected there too: chi2 is then
  // wanted exactly only below `far` (ToyCurve's floor), the profiles stop earlier
  bool after_far = false;
  // point i's optima, carried, as the next profiles' starts
  const auto record = [&](std::size_t i) {
    std::vector<std::vector<double>> carried = optima[i];
    c.carry(grid[i], carried);
    for (std::size_t d = 0; d < nd; ++d)
      if (!carried[d].empty())
        starts[d].record(c.sweep_coordinate(d, grid[i]), std::log(grid[i]), std::move(carried[d]));
  };
  // chi2 at point i from the extrapolated starts; `recorded`: its optima become starts
  const auto eval = [&](std::size_t i, bool want_slope, bool recorded = true) {
    const double lng = std::log(grid[i]);
    std::vector<std::vector<double>> &nuisances = optima[i];
    nuisances.resize(nd);
    for (std::size_t d = 0; d < nd; ++d)
      nuisances[d] = starts[d].at(c.sweep_coordinate(d, grid[i]), lng);
    c.land(grid[i], nuisances);
    double slope[2] = {nan, nan};
    // g = 0 comes first, with no start (the sweep's starts are empty before it)
    if (grid[i] == 0.0)
      f[i] = c.at_zero(nuisances);
    else
      f[i] = c(grid[i], &nuisances, want_slope ? slope : nullptr, nullptr,
               after_far ? far : std::numeric_limits<double>::infinity());
    after_far = skip && f[i] >= far;
    d1[i] = slope[0];
    d2[i] = slope[1];
    done[i] = 1;
    out.best = std::min(out.best, f[i]);
    if (recorded) record(i);
  };
  // chi2 between grid points i < j (both evaluated) stays above `far`
  const auto above = [&](std::size_t i, std::size_t j) {
    const double fv[2] = {f[i], f[j]}, dv[2] = {d1[i], d1[j]}, ev[2] = {d2[i], d2[j]};
    for (int k = 0; k < 2; ++k)
      if (!(fv[k] >= far) || !std::isfinite(fv[k]) || !std::isfinite(dv[k]) ||
          !std::isfinite(ev[k]))
        return false;
    return hermite_floor(fv, dv, ev, std::log(grid[j] / grid[i])) >= far;
  };
  // chi2 over the plateau (g = 0 to its end j, both evaluated, with the derivatives at
  // j) is quadratic in t = x / x_j, f(0) + a t + b t^2, to kPlateauCubic (its value and
  // first derivative at j give a and b; the second derivative must agree), and that
  // stays kPlateauMargin above the ceiling
  const auto plateau_holds = [&](std::size_t j) {
    const double rise = f[j] - f[0], s1 = d1[j], s2 = d2[j];
    if (!std::isfinite(rise) || !std::isfinite(s1) || !std::isfinite(s2)) return false;
    // in u = ln g, t = e^(2 (u - u_j)): f' = 2a + 4b, f'' = 4a + 16b (a cubic term c t^3
    // adds 6c resp. 36c, so that f'' - (6 f' - 8 rise) = 8c)
    const double b = 0.5 * s1 - rise, a = rise - b;
    if (!(std::abs(s2 - (6.0 * s1 - 8.0 * rise)) <= 8.0 * kPlateauCubic)) return false;
    double lowest = std::min(f[0], f[j]);
    if (b > 0.0 && a < 0.0 && -a < 2.0 * b) lowest = std::min(lowest, f[0] - a * a / (4.0 * b));
    return lowest >= ceiling + kPlateauMargin + kPlateauCubic;
  };
  eval(0, false);
  if (!skip) {
    for (std::size_t i = 1; i < n; ++i) eval(i, false);
  } else {
    std::size_t i = 0, stride = 1;
    // the SM plateau stepped over where chi2 at its end shows it flat (plateau_holds);
    // else its end is evaluated again on the way (its profile was not a warm start)
    if (plateau >= 2 && plateau < n && grid[0] == 0.0 && f[0] >= ceiling + kPlateauMargin) {
      eval(plateau, true, false);
      if (plateau_holds(plateau)) {
        record(plateau);
        i = plateau;
      } else {
        done[plateau] = 0;
      }
      after_far = false;
    }
    // the derivatives (an extra pass of each profile) only where the last point lies
    // half the margin above the ceiling or more: where a step over may come
    while (i + 1 < n) {
      const std::size_t j = std::min(i + stride, n - 1);
      eval(j, f[i] >= ceiling + 0.5 * kFarMargin);
      if (above(i, j)) {
        stride = std::min(2 * stride, kMaxStride);
      } else {
        for (std::size_t k = i + 1; k < j; ++k) eval(k, false);
        stride = 1;
      }
      i = j;
    }
  }
  out.g_first = grid.front();
  out.f_first = f.front();
  for (std::size_t i = 1; i + 1 < n; ++i) {
    if (!done[i - 1] || !done[i] || !done[i + 1]) continue;
    if (!(f[i] <= f[i - 1] && f[i] <= f[i + 1])) continue;
    const CouplingPoint m = refine_bracket(c, &grid[i - 1], &f[i - 1], optima[i]);
    out.best = std::min(out.best, m.chi2);
    out.brackets.push_back({{grid[i - 1], grid[i], grid[i + 1]}, optima[i], m.g, m.chi2});
  }
  return out;
}

/// A valley along g deepening from a coarse mass towards the next is followed across
/// the interval (ToyPlane::plane_minimum) only where, deepening on at this many times its
/// last drop per mass, it would reach below the toy's best before the interval's end,
/// and not where the parabola through its last three values bottoms out more than
/// kFollowMargin above that best.
constexpr double kFollowReach = 2.0;
constexpr double kFollowMargin = 0.5;

/// Half-width in ln g of the bracket a probe puts around the minimum of a bracket
/// of the mass it probes from (the minimum moves by less between masses this close).
constexpr double kProbeHalfWidth = 0.05;

/// The sweep of a mass whose chi2(g) is close to that of a mass already swept
/// (`near`) with the couplings scaled by `ratio` (1 between neighbours of the fine
/// mass grid at low mass, their mass ratio at high mass): chi2 at the first
/// coupling of `near` (unscaled: g = 0 is the SM at every mass), and for each of its
/// brackets, warm-started from its optima, a bracket of half-width kProbeHalfWidth
/// in ln g around its scaled minimum, refined by Brent's method where its middle is
/// the lowest (else the scaled bracket itself, refined where its middle is still
/// the lowest). Where a minimum moved out of both, the full sweep over `grid`
/// instead (stepping over the points far above `ceiling`, grid_minimum). Its best is
/// an upper bound of the minimum over g (the minimum itself unless a valley appears
/// that `near` does not have).
MassScan probe_minimum(const ToyCurve &c, const MassScan &near, double ratio,
                       const std::vector<double> &grid, double ceiling, std::size_t plateau) {
  MassScan out;
  out.g_first = near.g_first;
  out.f_first = near.g_first == 0.0 ? near.f_first : c(near.g_first);
  out.best = out.f_first;
  // chi2 at g3 (ascending) from the optima at g3[1]; true where g3[1] is the lowest
  const auto bracket = [&c](const double *g3, double *f3, MassScan::Bracket &at) {
    f3[1] = c.warm(g3[1], at.optima);
    for (int k : {0, 2}) {
      std::vector<std::vector<double>> from = at.optima;
      f3[k] = c.warm(g3[k], from);
    }
    return f3[1] <= f3[0] && f3[1] <= f3[2];
  };
  for (const MassScan::Bracket &b : near.brackets) {
    MassScan::Bracket here{{b.g[0] * ratio, b.g[1] * ratio, b.g[2] * ratio}, b.optima, 0.0, 0.0};
    const double lm = std::log(b.g_min * ratio);
    const double tight[3] = {std::exp(lm - kProbeHalfWidth), b.g_min * ratio,
                             std::exp(lm + kProbeHalfWidth)};
    double f3[3];
    // Newton's method from the scaled minimum, where it stays in the tight bracket
    CouplingPoint m = no_minimum(lm);
    if (tight[0] > 0.0 && c.newton())
      m = newton_minimum(c, lm - kProbeHalfWidth, lm, lm + kProbeHalfWidth, here.optima);
    if (tight[0] > 0.0 && !std::isnan(m.chi2)) {
      m.g = std::exp(m.g);
    } else if (tight[0] > 0.0 && bracket(tight, f3, here)) {
      std::vector<std::vector<double>> chain = here.optima;
      auto fl = [&c, &chain](double lg) { return c.warm(std::exp(lg), chain); };
      m = brent_minimize_from(fl, lm - kProbeHalfWidth, lm, f3[1], lm + kProbeHalfWidth, 1e-7);
      m.g = std::exp(m.g);
    } else {
      here.optima = b.optima;
      if (!bracket(here.g, f3, here)) return grid_minimum(c, grid, ceiling, plateau);
      m = refine_bracket(c, here.g, f3, here.optima);
    }
    here.g_min = m.g;
    here.f_min = m.chi2;
    out.best = std::min(out.best, m.chi2);
    out.brackets.push_back(std::move(here));
  }
  return out;
}

/// Sum of the N2 templates of every data set (> 0 where the mediator couples).
double n2_sum(const std::vector<Templates> &t) {
  double s = 0.0;
  for (const Templates &d : t)
    for (double v : d.n2) s += v;
  return s;
}

/// The coupling ratio that maps chi2(g) of mass `from` onto that of mass `to`,
/// (sum N2_from / sum N2_to)^(1/4) (the Z' term g^4 N2 kept), if their templates
/// agree then to `tol` of their largest entries (the plateaus below and above the
/// momentum transfers: the same curve in g, resp. g/M); 0 otherwise.
double same_curve_ratio(const std::vector<Templates> &from, const std::vector<Templates> &to,
                        double tol) {
  const double sf = n2_sum(from), st = n2_sum(to);
  if (!(sf > 0.0) || !(st > 0.0)) return 0.0;
  const double r2 = std::sqrt(sf / st), r4 = sf / st;
  for (std::size_t d = 0; d < from.size(); ++d) {
    double m1 = 0.0, m2 = 0.0;
    for (std::size_t i = 0; i < from[d].n1.size(); ++i) {
      m1 = std::max(m1, std::abs(from[d].n1[i]));
      m2 = std::max(m2, std::abs(from[d].n2[i]));
    }
    for (std::size_t i = 0; i < from[d].n1.size(); ++i)
      if (std::abs(r2 * to[d].n1[i] - from[d].n1[i]) > tol * m1 ||
          std::abs(r4 * to[d].n2[i] - from[d].n2[i]) > tol * m2 || to[d].n0[i] != from[d].n0[i])
        return 0.0;
  }
  return std::sqrt(r2);
}

}  // namespace

ToyPlane::ToyPlane(std::vector<std::shared_ptr<const BinnedChi2>> chi2s,
                   std::vector<std::vector<Templates>> templates,
                   std::vector<std::vector<double>> grids, std::size_t coarse_stride,
                   bool cancellation_seeds, double band_per_decade, bool probe_masses,
                   bool newton_minima, bool skip_far)
    : chi2s_(std::move(chi2s)),
      templates_(std::move(templates)),
      grids_(std::move(grids)),
      stride_(coarse_stride),
      seeds_(cancellation_seeds),
      band_(band_per_decade),
      probe_(probe_masses),
      newton_(newton_minima),
      skip_far_(skip_far) {
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
  plateaus_.resize(templates_.size());
  for (std::size_t m = 0; m < templates_.size(); ++m)
    plateaus_[m] = plateau_end(grids_[m], templates_[m]);
  n2_sums_.resize(templates_.size());
  for (std::size_t m = 0; m < templates_.size(); ++m) n2_sums_[m] = n2_sum(templates_[m]);
  // coarse intervals of a plateau (refined_mass_minimum's same_curve; probes)
  same_interval_.assign(templates_.size(), 0);
  for (std::size_t b = stride_, a = 0; a + 1 < templates_.size(); a = b, b += stride_) {
    b = std::min(b, templates_.size() - 1);
    same_interval_[b] = same_curve_ratio(templates_[a], templates_[b], kSameInterval) > 0.0;
  }
  // coarse masses on a plateau: swept by probing the coarse mass before them
  same_as_.assign(templates_.size(), {templates_.size(), 0.0});
  if (probe_)
    for (std::size_t m = stride_; m < templates_.size(); m += stride_) {
      const double r = same_curve_ratio(templates_[m - stride_], templates_[m], kSameCurve);
      if (r > 0.0) same_as_[m] = {m - stride_, r};
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
  SmPoint sm;
  const ToyCurve at_mass(own, tested, newton_, &sm);
  out.chi2_point = at_mass(g);
  // the tested point itself bounds the minima from above (it may lie between
  // grid points, below every refined minimum)
  const std::vector<double> grid = search_grid(tested_grid, tested);
  const MassScan at_grid =
      grid_minimum(at_mass, grid, ceiling(out.chi2_point), plateau_end(grid, tested));
  out.chi2_mass_min = std::min(at_grid.best, out.chi2_point);
  if (!plane) {
    out.chi2_plane_min = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  // a tested mass of the plane (same templates and grid) is not swept twice
  std::size_t same = templates_.size();
  for (std::size_t m = 0; m < templates_.size() && same == templates_.size(); ++m) {
    bool equal = grids_[m] == grid;
    for (std::size_t d = 0; d < tested.size() && equal; ++d)
      equal = templates_[m][d].n1 == tested[d].n1 && templates_[m][d].n2 == tested[d].n2 &&
              templates_[m][d].n0 == tested[d].n0;
    if (equal) same = m;
  }
  out.chi2_plane_min =
      std::min(out.chi2_mass_min, plane_minimum(own, same, at_grid, out.chi2_mass_min, sm));
  return out;
}

double ToyPlane::plane_minimum(const std::vector<std::unique_ptr<BinnedChi2>> &own,
                               std::size_t swept, const detail::MassScan &sweep, double found,
                               SmPoint &sm) const {
  // the data's rule (scan.hpp, refined_mass_minimum): coarse pass, then descent in
  // mass; coarse masses on a plateau and the masses next to the coarse ones are
  // probed from a mass already swept
  std::vector<MassScan> scans(templates_.size());
  // found: the smallest chi2 so far (the sweeps step over what lies far above it)
  const auto at = [&](std::size_t m) {
    if (m == swept) {
      scans[m] = sweep;
    } else {
      const ToyCurve c(own, templates_[m], newton_, &sm);
      const auto [from, ratio] = same_as_[m];
      scans[m] = from < m
                     ? probe_minimum(c, scans[from], ratio, grids_[m], ceiling(found), plateaus_[m])
                     : grid_minimum(c, grids_[m], ceiling(found), plateaus_[m]);
    }
    found = std::min(found, scans[m].best);
    return scans[m].best;
  };
  const std::size_t n = templates_.size();
  // the coarse interval (a, b) that fine mass j lies in, next to coarse mass `near`
  const auto interval = [&](std::size_t j, std::size_t near) {
    if (j > near) return std::pair<std::size_t, std::size_t>{near, std::min(near + stride_, n - 1)};
    return std::pair<std::size_t, std::size_t>{near - ((near % stride_) ? near % stride_ : stride_),
                                               near};
  };
  // the probe next to an interval's lower end (the interval's lower end, the probe)
  std::pair<std::size_t, MassScan> lower_side{n, MassScan{}};
  const auto probe = [&](std::size_t j, std::size_t near) {
    // an interval of a plateau (its ends' curves the same to kSameInterval): the masses
    // between have that curve too, no valley to find
    const auto [a, b] = interval(j, near);
    if (same_interval_[b]) return std::numeric_limits<double>::infinity();
    const auto probe_from = [&](const MassScan &from, std::size_t m_from, std::size_t m) {
      const double ratio = std::pow(n2_sums_[m_from] / n2_sums_[m], 0.25);
      MassScan s = probe_minimum(ToyCurve(own, templates_[m], newton_, &sm), from, ratio, grids_[m],
                                 ceiling(found), plateaus_[m]);
      found = std::min(found, s.best);
      return s;
    };
    MassScan here = probe_from(scans[near], near, j);
    double v = here.best;
    // A valley of the masses between, narrower than the coarse spacing, whose flanks
    // need not reach the coarse masses' neighbours (both ends' minima may be the same
    // value, e.g. the plateau without CEvNS at high g): where from both ends a valley
    // along g deepens inwards (at the neighbours probed), such valleys are followed
    // across the interval mass by mass while they deepen.
    // deepening(from, to, steps, older, kept): the valleys of `to` deeper than at `from`
    // (the mass before) that, deepening on at kFollowReach times that drop per mass over
    // the `steps` masses left, would reach below the toy's best, and (where `older` holds
    // their values a mass before `from`) whose parabola through the three bottoms out less
    // than kFollowMargin above it; `kept` gets their values at `from`
    const auto deepening = [&](const MassScan &from, const MassScan &to, double steps,
                               const std::vector<double> *older, std::vector<double> *kept) {
      MassScan d;
      if (to.brackets.size() != from.brackets.size()) return d;  // (a full sweep)
      for (std::size_t k = 0; k < to.brackets.size(); ++k) {
        const double v1 = from.brackets[k].f_min, v2 = to.brackets[k].f_min, drop = v1 - v2;
        const double v0 = older != nullptr && k < older->size()
                              ? (*older)[k]
                              : std::numeric_limits<double>::quiet_NaN();
        if (!(drop > 0.0) || !(v2 - kFollowReach * drop * steps < found)) continue;
        const double curv = v0 - 2.0 * v1 + v2;
        if (curv > 0.0 && v2 - drop * drop / (2.0 * curv) > found + kFollowMargin) continue;
        d.brackets.push_back(to.brackets[k]);
        if (kept != nullptr) kept->push_back(v1);
      }
      d.g_first = to.g_first;
      d.f_first = to.f_first;
      return d;
    };
    // from probe `start` at m0 (next to coarse mass `before`) towards coarse mass `stop`
    const auto follow = [&](const MassScan &start, const MassScan &before, std::size_t m0,
                            std::size_t stop) {
      const bool up = stop > m0;
      double best = std::numeric_limits<double>::infinity();
      MassScan prev = before, here_m = start;
      std::vector<double> older;  // (none before the first step)
      for (std::size_t m = m0; (up ? m + 1 : m - 1) != stop;) {
        const double steps = static_cast<double>(up ? stop - m - 1 : m - stop - 1);
        std::vector<double> kept;
        MassScan d = deepening(prev, here_m, steps, &older, &kept);
        if (d.brackets.empty()) break;
        const std::size_t next = up ? m + 1 : m - 1;
        MassScan there = probe_from(d, m, next);
        best = std::min(best, there.best);
        prev = std::move(d);
        here_m = std::move(there);
        older = std::move(kept);
        m = next;
      }
      return best;
    };
    if (j > near) {  // the lower end's side: kept for the upper end's
      lower_side = {a, std::move(here)};
    } else if (lower_side.first == a && !lower_side.second.brackets.empty()) {
      const double steps = static_cast<double>(b - a - 2);
      if (!deepening(scans[b], here, steps, nullptr, nullptr).brackets.empty() &&
          !deepening(scans[a], lower_side.second, steps, nullptr, nullptr).brackets.empty()) {
        v = std::min(v, follow(lower_side.second, scans[a], a + 1, b));
        v = std::min(v, follow(here, scans[b], b - 1, a));
      }
    }
    return v;
  };
  const auto same_curve = [&](std::size_t, std::size_t b) { return same_interval_[b] != 0; };
  // every value computed is the chi2 of a point of the plane: the lowest bounds the
  // minimum from above (a valley followed across an interval may lie below the rule's)
  if (!probe_) return std::min(refined_mass_minimum(n, stride_, at, {}, same_curve).value, found);
  return std::min(refined_mass_minimum(n, stride_, at, probe, same_curve).value, found);
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
