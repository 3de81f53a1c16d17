#pragma once
/// \file parameters.hpp
/// Physics parameters beyond the light mediators: the low-energy weak mixing
/// angle, the neutron rms radii, heavy-mediator vector NSI, neutrino magnetic
/// moments and charge radii. Every default is the Standard Model of the paper
/// (eq. 12-14), and every rate computed with the defaults equals the SM rate
/// bit for bit.
///
/// Conventions (units as named; natural units inside the core):
///  * sin2w: sin^2 theta_W at q^2 -> 0 (MS-bar), in [0, 1] (a squared sine). The proton
///    coupling of eq. (12) moves as g_V^p(nu_l) -> g_V^p(nu_l) - 2 rho (sin2w - 0.23857),
///    rho = 1.0082; g_V^n = -rho/2 + (radiative terms) does not depend on it.
///  * rn_<nucleus>: neutron rms radius [fm] of each row of the nuclei table
///    (nuclei.hpp, data/nuclei.csv): rn_cs, rn_i, rn_ar (133Cs, 127I, 40Ar, eq. 14),
///    rn_xe124 ... rn_xe136, rn_ge70 ... rn_ge76; only F_N changes (proton radii fixed).
///    rn_<element> (rn_xe, rn_ge: elements with several isotopes in the table) is the
///    abundance-weighted mean neutron radius of the element; setting it sets every
///    isotope to its table value shifted by (value - the table's weighted mean), so
///    the skins' isotope dependence is kept.
///  * eps[q][alpha][beta]: vector NSI epsilon^{qV}_{alpha beta} (q = u, d; alpha,
///    beta = e, mu, tau), real and symmetric (hermitian). With Q normalised as in
///    eq. (10)-(11), d sigma/dT = G_F^2 M/pi (1 - M T/2E^2) sum_beta |Q_{alpha beta}|^2,
///      Q_{alpha alpha} = Q_SM + (2 eps^u_aa + eps^d_aa) Z F_Z + (eps^u_aa + 2 eps^d_aa) N F_N,
///      Q_{alpha beta}  =        (2 eps^u_ab + eps^d_ab) Z F_Z + (eps^u_ab + 2 eps^d_ab) N F_N,
///    i.e. the heavy-mass limit of eq. (16): eps^{qV}_{aa} = g^2 Q'_nu Q'_q / (sqrt2 G_F M^2).
///    Antineutrinos take the conjugate: the same for real eps.
///  * mu_nue, mu_numu, mu_nutau: neutrino magnetic moments in units of 1e-10 mu_B (an
///    antineutrino uses its lepton's: anti-nu_mu takes mu_numu); d sigma/dT = pi alpha^2/m_e^2
///    (mu/mu_B)^2 (1/T - 1/E) Z^2 F_Z^2, added incoherently.
///  * r2_nue, r2_numu, r2_nutau: neutrino charge radii <r^2_{nu_l}> in units of 1e-32
///    cm^2, the total value (SM default -(G_F/(2 sqrt2 pi^2)) [3 - 2 ln(m_l^2/m_W^2)],
///    Bernabeu et al.: -0.83, -0.48 and -0.30 for e, mu, tau; an antineutrino uses its
///    lepton's). Convention of Cadeddu et al., PRD 98 (2018)
///    113010: g_V^p(nu_l) -> g_V^p(nu_l) - (sqrt2 pi alpha / (3 G_F)) (<r^2> - <r^2>_SM),
///    the SM part being already inside eq. (12) (it gives g_V^p(nu_e) - g_V^p(nu_mu)).
#include <array>
#include <string>
#include <vector>

#include "cevns/constants.hpp"
#include "cevns/cross_section.hpp"
#include "cevns/neutrino.hpp"
#include "cevns/nuclei.hpp"

namespace cevns {

/// SM neutrino charge radius <r^2> [1e-32 cm^2] for a charged-lepton mass [MeV].
double charge_radius_sm(double lepton_mass_MeV);

/// Coefficient sqrt2 pi alpha / (3 G_F) [per 1e-32 cm^2]: the shift of g_V^p per
/// unit of <r^2> in 1e-32 cm^2.
double charge_radius_coupling_shift();

struct PhysicsParameters {
  double sin2w = constants::sin2w_low_energy;
  /// Neutron rms radii [fm], one per row of nuclei() (defaults: the table's r_n_fm);
  /// by name through set()/get() ("rn_cs", ...) or neutron_radius().
  std::vector<double> rn = default_neutron_radii();
  double mu_nue = 0.0;  ///< [1e-10 mu_B]
  double mu_numu = 0.0;
  double mu_nutau = 0.0;
  double r2_nue = charge_radius_sm(constants::m_e);      ///< [1e-32 cm^2]
  double r2_numu = charge_radius_sm(constants::m_mu);    ///< [1e-32 cm^2]
  double r2_nutau = charge_radius_sm(constants::m_tau);  ///< [1e-32 cm^2]
  /// eps[q][alpha][beta], q: 0 = u, 1 = d; alpha, beta: 0 = e, 1 = mu, 2 = tau.
  /// Kept symmetric by set(); set it through set() or keep it symmetric yourself.
  std::array<std::array<std::array<double, 3>, 3>, 2> eps{};

