#pragma once
// Private helper of the core (not installed): the warm starts of the nuisance
// profiles along a sweep of couplings (CouplingChi2::profile, the toys' sweeps).
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace cevns::detail {

/// Starts of the profiles of one data set along a sweep in g, from the optima
/// at the two points before: extrapolated linearly in the curve's sweep coordinate v
/// (CouplingCurve::sweep_coordinate; ln g by default), which halves the Newton steps
/// of the CsI profile along a curve (the nuisances move smoothly with g). Where v did
/// not move the same way over the last step and this one (v turns around: a
/// cancellation), the extrapolation is in ln g instead. Where a scale 1 + eta would fall below half
/// its last value (the CEvNS norm of a prediction far above the data falls as g^-4) it is
/// extrapolated geometrically instead, so that it stays > 0. The profiles are
/// convex in the nuisances: a start changes the path, never the minimum.
class SweepStart {
 public:
  /// Start for the point at v (the sweep coordinate) and ln g = lng: empty before the
  /// first optimum, the last optimum after one, the extrapolation after two.
  const std::vector<double>& at(double v, double lng) {
    if (n_ < 2) return last_;
    double ratio = (v - v_last_) / (v_last_ - v_before_);
    if (!(ratio > 0.0)) ratio = (lng - lng_last_) / (lng_last_ - lng_before_);
    if (!std::isfinite(ratio)) return last_;  // (g = 0 has ln g = -inf)
    start_.resize(last_.size());
    for (std::size_t k = 0; k < last_.size(); ++k) {
      const double s_last = 1.0 + last_[k], s_before = 1.0 + before_[k];
      double e = last_[k] + (last_[k] - before_[k]) * ratio;
      if (1.0 + e < 0.5 * s_last && s_last > 0.0 && s_before > 0.0)
        e = s_last * std::pow(s_last / s_before, ratio) - 1.0;
      start_[k] = std::isfinite(e) ? e : last_[k];
    }
    return start_;
  }
  /// Record the optimum at v and ln g = lng (only finite profiles should be recorded).
  void record(double v, double lng, std::vector<double> nuisances) {
    if (nuisances.size() != last_.size()) n_ = 0;  // a new shape: start over
    std::swap(before_, last_);
    last_ = std::move(nuisances);
    v_before_ = v_last_;
    v_last_ = v;
    lng_before_ = lng_last_;
    lng_last_ = lng;
    if (n_ < 2) ++n_;
  }

 private:
  std::vector<double> last_, before_, start_;
  double v_last_ = 0.0, v_before_ = 0.0, lng_last_ = 0.0, lng_before_ = 0.0;
  int n_ = 0;
};

}  // namespace cevns::detail
