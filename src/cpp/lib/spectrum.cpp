#include "cevns/spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace cevns {

namespace {
void check_kinematics(const char* who, double T, double M, bool T_positive) {
  if (!(T_positive ? T > 0.0 : T >= 0.0) || !(M > 0.0) || !std::isfinite(T) || !std::isfinite(M))
    throw std::invalid_argument(
        std::string(who) + (T_positive ? ": need T > 0 and M > 0" : ": need T >= 0 and M > 0"));
}
}  // namespace

// ---------------------------------------------------------------------------
// LineSpectrum
// ---------------------------------------------------------------------------
LineSpectrum::LineSpectrum(double E0) : E0_(E0) {
  if (!(E0 > 0.0) || !std::isfinite(E0))
    throw std::invalid_argument("LineSpectrum: the line energy must be finite and > 0 MeV");
}

KinematicFactors LineSpectrum::kinematic_factors(double T, double M) const {
  check_kinematics("kinematic_factors", T, M, false);
  const double e_min = std::sqrt(M * T / 2.0);
  if (E0_ <= e_min) return {0.0, 0.0};
  return {1.0 - M * T / (2.0 * E0_ * E0_), 1.0 / (E0_ * E0_)};
}

double LineSpectrum::magnetic_kinematic_factor(double T, double M) const {
  check_kinematics("magnetic_kinematic_factor", T, M, true);
  const double e_min = std::sqrt(M * T / 2.0);
  if (E0_ <= e_min) return 0.0;
  return 1.0 / T - 1.0 / E0_;
}

// ---------------------------------------------------------------------------
// TabulatedSpectrum
// ---------------------------------------------------------------------------
namespace {
/// \int_x^b phi, phi/E, phi/E^2 for phi linear from (a, pa) to (b, pb), a <= x < b.
std::array<double, 3> segment_moments(double a, double pa, double b, double pb, double x) {
  const double s = (pb - pa) / (b - a);
  const double px = pa + s * (x - a);
  const double alpha = pa - s * a;  // phi(E) = alpha + s E
  const double i0 = 0.5 * (px + pb) * (b - x);
  const double log_ratio = std::log(b / x);  // inf at x = 0: only with a zero coefficient
  double i1 = s * (b - x), i2 = 0.0;
  if (alpha != 0.0) {
    i1 += alpha * log_ratio;
    i2 += alpha * (1.0 / x - 1.0 / b);
  }
  if (s != 0.0) i2 += s * log_ratio;
  return {i0, i1, i2};
}
}  // namespace

TabulatedSpectrum::TabulatedSpectrum(std::vector<double> E, std::vector<double> phi,
                                     std::vector<double> kinks)
    : E_(std::move(E)), phi_(std::move(phi)), kinks_(std::move(kinks)) {
  if (E_.size() < 2 || E_.size() != phi_.size())
    throw std::invalid_argument(
        "TabulatedSpectrum: need >= 2 nodes and as many densities as energies");
  for (std::size_t k = 0; k < E_.size(); ++k) {
    if (!std::isfinite(E_[k]) || E_[k] < 0.0 || (k > 0 && !(E_[k] > E_[k - 1])))
      throw std::invalid_argument(
          "TabulatedSpectrum: energies must be finite, >= 0 and strictly increasing");
    if (!std::isfinite(phi_[k]) || phi_[k] < 0.0)
      throw std::invalid_argument("TabulatedSpectrum: densities must be finite and >= 0");
  }
  for (double k : kinks_)
    if (!(k > E_.front() && k < E_.back()))
      throw std::invalid_argument("TabulatedSpectrum: kinks must lie inside the table");
  std::sort(kinks_.begin(), kinks_.end());
  for (std::size_t k = 0; k + 1 < E_.size(); ++k)
    integral_ += 0.5 * (phi_[k] + phi_[k + 1]) * (E_[k + 1] - E_[k]);
  if (!(integral_ > 0.0) || !std::isfinite(integral_))
    throw std::invalid_argument("TabulatedSpectrum: the spectrum must have a positive integral");
  for (double& p : phi_) p /= integral_;
  const std::size_t n = E_.size();
  tail0_.assign(n, 0.0);
  tail1_.assign(n, 0.0);
  tail2_.assign(n, 0.0);
  for (std::size_t k = n - 1; k-- > 0;) {
    const auto m = segment_moments(E_[k], phi_[k], E_[k + 1], phi_[k + 1], E_[k]);
    tail0_[k] = tail0_[k + 1] + m[0];
    tail1_[k] = tail1_[k + 1] + m[1];
    tail2_[k] = tail2_[k + 1] + m[2];
  }
}

