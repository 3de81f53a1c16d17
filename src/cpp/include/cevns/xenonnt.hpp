/// \file xenonnt.hpp
/// \brief Solar 8B CEvNS on natural xenon through the XENONnT mono-energetic
///        efficiency templates (2026 release): the physics route.
///
/// The expectation in bin b of science run r is
///   mu_rb = exposure_r sum_k x_k mono_rk[b](t_ly, t_qy),
///   x_k   = int dT hat_k(T) dR/dT(T)        [events / (t yr)],
/// where hat_k is the linear-interpolation ("hat") basis function of the k-th
/// template energy E_k (0.5, 0.6, ..., 5.0 keV): the efficiency is taken
/// linear in T between neighbouring template energies, and the product with
/// the recoil spectrum is integrated exactly enough on a fine Gauss-Legendre
/// grid (2 panels of 8 points per template step by default; 8 panels agree to
/// 2e-12). Recoils
/// below the first template energy have no template and are not counted (see
/// XenonntRate::integrated_rate to quantify them); above the last one the
/// efficiency is taken as that of the last template until the endpoint
/// (none of the 8B spectrum reaches 5 keV on xenon).
///
/// dR/dT = sum_isotopes n_i G_F^2 M_i / pi sum_f Q_f(T)^2 K_f,i(T) (vector
/// mediators and the SM), K_f,i(T) = int_{E_min} dE Phi_f(E) (1 - M_i T / 2E^2),
/// integrated over the linearly interpolated spectrum table with 4-point
/// Gauss-Legendre per table interval (split at E_min); the scalar adds
/// M^2 T / (4 pi) g^4 S^2 int dE Phi_f / E^2. So the node inputs are exactly
/// N0 + g^2 N1 + g^4 N2 at fixed mediator mass (Templates).
///
/// Flavours at the detector: nu_e, nu_mu, nu_tau with the fractions of
/// SolarSource::flavour_fractions. The SM vector charge of nu_tau is taken
/// as nu_mu's (the flavour-dependent radiative correction g_V^p of the
/// paper's nu_mu is used for nu_tau; a % effect on the small proton term);
/// the U(1)' charge of nu_tau is Q'_tau exactly.
#pragma once

#include <string>
#include <vector>

#include "cevns/cross_section.hpp"
#include "cevns/form_factor.hpp"
#include "cevns/mediator.hpp"
#include "cevns/rate.hpp"
#include "cevns/solar.hpp"
#include "cevns/xenon_chi2.hpp"
#include "cevns/xenonnt_release.hpp"

namespace cevns {

/// One isotope of natural xenon.
struct XenonIsotope {
  Nucleus nucleus;   ///< Z, N, nuclear mass, proton and neutron rms radii
  double abundance;  ///< isotopic abundance (fraction of atoms)
};

/// Stable isotopes of natural xenon: abundances of CIAAW/IUPAC (J. Meija et
/// al., Pure Appl. Chem. 88 (2016) 293), atomic masses AME2020 (M. Wang et al.,
/// Chin. Phys. C 45 (2021) 030003), point-proton radii from the charge radii
/// of I. Angeli and K. P. Marinova, At. Data Nucl. Data Tables 99 (2013) 69
/// (r_p^2 = r_ch^2 - 0.7071 fm^2 + (N/Z) 0.1161 fm^2), neutron radii
/// r_n = r_p + skin (default 0.25 fm, a mean-field estimate; *to verify*: the
/// 8B rate changes by < 0.1 % per 0.1 fm, see the tests).
std::vector<XenonIsotope> natural_xenon(double neutron_skin_fm = 0.25);

/// Options of the xenon rate.
struct XenonntRateConfig {
  std::vector<double> node_energy_keV;  ///< template energies [keV], increasing (>= 2)
  int panels_per_step = 2;              ///< 8-point Gauss-Legendre panels per template step
  FormFactorModel form_factor = FormFactorModel::Helm;
  double neutron_skin_fm = 0.25;               ///< r_n - r_p of every isotope [fm]
  double seconds_per_year = 365.25 * 86400.0;  ///< the "yr" of t yr (Julian year)
};

/// Solar-neutrino CEvNS on natural xenon, folded on the template energies.
class XenonntRate {
 public:
  /// \throws std::invalid_argument on fewer than two or non-increasing energies
  XenonntRate(SolarSource source, XenonntRateConfig config);

