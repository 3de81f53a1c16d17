#include "cevns/parameters.hpp"

#include <cmath>
#include <stdexcept>

namespace cevns {

using namespace constants;

namespace {

constexpr std::array<const char*, 3> kLeptons{"e", "mu", "tau"};
constexpr std::array<const char*, 2> kQuarks{"u", "d"};

/// Index of the lepton flavour of the incoming neutrino: e for nu_e, mu otherwise.
int lepton_index(Flavour f) { return f == Flavour::NuE ? 0 : 1; }

/// Parse "eps_<q>_<ab>"; returns false if the name is not of that form.
bool parse_eps(const std::string& name, int& q, int& a, int& b) {
  if (name.rfind("eps_", 0) != 0 || name.size() < 8 || name[5] != '_') return false;
  q = name[4] == 'u' ? 0 : (name[4] == 'd' ? 1 : -1);
  if (q < 0) return false;
  const std::string ab = name.substr(6);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      if (ab == std::string(kLeptons[i]) + kLeptons[j]) {
        a = i;
        b = j;
        return true;
      }
  return false;
}

void need_finite(double v, const std::string& name) {
  if (!std::isfinite(v)) throw std::invalid_argument("parameter " + name + " must be finite");
}

}  // namespace

double charge_radius_sm(double m_l) {
  const double gf_cm2 = G_F * hbar_c_MeV_cm * hbar_c_MeV_cm;  // G_F [cm^2]
  const double r2 =
      -gf_cm2 / (2.0 * std::sqrt(2.0) * pi * pi) * (3.0 - 2.0 * std::log(m_l * m_l / (m_W * m_W)));
  return r2 / 1e-32;
}

double charge_radius_coupling_shift() {
  const double gf_cm2 = G_F * hbar_c_MeV_cm * hbar_c_MeV_cm;
  return std::sqrt(2.0) * pi * alpha_em / (3.0 * gf_cm2) * 1e-32;
}

std::vector<std::string> PhysicsParameters::names() {
  std::vector<std::string> out{"sin2w",  "rn_cs",   "rn_i",   "rn_ar",
                               "mu_nue", "mu_numu", "r2_nue", "r2_numu"};
  for (const char* q : kQuarks)
    for (int a = 0; a < 3; ++a)
      for (int b = a; b < 3; ++b)
        out.push_back(std::string("eps_") + q + "_" + kLeptons[a] + kLeptons[b]);
  return out;
}

void PhysicsParameters::set(const std::string& name, double value) {
  need_finite(value, name);
  int q = 0, a = 0, b = 0;
  if (name == "sin2w")
    sin2w = value;
  else if (name == "rn_cs" || name == "rn_i" || name == "rn_ar") {
    if (!(value > 0.0)) throw std::invalid_argument("parameter " + name + " (fm) must be > 0");
    (name == "rn_cs" ? rn_cs : name == "rn_i" ? rn_i : rn_ar) = value;
  } else if (name == "mu_nue")
    mu_nue = value;
  else if (name == "mu_numu")
    mu_numu = value;
  else if (name == "r2_nue")
    r2_nue = value;
  else if (name == "r2_numu")
    r2_numu = value;
  else if (parse_eps(name, q, a, b)) {
    eps[q][a][b] = value;
    eps[q][b][a] = value;
  } else {
    std::string known;
    for (const auto& n : names()) known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown physics parameter '" + name + "'; accepted: " + known);
  }
}

double PhysicsParameters::get(const std::string& name) const {
  int q = 0, a = 0, b = 0;
  if (name == "sin2w") return sin2w;
  if (name == "rn_cs") return rn_cs;
  if (name == "rn_i") return rn_i;
  if (name == "rn_ar") return rn_ar;
  if (name == "mu_nue") return mu_nue;
  if (name == "mu_numu") return mu_numu;
  if (name == "r2_nue") return r2_nue;
  if (name == "r2_numu") return r2_numu;
  if (parse_eps(name, q, a, b)) return eps[q][a][b];
  throw std::invalid_argument("unknown physics parameter '" + name + "'");
}

void PhysicsParameters::validate() const {
  need_finite(sin2w, "sin2w");
  for (auto [v, n] : {std::pair{rn_cs, "rn_cs"}, {rn_i, "rn_i"}, {rn_ar, "rn_ar"}}) {
    need_finite(v, n);
    if (!(v > 0.0))
      throw std::invalid_argument(std::string("parameter ") + n + " (fm) must be > 0");
  }
  need_finite(mu_nue, "mu_nue");
  need_finite(mu_numu, "mu_numu");
  need_finite(r2_nue, "r2_nue");
  need_finite(r2_numu, "r2_numu");
  for (int q = 0; q < 2; ++q)
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) {
        const std::string n = std::string("eps_") + kQuarks[q] + "_" + kLeptons[a] + kLeptons[b];
        need_finite(eps[q][a][b], n);
        if (eps[q][a][b] != eps[q][b][a])
          throw std::invalid_argument("NSI matrix " + n + " is not symmetric (real eps must be)");
      }
}

double PhysicsParameters::neutron_radius(const Nucleus& n) const {
  if (n.name == "Cs133") return rn_cs;
  if (n.name == "I127") return rn_i;
  if (n.name == "Ar40") return rn_ar;
  return n.r_n_fm;
}

