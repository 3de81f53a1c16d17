#pragma once
/// \file models.hpp
/// The paper's light-mediator models by name (Table 1 and the universal
/// scalar), defined here only (python/cevns/models.py reads them from the core):
/// universal, B-L, By+Lmu+Ltau, B-3Le, B-3Lmu, B-2Le-Lmu, B-Le-2Lmu, Le-Lmu,
/// Le-Ltau, Lmu-Ltau, scalar.
#include <string>
#include <vector>

#include "cevns/mediator.hpp"

namespace cevns {

/// A named model: its kind and U(1)' charges (all zero for the scalar); a
/// Mediator without its mass.
struct NamedModel {
  std::string name;
  MediatorKind kind;  ///< Vector, KineticMixing (quark-neutral) or Scalar
  Charges charges;
  /// Effective model whose anomalies are cancelled by unspecified new fermions
  /// (the paper's universal Z').
  bool anomalous = false;
  std::string description;  ///< one line, with the paper's equation
  /// The Mediator of this model at mass M [MeV] (M > 0, finite).
  /// \throws std::invalid_argument on a bad mass
  Mediator mediator(double mass_MeV) const;
};

/// The 11 models of the paper, in the order of Table 2.
std::vector<NamedModel> paper_models();

/// One of the paper's models by name.
/// \throws std::invalid_argument naming the accepted names if unknown
NamedModel paper_model(const std::string& name);

}  // namespace cevns
