#pragma once
/// \file rate.hpp
/// Binned CEvNS rates (eq. 4): true-recoil spectra per flux component on a
/// quadrature grid, folded with a response matrix into reconstructed-energy bins and
/// distributed in time bins with each component's time fractions.
///
/// The neutrino source is a list of flux components (spectrum.hpp, sources.hpp): each
/// brings its species, spectrum, fluence and time fractions. The quadrature in the
/// recoil energy T splits at T = 2 E^2 / M for every spectrum endpoint and breakpoint.
/// Everything that does not depend on the model (grid, form factors, flux
/// integrals, response matrix, time fractions) is computed once at
/// construction; a prediction is then one small matrix-vector product per
/// component. At fixed mediator mass the binned rate is exactly
/// N0 + g^2 N1 + g^4 N2 (vector, kinetic mixing) or N0 + g^4 N2 (scalar):
/// templates() returns the three arrays.
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "cevns/cross_section.hpp"
#include "cevns/form_factor.hpp"
#include "cevns/mediator.hpp"
#include "cevns/parameters.hpp"
#include "cevns/response.hpp"
#include "cevns/spectrum.hpp"

namespace cevns {

/// One nuclear species of a detector and the number of such nuclei.
struct Target {
  Nucleus nucleus;
  double n_nuclei = 0.0;
};

/// The targets of a natural element (nuclei.hpp, e.g. "Xe"): each isotope of the table
/// with abundance x n_atoms nuclei. Throws std::invalid_argument for unknown symbols.
std::vector<Target> natural_targets(const std::string& element, double n_atoms);

/// Everything a binned rate needs, in the core's units.
struct RateConfig {
  std::vector<Target> targets;
  /// The neutrino source: its components (all with the same number of time bins).
  std::vector<FluxComponent> components;
  std::shared_ptr<const ResponseModel> response;
  std::vector<double> energy_edges;  ///< reconstructed-energy bin edges (PE or keVee)
  FormFactorModel form_factor = FormFactorModel::Helm;
  int panels_per_segment = 16;  ///< Gauss-Legendre panels between kinematic breakpoints
  /// Recoil energies [MeV] where the response has kinks (e.g. the template energies of
  /// a mono-energetic efficiency, xenonnt.hpp): extra quadrature breakpoints.
  std::vector<double> recoil_breakpoints_MeV;
};

/// Binned templates: prediction = n0 + g^2 n1 + g^4 n2, each [n_energy * n_time], row-major.
struct Templates {
  std::vector<double> n0, n1, n2;
  std::vector<double> evaluate(double coupling) const;
};

class BinnedRate {
 public:
  explicit BinnedRate(RateConfig config);

  std::size_t n_energy() const { return n_energy_; }
  std::size_t n_time() const { return n_time_; }
  /// Names of the physics parameters (PhysicsParameters::names()) this rate depends
  /// on: every one but the neutron radii of nuclei that are not among its targets and
  /// the magnetic moments, charge radii and NSI of leptons none of its components carries.
  std::vector<std::string> parameter_names() const;
  /// Number of flux components (the rows of energy_spectrum and differential_rate).
  std::size_t n_components() const { return cfg_.components.size(); }
  const std::vector<FluxComponent>& components() const { return cfg_.components; }

  /// Binned prediction [n_energy * n_time] for a mediator and coupling [events].
  /// Predictions, spectra and differential rates follow the chi2's rule: a value
  /// above kMaxPredictionEvents (chi2.hpp) or non-finite is refused
  /// (std::invalid_argument naming the value and the limit), never returned.
  std::vector<double> predict(const Mediator& m, double coupling) const;
  /// Reconstructed-energy spectrum per component [n_components * n_energy], before timing.
  std::vector<double> energy_spectrum(const Mediator& m, double coupling) const;
  /// Template decomposition at the mediator's mass.
  Templates templates(const Mediator& m) const;
  /// Templates for many masses of one model, given by its kind and charges (the
  /// mass comes only from masses_MeV; OpenMP over masses; deterministic).
  std::vector<Templates> templates_for_masses(MediatorKind kind, const Charges& charges,
                                              const std::vector<double>& masses_MeV) const;
  /// The same with physics parameters (see below): the scans of a mediator on top of
  /// a non-standard sin^2 theta_W, neutron radii, NSI, magnetic moments or charge radii.
  std::vector<Templates> templates_for_masses(MediatorKind kind, const Charges& charges,
                                              const std::vector<double>& masses_MeV,
                                              const PhysicsParameters& params) const;
  /// True-recoil differential rate dN/dT [MeV^-1] per component [n_components * T.size()],
  /// summed over the targets, before any detector effect.
  std::vector<double> differential_rate(const Mediator& m, double coupling,
                                        const std::vector<double>& T_MeV) const;