  std::size_t n_nodes() const { return config_.node_energy_keV.size(); }
  const XenonntRateConfig &config() const { return config_; }
  const SolarSource &source() const { return source_; }
  const std::vector<XenonIsotope> &isotopes() const { return isotopes_; }

  /// Node inputs x_k [events / (t yr)] as N0 + g^2 N1 + g^4 N2 at the mediator's mass.
  Templates templates(const Mediator &m) const;
  /// Node inputs for a mediator and coupling.
  std::vector<double> predict(const Mediator &m, double coupling) const;
  /// dR/dT [events / (t yr keV)] at recoil energies T [keV].
  std::vector<double> spectrum(const std::vector<double> &T_keV, const Mediator &m,
                               double coupling) const;
  /// Events / (t yr) with T in [lo, hi] keV (no efficiency), 8-point Gauss-Legendre
  /// on `panels` panels.
  double integrated_rate(double lo_keV, double hi_keV, const Mediator &m, double coupling,
                         int panels = 400) const;
  /// Flux-averaged total cross section <sigma>_Phi [cm^2 per nucleus]: every
  /// scattering (all recoil energies) per unit total flux, averaged over the
  /// isotopes by number, SM.
  double flux_averaged_cross_section() const;

 private:
  SolarSource source_;
  XenonntRateConfig config_;
  std::vector<XenonIsotope> isotopes_;
  std::vector<double> n_per_tonne_;  ///< nuclei of each isotope per tonne
  // energy quadrature of the flux: nodes, weights, flavour flux densities
  std::vector<double> e_, we_;
  std::vector<double> phi_[3];
  // recoil grid
  struct Point {
    double T_MeV, w_MeV;
    std::size_t k;  ///< node below
    double h;       ///< hat weight of node k (1 - h for node k + 1)
  };
  std::vector<Point> grid_;
  /// per grid point and isotope: A_f = n G_F^2 M/pi K_f (hbar c)^2 s/yr, B_f (scalar), FZ, FN
  struct Cache {
    double A[3], B[3], FZ, FN;
  };
  std::vector<Cache> cache_;  ///< grid_.size() x isotopes
  std::vector<double> pee_;   ///< P_ee on a 10 keV grid of E_nu from 0
  Cache evaluate(double T_MeV, std::size_t iso) const;
  /// Flavour fractions {e, mu, tau} at E [MeV] from the P_ee grid (exact P_ee
  /// at the flux nodes is used for the full intervals).
  void fractions(double e_MeV, double out[3]) const;
  void accumulate(const Cache &c, const Nucleus &n, const Mediator &m, double T_MeV,
                  double out[3]) const;
};

/// The solar 8B source of a data directory (hash-checked): Winter et al. shape,
/// the B16 8B production profile ("gs98" or "agss09"), total flux [cm^-2 s^-1].
SolarSource solar_b8_source(const std::string &data_dir, double flux = kSnoB8Flux,
                            const OscillationParameters &osc = {},
                            const std::string &solar_model = "gs98");

/// The XENONnT likelihood of the physics route for some science runs (0, 1,
/// 2): signal inputs are the node inputs x_k [events / (t yr)] of XenonntRate,
/// folded with exposure x mono templates; backgrounds x exposure.
XenonChi2 xenonnt_chi2(const XenonntRelease &release, const std::vector<int> &runs,
                       XenonSigmas sigmas = {},
                       XenonMorphing morphing = XenonMorphing::rate_times_shape);

}  // namespace cevns
