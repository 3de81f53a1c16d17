#pragma once
/// \file constants.hpp
/// Physical constants used by cevns -- the one documented place for them.
///
/// Natural units inside the core: energies, masses and momenta in MeV,
/// cross sections in MeV^-3 (d sigma/dT) until converted with hbar*c.
/// Source: Particle Data Group, R.L. Workman et al., PTEP 2022, 083C01
/// (Review of Particle Physics 2022), "Physical constants" table and the
/// particle listings, unless stated otherwise.

namespace cevns::constants {

/// Fermi constant G_F/(hbar c)^3 [MeV^-2] (PDG 2022: 1.1663788(6)e-5 GeV^-2).
inline constexpr double G_F = 1.1663788e-11;
/// Fine-structure constant alpha at q^2 = 0 (PDG 2022: 1/137.035999084).
inline constexpr double alpha_em = 1.0 / 137.035999084;
/// hbar*c [MeV fm] (PDG 2022, exact in SI 2019).
inline constexpr double hbar_c_MeV_fm = 197.3269804;
/// hbar*c [MeV cm].
inline constexpr double hbar_c_MeV_cm = 197.3269804e-13;
/// Avogadro number [mol^-1] (SI 2019, exact).
inline constexpr double N_A = 6.02214076e23;
/// Atomic mass unit [MeV] (PDG 2022: 931.49410242(28) MeV).
inline constexpr double amu_MeV = 931.49410242;

/// Electron mass [MeV] (PDG 2022: 0.51099895000(15)).
inline constexpr double m_e = 0.51099895000;
/// Muon mass [MeV] (PDG 2022: 105.6583755(23)).
inline constexpr double m_mu = 105.6583755;
/// Tau mass [MeV] (PDG 2022: 1776.86(12)).
inline constexpr double m_tau = 1776.86;
/// Charged-pion mass [MeV] (PDG 2022: 139.57039(18)).
inline constexpr double m_pi = 139.57039;

/// Charged-pion mean life [ns] (PDG 2022: 2.6033(5)e-8 s).
inline constexpr double tau_pi_ns = 26.033;
/// Muon mean life [ns] (PDG 2022: 2.1969811(22)e-6 s).
inline constexpr double tau_mu_ns = 2196.9811;

/// Atomic masses [u] (AME2020, M. Wang et al., Chin. Phys. C 45 (2021) 030003).
inline constexpr double atomic_mass_Ar40_u = 39.9623831237;
inline constexpr double atomic_mass_Cs133_u = 132.905451961;
inline constexpr double atomic_mass_I127_u = 126.904471;

/// Radiative-corrected neutrino-nucleon vector couplings (paper eq. 12,
/// MS-bar scheme, Cadeddu et al. 2020).
inline constexpr double gVp_nue = 0.0401;
inline constexpr double gVp_numu = 0.0318;
inline constexpr double gVn = -0.5094;

/// Low-energy weak mixing angle sin^2(theta_W) in the MS-bar scheme at q^2 -> 0,
/// 0.23857(5) (PDG low-energy value, Erler and Su 2013, as used by Cadeddu et al.
/// 2020b for the couplings of eq. 12): the reference point of PhysicsParameters::sin2w.
inline constexpr double sin2w_low_energy = 0.23857;
/// Neutral-to-charged current ratio rho^NC_{nu N} = 1.0082 of the neutrino-nucleon
/// couplings (PDG 2022 Electroweak review): g_V^p = rho (1/2 - 2 sin^2 theta_W) + ...,
/// so d g_V^p / d sin^2 theta_W = -2 rho; g_V^n = -rho/2 + ... does not depend on it.
inline constexpr double rho_nuN = 1.0082;
/// W mass [MeV] (PDG 2022: 80.377(12) GeV), for the SM neutrino charge radii.
inline constexpr double m_W = 80377.0;

/// Reference ratio (sigma_piN / m_ud)_ref of the scalar model (paper eq. 40).
inline constexpr double sigma_piN_over_mud_ref = 17.3;

inline constexpr double pi = 3.14159265358979323846;

/// Nuclear mass [MeV] from the atomic mass [u]: subtract the electrons (their
/// binding energy, < 0.3 MeV for Cs, is negligible at the 1e-6 level).
constexpr double nuclear_mass_MeV(double atomic_mass_u, int Z) {
  return atomic_mass_u * amu_MeV - Z * m_e;
}

}  // namespace cevns::constants
