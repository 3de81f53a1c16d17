#pragma once
/// \file flux.hpp
/// Pion decay-at-rest neutrino flux (paper eq. 1-3) and its arrival times: the
/// physics of the pi-DAR source (sources.hpp builds its flux components from it).
///
/// Each component's spectrum is normalised to one neutrino; the detector-specific
/// normalisation eta = r N_POT / (4 pi L^2) multiplies it.
#include <array>
#include <string>
#include <vector>

#include "cevns/neutrino.hpp"
#include "cevns/spectrum.hpp"

namespace cevns {

/// The three components of a pi+ decay-at-rest beam (was `Flavour` before 0.6.0).
enum class DarComponent : int {
  NuMu = 0,     ///< prompt nu_mu from pi+ -> mu+ nu_mu (monochromatic)
  NuE = 1,      ///< delayed nu_e from mu+ decay
  NuMuBar = 2,  ///< delayed anti-nu_mu from mu+ decay
};
inline constexpr std::array<DarComponent, 3> dar_components{DarComponent::NuMu, DarComponent::NuE,
                                                            DarComponent::NuMuBar};
/// "numu", "nue", "numubar".
std::string to_string(DarComponent f);
/// The species of a component at the detector (nu_mu, nu_e, anti-nu_mu).
Neutrino species(DarComponent f);

/// Energy of the prompt nu_mu line, (m_pi^2 - m_mu^2)/(2 m_pi) [MeV] (eq. 1).
double numu_line_energy();
/// Endpoint of the delayed spectra, m_mu/2 [MeV].
double delayed_endpoint_energy();

/// Normalised spectrum dN/dE per neutrino [MeV^-1] of the delayed flavours
/// (eq. 2-3); 0 for NuMu (a delta function, see numu_line_energy()).
double dar_spectrum(DarComponent f, double E_MeV);

/// Flux-averaged kinematic factors K0, K2 (spectrum.hpp) of a component, per
/// neutrino. Closed forms (the spectra are polynomials).
KinematicFactors kinematic_factors(DarComponent f, double T_MeV, double M_MeV);

/// Flux-averaged kinematics of the magnetic-moment cross section [MeV^-1]
/// (parameters.hpp): K_mu(T) = \int_{E_min(T)} dE phi(E) (1/T - 1/E), per
/// neutrino (closed form); T > 0.
double magnetic_kinematic_factor(DarComponent f, double T_MeV, double M_MeV);

/// Normalisation eta = r N_POT / (4 pi L^2) [cm^-2] per component.
double flux_normalisation(double nu_per_pot, double n_pot, double baseline_m);

/// Arrival-time model: gaussian POT trace convolved with the pion (prompt) or
/// pion and muon (delayed) exponential decay laws. Times in microseconds.
struct BeamTiming {
  double pot_mean_us = 0.440;   ///< POT trace mean (LArParametersAnlA.yaml)
  double pot_sigma_us = 0.150;  ///< POT trace width
  double tau_pi_us;             ///< pion mean life (constants)
  double tau_mu_us;             ///< muon mean life (constants)
  BeamTiming();
};

/// Probability density of the arrival time [us^-1] for a component.
double arrival_time_pdf(DarComponent f, double t_us, const BeamTiming& timing);
/// Cumulative distribution of the arrival time.
double arrival_time_cdf(DarComponent f, double t_us, const BeamTiming& timing);

/// Efficiency as a function of time: 1 before t0, exp(-rate (t - t0)) after
/// (the CsI eps_T: t0 = 0.52 us, rate = 0.0494 / us). rate = 0 disables it.
struct TimingEfficiency {
  double t0_us = 0.0;
  double rate_per_us = 0.0;
  double operator()(double t_us) const;
};

/// Probability that a neutrino of component f arrives in each time bin
/// [edges[j], edges[j+1]), weighted by the timing efficiency.
std::vector<double> time_bin_fractions(DarComponent f, const std::vector<double>& edges_us,
                                       const BeamTiming& timing,
                                       const TimingEfficiency& efficiency = {});

}  // namespace cevns
