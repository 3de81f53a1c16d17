#include "cevns/rate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "cevns/chi2.hpp"
#include "cevns/constants.hpp"
#include "threads.hpp"

namespace cevns {

using namespace constants;

namespace {

// 8-point Gauss-Legendre nodes and weights on [-1, 1].
constexpr std::array<double, 8> gl_x{-0.9602898564975363, -0.7966664774136267, -0.5255324099163290,
                                     -0.1834346424956498, 0.1834346424956498,  0.5255324099163290,
                                     0.7966664774136267,  0.9602898564975363};
constexpr std::array<double, 8> gl_w{0.1012285362903763, 0.2223810344533745, 0.3137066458778873,
                                     0.3626837833783620, 0.3626837833783620, 0.3137066458778873,
                                     0.2223810344533745, 0.1012285362903763};

/// The chi2's rule for events (kMaxPredictionEvents) applied to a rate's output:
/// a non-finite value or one above the limit is refused, never returned.
const std::vector<double>& checked_events(const std::vector<double>& v, const char* what) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!(std::isfinite(v[i]) && v[i] <= kMaxPredictionEvents)) {
      char buf[240];
      std::snprintf(buf, sizeof buf,
                    ": %.3g events at bin %zu; accepted: at most %.0e events per bin (a "
                    "coupling or parameters this far from the SM overflow)",
                    v[i], i, kMaxPredictionEvents);
      throw std::invalid_argument(std::string(what) + buf);
    }
  }
  return v;
}

std::string format_g(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

void require(bool ok, const std::string& msg) {
  if (!ok) throw std::invalid_argument("BinnedRate: " + msg);
}

}  // namespace

std::vector<Target> natural_targets(const std::string& element, double n_atoms) {
  if (!(n_atoms > 0.0) || !std::isfinite(n_atoms))
    throw std::invalid_argument("natural_targets: the number of atoms must be finite and > 0");
  std::vector<Target> out;
  for (const auto& [nucleus, abundance] : natural_element(element))
    out.push_back(Target{nucleus, abundance * n_atoms});
  return out;
}

