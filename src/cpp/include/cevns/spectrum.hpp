#pragma once
/// \file spectrum.hpp
/// Neutrino sources as lists of flux components (what the rate engine consumes).
///
/// A component is an energy spectrum (a density normalised to one neutrino), the species
/// at the detector, a fluence (neutrinos per cm^2 over the exposure) and the fraction of
/// its events in each time bin (one bin, {1}, for an experiment without timing). A
/// spectrum gives the rate what it needs in closed form: the flux-averaged kinematic
/// integrals of the cross sections at each recoil energy, and its breakpoints (lines,
/// kinks, endpoints) where the recoil quadrature must split (T = 2 E^2 / M).
///
/// Oscillated sources (solar, reactor at a distance) are *mixtures*: mix_flavours()
/// expands a produced spectrum with energy-dependent flavour probabilities P_alpha(E) into
/// one pure-species component per flavour, phi(E) P_alpha(E).
#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cevns/neutrino.hpp"

namespace cevns {

/// Flux-averaged kinematic factors of the cross sections, per neutrino:
///   K0(T) = \int_{E_min(T)} dE phi(E) (1 - M T / (2 E^2))   (vector, eq. 10)
///   K2(T) = \int_{E_min(T)} dE phi(E) / E^2        [MeV^-2]  (scalar, eq. 33)
/// with E_min(T) = sqrt(M T / 2).
struct KinematicFactors {
  double k0;
  double k2;
};

/// A neutrino energy spectrum: a density dN/dE [MeV^-1] normalised to one neutrino on
/// [e_min(), e_max()] (a line is a delta function at e_min() = e_max()).
class Spectrum {
 public:
  virtual ~Spectrum() = default;
  /// Lowest and highest neutrino energy [MeV].
  virtual double e_min() const = 0;
  virtual double e_max() const = 0;
  /// dN/dE [MeV^-1] (0 outside [e_min, e_max]; 0 for a line, which has no density).
  virtual double density(double E_MeV) const = 0;
  /// Interior energies [MeV] where the quadrature must split (kinks, lines); the
  /// endpoints are always used. Default: none.
  virtual std::vector<double> breakpoints() const { return {}; }
  /// K0, K2 (above) at recoil T [MeV] >= 0 on a nucleus of mass M [MeV] > 0.
  virtual KinematicFactors kinematic_factors(double T_MeV, double M_MeV) const = 0;
  /// K_mu(T) = \int_{E_min(T)} dE phi(E) (1/T - 1/E) [MeV^-1] of the magnetic-moment
  /// cross section (parameters.hpp); T > 0.
  virtual double magnetic_kinematic_factor(double T_MeV, double M_MeV) const = 0;
};

/// A monochromatic line at E0 (e.g. the prompt nu_mu of pi+ decay at rest).
class LineSpectrum final : public Spectrum {
 public:
  explicit LineSpectrum(double E0_MeV);
  double e_min() const override { return E0_; }
  double e_max() const override { return E0_; }
  double density(double) const override { return 0.0; }
  KinematicFactors kinematic_factors(double T_MeV, double M_MeV) const override;
  double magnetic_kinematic_factor(double T_MeV, double M_MeV) const override;

 private:
  double E0_;
};

/// A tabulated spectrum (8B, hep, reactor tables): phi is linearly interpolated between
/// the nodes (E_i, phi_i) and 0 outside [E_0, E_n]; the table is normalised to one
/// neutrino (its trapezoid integral, exact for the linear interpolation; integral()
/// keeps the table's own). K0, K2 and K_mu are the exact integrals of that
/// piecewise-linear phi (closed forms per segment), so no quadrature in E is involved.
/// The nodes are not quadrature breakpoints (the kinks of phi are smoothed by the
/// integral over E); list the ones that matter in `kinks` [MeV].
class TabulatedSpectrum final : public Spectrum {
 public:
  /// E_MeV strictly increasing, >= 0; phi >= 0, finite, with a positive integral.
  /// Throws std::invalid_argument naming the problem.
  TabulatedSpectrum(std::vector<double> E_MeV, std::vector<double> phi,
                    std::vector<double> kinks = {});
  double e_min() const override { return E_.front(); }
  double e_max() const override { return E_.back(); }
  double density(double E_MeV) const override;
  std::vector<double> breakpoints() const override { return kinks_; }
  KinematicFactors kinematic_factors(double T_MeV, double M_MeV) const override;
  double magnetic_kinematic_factor(double T_MeV, double M_MeV) const override;

  /// The nodes and the normalised densities at them.
  const std::vector<double>& energies() const { return E_; }
  const std::vector<double>& densities() const { return phi_; }
  /// Trapezoid integral of the table as given (before normalisation).
  double integral() const { return integral_; }

 private:
  struct Moments {
    double i0, i1, i2;  ///< \int phi, \int phi/E, \int phi/E^2 from E_min to e_max()
  };
  Moments moments_above(double E_min) const;
  std::vector<double> E_, phi_, kinks_;
  std::vector<double> tail0_, tail1_, tail2_;  ///< moments from node k to the end
  double integral_ = 0.0;
};

/// One component of a neutrino source, as the rate engine consumes it.
struct FluxComponent {
  std::string name;                          ///< e.g. "numu_prompt", "8B_nue"
  Neutrino species;                          ///< flavour and nu/anti-nu at the detector
  std::shared_ptr<const Spectrum> spectrum;  ///< normalised to one neutrino
  double fluence_cm2 = 0.0;                  ///< neutrinos per cm^2 over the exposure
  std::vector<double> time_fractions{1.0};   ///< fraction of its events per time bin
  /// Throws std::invalid_argument naming the problem (no spectrum, fluence not finite
  /// and > 0, negative or non-finite time fractions).
  void validate() const;
};

/// Flavour probabilities at the detector, P_alpha(E) for alpha = e, mu, tau (sum 1).
using FlavourProbabilities = std::function<std::array<double, 3>(double E_MeV)>;

/// Solar-like probabilities: P_e = P_ee(E), the rest shared between mu and tau by the
/// atmospheric angle, P_mu = (1 - P_ee) cos^2 theta23, P_tau = (1 - P_ee) sin^2 theta23.
FlavourProbabilities solar_flavour_probabilities(std::function<double(double)> P_ee,
                                                 double sin2_theta23);

/// Expand a produced spectrum with flavour probabilities into pure-species components
/// "<name>_<species>": spectrum phi(E) P_alpha(E) sampled at the table's nodes
/// (piecewise linear between them: refine the table where P varies faster than phi),
/// fluence = fluence_cm2 * \int phi P_alpha. Flavours with no flux are left out.
std::vector<FluxComponent> mix_flavours(const std::string& name, const TabulatedSpectrum& produced,
                                        double fluence_cm2, bool anti,
                                        const FlavourProbabilities& probabilities,
                                        std::vector<double> time_fractions = {1.0});

}  // namespace cevns
