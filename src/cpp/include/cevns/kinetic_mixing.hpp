#pragma once
/// \file kinetic_mixing.hpp
/// One-loop kinetic mixing of a leptonic Z' with the photon (paper eq. 29).

namespace cevns {

/// Vacuum-polarisation integral I(m, |q|) = \int_0^1 x(1-x) ln(m^2 + x(1-x)|q|^2) dx
/// [dimensionless, m and |q| in MeV; ln of MeV^2], in closed form:
/// I = ln(m^2)/6 + (1/6)[-5/3 + 4/a + (1 - 2/a) beta ln((beta+1)/(beta-1))],
/// a = |q|^2/m^2, beta = sqrt(1 + 4/a); series a/30 - a^2/280 for small a.
double loop_integral(double m_MeV, double q_MeV);

/// epsilon_{beta alpha}(|q|) = \int_0^1 x(1-x) ln[(m_beta^2 + x(1-x)q^2)/(m_alpha^2 + x(1-x)q^2)]
/// dx (eq. 29). Tends to ln(m_beta^2/m_alpha^2)/6 for |q| << m_alpha, m_beta.
double epsilon_loop(double m_beta_MeV, double m_alpha_MeV, double q_MeV);

}  // namespace cevns
