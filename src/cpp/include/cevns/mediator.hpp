#pragma once
/// \file mediator.hpp
/// Description of a light mediator (paper Section III): its kind, its U(1)'
/// charges and its mass. The coupling g is kept apart on purpose: at fixed
/// mass every binned rate is a polynomial N0 + g^2 N1 + g^4 N2 in it.
#include <string>

namespace cevns {

enum class MediatorKind {
  StandardModel,  ///< no new physics
  Vector,         ///< tree-level Z' with charges (eq. 15-16)
  KineticMixing,  ///< leptonic Z' coupled to the proton through the one-loop
                  ///< photon mixing (eq. 28-29): L_alpha - L_beta models
  Scalar          ///< universal light scalar, incoherent with the SM (eq. 32-42)
};
std::string to_string(MediatorKind kind);

/// U(1)' charges Q'_u, Q'_d, Q'_e, Q'_mu, Q'_tau (Table 1).
struct Charges {
  double u = 0.0, d = 0.0, e = 0.0, mu = 0.0, tau = 0.0;
};

/// Heaviest mediator accepted [MeV] (1 PeV), on every path (predictions, scans,
/// limits, toys): far above it the coupling of interest grows like M and overflows;
/// physically such a mediator is a contact interaction, which the NSI parameters
/// (parameters.hpp, eps_*) describe.
constexpr double kMaxMediatorMassMeV = 1e9;

struct Mediator {
  MediatorKind kind = MediatorKind::StandardModel;
  Charges charges{};
  double mass_MeV = 0.0;  ///< mediator mass M [MeV]

  static Mediator standard_model();
  /// Tree-level vector Z' of mass M [MeV]; throws on M <= 0 or non-finite charges.
  static Mediator vector(const Charges& charges, double mass_MeV);
  /// Leptonic Z' (Q'_u = Q'_d = 0, Q'_e + Q'_mu + Q'_tau = 0 so the loop is finite).
  static Mediator kinetic_mixing(const Charges& charges, double mass_MeV);
  /// Universal scalar; the coupling is g~_phi of eq. (42).
  static Mediator scalar(double mass_MeV);

  /// Throws std::invalid_argument naming the problem.
  void validate() const;
};

}  // namespace cevns
