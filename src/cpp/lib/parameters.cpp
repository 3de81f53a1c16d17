#include "cevns/parameters.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace cevns {

using namespace constants;

namespace {

constexpr std::array<const char*, 3> kLeptons{"e", "mu", "tau"};
constexpr std::array<const char*, 2> kQuarks{"u", "d"};

/// Elements with several isotopes in the table: their rn_<element> aggregate.
bool element_has_several(const std::string& element) {
  int n = 0;
  for (const auto& r : nuclei()) n += r.element == element ? 1 : 0;
  return n > 1;
}

std::string lowercase(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

/// "rn_xe" -> "Xe" when Xe has several isotopes in the table; "" otherwise.
std::string aggregate_element(const std::string& name) {
  if (name.rfind("rn_", 0) != 0) return "";
  for (const auto& e : elements()) {
    std::string lower = e;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (name == "rn_" + lower && element_has_several(e)) return e;
  }
  return "";
}

/// Index of the table row whose neutron-radius parameter is `name`, -1 if none.
int rn_index(const std::string& name) {
  const auto& t = nuclei();
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t[i].rn_parameter == name) return static_cast<int>(i);
  return -1;
}

/// Abundance-weighted mean of radii r (one per table row) over an element's rows.
double element_mean(const std::vector<double>& r, const std::string& element) {
  const auto& t = nuclei();
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < t.size(); ++i)
    if (t[i].element == element) {
      num += t[i].abundance * r[i];
      den += t[i].abundance;
    }
  return num / den;
}

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

