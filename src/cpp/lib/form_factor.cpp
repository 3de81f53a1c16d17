#include "cevns/form_factor.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "cevns/constants.hpp"

namespace cevns {

namespace {

/// 3 j1(x)/x, with its Taylor series near 0 where the closed form cancels.
double three_j1_over_x(double x) {
  if (std::abs(x) < 1e-3) {
    const double x2 = x * x;
    return 1.0 - x2 / 10.0 + x2 * x2 / 280.0;
  }
  return 3.0 * (std::sin(x) - x * std::cos(x)) / (x * x * x);
}

void check_inputs(double q_MeV, double r_rms_fm, const char* who) {
  if (!std::isfinite(q_MeV) || q_MeV < 0.0)
    throw std::invalid_argument(std::string(who) + ": |q| must be finite and >= 0");
  if (!std::isfinite(r_rms_fm) || r_rms_fm <= 0.0)
    throw std::invalid_argument(std::string(who) + ": rms radius must be finite and > 0");
}

}  // namespace

FormFactorModel form_factor_model_from_string(const std::string& name) {
  if (name == "helm") return FormFactorModel::Helm;
  if (name == "symmetrized_fermi") return FormFactorModel::SymmetrizedFermi;
  if (name == "klein_nystrand") return FormFactorModel::KleinNystrand;
  throw std::invalid_argument("unknown form factor '" + name +
                              "'; accepted: helm, symmetrized_fermi, klein_nystrand");
}

std::string to_string(FormFactorModel model) {
  switch (model) {
    case FormFactorModel::Helm: return "helm";
    case FormFactorModel::SymmetrizedFermi: return "symmetrized_fermi";
    case FormFactorModel::KleinNystrand: return "klein_nystrand";
  }
  return "unknown";
}

namespace {
// "helm_form_factor: rms radius 0.1 fm is too small; accepted: > 1.559 fm (sqrt(3) s)"
std::string radius_too_small(const char* who, double r_fm, double min_fm, const char* what) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "%s: rms radius %g fm is too small; accepted: > %.4g fm (%s)", who,
                r_fm, min_fm, what);
  return buf;
}
}  // namespace

double helm_form_factor(double q_MeV, double r_rms_fm, double s_fm) {
  check_inputs(q_MeV, r_rms_fm, "helm_form_factor");
  const double r0_sq = 5.0 / 3.0 * (r_rms_fm * r_rms_fm - 3.0 * s_fm * s_fm);
  if (r0_sq <= 0.0)
    throw std::invalid_argument(
        radius_too_small("helm_form_factor", r_rms_fm, std::sqrt(3.0) * s_fm, "sqrt(3) s"));
  const double q = q_MeV / constants::hbar_c_MeV_fm;  // [fm^-1]
  return three_j1_over_x(q * std::sqrt(r0_sq)) * std::exp(-0.5 * q * q * s_fm * s_fm);
}

double symmetrized_fermi_form_factor(double q_MeV, double r_rms_fm, double a_fm) {
  check_inputs(q_MeV, r_rms_fm, "symmetrized_fermi_form_factor");
  const double pa = constants::pi * a_fm;
  const double c_sq = 5.0 / 3.0 * (r_rms_fm * r_rms_fm - 7.0 / 5.0 * pa * pa);
  if (c_sq <= 0.0)
    throw std::invalid_argument(radius_too_small("symmetrized_fermi_form_factor", r_rms_fm,
                                                 std::sqrt(1.4) * pa, "sqrt(7/5) pi a"));
  const double c = std::sqrt(c_sq);
  const double q = q_MeV / constants::hbar_c_MeV_fm;
  const double qc = q * c;
  const double qpa = q * pa;
  if (qc < 1e-4) return 1.0 - q * q * r_rms_fm * r_rms_fm / 6.0;
  // F = 3/(qc ((qc)^2 + (pi q a)^2)) * [pi q a / sinh(pi q a)] *
  //     [pi q a / tanh(pi q a) sin(qc) - qc cos(qc)]
  const double ratio = qpa < 1e-8 ? 1.0 : qpa / std::sinh(qpa);
  const double coth_term = qpa < 1e-8 ? 1.0 : qpa / std::tanh(qpa);
  return 3.0 / (qc * (qc * qc + qpa * qpa)) * ratio *
         (coth_term * std::sin(qc) - qc * std::cos(qc));
}

double klein_nystrand_form_factor(double q_MeV, double r_rms_fm, double ak_fm) {
  check_inputs(q_MeV, r_rms_fm, "klein_nystrand_form_factor");
  const double ra_sq = 5.0 / 3.0 * (r_rms_fm * r_rms_fm - 6.0 * ak_fm * ak_fm);
  if (ra_sq <= 0.0)
    throw std::invalid_argument(radius_too_small("klein_nystrand_form_factor", r_rms_fm,
                                                 std::sqrt(6.0) * ak_fm, "sqrt(6) a_k"));
  const double q = q_MeV / constants::hbar_c_MeV_fm;
  return three_j1_over_x(q * std::sqrt(ra_sq)) / (1.0 + q * q * ak_fm * ak_fm);
}

double form_factor(FormFactorModel model, double q_MeV, double r_rms_fm) {
  switch (model) {
    case FormFactorModel::Helm: return helm_form_factor(q_MeV, r_rms_fm);
    case FormFactorModel::SymmetrizedFermi: return symmetrized_fermi_form_factor(q_MeV, r_rms_fm);
    case FormFactorModel::KleinNystrand: return klein_nystrand_form_factor(q_MeV, r_rms_fm);
  }
  throw std::invalid_argument("form_factor: unknown model");
}

}  // namespace cevns
