#pragma once
/// \file neutrino.hpp
/// Neutrino species at the detector: a lepton flavour (e, mu, tau) and neutrino or
/// antineutrino (PDG-like: nu_e = 12, nu_mu = 14, nu_tau = 16, negative for the anti).
/// Every flavour-dependent input of the cross sections (g_V^p with the charge radius,
/// the magnetic moment, the NSI row eps_{alpha beta}, the U(1)' lepton charge) reads it.
#include <array>
#include <string>

namespace cevns {

/// Lepton flavour; the value is the index alpha = 0, 1, 2 of eps_{alpha beta}.
enum class Lepton : int { E = 0, Mu = 1, Tau = 2 };
inline constexpr std::array<Lepton, 3> all_leptons{Lepton::E, Lepton::Mu, Lepton::Tau};

/// A neutrino species: its lepton flavour and whether it is an antineutrino.
/// An antineutrino uses the same lepton's charge radius and magnetic moment; with real
/// eps and vector couplings its coherent cross section equals the neutrino's.
struct Neutrino {
  Lepton lepton = Lepton::Mu;
  bool anti = false;
};
inline constexpr bool operator==(Neutrino a, Neutrino b) {
  return a.lepton == b.lepton && a.anti == b.anti;
}
inline constexpr bool operator!=(Neutrino a, Neutrino b) { return !(a == b); }

/// alpha = 0, 1, 2 for e, mu, tau.
inline constexpr int index(Lepton l) { return static_cast<int>(l); }
/// Charged-lepton mass [MeV] (constants.hpp).
double lepton_mass_MeV(Lepton l);
/// "e", "mu", "tau".
std::string to_string(Lepton l);
/// "nue", "numu", "nutau", "nuebar", "numubar", "nutaubar".
std::string to_string(Neutrino nu);
/// PDG Monte Carlo code: 12, 14, 16 (negative for antineutrinos).
int pdg_code(Neutrino nu);
/// Parse to_string()'s names; throws std::invalid_argument naming the accepted ones.
Neutrino neutrino_from_string(const std::string& name);

}  // namespace cevns
