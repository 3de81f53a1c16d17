/// \file xenonnt.cpp
/// \brief Solar 8B CEvNS on natural xenon folded on the XENONnT template
///        energies (xenonnt.hpp).
#include "cevns/xenonnt.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "cevns/constants.hpp"
#include "cevns/data.hpp"

namespace cevns {
using namespace constants;
namespace {

// 8-point and 4-point Gauss-Legendre rules on [-1, 1] (Abramowitz & Stegun 25.4).
constexpr double kX8[8] = {-0.9602898564975363, -0.7966664774136267, -0.5255324099163290,
                           -0.1834346424956498, 0.1834346424956498,  0.5255324099163290,
                           0.7966664774136267,  0.9602898564975363};
constexpr double kW8[8] = {0.1012285362903763, 0.2223810344533745, 0.3137066458778873,
                           0.3626837833783620, 0.3626837833783620, 0.3137066458778873,
                           0.2223810344533745, 0.1012285362903763};
/// Step of the P_ee table [MeV].
constexpr double kPeeStep = 0.01;
constexpr double kX4[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563,
                           0.8611363115940526};
constexpr double kW4[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461,
                           0.3478548451374538};

/// Point-proton rms radius from the charge radius [fm]: r_p^2 = r_ch^2 -
/// <r_p^2> - (N/Z) <r_n^2>, <r_p^2> = 0.7071 fm^2 (CODATA 2018 0.8409 fm),
/// <r_n^2> = -0.1161 fm^2 (PDG).
double point_proton_radius(double r_charge, int Z, int N) {
  return std::sqrt(r_charge * r_charge - 0.7071 + 0.1161 * static_cast<double>(N) / Z);
}

}  // namespace

std::vector<XenonIsotope> natural_xenon(double skin) {
  struct Row {
    int A;
    double mass_u, abundance, r_charge;
  };
  // AME2020 atomic masses [u]; CIAAW 2013 abundances; Angeli & Marinova 2013 charge radii [fm]
  static const Row rows[] = {
      {124, 123.905892, 0.000952, 4.7664}, {126, 125.904298, 0.000890, 4.7725},
      {128, 127.903531, 0.019102, 4.7774}, {129, 128.904781, 0.264006, 4.7775},
      {130, 129.903509, 0.040710, 4.7818}, {131, 130.905084, 0.212324, 4.7808},
      {132, 131.904155, 0.269086, 4.7859}, {134, 133.905395, 0.104357, 4.7899},
      {136, 135.907214, 0.088573, 4.7964}};
  std::vector<XenonIsotope> out;
  for (const Row &r : rows) {
    const int Z = 54, N = r.A - 54;
    const double rp = point_proton_radius(r.r_charge, Z, N);
    out.push_back(
        {Nucleus{"Xe" + std::to_string(r.A), Z, N, nuclear_mass_MeV(r.mass_u, Z), rp, rp + skin},
         r.abundance});
  }
  return out;
}

XenonntRate::XenonntRate(SolarSource source, XenonntRateConfig config)
    : source_(std::move(source)), config_(std::move(config)) {
  const auto &nodes = config_.node_energy_keV;
  if (nodes.size() < 2) throw std::invalid_argument("node_energy_keV: at least two energies");
  for (std::size_t k = 0; k + 1 < nodes.size(); ++k)
    if (!(nodes[k] > 0.0) || !(nodes[k + 1] > nodes[k]))
      throw std::invalid_argument("node_energy_keV: must be positive and increasing");
  if (config_.panels_per_step < 1) throw std::invalid_argument("panels_per_step: at least 1");
  isotopes_ = natural_xenon(config_.neutron_skin_fm);
  double molar = 0.0, ab = 0.0;
  for (const auto &i : isotopes_) {
    molar += i.abundance * (i.nucleus.mass_MeV + i.nucleus.Z * m_e) / amu_MeV;
    ab += i.abundance;
  }
  molar /= ab;  // g/mol of natural xenon
  for (const auto &i : isotopes_) n_per_tonne_.push_back(i.abundance / ab * 1e6 / molar * N_A);

  // P_ee on a 10 keV grid (linear interpolation off the flux nodes; the
  // production-zone average costs ~10^3 operations per energy)
  const auto &tab = source_.spectrum();
  const double e_top = tab.energy.back();
  const std::size_t n_pee = static_cast<std::size_t>(std::ceil(e_top / kPeeStep)) + 2;
  for (std::size_t i = 0; i < n_pee; ++i) pee_.push_back(source_.p_ee(i * kPeeStep + 1e-9));
  // flux quadrature: 4-point Gauss-Legendre on each interval of the spectrum table
  for (std::size_t j = 0; j + 1 < tab.energy.size(); ++j) {
    const double a = tab.energy[j], b = tab.energy[j + 1];
    if (tab.density[j] == 0.0 && tab.density[j + 1] == 0.0) continue;
    for (int q = 0; q < 4; ++q) {
      const double e = 0.5 * (a + b) + 0.5 * (b - a) * kX4[q];
      e_.push_back(e);
      we_.push_back(0.5 * (b - a) * kW4[q]);
      const auto fr = source_.flavour_fractions(e);
      const double phi = source_.flux() * tab(e);
      for (int f = 0; f < 3; ++f) phi_[f].push_back(phi * fr[static_cast<std::size_t>(f)]);
    }
  }
  // recoil grid: panels on each template step; above the last energy up to the endpoint
  double m_min = isotopes_.front().nucleus.mass_MeV;
  for (const auto &i : isotopes_) m_min = std::min(m_min, i.nucleus.mass_MeV);
  const double e_end = tab.endpoint();
  const double t_end_keV = 2.0 * e_end * e_end / m_min * 1e3;
  auto add_segment = [&](double a, double b, std::size_t k, bool hat) {
    const int np = config_.panels_per_step;
    for (int p = 0; p < np; ++p) {
      const double pa = a + (b - a) * p / np, pb = a + (b - a) * (p + 1) / np;
      for (int q = 0; q < 8; ++q) {
        const double t = 0.5 * (pa + pb) + 0.5 * (pb - pa) * kX8[q];
        if (t >= t_end_keV) continue;
        const double h = hat ? (b - t) / (b - a) : 1.0;
        grid_.push_back({t * 1e-3, 0.5 * (pb - pa) * kW8[q] * 1e-3, k, h});
      }
    }
  };
  for (std::size_t k = 0; k + 1 < nodes.size(); ++k) add_segment(nodes[k], nodes[k + 1], k, true);
  if (t_end_keV > nodes.back()) add_segment(nodes.back(), t_end_keV, nodes.size() - 1, false);
  cache_.resize(grid_.size() * isotopes_.size());
  for (std::size_t j = 0; j < grid_.size(); ++j)
    for (std::size_t i = 0; i < isotopes_.size(); ++i)
      cache_[j * isotopes_.size() + i] = evaluate(grid_[j].T_MeV, i);
}

void XenonntRate::fractions(double e, double out[3]) const {
  const double u = std::max(e, 0.0) / kPeeStep;
  const std::size_t i = std::min(static_cast<std::size_t>(u), pee_.size() - 2);
  const double w = u - static_cast<double>(i);
  const double pee = (1.0 - w) * pee_[i] + w * pee_[i + 1];
  const double s23 = source_.oscillation().sin2_theta23;
  out[0] = pee;
  out[1] = (1.0 - pee) * (1.0 - s23);
  out[2] = (1.0 - pee) * s23;
}

XenonntRate::Cache XenonntRate::evaluate(double T, std::size_t iso) const {
  const Nucleus &n = isotopes_[iso].nucleus;
  const double M = n.mass_MeV;
  const double e_min = std::sqrt(M * T / 2.0);
  Cache c{};
  double k0[3] = {0, 0, 0}, k2[3] = {0, 0, 0};
  // full intervals above E_min from the precomputed nodes; the interval that
  // contains E_min is integrated on its own from E_min
  const auto &tab = source_.spectrum();
  const auto it = std::upper_bound(tab.energy.begin(), tab.energy.end(), e_min);
  const double cut = it == tab.energy.end() ? tab.energy.back() : *it;
  for (std::size_t q = 0; q < e_.size(); ++q) {
    const double e = e_[q];
    if (e < cut) continue;
    const double kin = 1.0 - M * T / (2.0 * e * e);
    for (int f = 0; f < 3; ++f) {
      k0[f] += we_[q] * phi_[f][q] * kin;
      k2[f] += we_[q] * phi_[f][q] / (e * e);
    }
  }
  if (it != tab.energy.end() && e_min >= tab.energy.front()) {
    const double a = e_min, b = cut;
    for (int q = 0; q < 4; ++q) {
      const double e = 0.5 * (a + b) + 0.5 * (b - a) * kX4[q];
      const double w = 0.5 * (b - a) * kW4[q];
      double fr[3];
      fractions(e, fr);
      const double phi = source_.flux() * tab(e);
      const double kin = 1.0 - M * T / (2.0 * e * e);
      for (int f = 0; f < 3; ++f) {
        k0[f] += w * phi * fr[f] * kin;
        k2[f] += w * phi * fr[f] / (e * e);
      }
    }
  }
  const double conv = n_per_tonne_[iso] * hbar_c_MeV_cm * hbar_c_MeV_cm * config_.seconds_per_year;
  for (int f = 0; f < 3; ++f) {
    c.A[f] = conv * G_F * G_F * M / pi * k0[f];
    c.B[f] = conv * M * M * T / (4.0 * pi) * k2[f];
  }
  const double q = std::sqrt(2.0 * M * T);
  c.FZ = form_factor(config_.form_factor, q, n.r_p_fm);
  c.FN = form_factor(config_.form_factor, q, n.r_n_fm);
  return c;
}

void XenonntRate::accumulate(const Cache &c, const Nucleus &n, const Mediator &m, double T,
                             double out[3]) const {
  const ChargeTerms e = charge_terms(n, Flavour::NuE, m, T, c.FZ, c.FN);
  const ChargeTerms mu = charge_terms(n, Flavour::NuMu, m, T, c.FZ, c.FN);
  ChargeTerms tau = mu;  // SM part and the scalar: as nu_mu
  if (m.kind == MediatorKind::Vector) {
    Mediator view = m;
    view.charges.mu = m.charges.tau;
    tau = charge_terms(n, Flavour::NuMu, view, T, c.FZ, c.FN);
  } else if (m.kind == MediatorKind::KineticMixing) {
    // x is proportional to the neutrino's own charge: x_tau = Q'_tau x_f / Q'_f
    if (m.charges.mu != 0.0) {
      tau.x = m.charges.tau * mu.x / m.charges.mu;
    } else if (m.charges.e != 0.0) {
      tau.x = m.charges.tau * e.x / m.charges.e;
    } else {
      tau.x = 0.0;
    }
  }
  const ChargeTerms ct[3] = {e, mu, tau};
  for (int f = 0; f < 3; ++f) {
    const double sm = ct[f].sm, x = ct[f].x;
    if (m.kind == MediatorKind::Scalar) {
      out[0] += c.A[f] * sm * sm;
      out[2] += c.B[f] * x * x;
    } else {
      out[0] += c.A[f] * sm * sm;
      out[1] += c.A[f] * 2.0 * sm * x;
      out[2] += c.A[f] * x * x;
    }
  }
}

Templates XenonntRate::templates(const Mediator &m) const {
  m.validate();
  Templates t;
  t.n0.assign(n_nodes(), 0.0);
  t.n1.assign(n_nodes(), 0.0);
  t.n2.assign(n_nodes(), 0.0);
  const std::size_t ni = isotopes_.size();
  for (std::size_t j = 0; j < grid_.size(); ++j) {
    const Point &p = grid_[j];
    double c[3] = {0, 0, 0};
    for (std::size_t i = 0; i < ni; ++i)
      accumulate(cache_[j * ni + i], isotopes_[i].nucleus, m, p.T_MeV, c);
    std::vector<double> *dst[3] = {&t.n0, &t.n1, &t.n2};
    for (int o = 0; o < 3; ++o) {
      (*dst[o])[p.k] += p.w_MeV * p.h * c[o];
      if (p.h < 1.0) (*dst[o])[p.k + 1] += p.w_MeV * (1.0 - p.h) * c[o];
    }
  }
  return t;
}

std::vector<double> XenonntRate::predict(const Mediator &m, double g) const {
  return templates(m).evaluate(g);
}

std::vector<double> XenonntRate::spectrum(const std::vector<double> &T_keV, const Mediator &m,
                                          double g) const {
  m.validate();
  std::vector<double> out;
  const double g2 = g * g;
  for (double t : T_keV) {
    if (!(t > 0.0) || !std::isfinite(t))
      throw std::invalid_argument("spectrum: recoil energies must be finite and > 0 keV");
    double c[3] = {0, 0, 0};
    for (std::size_t i = 0; i < isotopes_.size(); ++i)
      accumulate(evaluate(t * 1e-3, i), isotopes_[i].nucleus, m, t * 1e-3, c);
    out.push_back((c[0] + g2 * c[1] + g2 * g2 * c[2]) * 1e-3);  // per keV
  }
  return out;
}

double XenonntRate::integrated_rate(double lo, double hi, const Mediator &m, double g,
                                    int panels) const {
  if (!(hi > lo) || !(lo >= 0.0) || panels < 1)
    throw std::invalid_argument("integrated_rate: need 0 <= lo < hi and panels >= 1");
  double sum = 0.0;
  std::vector<double> t(8);
  for (int p = 0; p < panels; ++p) {
    const double a = lo + (hi - lo) * p / panels, b = lo + (hi - lo) * (p + 1) / panels;
    for (int q = 0; q < 8; ++q)
      t[static_cast<std::size_t>(q)] = 0.5 * (a + b) + 0.5 * (b - a) * kX8[q];
    const std::vector<double> r = spectrum(t, m, g);
    for (int q = 0; q < 8; ++q) sum += 0.5 * (b - a) * kW8[q] * r[static_cast<std::size_t>(q)];
  }
  return sum;
}

double XenonntRate::flux_averaged_cross_section() const {
  // total scatterings / (t yr) over all recoil energies, per nucleus and unit flux
  double m_min = isotopes_.front().nucleus.mass_MeV;
  for (const auto &i : isotopes_) m_min = std::min(m_min, i.nucleus.mass_MeV);
  const double e_end = source_.spectrum().endpoint();
  const double t_end = 2.0 * e_end * e_end / m_min * 1e3;
  const double events = integrated_rate(1e-9, t_end, Mediator::standard_model(), 0.0, 2000);
  double nuclei = 0.0;
  for (double n : n_per_tonne_) nuclei += n;
  return events / (nuclei * source_.flux() * config_.seconds_per_year);
}

}  // namespace cevns