std::vector<double> Templates::evaluate(double g) const {
  if (!std::isfinite(g))
    throw std::invalid_argument("Templates::evaluate: coupling must be finite");
  const double g2 = g * g, g4 = g2 * g2;
  std::vector<double> out(n0.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = n0[i] + g2 * n1[i] + g4 * n2[i];
  return out;
}

BinnedRate::BinnedRate(RateConfig config) : cfg_(std::move(config)) {
  require(!cfg_.targets.empty(), "no targets");
  require(!cfg_.components.empty(), "no flux components (the neutrino source)");
  for (const FluxComponent& c : cfg_.components) {
    require(c.spectrum != nullptr, "flux component '" + c.name + "' has no spectrum");
    require(c.fluence_cm2 > 0.0 && std::isfinite(c.fluence_cm2),
            "fluence of component '" + c.name + "' must be finite and > 0, got " +
                format_g(c.fluence_cm2) +
                " cm^-2 (an overflow or underflow of the detector options?)");
  }
  require(cfg_.response != nullptr, "no response model");
  require(cfg_.energy_edges.size() >= 2, "need >= 2 energy edges");
  for (std::size_t i = 1; i < cfg_.energy_edges.size(); ++i)
    require(cfg_.energy_edges[i] > cfg_.energy_edges[i - 1], "energy edges must increase");
  n_energy_ = cfg_.energy_edges.size() - 1;
  n_time_ = cfg_.components[0].time_fractions.size();
  require(n_time_ >= 1, "need >= 1 time bin");
  for (const FluxComponent& c : cfg_.components) {
    require(c.time_fractions.size() == n_time_,
            "time fractions of all components must have the same length");
    for (double v : c.time_fractions)
      require(std::isfinite(v) && v >= 0.0, "time fractions must be >= 0");
  }
  require(cfg_.panels_per_segment >= 1, "panels_per_segment must be >= 1");
  const std::size_t n_comp = cfg_.components.size();

  for (const Target& t : cfg_.targets) {
    require(t.n_nuclei > 0.0, "number of nuclei must be > 0 for " + t.nucleus.name);
    const double M = t.nucleus.mass_MeV;
    // Breakpoints: T = 2 E^2 / M at every spectrum's endpoints and breakpoints (the
    // maximal recoil of a line or an endpoint is a kink of the recoil spectrum).
    std::vector<double> bp{0.0};
    for (const FluxComponent& c : cfg_.components) {
      std::vector<double> energies = c.spectrum->breakpoints();
      energies.push_back(c.spectrum->e_min());
      energies.push_back(c.spectrum->e_max());
      for (double E : energies)
        if (E > 0.0) bp.push_back(2.0 * E * E / M);
    }
    const double t_top = *std::max_element(bp.begin(), bp.end());
    for (double T : cfg_.recoil_breakpoints_MeV)
      if (T > 0.0 && T < t_top) bp.push_back(T);
    std::sort(bp.begin(), bp.end());
    bp.erase(std::unique(bp.begin(), bp.end()), bp.end());
    Grid g;
    for (std::size_t s = 0; s + 1 < bp.size(); ++s) {
      const double a = bp[s], b = bp[s + 1];
      const int np = cfg_.panels_per_segment;
      for (int p = 0; p < np; ++p) {
        const double lo = a + (b - a) * p / np, hi = a + (b - a) * (p + 1) / np;
        const double half = 0.5 * (hi - lo), mid = 0.5 * (hi + lo);
        for (std::size_t k = 0; k < gl_x.size(); ++k) {
          g.T.push_back(mid + half * gl_x[k]);
          g.w.push_back(half * gl_w[k]);
        }
      }
    }
    const std::size_t nT = g.T.size();
    g.FZ.resize(nT);
    g.FN.resize(nT);
    g.k0.assign(n_comp, std::vector<double>(nT));
    g.k2.assign(n_comp, std::vector<double>(nT));
    g.response.assign(n_energy_ * nT, 0.0);
    for (std::size_t k = 0; k < nT; ++k) {
      const double q = momentum_transfer(t.nucleus, g.T[k]);
      g.FZ[k] = form_factor(cfg_.form_factor, q, t.nucleus.r_p_fm);
      g.FN[k] = form_factor(cfg_.form_factor, q, t.nucleus.r_n_fm);
      for (std::size_t c = 0; c < n_comp; ++c) {
        const KinematicFactors kf = cfg_.components[c].spectrum->kinematic_factors(g.T[k], M);
        g.k0[c][k] = kf.k0;
        g.k2[c][k] = kf.k2;
      }
    }
    // a user ResponseModel may throw: parallel_for keeps it out of the OpenMP region
    detail::parallel_for(
        static_cast<long long>(nT), 0, "BinnedRate: response model: ",
        [&](long long kk) {
          const std::size_t k = static_cast<std::size_t>(kk);
          for (std::size_t i = 0; i < n_energy_; ++i)
            g.response[i * nT + k] =
                g.w[k] * cfg_.response->bin_probability(g.T[k], cfg_.energy_edges[i],
                                                        cfg_.energy_edges[i + 1]);
        },
        8);
    grids_.push_back(std::move(g));
  }
  for (const Target& t : cfg_.targets) own_.set_neutron_radius(t.nucleus, t.nucleus.r_n_fm);
  // The SM spectrum is the same for every call: compute it once.
  sm_spectrum_ = energy_spectrum(Mediator::standard_model(), 0.0);
}

std::size_t BinnedRate::n_grid() const {
  std::size_t n = 0;
  for (const auto& g : grids_) n += g.T.size();
  return n;
}

const std::vector<double>& BinnedRate::neutron_form_factors(const Grid& g, const Target& t,
                                                            const PhysicsParameters& p,
                                                            std::vector<double>& buffer) const {
  const double rn = p.neutron_radius(t.nucleus);
  if (rn == t.nucleus.r_n_fm) return g.FN;  // the cached ones: no copy
  buffer.resize(g.T.size());
  for (std::size_t k = 0; k < g.T.size(); ++k)
    buffer[k] = form_factor(cfg_.form_factor, momentum_transfer(t.nucleus, g.T[k]), rn);
  return buffer;
}

// Per grid point, the three coefficients of the true-recoil spectrum
// dN/dT = a + g^2 b + g^4 c [MeV^-1] for one flux component and target, with the physics
// parameters (their defaults are the SM of eq. 10-14): a holds the coherent weak part with
// Q_aa (SM + sin2w + charge radius + diagonal NSI) plus the incoherent parts
// (off-diagonal NSI, magnetic moment); b and c the mediator terms.
void BinnedRate::spectrum_terms(const Grid& g, const std::vector<double>& FN, const Target& t,
                                const Mediator& m, std::size_t f, const PhysicsParameters& p,
                                std::vector<double>& a, std::vector<double>& b,
                                std::vector<double>& c) const {
  const double M = t.nucleus.mass_MeV;
  const FluxComponent& comp = cfg_.components[f];
  const double norm = t.n_nuclei * comp.fluence_cm2 * mev2_to_cm2();
  const double pref_v = norm * G_F * G_F * M / pi;
  const std::size_t nT = g.T.size();
  a.resize(nT);
  b.resize(nT);
  c.resize(nT);
  const Neutrino fl = comp.species;
  const double mu2 = p.magnetic_moment_sq(fl);
  const double pref_mu = norm * pi * alpha_em * alpha_em / (m_e * m_e) * mu2;
  const NsiCoefficients nsi = nsi_coefficients(fl, p);  // once per component, not per point
  const double* k0 = g.k0[f].data();
  const double* k2 = g.k2[f].data();
  for (std::size_t k = 0; k < nT; ++k) {
    const ChargeTerms ct = charge_terms(t.nucleus, fl, m, g.T[k], g.FZ[k], FN[k]);
    const NsiCharges nc = nsi_charges(nsi, t.nucleus.Z * g.FZ[k], t.nucleus.N * FN[k]);
    const double kv = pref_v * k0[k];
    a[k] = kv * nc.diagonal * nc.diagonal;
    double incoherent = kv * nc.off_diagonal2;
    if (mu2 != 0.0) {
      const double ZF = t.nucleus.Z * g.FZ[k];
      incoherent += pref_mu * comp.spectrum->magnetic_kinematic_factor(g.T[k], M) * ZF * ZF;
    }
    a[k] += incoherent;  // + 0.0 at default parameters: a is unchanged
    if (m.kind == MediatorKind::Scalar) {
      b[k] = 0.0;
      c[k] = norm * M * M * g.T[k] / (4.0 * pi) * k2[k] * ct.x * ct.x;
    } else {
      b[k] = 2.0 * kv * nc.diagonal * ct.x;
      c[k] = kv * ct.x * ct.x;
    }
  }
}

std::vector<double> BinnedRate::fold_time(const std::vector<double>& spec) const {
  std::vector<double> out(n_energy_ * n_time_, 0.0);
  for (std::size_t f = 0; f < cfg_.components.size(); ++f)
    for (std::size_t i = 0; i < n_energy_; ++i) {
      const double e = spec[f * n_energy_ + i];
      const auto& tf = cfg_.components[f].time_fractions;
      for (std::size_t j = 0; j < n_time_; ++j) out[i * n_time_ + j] += e * tf[j];
    }
  return out;
}

Templates BinnedRate::templates(const Mediator& m) const { return templates(m, own_); }

std::vector<Templates> BinnedRate::templates_for_masses(MediatorKind kind, const Charges& charges,
                                                        const std::vector<double>& masses) const {
  return templates_for_masses(kind, charges, masses, own_);
}

std::vector<Templates> BinnedRate::templates_for_masses(MediatorKind kind, const Charges& charges,
                                                        const std::vector<double>& masses,
                                                        const PhysicsParameters& p) const {
  std::vector<Templates> out(masses.size());
  for (double M : masses)
    if (!(M > 0.0) || !std::isfinite(M))
      throw std::invalid_argument("templates_for_masses: masses must be finite and > 0 MeV");
  detail::parallel_for(static_cast<long long>(masses.size()), 0,
                       "templates_for_masses: ", [&](long long i) {
                         Mediator mi;
                         mi.kind = kind;
                         mi.charges = charges;
                         mi.mass_MeV = masses[static_cast<std::size_t>(i)];
                         out[static_cast<std::size_t>(i)] = templates(mi, p);
                       });
  return out;
}

std::vector<double> BinnedRate::energy_spectrum(const Mediator& m, double g) const {
  m.validate();
  if (!std::isfinite(g)) throw std::invalid_argument("energy_spectrum: coupling must be finite");
  if (!sm_spectrum_.empty() && (m.kind == MediatorKind::StandardModel || g == 0.0))
    return sm_spectrum_;  // model independent: computed once at construction
  return energy_spectrum(m, g, own_);
}

std::vector<std::string> BinnedRate::parameter_names() const {
  std::vector<std::string> own;  // the radii of this rate's nuclei
  for (const Target& t : cfg_.targets)
    for (const auto& name : PhysicsParameters::neutron_radius_names(t.nucleus)) own.push_back(name);
  const std::vector<std::string> radii = PhysicsParameters::neutron_radius_names();
  // the leptons of the source: mu_<l>, r2_<l> and eps_q_<ab> of absent leptons do nothing
  std::array<bool, 3> has{};
  for (const auto& c : cfg_.components)
    has[static_cast<std::size_t>(index(c.species.lepton))] = true;
  const std::array<std::string, 3> lep{"e", "mu", "tau"};
  const auto lepton_of = [&](const std::string& s) {  // "e" -> 0, ..., else -1
    for (std::size_t l = 0; l < 3; ++l)
      if (s == lep[l]) return static_cast<int>(l);
    return -1;
  };
  const auto uses_lepton = [&](const std::string& name) {
    for (const char* pre : {"mu_nu", "r2_nu"})
      if (name.rfind(pre, 0) == 0) {
        const int l = lepton_of(name.substr(5));
        return l < 0 || has[static_cast<std::size_t>(l)];
      }
    if (name.rfind("eps_", 0) == 0 && name.size() > 6) {  // eps_<q>_<a><b>: either lepton
      const std::string ab = name.substr(6);
      for (std::size_t a = 0; a < 3; ++a)
        if (ab.rfind(lep[a], 0) == 0) {
          const int b = lepton_of(ab.substr(lep[a].size()));
          if (b >= 0) return has[a] || has[static_cast<std::size_t>(b)];
        }
    }
    return true;
  };
  std::vector<std::string> out;
  for (const std::string& name : PhysicsParameters::names()) {
    const bool radius = std::find(radii.begin(), radii.end(), name) != radii.end();
    if (radius && std::find(own.begin(), own.end(), name) == own.end()) continue;
    if (uses_lepton(name)) out.push_back(name);
  }
  return out;
}

std::vector<double> BinnedRate::predict(const Mediator& m, double g) const {
  return fold_time(energy_spectrum(m, g));
}

std::vector<double> BinnedRate::differential_rate(const Mediator& m, double g,
                                                  const std::vector<double>& T) const {
  return differential_rate(m, g, T, own_);
}

Templates BinnedRate::templates(const Mediator& m, const PhysicsParameters& p) const {
  m.validate();
  p.validate();
  std::vector<double> s0(n_components() * n_energy_, 0.0), s1(s0), s2(s0);
  std::vector<double> a, b, c, fn_buffer;
  for (std::size_t ti = 0; ti < grids_.size(); ++ti) {
    const Grid& g = grids_[ti];
    const std::vector<double>& FN = neutron_form_factors(g, cfg_.targets[ti], p, fn_buffer);
    const std::size_t nT = g.T.size();
    for (std::size_t f = 0; f < n_components(); ++f) {
      spectrum_terms(g, FN, cfg_.targets[ti], m, f, p, a, b, c);
      for (std::size_t i = 0; i < n_energy_; ++i) {
        const double* r = &g.response[i * nT];
        double x0 = 0.0, x1 = 0.0, x2 = 0.0;
        for (std::size_t k = 0; k < nT; ++k) {
          x0 += r[k] * a[k];
          x1 += r[k] * b[k];
          x2 += r[k] * c[k];
        }
        s0[f * n_energy_ + i] += x0;
        s1[f * n_energy_ + i] += x1;
        s2[f * n_energy_ + i] += x2;
      }
    }
  }
  return Templates{fold_time(s0), fold_time(s1), fold_time(s2)};
}

std::vector<double> BinnedRate::energy_spectrum(const Mediator& m, double g,
                                                const PhysicsParameters& p) const {
  m.validate();
  p.validate();
  if (!std::isfinite(g)) throw std::invalid_argument("energy_spectrum: coupling must be finite");
  const double g2 = g * g, g4 = g2 * g2;
  std::vector<double> spec(n_components() * n_energy_, 0.0);
  std::vector<double> a, b, c, fn_buffer;
  for (std::size_t ti = 0; ti < grids_.size(); ++ti) {
    const Grid& gr = grids_[ti];
    const std::vector<double>& FN = neutron_form_factors(gr, cfg_.targets[ti], p, fn_buffer);
    const std::size_t nT = gr.T.size();
    for (std::size_t f = 0; f < n_components(); ++f) {
      spectrum_terms(gr, FN, cfg_.targets[ti], m, f, p, a, b, c);
      for (std::size_t k = 0; k < nT; ++k) a[k] += g2 * b[k] + g4 * c[k];
      for (std::size_t i = 0; i < n_energy_; ++i) {
        const double* r = &gr.response[i * nT];
        double x = 0.0;
        for (std::size_t k = 0; k < nT; ++k) x += r[k] * a[k];
        spec[f * n_energy_ + i] += x;
      }
    }
  }
  return checked_events(spec, "prediction");
}

std::vector<double> BinnedRate::predict(const Mediator& m, double g,
                                        const PhysicsParameters& p) const {
  return fold_time(energy_spectrum(m, g, p));
}

double BinnedRate::flux_averaged_cross_section(const Mediator& m, double g) const {
  return flux_averaged_cross_section(m, g, own_);
}

double BinnedRate::flux_averaged_cross_section(const Mediator& m, double g,
                                               const PhysicsParameters& p) const {
  m.validate();
  p.validate();
  if (!std::isfinite(g))
    throw std::invalid_argument("flux_averaged_cross_section: coupling must be finite");
  for (const FluxComponent& c : cfg_.components)
    if (p.magnetic_moment_sq(c.species) != 0.0)
      throw std::invalid_argument(
          "flux_averaged_cross_section: a neutrino magnetic moment has no total cross section "
          "(d sigma/dT grows like 1/T as T -> 0); set mu_nue = mu_numu = mu_nutau = 0");
  const double g2 = g * g, g4 = g2 * g2;
  double events = 0.0, nuclei = 0.0;
  std::vector<double> a, b, c, fn_buffer;
  for (std::size_t ti = 0; ti < grids_.size(); ++ti) {
    const Grid& gr = grids_[ti];
    const std::vector<double>& FN = neutron_form_factors(gr, cfg_.targets[ti], p, fn_buffer);
    for (std::size_t f = 0; f < n_components(); ++f) {
      spectrum_terms(gr, FN, cfg_.targets[ti], m, f, p, a, b, c);
      for (std::size_t k = 0; k < gr.T.size(); ++k)
        events += gr.w[k] * (a[k] + g2 * b[k] + g4 * c[k]);
    }
    nuclei += cfg_.targets[ti].n_nuclei;
  }
  double fluence = 0.0;  // pi-DAR: eta + eta + eta == 3 eta exactly
  for (const FluxComponent& c : cfg_.components) fluence += c.fluence_cm2;
  return events / (fluence * nuclei);
}

std::vector<double> BinnedRate::differential_rate(const Mediator& m, double g,
                                                  const std::vector<double>& T,
                                                  const PhysicsParameters& p) const {
  m.validate();
  p.validate();
  if (!std::isfinite(g)) throw std::invalid_argument("differential_rate: coupling must be finite");
  const double g2 = g * g, g4 = g2 * g2;
  const std::size_t n_comp = n_components();
  std::vector<double> out(n_comp * T.size(), 0.0);
  for (const Target& t : cfg_.targets) {
    Grid g1;
    g1.T = T;
    g1.FZ.resize(T.size());
    g1.FN.resize(T.size());
    g1.k0.assign(n_comp, std::vector<double>(T.size()));
    g1.k2.assign(n_comp, std::vector<double>(T.size()));
    for (std::size_t k = 0; k < T.size(); ++k) {
      if (!(T[k] >= 0.0)) throw std::invalid_argument("differential_rate: T must be >= 0");
      const double q = momentum_transfer(t.nucleus, T[k]);
      g1.FZ[k] = form_factor(cfg_.form_factor, q, t.nucleus.r_p_fm);
      g1.FN[k] = form_factor(cfg_.form_factor, q, p.neutron_radius(t.nucleus));
      for (std::size_t f = 0; f < n_components(); ++f) {
        const KinematicFactors kf =
            cfg_.components[f].spectrum->kinematic_factors(T[k], t.nucleus.mass_MeV);
        g1.k0[f][k] = kf.k0;
        g1.k2[f][k] = kf.k2;
      }
    }
    std::vector<double> a, b, c;
    for (std::size_t f = 0; f < n_components(); ++f) {
      spectrum_terms(g1, g1.FN, t, m, f, p, a, b, c);
      for (std::size_t k = 0; k < T.size(); ++k)
        out[f * T.size() + k] += a[k] + g2 * b[k] + g4 * c[k];
    }
  }
  return checked_events(out, "differential rate");
}

}  // namespace cevns
