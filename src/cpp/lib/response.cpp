#include "cevns/response.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "cevns/constants.hpp"

namespace cevns {

double EfficiencyTable::operator()(double xv) const {
  if (x.empty()) return 1.0;
  if (xv <= x.front()) return eff.front();
  if (xv >= x.back()) return eff.back();
  const auto it = std::upper_bound(x.begin(), x.end(), xv);
  const std::size_t i = static_cast<std::size_t>(it - x.begin());
  const double t = (xv - x[i - 1]) / (x[i] - x[i - 1]);
  return eff[i - 1] + t * (eff[i] - eff[i - 1]);
}

namespace {
/// Composite Simpson rule of f on [a, b] with an even number of steps <= h.
template <class F>
double simpson(F&& f, double a, double b, double h) {
  if (!(b > a)) return 0.0;
  const int n = 2 * std::max(1, static_cast<int>(std::ceil((b - a) / (2.0 * h))));
  const double dx = (b - a) / n;
  double s = f(a) + f(b);
  for (int k = 1; k < n; ++k) s += (k % 2 ? 4.0 : 2.0) * f(a + k * dx);
  return s * dx / 3.0;
}
}  // namespace

ArgonResponse::ArgonResponse(double qf_a, double qf_b, double res_a, EfficiencyTable eff)
    : qf_a_(qf_a), qf_b_(qf_b), res_a_(res_a), eff_(std::move(eff)) {
  if (!(qf_a > 0.0) || !std::isfinite(qf_b) || !(res_a > 0.0))
    throw std::invalid_argument("ArgonResponse: need QF a > 0, finite b and resolution a > 0");
  if (eff_.x.size() != eff_.eff.size() || eff_.x.size() < 2)
    throw std::invalid_argument("ArgonResponse: efficiency table needs >= 2 matching points");
  for (std::size_t i = 1; i < eff_.x.size(); ++i)
    if (!(eff_.x[i] > eff_.x[i - 1]))
      throw std::invalid_argument("ArgonResponse: efficiency energies must increase");
}

double ArgonResponse::electron_equivalent_keVee(double T_MeV) const {
  const double T_keV = T_MeV * 1e3;
  return (qf_a_ + qf_b_ * T_keV) * T_keV;
}

double ArgonResponse::bin_probability(double T_MeV, double lo, double hi) const {
  const double mu = electron_equivalent_keVee(T_MeV);
  if (!(mu > 0.0)) return 0.0;
  const double sigma = res_a_ * std::sqrt(mu);  // sigma/E = a/sqrt(E)
  // Only +-8 sigma around the mean contributes.
  const double a = std::max(lo, mu - 8.0 * sigma);
  const double b = std::min(hi, mu + 8.0 * sigma);
  if (!(b > a)) return 0.0;
  const double norm = 1.0 / (std::sqrt(2.0 * constants::pi) * sigma);
  auto f = [&](double e) {
    const double z = (e - mu) / sigma;
    return eff_(e) * norm * std::exp(-0.5 * z * z);
  };
  return simpson(f, a, b, std::min(0.05, sigma / 8.0));
}

CsIResponse::CsIResponse(std::array<double, 4> qf, double ly, double res_b,
                         std::array<double, 4> eff)
    : qf_(qf), ly_(ly), res_b_(res_b), eff_(eff) {
  if (!(ly > 0.0) || !(res_b > 0.0))
    throw std::invalid_argument("CsIResponse: light yield and resolution b must be > 0");
}

double CsIResponse::electron_equivalent_keVee(double T) const {
  const double e_mev = T * (qf_[0] + T * (qf_[1] + T * (qf_[2] + T * qf_[3])));
  return e_mev * 1e3;
}

double CsIResponse::efficiency(double x) const {
  const double e = eff_[0] / (1.0 + std::exp(-eff_[1] * (x - eff_[2]))) + eff_[3];
  return e > 0.0 ? e : 0.0;  // the release's prescription: clip negative values
}

double CsIResponse::bin_probability(double T_MeV, double lo, double hi) const {
  const double eee = electron_equivalent_keVee(T_MeV);
  if (!(eee > 0.0)) return 0.0;
  const double a = 1.0 / (ly_ * eee);  // mean PE = LY E_ee
  const double b = res_b_ * eee;
  const double k = 1.0 + b;           // gamma shape
  const double rate = a * (1.0 + b);  // gamma rate [PE^-1]
  const double log_norm = k * std::log(rate) - std::lgamma(k);
  const double mean = k / rate, sd = std::sqrt(k) / rate;
  // The efficiency vanishes below x0 (clipped at 0): skip that range.
  double x0 = 0.0;
  if (eff_[3] < 0.0 && eff_[0] > -eff_[3] && eff_[1] > 0.0)
    x0 = eff_[2] - std::log(eff_[0] / (-eff_[3]) - 1.0) / eff_[1];
  const double x_lo = std::max({lo, 0.0, x0});
  const double x_hi = std::min(hi, mean + 12.0 * sd + 5.0);
  if (!(x_hi > x_lo)) return 0.0;
  auto f = [&](double x) {
    if (x <= 0.0) return 0.0;
    return efficiency(x) * std::exp(log_norm + b * std::log(x) - rate * x);
  };
  return simpson(f, x_lo, x_hi, std::min(0.05, sd / 8.0));
}

}  // namespace cevns
