// The paper's models by name (Table 1 and the universal scalar).
#include "cevns/models.hpp"

#include <cmath>
#include <stdexcept>

namespace cevns {

namespace {

/// G = c1 B1 + c2 B2 + c3 B3 - ce Le - cmu Lmu - ctau Ltau (eq. 17): only the
/// first-generation quarks are in nuclei, Q'_u = Q'_d = c1/3 (as cevns.models.generator_G).
NamedModel generator(const char* name, double c1, double ce, double cmu, double ctau,
                     const char* eq = "eq. 19") {
  const Charges ch{c1 / 3.0, c1 / 3.0, -ce, -cmu, -ctau};
  return NamedModel{name, c1 == 0.0 ? MediatorKind::KineticMixing : MediatorKind::Vector, ch, false,
                    std::string("generator ") + name + " (" + eq + ")"};
}

}  // namespace

Mediator NamedModel::mediator(double mass_MeV) const {
  if (!(std::isfinite(mass_MeV) && mass_MeV > 0))
    throw std::invalid_argument("model " + name +
                                ": mediator mass must be a finite number > 0 MeV, got " +
                                std::to_string(mass_MeV));
  switch (kind) {
    case MediatorKind::Vector: return Mediator::vector(charges, mass_MeV);
    case MediatorKind::KineticMixing: return Mediator::kinetic_mixing(charges, mass_MeV);
    case MediatorKind::Scalar: return Mediator::scalar(mass_MeV);
    default: break;
  }
  throw std::invalid_argument("model " + name + " has no mediator");
}

std::vector<NamedModel> paper_models() {
  return {
      NamedModel{"universal", MediatorKind::Vector, Charges{1.0, 1.0, 1.0, 1.0, 1.0}, true,
                 "universal Z' (effective, anomalous)"},
      generator("B-L", 1, 1, 1, 1),
      // By+Lmu+Ltau = G(1, -1, -2, 0, -1, -1) (eq. 17): first-generation quarks carry 1/3.
      generator("By+Lmu+Ltau", 1, 0, -1, -1, "eq. 17"),
      generator("B-3Le", 1, 3, 0, 0),
      generator("B-3Lmu", 1, 0, 3, 0),
      generator("B-2Le-Lmu", 1, 2, 1, 0),
      generator("B-Le-2Lmu", 1, 1, 2, 0),
      generator("Le-Lmu", 0, -1, 1, 0),
      generator("Le-Ltau", 0, -1, 0, 1),
      generator("Lmu-Ltau", 0, 0, -1, 1),
      NamedModel{"scalar", MediatorKind::Scalar, Charges{}, false,
                 "universal light scalar (eq. 32-42), coupling g~_phi with "
                 "(sigma_piN/m_ud)_ref = 17.3"},
  };
}

NamedModel paper_model(const std::string& name) {
  std::string known;
  for (auto& m : paper_models()) {
    if (m.name == name) return m;
    known += (known.empty() ? "" : ", ") + m.name;
  }
  throw std::invalid_argument("unknown model '" + name + "'; accepted: " + known);
}

}  // namespace cevns
