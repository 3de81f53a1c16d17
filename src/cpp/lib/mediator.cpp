#include "cevns/mediator.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace cevns {

std::string to_string(MediatorKind kind) {
  switch (kind) {
    case MediatorKind::StandardModel: return "standard_model";
    case MediatorKind::Vector: return "vector";
    case MediatorKind::KineticMixing: return "kinetic_mixing";
    case MediatorKind::Scalar: return "scalar";
  }
  return "unknown";
}

Mediator Mediator::standard_model() { return Mediator{}; }

Mediator Mediator::vector(const Charges& c, double mass) {
  Mediator m{MediatorKind::Vector, c, mass};
  m.validate();
  return m;
}

Mediator Mediator::kinetic_mixing(const Charges& c, double mass) {
  Mediator m{MediatorKind::KineticMixing, c, mass};
  m.validate();
  return m;
}

Mediator Mediator::scalar(double mass) {
  Mediator m{MediatorKind::Scalar, Charges{}, mass};
  m.validate();
  return m;
}

void Mediator::validate() const {
  if (kind == MediatorKind::StandardModel) return;
  if (!std::isfinite(mass_MeV) || mass_MeV <= 0.0)
    throw std::invalid_argument("mediator mass must be finite and > 0 MeV, got " +
                                std::to_string(mass_MeV));
  if (mass_MeV > kMaxMediatorMassMeV) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "mediator mass %.3g MeV is out of range; accepted: (0, %.0e] MeV (heavier "
                  "mediators act as contact interactions: use the NSI parameters eps_*)",
                  mass_MeV, kMaxMediatorMassMeV);
    throw std::invalid_argument(buf);
  }
  const double q[5] = {charges.u, charges.d, charges.e, charges.mu, charges.tau};
  for (double v : q)
    if (!std::isfinite(v)) throw std::invalid_argument("mediator charges must be finite");
  if (kind == MediatorKind::KineticMixing) {
    if (charges.u != 0.0 || charges.d != 0.0)
      throw std::invalid_argument(
          "kinetic-mixing mediator: quark charges must be 0 (use a vector mediator)");
    if (std::abs(charges.e + charges.mu + charges.tau) > 1e-12)
      throw std::invalid_argument(
          "kinetic-mixing mediator: lepton charges must sum to 0 (finite one-loop mixing)");
  }
}

}  // namespace cevns