double TabulatedSpectrum::density(double E) const {
  if (!(E >= E_.front()) || E > E_.back()) return 0.0;
  const std::size_t k = static_cast<std::size_t>(std::upper_bound(E_.begin(), E_.end(), E) -
                                                 E_.begin());  // E_[k-1] <= E < E_[k]
  if (k >= E_.size()) return phi_.back();
  const double t = (E - E_[k - 1]) / (E_[k] - E_[k - 1]);
  return phi_[k - 1] + t * (phi_[k] - phi_[k - 1]);
}

TabulatedSpectrum::Moments TabulatedSpectrum::moments_above(double x) const {
  if (x >= E_.back()) return {0.0, 0.0, 0.0};
  if (x <= E_.front()) return {tail0_[0], tail1_[0], tail2_[0]};
  const std::size_t k = static_cast<std::size_t>(std::upper_bound(E_.begin(), E_.end(), x) -
                                                 E_.begin());  // E_[k-1] <= x < E_[k]
  const auto m = segment_moments(E_[k - 1], phi_[k - 1], E_[k], phi_[k], x);
  return {m[0] + tail0_[k], m[1] + tail1_[k], m[2] + tail2_[k]};
}

KinematicFactors TabulatedSpectrum::kinematic_factors(double T, double M) const {
  check_kinematics("kinematic_factors", T, M, false);
  const Moments m = moments_above(std::sqrt(M * T / 2.0));
  return {m.i0 - 0.5 * M * T * m.i2, m.i2};
}

double TabulatedSpectrum::magnetic_kinematic_factor(double T, double M) const {
  check_kinematics("magnetic_kinematic_factor", T, M, true);
  const Moments m = moments_above(std::sqrt(M * T / 2.0));
  return m.i0 / T - m.i1;
}

// ---------------------------------------------------------------------------
// Components and mixtures
// ---------------------------------------------------------------------------
void FluxComponent::validate() const {
  const std::string who = "flux component '" + name + "': ";
  if (spectrum == nullptr) throw std::invalid_argument(who + "no spectrum");
  if (!(fluence_cm2 > 0.0) || !std::isfinite(fluence_cm2))
    throw std::invalid_argument(who + "fluence must be finite and > 0 (cm^-2)");
  if (time_fractions.empty()) throw std::invalid_argument(who + "need >= 1 time bin");
  for (double v : time_fractions)
    if (!std::isfinite(v) || v < 0.0)
      throw std::invalid_argument(who + "time fractions must be finite and >= 0");
}

FlavourProbabilities solar_flavour_probabilities(std::function<double(double)> P_ee,
                                                 double sin2_theta23) {
  if (!(sin2_theta23 >= 0.0 && sin2_theta23 <= 1.0))
    throw std::invalid_argument("solar_flavour_probabilities: sin^2 theta23 must be in [0, 1]");
  return [P_ee = std::move(P_ee), sin2_theta23](double E) {
    const double pe = P_ee(E);
    return std::array<double, 3>{pe, (1.0 - pe) * (1.0 - sin2_theta23), (1.0 - pe) * sin2_theta23};
  };
}

std::vector<FluxComponent> mix_flavours(const std::string& name, const TabulatedSpectrum& produced,
                                        double fluence_cm2, bool anti,
                                        const FlavourProbabilities& probabilities,
                                        std::vector<double> time_fractions) {
  const auto& E = produced.energies();
  const auto& phi = produced.densities();
  std::array<std::vector<double>, 3> mixed;
  for (auto& v : mixed) v.resize(E.size());
  for (std::size_t k = 0; k < E.size(); ++k) {
    const auto P = probabilities(E[k]);
    for (int a = 0; a < 3; ++a) {
      if (!std::isfinite(P[a]) || P[a] < -1e-12 || P[a] > 1.0 + 1e-12)
        throw std::invalid_argument("mix_flavours: flavour probabilities must be in [0, 1]");
      mixed[a][k] = phi[k] * std::max(0.0, P[a]);
    }
  }
  std::vector<FluxComponent> out;
  for (Lepton l : all_leptons) {
    std::vector<double>& p = mixed[index(l)];
    double integral = 0.0;
    for (std::size_t k = 0; k + 1 < E.size(); ++k)
      integral += 0.5 * (p[k] + p[k + 1]) * (E[k + 1] - E[k]);
    if (!(integral > 0.0)) continue;
    FluxComponent c;
    c.species = Neutrino{l, anti};
    c.name = name + "_" + to_string(c.species);
    c.spectrum = std::make_shared<TabulatedSpectrum>(E, std::move(p), produced.breakpoints());
    c.fluence_cm2 = fluence_cm2 * integral;
    c.time_fractions = time_fractions;
    c.validate();
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace cevns