/// A value as a user would type it (6 significant digits).
std::string shown(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

/// sin2w is a squared sine: 0 <= sin2w <= 1 (the ends included: the profiles' default
/// range starts at 0, and the rate is a smooth polynomial in sin2w up to both ends).
void need_sin2w(double v) {
  need_finite(v, "sin2w");
  if (!(v >= 0.0 && v <= 1.0))
    throw std::invalid_argument(
        "parameter sin2w = " + shown(v) +
        " is outside the range of sin^2 theta_W; accepted: 0 <= sin2w <= 1");
}

void need_radius(double v, const std::string& name) {
  need_finite(v, name);
  if (!(v > 0.0))
    throw std::invalid_argument("parameter " + name + " = " + shown(v) +
                                " fm: a neutron rms radius must be > 0 fm");
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

std::vector<double> PhysicsParameters::default_neutron_radii() {
  std::vector<double> out;
  for (const auto& r : nuclei()) out.push_back(r.r_n_fm);
  return out;
}

std::vector<std::string> PhysicsParameters::names() {
  std::vector<std::string> out{"sin2w"};
  for (const auto& r : nuclei()) out.push_back(r.rn_parameter);
  for (const auto& e : elements())
    if (element_has_several(e)) {
      std::string lower = e;
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      out.push_back("rn_" + lower);
    }
  for (const char* n : {"mu_nue", "mu_numu", "mu_nutau", "r2_nue", "r2_numu", "r2_nutau"})
    out.emplace_back(n);
  for (const char* q : kQuarks)
    for (int a = 0; a < 3; ++a)
      for (int b = a; b < 3; ++b)
        out.push_back(std::string("eps_") + q + "_" + kLeptons[a] + kLeptons[b]);
  return out;
}

void PhysicsParameters::set(const std::string& name, double value) {
  need_finite(value, name);
  int q = 0, a = 0, b = 0;
  const int ri = rn_index(name);
  const std::string element = ri < 0 ? aggregate_element(name) : "";
  if (ri >= 0 || !element.empty()) need_radius(value, name);
  if (name == "sin2w") {
    need_sin2w(value);
    sin2w = value;
  } else if (ri >= 0)
    rn[static_cast<std::size_t>(ri)] = value;
  else if (!element.empty()) {
    // every isotope at its table value, shifted by (value - the table's weighted mean)
    const std::vector<double> table = default_neutron_radii();
    const double mean = element_mean(table, element);
    const double shift = value - mean;
    const auto& t = nuclei();
    double smallest = mean;  // the smallest table radius of the element
    for (std::size_t i = 0; i < t.size(); ++i)
      if (t[i].element == element) smallest = std::min(smallest, table[i]);
    if (!(smallest + shift > 0.0))  // an isotope would get a radius <= 0
      throw std::invalid_argument("parameter " + name + " = " + shown(value) +
                                  " fm moves every isotope by the same amount and leaves one "
                                  "at <= 0 fm; accepted: " +
                                  name + " > " + shown(mean - smallest) + " fm");
    for (std::size_t i = 0; i < t.size(); ++i)
      if (t[i].element == element) rn[i] = table[i] + shift;
  } else if (name == "mu_nue")
    mu_nue = value;
  else if (name == "mu_numu")
    mu_numu = value;
  else if (name == "mu_nutau")
    mu_nutau = value;
  else if (name == "r2_nue")
    r2_nue = value;
  else if (name == "r2_numu")
    r2_numu = value;
  else if (name == "r2_nutau")
    r2_nutau = value;
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
  const int ri = rn_index(name);
  if (ri >= 0) return rn.at(static_cast<std::size_t>(ri));
  const std::string element = aggregate_element(name);
  if (!element.empty()) return element_mean(rn, element);
  if (name == "mu_nue") return mu_nue;
  if (name == "mu_numu") return mu_numu;
  if (name == "mu_nutau") return mu_nutau;
  if (name == "r2_nue") return r2_nue;
  if (name == "r2_numu") return r2_numu;
  if (name == "r2_nutau") return r2_nutau;
  if (parse_eps(name, q, a, b)) return eps[q][a][b];
  throw std::invalid_argument("unknown physics parameter '" + name + "'");
}

void PhysicsParameters::validate() const {
  need_sin2w(sin2w);
  const auto& table = nuclei();
  if (rn.size() != table.size())
    throw std::invalid_argument("PhysicsParameters: rn must hold one radius per row of nuclei()");
  for (std::size_t i = 0; i < rn.size(); ++i) need_radius(rn[i], table[i].rn_parameter);
  need_finite(mu_nue, "mu_nue");
  need_finite(mu_numu, "mu_numu");
  need_finite(mu_nutau, "mu_nutau");
  need_finite(r2_nue, "r2_nue");
  need_finite(r2_numu, "r2_numu");
  need_finite(r2_nutau, "r2_nutau");
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
  const int i = isotope_index(n.name);
  return i < 0 ? n.r_n_fm : rn.at(static_cast<std::size_t>(i));
}

void PhysicsParameters::set_neutron_radius(const Nucleus& n, double r_fm) {
  const int i = isotope_index(n.name);
  if (i >= 0) rn.at(static_cast<std::size_t>(i)) = r_fm;
}

std::vector<std::string> PhysicsParameters::neutron_radius_names(const Nucleus& n) {
  const int i = isotope_index(n.name);
  if (i < 0) return {};
  const Isotope& row = nuclei()[static_cast<std::size_t>(i)];
  std::vector<std::string> out{row.rn_parameter};
  if (element_has_several(row.element)) out.push_back("rn_" + lowercase(row.element));
  return out;
}

std::vector<std::string> PhysicsParameters::neutron_radius_names() {
  std::vector<std::string> out;
  for (const auto& name : names())
    if (name.rfind("rn_", 0) == 0) out.push_back(name);
  return out;
}

double PhysicsParameters::proton_coupling(Neutrino nu) const {
  const Lepton l = nu.lepton;
  const double g0 = gVp_sm(l);
  const double r2 = l == Lepton::E ? r2_nue : l == Lepton::Mu ? r2_numu : r2_nutau;
  const double r2_sm = charge_radius_sm(lepton_mass_MeV(l));
  // default values: each shift is (-)0.0 exactly, so g0 is returned bit for bit
  return g0 + (-2.0 * rho_nuN * (sin2w - sin2w_low_energy)) +
         (-charge_radius_coupling_shift() * (r2 - r2_sm));
}

double PhysicsParameters::magnetic_moment_sq(Neutrino nu) const {
  const Lepton l = nu.lepton;
  const double mu = (l == Lepton::E ? mu_nue : l == Lepton::Mu ? mu_numu : mu_nutau) * 1e-10;
  return mu * mu;
}

NsiCoefficients nsi_coefficients(Neutrino nu, const PhysicsParameters& p) {
  NsiCoefficients c;
  c.alpha = index(nu.lepton);
  c.g_p = p.proton_coupling(nu);
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

NsiCharges nsi_charges(const Nucleus& n, Neutrino nu, const PhysicsParameters& p, double FZ,
                       double FN) {
  return nsi_charges(nsi_coefficients(nu, p), n.Z * FZ, n.N * FN);
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

double dsigma_dT(const Nucleus& n, Neutrino nu, double E, double T, const Mediator& m,
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
  const ChargeTerms c = charge_terms(n, nu, m, T, FZ, FN);
  const NsiCharges nc = nsi_charges(n, nu, p, FZ, FN);
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
  const double mu2 = p.magnetic_moment_sq(nu);
  if (mu2 != 0.0 && T > 0.0) {
    const double ZF = n.Z * FZ;
    out += pi * alpha_em * alpha_em / (m_e * m_e) * mu2 * (1.0 / T - 1.0 / E) * ZF * ZF;
  }
  return out;
}

}  // namespace cevns
