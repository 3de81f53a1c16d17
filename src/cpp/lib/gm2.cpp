#include "cevns/gm2.hpp"

#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "cevns/constants.hpp"

namespace cevns {

namespace {

constexpr int kGaussPoints = 20;

/// Nodes (on [-1, 1]) and weights of the kGaussPoints-point Gauss-Legendre rule, by
/// Newton iteration on P_n from the Chebyshev-like initial guesses.
struct GaussLegendre {
  std::array<double, kGaussPoints> x{};
  std::array<double, kGaussPoints> w{};
  GaussLegendre() {
    const int n = kGaussPoints;
    for (int i = 0; i < (n + 1) / 2; ++i) {
      double z = std::cos(constants::pi * (i + 0.75) / (n + 0.5));
      double dp = 0.0;
      for (int it = 0; it < 100; ++it) {
        double p0 = 1.0, p1 = 0.0;
        for (int j = 1; j <= n; ++j) {  // recurrence for P_j(z)
          const double p2 = p1;
          p1 = p0;
          p0 = ((2.0 * j - 1.0) * z * p1 - (j - 1.0) * p2) / j;
        }
        dp = n * (z * p0 - p1) / (z * z - 1.0);
        const double dz = p0 / dp;
        z -= dz;
        if (std::abs(dz) < 1e-16) break;
      }
      x[i] = -z;
      x[n - 1 - i] = z;
      w[i] = w[n - 1 - i] = 2.0 / ((1.0 - z * z) * dp * dp);
    }
  }
};

const GaussLegendre& gauss_legendre() {
  static const GaussLegendre rule;
  return rule;
}

/// Integrand of eq. (58) written with both x and y = 1 - x supplied, so that the
/// cells next to x = 1 keep the full relative precision of y.
double integrand(BosonType type, double x, double y, double r2) {
  const double den = x * x + y * r2;
  const double q = type == BosonType::Scalar ? x * x * (1.0 + y) : 2.0 * x * x * y;
  return q / den;
}

/// \int_0^{1/2} f(t) dt with cells [a, 2a] graded towards t = 0 down to a <= 1e-3 * scale
/// and one last cell [0, a]; f is analytic except for poles at a distance >= scale from
/// t = 0, so every cell sees its nearest pole at >= 2 half-widths from its centre.
template <class F>
double graded_half(F&& f, double scale) {
  const GaussLegendre& gl = gauss_legendre();
  auto cell = [&](double a, double b) {
    const double c = 0.5 * (a + b), h = 0.5 * (b - a);
    double s = 0.0;
    for (int i = 0; i < kGaussPoints; ++i) s += gl.w[i] * f(c + h * gl.x[i]);
    return s * h;
  };
  const double t_min = 1e-3 * std::fmin(scale, 0.5);
  double b = 0.5, sum = 0.0;
  while (b > t_min) {  // largest cells first is fine: all terms are positive
    sum += cell(0.5 * b, b);
    b *= 0.5;
  }
  return sum + cell(0.0, b);
}

void check_mass(double mass_MeV, const char* where) {
  if (!std::isfinite(mass_MeV) || !(mass_MeV > 0.0))
    throw std::invalid_argument(std::string(where) + ": boson mass must be finite and > 0 MeV");
}

}  // namespace

double gm2_loop_integral(BosonType type, double mass_MeV) {
  check_mass(mass_MeV, "gm2_loop_integral");
  const double r = mass_MeV / constants::m_mu;
  const double r2 = r * r;
  if (!std::isfinite(r2)) throw std::invalid_argument("gm2_loop_integral: boson mass too large");
  // Roots of x^2 + (1 - x) r^2: complex with modulus r for r < 2 (the light-boson peak
  // at x ~ r); real and > 1 for r > 2, the nearer one at 1 + 1/(x_+ - 1) ~ 1 + 1/r^2.
  const double scale0 = std::fmin(r, 1.0);
  double scale1 = 1.0;  // |1 - root| = sqrt(D(1)) = 1 for complex roots
  if (r > 2.0) {
    const double x_plus = 0.5 * (r2 + r * std::sqrt(r2 - 4.0));
    scale1 = 1.0 / (x_plus - 1.0);
  }
  const double low = graded_half([&](double x) { return integrand(type, x, 1.0 - x, r2); }, scale0);
  const double high =
      graded_half([&](double y) { return integrand(type, 1.0 - y, y, r2); }, scale1);
  return low + high;
}

double delta_a_mu(BosonType type, double mass_MeV, double coupling) {
  check_mass(mass_MeV, "delta_a_mu");
  if (!std::isfinite(coupling)) throw std::invalid_argument("delta_a_mu: coupling must be finite");
  return coupling * coupling / (8.0 * constants::pi * constants::pi) *
         gm2_loop_integral(type, mass_MeV);
}

const char* to_string(BosonType type) {
  switch (type) {
    case BosonType::Scalar: return "scalar";
    case BosonType::Vector: return "vector";
  }
  return "unknown";
}

}  // namespace cevns