namespace cevns {

SolarSource solar_b8_source(const std::string &data_dir, double flux,
                            const OscillationParameters &osc, const std::string &solar_model) {
  if (solar_model != "gs98" && solar_model != "agss09")
    throw std::invalid_argument("solar_model: '" + solar_model +
                                "' is not one of 'gs98', 'agss09'");
  const std::string shape = verified_path(data_dir, "solar/8B_shape_Winter_et_al.csv");
  const std::string prof = verified_path(data_dir, "solar/nudistr_b16_" + solar_model + ".dat");
  return SolarSource(read_spectrum_table(shape), read_solar_profile(prof, "8B"), flux, osc);
}

XenonChi2 xenonnt_chi2(const XenonntRelease &release, const std::vector<int> &runs,
                       XenonSigmas sigmas, XenonMorphing morphing) {
  if (runs.empty()) throw std::invalid_argument("runs: at least one science run");
  const std::vector<double> &energies = release.runs[0].mono_energy;
  std::vector<XenonRun> out;
  for (int r : runs) {
    if (r < 0 || r > 2)
      throw std::invalid_argument("runs: science runs are 0, 1, 2; got " + std::to_string(r));
    const XenonntRunData &d = release.runs[static_cast<std::size_t>(r)];
    if (d.mono_energy != energies)
      throw std::invalid_argument("runs: the science runs have different template energies");
    const double x = kXenonntExposure[static_cast<std::size_t>(r)];
    XenonRun run;
    run.name = "sr" + std::to_string(r);
    run.observed = d.observed;
    run.sigma_ac = kXenonntSigmaAc[static_cast<std::size_t>(r)];
    for (double v : d.ac) run.ac.push_back(x * v);
    for (double v : d.er) run.er.push_back(x * v);
    for (double v : d.neutron) run.neutron.push_back(x * v);
    // fold[g][k][b] = exposure x mono[k][g][b]
    const std::size_t nk = energies.size();
    run.fold.assign(kXenonGridPoints * nk * kXenonBins, 0.0);
    for (std::size_t k = 0; k < nk; ++k)
      for (std::size_t g = 0; g < kXenonGridPoints; ++g)
        for (std::size_t b = 0; b < kXenonBins; ++b)
          run.fold[(g * nk + k) * kXenonBins + b] =
              x * d.mono[(k * kXenonGridPoints + g) * kXenonBins + b];
    out.push_back(std::move(run));
  }
  return XenonChi2(std::move(out), energies.size(), sigmas, morphing);
}

}  // namespace cevns