  /// Names accepted by set()/get(): sin2w, the rn_<nucleus> of every table row and
  /// rn_<element> of elements with several isotopes, mu_nue, mu_numu, mu_nutau, r2_nue,
  /// r2_numu, r2_nutau and eps_<q>_<ab> with q in {u, d}, ab in {ee, emu, etau, mumu,
  /// mutau, tautau}.
  static std::vector<std::string> names();
  /// The table's neutron radii, in the order of nuclei().
  static std::vector<double> default_neutron_radii();
  /// Set one parameter by name (both eps_q_ab and eps_q_ba). Throws
  /// std::invalid_argument for unknown names and for values validate() refuses.
  void set(const std::string& name, double value);
  double get(const std::string& name) const;
  /// Throws std::invalid_argument naming the problem: non-finite values, sin2w
  /// outside [0, 1], radii <= 0 (for rn_<element>: a value that leaves an isotope's
  /// radius <= 0), an eps matrix that is not symmetric.
  void validate() const;

  /// Neutron rms radius [fm] for a nucleus (by name, a row of the nuclei table); the
  /// nucleus's own r_n_fm for any other.
  double neutron_radius(const Nucleus& n) const;
  /// Set the neutron radius [fm] used for a nucleus of the table (any other nucleus
  /// always uses its own r_n_fm, so this is a no-op for it).
  void set_neutron_radius(const Nucleus& n, double r_fm);
  /// Names of the parameters of names() that hold the neutron radius of nucleus n: its
  /// row's rn_<isotope> and, for an element with several isotopes, rn_<element>; empty
  /// for a nucleus outside the table (it always uses its own r_n_fm).
  static std::vector<std::string> neutron_radius_names(const Nucleus& n);
  /// Every neutron-radius name of names() (rows and element aggregates).
  static std::vector<std::string> neutron_radius_names();
  /// g_V^p for a neutrino species (eq. 12 shifted by sin2w and its lepton's charge radius).
  double proton_coupling(Neutrino nu) const;
  /// Squared neutrino magnetic moment (mu/mu_B)^2 of a species (its lepton's moment).
  double magnetic_moment_sq(Neutrino nu) const;
};

/// The charges that enter sum_beta |Q_{alpha beta}|^2 for one species, at one T.
struct NsiCharges {
  double diagonal = 0.0;       ///< Q_{alpha alpha} (SM, sin2w, charge radius, diagonal eps)
  double off_diagonal2 = 0.0;  ///< sum_{beta != alpha} Q_{alpha beta}^2
};
NsiCharges nsi_charges(const Nucleus& n, Neutrino nu, const PhysicsParameters& p, double F_Z,
                       double F_N);

/// What nsi_charges needs of the parameters for one species (lepton alpha), computed
/// once per component (a rate evaluates it at every grid point): Q_{alpha beta} =
/// delta_{alpha beta} (g_p Z F_Z + g_V^n N F_N) + z[beta] Z F_Z + n[beta] N F_N.
struct NsiCoefficients {
  int alpha = 0;                   ///< lepton index alpha (e = 0, mu = 1, tau = 2)
  double g_p = 0.0;                ///< g_V^p with sin2w and the charge radius
  std::array<double, 3> z{}, n{};  ///< 2 eps^u + eps^d and eps^u + 2 eps^d, by beta
};
NsiCoefficients nsi_coefficients(Neutrino nu, const PhysicsParameters& p);
/// nsi_charges from precomputed coefficients (same numbers, bit for bit).
NsiCharges nsi_charges(const NsiCoefficients& c, double Z_F_Z, double N_F_N);

/// d sigma/dT [MeV^-3] of the magnetic-moment (helicity-flip) scattering alone,
/// pi alpha^2/m_e^2 (mu/mu_B)^2 (1/T - 1/E) Z^2 F_Z^2; 0 above the endpoint.
double dsigma_dT_magnetic(const Nucleus& n, double E_MeV, double T_MeV, double mu_over_muB,
                          FormFactorModel ff = FormFactorModel::Helm);

/// d sigma/dT [MeV^-3] with a mediator and the physics parameters (weak part
/// sum_beta |Q_{alpha beta} + g^2 X delta_{alpha beta}|^2, plus the scalar and the
/// magnetic-moment parts, incoherent). With default parameters it equals dsigma_dT.
double dsigma_dT(const Nucleus& n, Neutrino nu, double E_MeV, double T_MeV, const Mediator& m,
                 double coupling, const PhysicsParameters& p,
                 FormFactorModel ff = FormFactorModel::Helm);

}  // namespace cevns
