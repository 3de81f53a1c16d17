#pragma once
/// \file form_factor.hpp
/// Nuclear form factors F(|q|^2) of the proton and neutron distributions
/// (paper eq. 11, 13-14). All take |q| in MeV and radii in fm; F(0) = 1.
#include <string>

namespace cevns {

enum class FormFactorModel {
  Helm,              ///< Helm (1956), surface thickness s = 0.9 fm (default)
  SymmetrizedFermi,  ///< symmetrized Fermi, diffuseness a = 0.52 fm
  KleinNystrand      ///< Klein-Nystrand (1999), Yukawa range a_k = 0.7 fm
};

/// Parse "helm", "symmetrized_fermi", "klein_nystrand"; throws std::invalid_argument.
FormFactorModel form_factor_model_from_string(const std::string& name);
std::string to_string(FormFactorModel model);

/// Helm form factor F(q) = 3 j1(q R0)/(q R0) exp(-q^2 s^2/2) with the box radius
/// from the rms radius, R0^2 = 5/3 (R_rms^2 - 3 s^2).
/// \param q_MeV momentum transfer |q| [MeV]; \param r_rms_fm rms radius [fm];
/// \param s_fm surface thickness [fm].
double helm_form_factor(double q_MeV, double r_rms_fm, double s_fm = 0.9);

/// Symmetrized-Fermi form factor; the half-density radius c follows from
/// R_rms^2 = 3/5 c^2 + 7/5 (pi a)^2.
double symmetrized_fermi_form_factor(double q_MeV, double r_rms_fm, double a_fm = 0.52);

/// Klein-Nystrand form factor (hard sphere folded with a Yukawa of range a_k);
/// R_A from R_rms^2 = 3/5 R_A^2 + 6 a_k^2.
double klein_nystrand_form_factor(double q_MeV, double r_rms_fm, double ak_fm = 0.7);

/// Dispatch on the model.
double form_factor(FormFactorModel model, double q_MeV, double r_rms_fm);

}  // namespace cevns
