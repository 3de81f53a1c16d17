#pragma once
// Private helper of the core (not installed): the warm starts of the nuisance
// profiles along a sweep of couplings (CouplingChi2::profile, the toys' sweeps).
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace cevns::detail {

/// Starts of the profiles of one data set along a sweep in g, from the optima
/// at the points before: extrapolated in the curve's sweep coordinate v
/// (CouplingCurve::sweep_coordinate; ln g by default), which halves the Newton steps
/// of the CsI profile along a curve (the nuisances move smoothly with g). Linearly
/// from the last two optima, or (`quadratic`) through the last three where v moved
/// the same way over both steps before and this one (the shape's response to g
/// bends as it saturates: ~10 % fewer evaluations per CsI profile of a toy's sweep).
/// Where v did not move the same way over the last step and this one (v turns
/// around: a cancellation), the extrapolation is linear in ln g instead. Where a scale
/// 1 + eta would fall below half its last value (the CEvNS norm of a prediction far
/// above the data falls as g^-4) it is extrapolated linearly, or where that too falls
/// below half, geometrically instead, so that it stays > 0. The profiles are
/// convex in the nuisances: a start changes the path, never the minimum.
class SweepStart {
 public:
  explicit SweepStart(bool quadratic = false) : quadratic_(quadratic) {}
  /// Start for the point at v (the sweep coordinate) and ln g = lng: empty before the
  /// first optimum, the last optimum after one, the extrapolation after two.
  const std::vector<double>& at(double v, double lng) {
    if (n_ < 2) return last_;
    start_.resize(last_.size());
    if (quadratic_ && n_ == 3 && (v - v_[2]) * (v_[2] - v_[1]) > 0.0 &&
        (v_[2] - v_[1]) * (v_[1] - v_[0]) > 0.0) {
      // Lagrange weights of the three optima at v
      const double l0 = (v - v_[1]) * (v - v_[2]) / ((v_[0] - v_[1]) * (v_[0] - v_[2]));
      const double l1 = (v - v_[0]) * (v - v_[2]) / ((v_[1] - v_[0]) * (v_[1] - v_[2]));
      const double l2 = (v - v_[0]) * (v - v_[1]) / ((v_[2] - v_[0]) * (v_[2] - v_[1]));
      bool kept = true;
      for (std::size_t k = 0; k < last_.size() && kept; ++k) {
        const double e = l0 * older_[k] + l1 * before_[k] + l2 * last_[k];
        kept = std::isfinite(e) && 1.0 + e >= 0.5 * (1.0 + last_[k]);
        start_[k] = e;
      }
      if (kept) return start_;
    }
    double ratio = (v - v_[2]) / (v_[2] - v_[1]);
    if (!(ratio > 0.0)) ratio = (lng - lng_last_) / (lng_last_ - lng_before_);
    if (!std::isfinite(ratio)) return last_;  // (g = 0 has ln g = -inf)
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
    std::swap(older_, before_);
    std::swap(before_, last_);
    last_ = std::move(nuisances);
    v_[0] = v_[1];
    v_[1] = v_[2];
    v_[2] = v;
    lng_before_ = lng_last_;
    lng_last_ = lng;
    if (n_ < 3) ++n_;
  }

 private:
  bool quadratic_;
  std::vector<double> last_, before_, older_, start_;
  double v_[3] = {0.0, 0.0, 0.0};  // v of older_, before_, last_
  double lng_last_ = 0.0, lng_before_ = 0.0;
  int n_ = 0;  // optima recorded (at most 3 counted)
};

}  // namespace cevns::detail