  /// The same four with the physics parameters of parameters.hpp (sin^2 theta_W,
  /// neutron radii, NSI, magnetic moments, charge radii). Only F_N is recomputed
  /// when a neutron radius differs from the nucleus's; grid, flux kinematics and
  /// response stay cached. Default parameters give the results above bit for bit.
  /// The templates are in the mediator coupling g at fixed parameters: N0 holds
  /// the SM-with-parameters rate plus the incoherent (off-diagonal NSI, magnetic) parts.
  std::vector<double> predict(const Mediator& m, double coupling,
                              const PhysicsParameters& params) const;
  std::vector<double> energy_spectrum(const Mediator& m, double coupling,
                                      const PhysicsParameters& params) const;
  Templates templates(const Mediator& m, const PhysicsParameters& params) const;
  std::vector<double> differential_rate(const Mediator& m, double coupling,
                                        const std::vector<double>& T_MeV,
                                        const PhysicsParameters& params) const;

  /// Flux-averaged total cross section <sigma>_Phi [cm^2 per nucleus], the quantity
  /// COHERENT quotes: the true scatterings (every recoil energy, no threshold,
  /// efficiency or timing) per unit flux, averaged over the components weighted by
  /// their fluences and over the targets weighted by their numbers of nuclei
  /// = sum_c int dT dN_c/dT / (sum_c Phi_c sum_t n_t) (for pi-DAR: 3 eta). Integrated on the rate's
  /// own quadrature grid (exact kinematic breakpoints). A neutrino magnetic moment is refused: its
  /// cross section grows like 1/T as T -> 0 and has no total.
  double flux_averaged_cross_section(const Mediator& m, double coupling,
                                     const PhysicsParameters& p) const;
  double flux_averaged_cross_section(const Mediator& m, double coupling) const;
  /// The SM parameters with this rate's own nuclear radii (those of its targets):
  /// what the overloads without parameters use; start from it to vary one parameter
  /// of a rate built with non-default radii.
  const PhysicsParameters& own_parameters() const { return own_; }

  /// Number of quadrature points (for tests and benchmarks).
  std::size_t n_grid() const;

 private:
  struct Grid {
    std::vector<double> T, w;                 ///< recoil energies [MeV], weights [MeV]
    std::vector<double> FZ, FN;               ///< form factors
    std::vector<std::vector<double>> k0, k2;  ///< flux-averaged kinematics [c][k]
    std::vector<double> response;             ///< [n_energy * n_T], weights folded in
  };
  void spectrum_terms(const Grid& g, const std::vector<double>& FN, const Target& t,
                      const Mediator& m, std::size_t component, const PhysicsParameters& p,
                      std::vector<double>& a, std::vector<double>& b, std::vector<double>& c) const;
  /// F_N on the grid for the parameters' neutron radius: the cached g.FN when it is
  /// the nucleus's own, else computed into `buffer`.
  const std::vector<double>& neutron_form_factors(const Grid& g, const Target& t,
                                                  const PhysicsParameters& p,
                                                  std::vector<double>& buffer) const;
  std::vector<double> fold_time(const std::vector<double>& spectrum) const;

  RateConfig cfg_;
  std::size_t n_energy_ = 0, n_time_ = 0;
  std::vector<Grid> grids_;          ///< one per target
  PhysicsParameters own_;            ///< SM parameters, radii of the targets' nuclei
  std::vector<double> sm_spectrum_;  ///< SM energy spectrum per component (model independent)
};

}  // namespace cevns
