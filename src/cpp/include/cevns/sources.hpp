#pragma once
/// \file sources.hpp
/// Neutrino sources built from flux components (spectrum.hpp). Each source is one
/// function returning its components; the rate engine knows nothing else about it.
///
///  * pi+ decay at rest (COHERENT at the SNS, paper eq. 1-3): prompt nu_mu line,
///    delayed nu_e and anti-nu_mu, equal numbers eta = r N_POT / (4 pi L^2) each, with
///    the beam's arrival-time distributions (flux.hpp).
///
/// A new source (reactor anti-nu_e, solar 8B/hep, ...) is a TabulatedSpectrum (or its own
/// Spectrum) per species, or mix_flavours() for an oscillated one.
#include <memory>
#include <string>
#include <vector>

#include "cevns/flux.hpp"
#include "cevns/spectrum.hpp"

namespace cevns {

/// The spectrum of a pi-DAR component: the prompt line at numu_line_energy() or the
/// delayed muon-decay spectra of eq. 2-3 on [0, m_mu/2] (closed-form K0, K2, K_mu).
std::shared_ptr<const Spectrum> pion_dar_spectrum(DarComponent f);

/// The pi-DAR beam of one exposure.
struct PionDarBeam {
  double fluence_cm2 = 0.0;     ///< eta = r N_POT / (4 pi L^2) per component (flux_normalisation)
  BeamTiming timing;            ///< arrival-time model
  TimingEfficiency efficiency;  ///< time-dependent efficiency folded into the fractions
  /// Time-bin edges [us]; empty: no timing (one bin holding every event).
  std::vector<double> time_edges_us;
  /// "window": fraction of all arrivals in each bin; "all": renormalised inside the
  /// window (each component's fractions sum to 1).
  std::string time_convention = "window";
};

/// The three components (numu prompt, nue, numubar, in that order) of a pi-DAR beam.
std::vector<FluxComponent> pion_dar_source(const PionDarBeam& beam);

/// The same with given time fractions per component [3][n_time] (for callers with their
/// own timing model).
std::vector<FluxComponent> pion_dar_source(
    double fluence_cm2, const std::array<std::vector<double>, 3>& time_fractions);

}  // namespace cevns
