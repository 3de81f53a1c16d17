#pragma once
/// \file nuclei.hpp
/// Target nuclei as data: the isotope table compiled from data/nuclei.csv (Z, N, AME2020
/// mass, natural abundance, proton and neutron rms radii and their sources). A new
/// nucleus is a row of that file; its neutron radius is then the physics parameter
/// named in the row (rn_<nucleus>, parameters.hpp).
#include <string>
#include <utility>
#include <vector>

namespace cevns {

/// A target nucleus: proton and neutron numbers, nuclear mass and rms radii.
struct Nucleus {
  std::string name;
  int Z = 0;
  int N = 0;
  double mass_MeV = 0.0;
  double r_p_fm = 0.0;  ///< proton rms radius (eq. 13)
  double r_n_fm = 0.0;  ///< neutron rms radius (eq. 14)
};

/// One row of the nuclei table.
struct Isotope {
  std::string name;     ///< e.g. "Xe131"
  std::string element;  ///< chemical symbol, e.g. "Xe"
  int Z = 0;
  int N = 0;
  double atomic_mass_u = 0.0;  ///< AME2020 atomic mass [u]
  double abundance = 0.0;      ///< natural isotopic abundance (amount fraction)
  double r_p_fm = 0.0;         ///< proton rms radius [fm]
  double r_n_fm = 0.0;         ///< neutron rms radius [fm] (default of rn_parameter)
  std::string rn_parameter;    ///< PhysicsParameters name of r_n, e.g. "rn_xe131"
  std::string source;          ///< where the radii come from
  /// The Nucleus: mass = atomic mass - Z m_e (constants::nuclear_mass_MeV).
  Nucleus nucleus() const;
};

/// The whole table, in the order of data/nuclei.csv.
const std::vector<Isotope>& nuclei();
/// A row by isotope name; throws std::invalid_argument listing the known names.
const Isotope& isotope(const std::string& name);
/// nucleus(name) = isotope(name).nucleus().
Nucleus nucleus(const std::string& name);
/// Index of an isotope in nuclei() by name, -1 if it is not in the table.
int isotope_index(const std::string& name);
/// The natural element with this chemical symbol: each listed isotope with its
/// abundance, renormalised over the listed isotopes (which must hold >= 99 % of the
/// element, e.g. Ar = 40Ar alone). Throws std::invalid_argument for unknown symbols.
std::vector<std::pair<Nucleus, double>> natural_element(const std::string& symbol);
/// The chemical symbols in the table, in order of first appearance.
std::vector<std::string> elements();

}  // namespace cevns
