#pragma once
/// \file models.hpp
/// The paper's light-mediator models by name (Table 1 and the universal
/// scalar), with the same names and charges as python/cevns/models.py:
/// universal, B-L, By+Lmu+Ltau, B-3Le, B-3Lmu, B-2Le-Lmu, B-Le-2Lmu, Le-Lmu,
/// Le-Ltau, Lmu-Ltau, scalar.
#include <string>
#include <vector>

#include "cevns/model.hpp"

namespace cevns {

/// A named model: its kind and U(1)' charges (all zero for the scalar).
struct NamedModel {
  std::string name;
  MediatorKind kind;  ///< Vector, KineticMixing (quark-neutral) or Scalar
  Charges charges;
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
