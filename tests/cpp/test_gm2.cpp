// Tests of the muon g-2 loop function of paper Appendix B (eq. 58-59).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "cevns/constants.hpp"
#include "cevns/gm2.hpp"

namespace {

namespace c = cevns::constants;
using cevns::BosonType;
using cevns::delta_a_mu;
using cevns::gm2_loop_integral;

double rel(double a, double b) { return std::abs(a / b - 1.0); }

}  // namespace

TEST_CASE("gm2: closed forms at M = m_mu") {
  // r = 1: x^2 (2 - x) = (1 - x)(x^2 - x + 1) + (2x - 1), so I_S = 1/2 exactly;
  // 2 x^2 (1 - x) = -2x (x^2 - x + 1) + 2x, so I_V = 2 pi / (3 sqrt 3) - 1.
  CHECK(rel(gm2_loop_integral(BosonType::Scalar, c::m_mu), 0.5) < 1e-14);
  CHECK(rel(gm2_loop_integral(BosonType::Vector, c::m_mu),
            2.0 * c::pi / (3.0 * std::sqrt(3.0)) - 1.0) < 1e-14);
}

TEST_CASE("gm2: agreement with 40-digit reference values") {
  // Reference: mpmath.quad at mp.dps = 40 with breakpoints at the scales M/m_mu and
  // m_mu^2/M^2 near x = 0 and x = 1 (m_mu = 105.6583755 MeV).
  struct Ref {
    double mass_MeV, vector, scalar;
  };
  const Ref refs[] = {
      {1e-3, 0.99997027056147501, 1.4999702696148358},
      {10.0, 0.78264428458628518, 1.268738636341727},
      {1e3, 0.0067905084381672633, 0.038476889724333323},
      {1e4, 7.4249589300111697e-5, 0.00088598164522135587},
  };
  for (const Ref& r : refs) {
    CAPTURE(r.mass_MeV);
    CHECK(rel(gm2_loop_integral(BosonType::Vector, r.mass_MeV), r.vector) < 1e-12);
    CHECK(rel(gm2_loop_integral(BosonType::Scalar, r.mass_MeV), r.scalar) < 1e-12);
  }
}

TEST_CASE("gm2: light-boson limit M << m_mu") {
  // I_V -> 1, I_S -> 3/2; the first correction is -pi M/m_mu for both.
  const double M = 1e-3;  // 1 keV
  const double r = M / c::m_mu;
  const double iv = gm2_loop_integral(BosonType::Vector, M);
  const double is = gm2_loop_integral(BosonType::Scalar, M);
  CHECK(std::abs(iv - 1.0) < 4.0 * r);
  CHECK(std::abs(is - 1.5) < 4.0 * r);
  CHECK((1.0 - iv) / r == doctest::Approx(c::pi).epsilon(1e-3));
  CHECK((1.5 - is) / r == doctest::Approx(c::pi).epsilon(1e-3));
  const double g = 1e-4;
  CHECK(rel(delta_a_mu(BosonType::Vector, M, g), g * g / (8 * c::pi * c::pi)) < 4.0 * r);
  CHECK(rel(delta_a_mu(BosonType::Scalar, M, g), 1.5 * g * g / (8 * c::pi * c::pi)) < 4.0 * r);
}

TEST_CASE("gm2: heavy-boson limit M >> m_mu") {
  // I_V -> (2/3)(m_mu/M)^2, I_S -> (m_mu/M)^2 (ln(M^2/m_mu^2) - 7/6); the relative
  // corrections are O(ln(M^2/m_mu^2) m_mu^2/M^2): 2.4e-3 (vector) and 3.4e-4 (scalar)
  // at 10 GeV, 100 times smaller at 100 GeV.
  for (double M : {1e4, 1e5}) {
    CAPTURE(M);
    const double x = c::m_mu * c::m_mu / (M * M);
    const double tol = 3.0 * std::log(1.0 / x) * x;
    CHECK(rel(gm2_loop_integral(BosonType::Vector, M), 2.0 / 3.0 * x) < tol);
    CHECK(rel(gm2_loop_integral(BosonType::Scalar, M), x * (std::log(1.0 / x) - 7.0 / 6.0)) <
          tol / 5.0);
  }
  CHECK(rel(gm2_loop_integral(BosonType::Scalar, 1e4),
            c::m_mu * c::m_mu / 1e8 * (std::log(1e8 / (c::m_mu * c::m_mu)) - 7.0 / 6.0)) < 5e-4);
}

TEST_CASE("gm2: monotonic in M, scalar above vector, delta_a_mu scales as g^2") {
  double prev_v = 2.0, prev_s = 2.0;
  for (double M = 1e-3; M <= 1e4; M *= 1.7) {
    const double iv = gm2_loop_integral(BosonType::Vector, M);
    const double is = gm2_loop_integral(BosonType::Scalar, M);
    CHECK(iv < prev_v);
    CHECK(is < prev_s);
    CHECK(is > iv);
    prev_v = iv;
    prev_s = is;
  }
  const double d1 = delta_a_mu(BosonType::Vector, 20.0, 1e-4);
  CHECK(rel(delta_a_mu(BosonType::Vector, 20.0, 3e-4), 9.0 * d1) < 1e-14);
  CHECK(rel(delta_a_mu(BosonType::Vector, 20.0, -1e-4), d1) < 1e-15);
  CHECK(std::string(cevns::to_string(BosonType::Scalar)) == "scalar");
}

TEST_CASE("gm2: invalid input") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (double M : {0.0, -1.0, nan, inf}) {
    CHECK_THROWS_AS(gm2_loop_integral(BosonType::Vector, M), std::invalid_argument);
    CHECK_THROWS_AS(delta_a_mu(BosonType::Scalar, M, 1e-4), std::invalid_argument);
  }
  CHECK_THROWS_AS(delta_a_mu(BosonType::Scalar, 10.0, nan), std::invalid_argument);
}
