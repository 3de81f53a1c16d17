#include "cevns/neutrino.hpp"

#include <stdexcept>

#include "cevns/constants.hpp"

namespace cevns {

double lepton_mass_MeV(Lepton l) {
  switch (l) {
    case Lepton::E: return constants::m_e;
    case Lepton::Mu: return constants::m_mu;
    case Lepton::Tau: return constants::m_tau;
  }
  return constants::m_mu;
}

std::string to_string(Lepton l) {
  switch (l) {
    case Lepton::E: return "e";
    case Lepton::Mu: return "mu";
    case Lepton::Tau: return "tau";
  }
  return "unknown";
}

std::string to_string(Neutrino nu) { return "nu" + to_string(nu.lepton) + (nu.anti ? "bar" : ""); }

int pdg_code(Neutrino nu) { return (12 + 2 * index(nu.lepton)) * (nu.anti ? -1 : 1); }

Neutrino neutrino_from_string(const std::string& name) {
  for (Lepton l : all_leptons)
    for (bool anti : {false, true}) {
      const Neutrino nu{l, anti};
      if (to_string(nu) == name) return nu;
    }
  throw std::invalid_argument("unknown neutrino species '" + name +
                              "'; accepted: nue, numu, nutau, nuebar, numubar, nutaubar");
}

}  // namespace cevns
