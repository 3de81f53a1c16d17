#pragma once
/// \file cross_section.hpp
/// CEvNS cross sections: SM (eq. 10-12), vector Z' (eq. 16), kinetic mixing
/// (eq. 28) and scalar (eq. 33-41). Energies in MeV, d sigma/dT in MeV^-3.
#include <string>

#include "cevns/form_factor.hpp"
#include "cevns/mediator.hpp"
#include "cevns/neutrino.hpp"
#include "cevns/nuclei.hpp"

namespace cevns {

/// 40Ar, 133Cs and 127I with the paper's radii (eq. 13-14) and AME2020 masses: the
/// rows Ar40, Cs133, I127 of the nuclei table (nuclei.hpp).
Nucleus argon40();
Nucleus cesium133();
Nucleus iodine127();

/// SM neutrino-proton coupling g_V^p of eq. (12) for a lepton flavour: the constants
/// gVp_nue, gVp_numu; for nu_tau, g_V^p(nu_mu) shifted by the difference of the SM
/// charge radii (parameters.hpp), the only flavour dependence of eq. (12).
double gVp_sm(Lepton l);

/// |q| [MeV] for recoil energy T [MeV]: |q|^2 = 2 M T (the paper's convention).
double momentum_transfer(const Nucleus& n, double T_MeV);

/// Weak charge of eq. (16)/(28) split as Q(T) = Q_SM(T) + g^2 X(T) for a vector or
/// kinetic-mixing mediator; for the scalar, `x` is the scalar amplitude S(T) with
/// d sigma_S/dT = M^2 T/(4 pi E^2) g^4 S^2, S = (sigma/m)_ref (Z F_Z + N F_N)/(q^2 + M_phi^2).
struct ChargeTerms {
  double sm = 0.0;  ///< Q_SM = g_V^p Z F_Z + g_V^n N F_N (eq. 11)
  double x = 0.0;   ///< coefficient of g^2 (vector) or scalar amplitude [MeV^-2]
};

/// Charge terms for a neutrino species at recoil energy T, given the form factors
/// (the U(1)' charge of its lepton: Q'_e, Q'_mu or Q'_tau).
ChargeTerms charge_terms(const Nucleus& n, Neutrino nu, const Mediator& m, double T_MeV, double F_Z,
                         double F_N);

/// Differential cross section d sigma/dT [MeV^-3] for a neutrino of energy E
/// (eq. 10, 16, 28, 32-41). Zero above the kinematic endpoint T_max = 2E^2/M.
double dsigma_dT(const Nucleus& n, Neutrino nu, double E_MeV, double T_MeV, const Mediator& m,
                 double coupling, FormFactorModel ff = FormFactorModel::Helm);

/// Conversion 1 MeV^-2 -> cm^2, (hbar c)^2.
double mev2_to_cm2();

}  // namespace cevns
