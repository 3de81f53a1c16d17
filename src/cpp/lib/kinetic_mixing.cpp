#include "cevns/kinetic_mixing.hpp"

#include <cmath>
#include <stdexcept>

namespace cevns {

namespace {
/// J(a) = \int_0^1 x(1-x) ln(1 + a x(1-x)) dx.
double loop_shape(double a) {
  if (a < 1e-2) {
    // Taylor series (the closed form cancels here); moments
    // \int (x(1-x))^{n+1} = 1/30, 1/140, 1/630, 1/2772 for n = 1..4.
    return a * (1.0 / 30.0 - a * (1.0 / 280.0 - a * (1.0 / 1890.0 - a / 11088.0)));
  }
  const double beta = std::sqrt(1.0 + 4.0 / a);
  return (-5.0 / 3.0 + 4.0 / a + (1.0 - 2.0 / a) * beta * std::log((beta + 1.0) / (beta - 1.0))) /
         6.0;
}
}  // namespace

double loop_integral(double m, double q) {
  if (!(m > 0.0) || !std::isfinite(m))
    throw std::invalid_argument("loop_integral: lepton mass must be finite and > 0");
  if (!(q >= 0.0) || !std::isfinite(q))
    throw std::invalid_argument("loop_integral: |q| must be finite and >= 0");
  return std::log(m * m) / 6.0 + loop_shape(q * q / (m * m));
}

double epsilon_loop(double m_beta, double m_alpha, double q) {
  return loop_integral(m_beta, q) - loop_integral(m_alpha, q);
}

}  // namespace cevns