void PhysicsParameters::set_neutron_radius(const Nucleus& n, double r_fm) {
  if (n.name == "Cs133") rn_cs = r_fm;
  if (n.name == "I127") rn_i = r_fm;
  if (n.name == "Ar40") rn_ar = r_fm;
}

std::string PhysicsParameters::neutron_radius_name(const Nucleus& n) {
  if (n.name == "Cs133") return "rn_cs";
  if (n.name == "I127") return "rn_i";
  if (n.name == "Ar40") return "rn_ar";
  return "";
}

std::vector<std::string> PhysicsParameters::neutron_radius_names() {
  return {"rn_cs", "rn_i", "rn_ar"};
}

double PhysicsParameters::proton_coupling(Flavour f) const {
  const bool e = f == Flavour::NuE;
  const double g0 = e ? gVp_nue : gVp_numu;
  const double r2 = e ? r2_nue : r2_numu;
  const double r2_sm = charge_radius_sm(e ? m_e : m_mu);
  // default values: each shift is (-)0.0 exactly, so g0 is returned bit for bit
  return g0 + (-2.0 * rho_nuN * (sin2w - sin2w_low_energy)) +
         (-charge_radius_coupling_shift() * (r2 - r2_sm));
}

double PhysicsParameters::magnetic_moment_sq(Flavour f) const {
  const double mu = (f == Flavour::NuE ? mu_nue : mu_numu) * 1e-10;
  return mu * mu;
}

NsiCoefficients nsi_coefficients(Flavour f, const PhysicsParameters& p) {
  NsiCoefficients c;
  c.alpha = lepton_index(f);
  c.g_p = p.proton_coupling(f);
  for (int b = 0; b < 3; ++b) {
    const double eu = p.eps[0][c.alpha][b], ed = p.eps[1][c.alpha][b];
    c.z[b] = 2.0 * eu + ed;
    c.n[b] = eu + 2.0 * ed;
  }
  return c;
}

NsiCharges nsi_charges(const NsiCoefficients& c, double ZF, double NF) {
  auto q_of = [&](int b) { return c.z[b] * ZF + c.n[b] * NF; };
  NsiCharges out;
  out.diagonal = c.g_p * ZF + gVn * NF + q_of(c.alpha);
  for (int b = 0; b < 3; ++b)
    if (b != c.alpha) {
      const double qb = q_of(b);
      out.off_diagonal2 += qb * qb;
    }
  return out;
}

NsiCharges nsi_charges(const Nucleus& n, Flavour f, const PhysicsParameters& p, double FZ,
                       double FN) {
  return nsi_charges(nsi_coefficients(f, p), n.Z * FZ, n.N * FN);
}

double dsigma_dT_magnetic(const Nucleus& n, double E, double T, double mu, FormFactorModel ff) {
  if (!(E > 0.0) || !(T > 0.0))
    throw std::invalid_argument("dsigma_dT_magnetic: need E > 0, T > 0");
  if (!std::isfinite(mu)) throw std::invalid_argument("dsigma_dT_magnetic: mu must be finite");
  if (1.0 - n.mass_MeV * T / (2.0 * E * E) <= 0.0) return 0.0;
  const double FZ = form_factor(ff, momentum_transfer(n, T), n.r_p_fm);
  const double ZF = n.Z * FZ;
  return pi * alpha_em * alpha_em / (m_e * m_e) * mu * mu * (1.0 / T - 1.0 / E) * ZF * ZF;
}

double dsigma_dT(const Nucleus& n, Flavour f, double E, double T, const Mediator& m,
                 double coupling, const PhysicsParameters& p, FormFactorModel ff) {
  if (!(E > 0.0) || !(T >= 0.0)) throw std::invalid_argument("dsigma_dT: need E > 0, T >= 0");
  if (!std::isfinite(coupling)) throw std::invalid_argument("dsigma_dT: coupling must be finite");
  p.validate();
  const double M = n.mass_MeV;
  const double kin = 1.0 - M * T / (2.0 * E * E);
  if (kin <= 0.0) return 0.0;
  const double q = momentum_transfer(n, T);
  const double FZ = form_factor(ff, q, n.r_p_fm);
  const double FN = form_factor(ff, q, p.neutron_radius(n));
  const ChargeTerms c = charge_terms(n, f, m, T, FZ, FN);
  const NsiCharges nc = nsi_charges(n, f, p, FZ, FN);
  const double g2 = coupling * coupling;
  double out;
  if (m.kind == MediatorKind::Scalar) {
    const double sm = G_F * G_F * M / pi * kin * nc.diagonal * nc.diagonal;
    out = sm + M * M * T / (4.0 * pi * E * E) * g2 * g2 * c.x * c.x;
  } else {
    const double Q = nc.diagonal + g2 * c.x;
    out = G_F * G_F * M / pi * kin * Q * Q;
  }
  out += G_F * G_F * M / pi * kin * nc.off_diagonal2;
  const double mu2 = p.magnetic_moment_sq(f);
  if (mu2 != 0.0 && T > 0.0) {
    const double ZF = n.Z * FZ;
    out += pi * alpha_em * alpha_em / (m_e * m_e) * mu2 * (1.0 / T - 1.0 / E) * ZF * ZF;
  }
  return out;
}

}  // namespace cevns
