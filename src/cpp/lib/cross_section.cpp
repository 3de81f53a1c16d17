#include "cevns/cross_section.hpp"

#include <array>
#include <cmath>
#include <stdexcept>

#include "cevns/constants.hpp"
#include "cevns/kinetic_mixing.hpp"
#include "cevns/parameters.hpp"

namespace cevns {

using namespace constants;

Nucleus argon40() { return nucleus("Ar40"); }
Nucleus cesium133() { return nucleus("Cs133"); }
Nucleus iodine127() { return nucleus("I127"); }

double momentum_transfer(const Nucleus& n, double T) { return std::sqrt(2.0 * n.mass_MeV * T); }

double mev2_to_cm2() { return hbar_c_MeV_cm * hbar_c_MeV_cm; }

namespace {
/// U(1)' charge of the neutrino's lepton (an antineutrino: same vector interference
/// term as its neutrino, both currents flip sign). Ternaries, not a call: per grid point.
double lepton_charge(const Charges& c, Neutrino nu) {
  return nu.lepton == Lepton::E ? c.e : (nu.lepton == Lepton::Mu ? c.mu : c.tau);
}

// eq. (12) differs between flavours only by the SM charge radius (Cadeddu et al.
// 2018): g_V^p(nu_tau) = g_V^p(nu_mu) - shift (<r^2_tau>_SM - <r^2_mu>_SM).
// A table indexed by the lepton: charge_terms reads it at every grid point.
const std::array<double, 3> kGVp{
    gVp_nue, gVp_numu,
    gVp_numu - charge_radius_coupling_shift() * (charge_radius_sm(m_tau) - charge_radius_sm(m_mu))};
inline double gVp_of(Lepton l) { return kGVp[static_cast<std::size_t>(index(l))]; }
}  // namespace

double gVp_sm(Lepton l) { return gVp_of(l); }

ChargeTerms charge_terms(const Nucleus& n, Neutrino nu, const Mediator& m, double T, double FZ,
                         double FN) {
  ChargeTerms out;
  const double ZF = n.Z * FZ;
  const double NF = n.N * FN;
  out.sm = gVp_of(nu.lepton) * ZF + gVn * NF;
  if (m.kind == MediatorKind::StandardModel) return out;
  const double q2 = 2.0 * n.mass_MeV * T;
  const double prop = 1.0 / (q2 + m.mass_MeV * m.mass_MeV);
  switch (m.kind) {
    case MediatorKind::Vector: {
      // eq. (16): g^2 Q'_l / (sqrt2 G_F (q^2+M^2)) [(2Q'_u+Q'_d) Z F_Z + (Q'_u+2Q'_d) N F_N]
      const double nucleus_charge =
          (2.0 * m.charges.u + m.charges.d) * ZF + (m.charges.u + 2.0 * m.charges.d) * NF;
      out.x = lepton_charge(m.charges, nu) * nucleus_charge * prop / (std::sqrt(2.0) * G_F);
      break;
    }
    case MediatorKind::KineticMixing: {
      // eq. (28)-(29) generalised: the loop of charged lepton i contributes with
      // sign -Q'_i Q'_l, so eps_l(q) = -Q'_l sum_i Q'_i I(m_i, q) (finite when the
      // lepton charges sum to zero). L_mu - L_tau, l = mu: eps = I(m_tau) - I(m_mu).
      const double q = std::sqrt(q2);
      const double Ql = lepton_charge(m.charges, nu);
      double eps = 0.0;
      if (Ql != 0.0) {
        // a lepton without charge has no loop: skipped, not multiplied by zero (L_mu - L_tau
        // has no electron loop; this is the inner loop of the templates)
        const auto loop = [q](double Qi, double mi) {
          return Qi != 0.0 ? Qi * loop_integral(mi, q) : 0.0;
        };
        eps =
            -Ql * (loop(m.charges.e, m_e) + loop(m.charges.mu, m_mu) + loop(m.charges.tau, m_tau));
      }
      out.x = std::sqrt(2.0) * alpha_em * eps * prop / (pi * G_F) * ZF;
      break;
    }
    case MediatorKind::Scalar: out.x = sigma_piN_over_mud_ref * (ZF + NF) * prop; break;
    case MediatorKind::StandardModel: break;
  }
  return out;
}

double dsigma_dT(const Nucleus& n, Neutrino nu, double E, double T, const Mediator& m,
                 double coupling, FormFactorModel ff) {
  if (!(E > 0.0) || !(T >= 0.0)) throw std::invalid_argument("dsigma_dT: need E > 0, T >= 0");
  if (!std::isfinite(coupling)) throw std::invalid_argument("dsigma_dT: coupling must be finite");
  const double M = n.mass_MeV;
  const double kin = 1.0 - M * T / (2.0 * E * E);
  if (kin <= 0.0) return 0.0;
  const double q = momentum_transfer(n, T);
  const double FZ = form_factor(ff, q, n.r_p_fm);
  const double FN = form_factor(ff, q, n.r_n_fm);
  const ChargeTerms c = charge_terms(n, nu, m, T, FZ, FN);
  const double g2 = coupling * coupling;
  if (m.kind == MediatorKind::Scalar) {
    const double sm = G_F * G_F * M / pi * kin * c.sm * c.sm;
    return sm + M * M * T / (4.0 * pi * E * E) * g2 * g2 * c.x * c.x;
  }
  const double Q = c.sm + g2 * c.x;
  return G_F * G_F * M / pi * kin * Q * Q;
}

}  // namespace cevns
