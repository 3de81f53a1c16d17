/// \file solar.hpp
/// \brief Solar 8B (and hep) neutrinos at Earth: the energy spectrum, the total
///        flux and the flavour content after adiabatic LMA-MSW propagation
///        averaged over the 8B production region of the Sun.
///
/// Spectrum: W. T. Winter et al., Phys. Rev. C 73 (2006) 025503 (0-20 MeV in
/// 0.1 MeV steps), linearly interpolated between the tabulated points and
/// normalised to 1 on the table's range; hep: J. N. Bahcall, Phys. Rev. C 56
/// (1997) 3391, likewise. Default total 8B flux: SNO NC, (5.25 +- 0.20) x 10^6
/// cm^-2 s^-1 (B. Aharmim et al., Phys. Rev. C 88 (2013) 025501).
///
/// Flavour at Earth (day, no Earth-matter regeneration; incoherent mass
/// eigenstates after the adiabatic passage):
///   P_ee(E) = c13^4 [1/2 + 1/2 cos 2theta12^m(E, r) cos 2theta12] + s13^4,
///   cos 2theta12^m = (cos 2theta12 - A) / sqrt((cos 2theta12 - A)^2 + sin^2 2theta12),
///   A = 2 E sqrt(2) G_F n_e(r) c13^2 / Delta m^2_21,
/// averaged over the production zones r with the B16 8B production
/// distribution (N. Vinyoles et al., ApJ 835 (2017) 202). The rest, 1 - P_ee,
/// goes to nu_mu and nu_tau in the ratio cos^2 theta23 : sin^2 theta23
/// (leading order in theta13, delta_CP neglected).
///
/// Every const method is thread-safe.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "cevns/spectrum.hpp"

namespace cevns {

/// Oscillation parameters. Defaults: NuFIT 5.2 (2022), normal ordering, with
/// SK atmospheric data (I. Esteban et al., JHEP 09 (2020) 178, www.nu-fit.org):
/// sin^2 theta12 = 0.303, sin^2 theta13 = 0.02225, sin^2 theta23 = 0.451,
/// Delta m^2_21 = 7.41 x 10^-5 eV^2.
struct OscillationParameters {
  double sin2_theta12 = 0.303;    ///< sin^2 theta12
  double sin2_theta13 = 0.02225;  ///< sin^2 theta13
  double sin2_theta23 = 0.451;    ///< sin^2 theta23
  double dm2_21 = 7.41e-5;        ///< Delta m^2_21 [eV^2]
};

/// sqrt(2) G_F N_A (hbar c)^3: the MSW potential [eV] of an electron density
/// of 1 mol/cm^3 (7.63 x 10^-14 eV).
constexpr double kMswPotentialPerMolCm3 = 7.6324e-14;

/// Radial profile of the Sun for one neutrino source (B16 nudistr table).
struct SolarProfile {
  std::vector<double> radius;            ///< r / R_sun
  std::vector<double> electron_density;  ///< n_e [mol/cm^3] (N_A cm^-3)
  std::vector<double> weight;            ///< production fraction per zone (sums to 1)
};

/// Read a two-or-three column spectrum table ("E, dN/dE[, error]", '#' comments) as a
/// normalised TabulatedSpectrum (spectrum.hpp: linear interpolation, exact moments),
/// refined to nodes every `refine_MeV` (the same piecewise-linear density; finer
/// nodes let mix_flavours sample P_ee(E) finely).
/// \throws MalformedDataError naming the file and line
TabulatedSpectrum read_spectrum_table(const std::string &path, double refine_MeV = 0.0);

/// Read a B16 "nudistr" table; `source` selects the production column:
/// "pp", "pep", "hep", "7Be", "8B", "13N", "15O", "17F".
/// \throws MalformedDataError naming the file and line; std::invalid_argument
///         for an unknown source
SolarProfile read_solar_profile(const std::string &path, const std::string &source = "8B");

/// Electron-neutrino survival probability of adiabatic LMA-MSW for a neutrino
/// produced at electron density n_e [mol/cm^3] with energy E [MeV].
double survival_probability(double e_mev, double electron_density,
                            const OscillationParameters &osc = {});

/// P_ee(E) averaged over the production region of `profile`.
double survival_probability(double e_mev, const SolarProfile &profile,
                            const OscillationParameters &osc = {});

/// A solar neutrino source at Earth: spectrum, total flux, flavour content.
class SolarSource {
 public:
  /// \param spectrum  normalised energy spectrum
  /// \param profile   production region (B16)
  /// \param flux      total flux at Earth [cm^-2 s^-1] (all flavours)
  /// \param osc       oscillation parameters
  /// \throws std::invalid_argument on an empty table or a non-positive flux
  SolarSource(TabulatedSpectrum spectrum, SolarProfile profile, double flux,
              OscillationParameters osc = {});

  /// Total flux at Earth [cm^-2 s^-1].
  double flux() const { return flux_; }
  /// Normalised spectrum dN/dE [1/MeV].
  const TabulatedSpectrum &spectrum() const { return spectrum_; }
  /// Largest energy with a non-zero density [MeV].
  double endpoint() const;
  /// The flux components at the detector: one per flavour (mix_flavours), fluence
  /// flux x seconds [cm^-2] (e.g. one year, so that rates are per year).
  std::vector<FluxComponent> components(const std::string &name, double seconds) const;
  const OscillationParameters &oscillation() const { return osc_; }
  /// Survival probability averaged over the production region.
  double p_ee(double e_mev) const { return survival_probability(e_mev, profile_, osc_); }
  /// Flavour probabilities {e, mu, tau} at Earth (sum to 1).
  std::array<double, 3> flavour_fractions(double e_mev) const;
  /// Flux density dPhi/dE of one flavour (0 = e, 1 = mu, 2 = tau) [cm^-2 s^-1 MeV^-1].
  double flux_density(double e_mev, int flavour) const;

 private:
  TabulatedSpectrum spectrum_;
  SolarProfile profile_;
  double flux_;
  OscillationParameters osc_;
};

/// SNO NC total 8B flux (5.25 x 10^6 cm^-2 s^-1) and its relative uncertainty
/// (0.20 / 5.25 = 3.81 %), Phys. Rev. C 88 (2013) 025501.
constexpr double kSnoB8Flux = 5.25e6;
constexpr double kSnoB8FluxRelError = 0.0381;

/// B16 standard-solar-model hep flux [cm^-2 s^-1] (N. Vinyoles et al., ApJ 835
/// (2017) 202, Table 6; solar/fluxes_b16.dat): GS98 7.98 x 10^3, AGSS09met
/// 8.25 x 10^3 (each +-30 %).
constexpr double kB16HepFluxGs98 = 7.98e3;
constexpr double kB16HepFluxAgss09 = 8.25e3;

}  // namespace cevns
