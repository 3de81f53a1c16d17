#pragma once
/// \file gm2.hpp
/// One-loop contribution of a light neutral boson B to the muon anomalous magnetic
/// moment a_mu = (g-2)_mu / 2 (paper Appendix B, eq. 58-59; Brodsky and de Rafael 1968).

namespace cevns {

/// Lorentz nature of the boson in the loop; selects Q(x) of eq. (59).
enum class BosonType {
  Scalar,  ///< Q(x) = x^2 (2 - x)
  Vector   ///< Q(x) = 2 x^2 (1 - x)
};

/// The loop integral of eq. (58) [dimensionless]:
/// I(M) = \int_0^1 dx Q(x) / (x^2 + (1 - x) M^2 / m_mu^2), with m_mu from constants.hpp.
///
/// Limits: I -> 1 (vector), 3/2 (scalar) for M << m_mu; I -> (2/3)(m_mu/M)^2 (vector),
/// (m_mu/M)^2 (ln(M^2/m_mu^2) - 7/6) (scalar) for M >> m_mu.
///
/// Computed by composite 20-point Gauss-Legendre quadrature on cells graded
/// geometrically towards x = 0 (down to well below the scale M/m_mu of the
/// light-boson peak) and towards x = 1 (down to well below the distance of the
/// denominator's real root, ~ m_mu^2/M^2 for a heavy boson); the integrand is
/// positive, so the relative accuracy is ~1e-14 for any M (checked 1 keV - 10 GeV).
///
/// \param mass_MeV boson mass M [MeV], finite and > 0.
/// \throws std::invalid_argument if mass_MeV is not finite or <= 0.
double gm2_loop_integral(BosonType type, double mass_MeV);

/// delta a_mu^B = g_B^2 / (8 pi^2) * gm2_loop_integral(type, M) (eq. 58) [dimensionless].
///
/// \param mass_MeV boson mass M [MeV], finite and > 0.
/// \param coupling g_B, the boson's coupling to the muon (dimensionless, finite).
/// \throws std::invalid_argument if mass_MeV is not finite or <= 0, or coupling is not finite.
double delta_a_mu(BosonType type, double mass_MeV, double coupling);

/// "scalar" / "vector".
const char* to_string(BosonType type);

}  // namespace cevns
