// The pi+ decay-at-rest source (paper eq. 1-3) as three flux components.
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "cevns/constants.hpp"
#include "cevns/sources.hpp"

namespace cevns {

namespace {

/// The delayed nu_e / anti-nu_mu spectra of mu+ decay at rest: polynomials on
/// [0, m_mu/2] with closed-form kinematic integrals (flux.cpp).
class MuonDecaySpectrum final : public Spectrum {
 public:
  explicit MuonDecaySpectrum(DarComponent f) : f_(f) {}
  double e_min() const override { return 0.0; }
  double e_max() const override { return delayed_endpoint_energy(); }
  double density(double E) const override { return dar_spectrum(f_, E); }
  KinematicFactors kinematic_factors(double T, double M) const override {
    return cevns::kinematic_factors(f_, T, M);
  }
  double magnetic_kinematic_factor(double T, double M) const override {
    return cevns::magnetic_kinematic_factor(f_, T, M);
  }

 private:
  DarComponent f_;
};

}  // namespace

std::shared_ptr<const Spectrum> pion_dar_spectrum(DarComponent f) {
  if (f == DarComponent::NuMu) return std::make_shared<LineSpectrum>(numu_line_energy());
  return std::make_shared<MuonDecaySpectrum>(f);
}

std::vector<FluxComponent> pion_dar_source(
    double fluence_cm2, const std::array<std::vector<double>, 3>& time_fractions) {
  std::vector<FluxComponent> out;
  for (DarComponent f : dar_components) {
    FluxComponent c;
    c.name = to_string(f);
    c.species = species(f);
    c.spectrum = pion_dar_spectrum(f);
    c.fluence_cm2 = fluence_cm2;
    c.time_fractions = time_fractions[static_cast<int>(f)];
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<FluxComponent> pion_dar_source(const PionDarBeam& beam) {
  if (beam.time_convention != "window" && beam.time_convention != "all")
    throw std::invalid_argument(
        "pion_dar_source: time_convention must be 'window' or 'all', got '" + beam.time_convention +
        "'");
  std::array<std::vector<double>, 3> fr;
  for (DarComponent f : dar_components) {
    auto& v = fr[static_cast<int>(f)];
    if (beam.time_edges_us.empty()) {
      v = {1.0};
      continue;
    }
    v = time_bin_fractions(f, beam.time_edges_us, beam.timing, beam.efficiency);
    if (beam.time_convention == "all") {
      const double s = std::accumulate(v.begin(), v.end(), 0.0);
      for (double& x : v) x /= s;
    }
  }
  return pion_dar_source(beam.fluence_cm2, fr);
}

}  // namespace cevns
