// Tests of the physics parameters (parameters.hpp): SM defaults bit for bit,
// NSI = heavy Z', charge radius = sin^2 theta_W shift, magnetic moment by hand,
// neutron radii = a rate built with those radii, bad input.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cevns/constants.hpp"
#include "cevns/cross_section.hpp"
#include "cevns/flux.hpp"
#include "cevns/parameters.hpp"
#include "cevns/rate.hpp"
#include "cevns/response.hpp"
#include "cevns/sources.hpp"

namespace {

namespace c = cevns::constants;
using Flavour = cevns::DarComponent;
using cevns::Mediator;
using cevns::PhysicsParameters;
using cevns::species;

double rel(double a, double b) {
  const double s = std::max(std::abs(a), std::abs(b));
  return s == 0.0 ? 0.0 : std::abs(a - b) / s;
}

double max_rel(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double m = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, rel(a[i], b[i]));
  return m;
}

/// CsI-like: two targets (so rn_cs and rn_i both matter), a quenched CsI response.
cevns::RateConfig csi_config(double rn_cs = 5.09, double rn_i = 5.03) {
  cevns::RateConfig cfg;
  cevns::Nucleus cs = cevns::cesium133(), i = cevns::iodine127();
  cs.r_n_fm = rn_cs;
  i.r_n_fm = rn_i;
  const double n = 14.6e3 / (132.905 + 126.904) * c::N_A;
  cfg.targets = {cevns::Target{cs, n}, cevns::Target{i, n}};
  cfg.components = cevns::pion_dar_source(cevns::flux_normalisation(0.0848, 3.198e23, 19.3),
                                          {{{0.7, 0.3}, {0.2, 0.8}, {0.25, 0.75}}});
  cfg.response = std::make_shared<cevns::CsIResponse>(
      std::array<double, 4>{0.0554628, 4.30681, -111.707, 840.384}, 13.35, 0.0749,
      std::array<double, 4>{1.32045, 0.285979, 10.8646, -0.333322});
  for (int k = 0; k <= 9; ++k) cfg.energy_edges.push_back(5.0 + 6.0 * k);
  return cfg;
}

const cevns::Charges kBminusL{1.0 / 3.0, 1.0 / 3.0, -1.0, -1.0, -1.0};

}  // namespace

TEST_CASE("parameters: defaults reproduce every existing number bit for bit") {
  const cevns::BinnedRate rate(csi_config());
  const PhysicsParameters p;
  const std::vector<std::pair<Mediator, double>> cases{
      {Mediator::standard_model(), 0.0},
      {Mediator::vector(kBminusL, 10.0), 5e-5},
      {Mediator::kinetic_mixing({0.0, 0.0, 0.0, 1.0, -1.0}, 30.0), 3e-4},
      {Mediator::scalar(5.0), 2e-5}};
  for (const auto& [m, g] : cases) {
    CHECK(rate.predict(m, g, p) == rate.predict(m, g));
    CHECK(rate.energy_spectrum(m, g, p) == rate.energy_spectrum(m, g));
    const auto t0 = rate.templates(m), t1 = rate.templates(m, p);
    CHECK(t0.n0 == t1.n0);
    CHECK(t0.n1 == t1.n1);
    CHECK(t0.n2 == t1.n2);
    const std::vector<double> T{1e-3, 5e-3, 2e-2};
    CHECK(rate.differential_rate(m, g, T, p) == rate.differential_rate(m, g, T));
    for (Flavour f : cevns::dar_components)
      CHECK(cevns::dsigma_dT(cevns::cesium133(), species(f), 30.0, 1e-2, m, g, p) ==
            cevns::dsigma_dT(cevns::cesium133(), species(f), 30.0, 1e-2, m, g));
  }
  CHECK(p.proton_coupling(species(Flavour::NuE)) == c::gVp_nue);
  CHECK(p.proton_coupling(species(Flavour::NuMu)) == c::gVp_numu);
  CHECK(p.proton_coupling(species(Flavour::NuMuBar)) == c::gVp_numu);
  // the SM charge radii of Bernabeu et al. (-0.83, -0.48 in 1e-32 cm^2)
  CHECK(p.r2_nue == doctest::Approx(-0.8275).epsilon(1e-3));
  CHECK(p.r2_numu == doctest::Approx(-0.4805).epsilon(1e-3));
  // the neutron radii defaults are the nuclei's (eq. 14)
  CHECK(p.get("rn_cs") == cevns::cesium133().r_n_fm);
  CHECK(p.get("rn_i") == cevns::iodine127().r_n_fm);
  CHECK(p.get("rn_ar") == cevns::argon40().r_n_fm);
}

TEST_CASE("parameters: flavour-diagonal NSI equals the heavy-mass limit of a vector Z'") {
  const cevns::BinnedRate rate(csi_config());
  // charges chosen so that u != d and e != mu (all four epsilons differ)
  const cevns::Charges q{1.0, 2.0, 1.5, -0.7, 0.0};
  const double M = 1e8;  // MeV: q^2/M^2 < 2e-12 at the COHERENT endpoint
  const double eps_scale = 0.05;
  const double g2 = eps_scale * std::sqrt(2.0) * c::G_F * M * M;
  const double g = std::sqrt(g2);
  PhysicsParameters p;
  auto eps = [&](double Qq, double Ql) { return g2 * Ql * Qq / (std::sqrt(2.0) * c::G_F * M * M); };
  p.set("eps_u_ee", eps(q.u, q.e));
  p.set("eps_d_ee", eps(q.d, q.e));
  p.set("eps_u_mumu", eps(q.u, q.mu));
  p.set("eps_d_mumu", eps(q.d, q.mu));
  const auto zp = rate.predict(Mediator::vector(q, M), g);
  const auto nsi = rate.predict(Mediator::standard_model(), 0.0, p);
  CHECK(max_rel(zp, nsi) < 1e-10);
  CHECK(max_rel(zp, rate.predict(Mediator::standard_model(), 0.0)) > 1e-2);  // not trivial
  for (Flavour f : cevns::dar_components)
    CHECK(
        rel(cevns::dsigma_dT(cevns::cesium133(), species(f), 40.0, 5e-3, Mediator::vector(q, M), g),
            cevns::dsigma_dT(cevns::cesium133(), species(f), 40.0, 5e-3, Mediator::standard_model(),
                             0.0, p)) < 1e-10);
}

TEST_CASE("parameters: off-diagonal NSI adds sum_beta |Q_ab|^2 incoherently") {
  const cevns::BinnedRate rate(csi_config());
  const auto sm = rate.energy_spectrum(Mediator::standard_model(), 0.0);
  PhysicsParameters emu, etau, half;
  emu.set("eps_u_emu", 0.2);
  emu.set("eps_d_emu", -0.1);
  half.set("eps_u_emu", 0.1);
  half.set("eps_d_emu", -0.05);
  etau.set("eps_u_etau", 0.2);
  etau.set("eps_d_etau", -0.1);
  CHECK(emu.get("eps_u_emu") == emu.eps[0][1][0]);  // symmetric
  const auto s_emu = rate.energy_spectrum(Mediator::standard_model(), 0.0, emu);
  const auto s_half = rate.energy_spectrum(Mediator::standard_model(), 0.0, half);
  const auto s_etau = rate.energy_spectrum(Mediator::standard_model(), 0.0, etau);
  const std::size_t ne = rate.n_energy();
  for (std::size_t i = 0; i < ne; ++i) {
    for (int f = 0; f < 3; ++f) {
      const std::size_t k = f * ne + i;
      // no interference with the SM: the excess is exactly quadratic
      CHECK(rel(s_emu[k] - sm[k], 4.0 * (s_half[k] - sm[k])) < 1e-9);
      CHECK(s_emu[k] > sm[k]);
    }
    // nu_e: e->mu and e->tau are alike; nu_mu: only e-mu touches it
    CHECK(rel(s_emu[ne + i], s_etau[ne + i]) < 1e-14);
    CHECK(s_etau[i] == sm[i]);
    CHECK(s_etau[2 * ne + i] == sm[2 * ne + i]);
  }
}

TEST_CASE("parameters: a charge radius is the corresponding sin^2 theta_W shift") {
  const cevns::BinnedRate rate(csi_config());
  const Mediator sm = Mediator::standard_model();
  PhysicsParameters r2, s2;
  const double dr2 = 10.0;  // 1e-32 cm^2
  r2.r2_nue += dr2;
  s2.sin2w += cevns::charge_radius_coupling_shift() * dr2 / (2.0 * c::rho_nuN);
  CHECK(rel(r2.proton_coupling(species(Flavour::NuE)), s2.proton_coupling(species(Flavour::NuE))) <
        1e-13);
  const auto a = rate.energy_spectrum(sm, 0.0, r2), b = rate.energy_spectrum(sm, 0.0, s2);
  const auto s0 = rate.energy_spectrum(sm, 0.0);
  const std::size_t ne = rate.n_energy();
  for (std::size_t i = 0; i < ne; ++i) {
    CHECK(rel(a[ne + i], b[ne + i]) < 1e-12);  // nu_e alike
    CHECK(a[i] == s0[i]);                      // nu_mu untouched by r2_nue
    CHECK(b[i] != s0[i]);
  }
  // sqrt2 pi alpha/(3 G_F) = 2.38e30 cm^-2, so 1e-32 cm^2 moves g_V^p by 0.0238;
  // eq. (12): g_V^p(nu_e) - g_V^p(nu_mu) = 0.0083 is the SM radii's difference
  CHECK(cevns::charge_radius_coupling_shift() == doctest::Approx(0.02379).epsilon(1e-3));
  CHECK(cevns::charge_radius_coupling_shift() *
            (cevns::charge_radius_sm(c::m_mu) - cevns::charge_radius_sm(c::m_e)) ==
        doctest::Approx(c::gVp_nue - c::gVp_numu).epsilon(0.02));
  // sin2w: g_V^p moves by -2 rho per unit
  PhysicsParameters p;
  p.set("sin2w", 0.25);
  CHECK(p.proton_coupling(species(Flavour::NuMu)) ==
        doctest::Approx(c::gVp_numu - 2.0 * 1.0082 * (0.25 - 0.23857)).epsilon(1e-14));
}

TEST_CASE("parameters: magnetic moment against a hand calculation") {
  const cevns::Nucleus cs = cevns::cesium133();
  const double E = 30.0, T = 0.01;  // MeV
  const double mu = 1e-9;           // mu_B
  // by hand: pi alpha^2/m_e^2 mu^2 (1/T - 1/E) Z^2 F_Z^2, Helm F_Z at |q| = sqrt(2 M T)
  const double alpha = 1.0 / 137.035999084, me = 0.51099895;
  const double q = std::sqrt(2.0 * cs.mass_MeV * T);
  const double F = cevns::helm_form_factor(q, 4.821);
  const double by_hand = 3.14159265358979323846 * alpha * alpha / (me * me) * mu * mu *
                         (1.0 / T - 1.0 / E) * 55.0 * 55.0 * F * F;
  CHECK(rel(cevns::dsigma_dT_magnetic(cs, E, T, mu), by_hand) < 1e-14);
  // ~ 3.3e-40 cm^2/MeV: the size quoted for mu = 1e-9 mu_B on Cs at 10 keV
  PhysicsParameters p;
  p.set("mu_nue", 10.0);  // 1e-9 mu_B
  const Mediator sm = Mediator::standard_model();
  CHECK(rel(cevns::dsigma_dT(cs, species(Flavour::NuE), E, T, sm, 0.0, p) -
                cevns::dsigma_dT(cs, species(Flavour::NuE), E, T, sm, 0.0),
            by_hand) < 1e-10);
  CHECK(cevns::dsigma_dT(cs, species(Flavour::NuMu), E, T, sm, 0.0, p) ==
        cevns::dsigma_dT(cs, species(Flavour::NuMu), E, T, sm, 0.0));
  // flux-averaged kinematics against a direct integral of the DAR spectrum
  const double M = cs.mass_MeV;
  for (Flavour f : {Flavour::NuE, Flavour::NuMuBar}) {
    const double emin = std::sqrt(M * T / 2.0), emax = cevns::delayed_endpoint_energy();
    const int n = 20000;
    double s = 0.0;
    for (int k = 0; k <= n; ++k) {
      const double e = emin + (emax - emin) * k / n;
      const double w = (k == 0 || k == n) ? 1.0 : (k % 2 ? 4.0 : 2.0);
      s += w * cevns::dar_spectrum(f, e) * (1.0 / T - 1.0 / e);
    }
    s *= (emax - emin) / n / 3.0;
    CHECK(rel(cevns::magnetic_kinematic_factor(f, T, M), s) < 1e-9);
  }
  // binned: linear in mu^2
  const cevns::BinnedRate rate(csi_config());
  PhysicsParameters p2;
  p2.set("mu_numu", 20.0);
  PhysicsParameters p4;
  p4.set("mu_numu", 40.0);
  const auto s0 = rate.predict(sm, 0.0), s2 = rate.predict(sm, 0.0, p2),
             s4 = rate.predict(sm, 0.0, p4);
  for (std::size_t k = 0; k < s0.size(); ++k)
    CHECK(rel(s4[k] - s0[k], 4.0 * (s2[k] - s0[k])) < 1e-9);
}

TEST_CASE("parameters: neutron radii recompute F_N only, as a rate built with them") {
  const cevns::BinnedRate rate(csi_config());
  const cevns::BinnedRate other(csi_config(5.5, 4.8));
  PhysicsParameters p;
  p.set("rn_cs", 5.5);
  p.set("rn_i", 4.8);
  const Mediator m = Mediator::vector(kBminusL, 10.0);
  CHECK(rate.predict(m, 5e-5, p) == other.predict(m, 5e-5));
  CHECK(max_rel(rate.predict(m, 5e-5, p), rate.predict(m, 5e-5)) > 1e-3);
  // larger neutron radius, smaller coherent rate
  PhysicsParameters big;
  big.set("rn_cs", 6.0);
  double a = 0, b = 0;
  for (double x : rate.predict(Mediator::standard_model(), 0.0, big)) a += x;
  for (double x : rate.predict(Mediator::standard_model(), 0.0)) b += x;
  CHECK(a < b);
}

TEST_CASE("parameters: a rate names the parameters it depends on (its nuclei's radii)") {
  const cevns::BinnedRate rate(csi_config());
  const std::vector<std::string> names = rate.parameter_names();
  auto has = [&](const char* n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  CHECK(has("rn_cs"));
  CHECK(has("rn_i"));
  CHECK_FALSE(has("rn_ar"));
  CHECK(has("sin2w"));
  CHECK_FALSE(has("rn_xe"));
  CHECK_FALSE(has("mu_nutau"));  // a pi-DAR beam carries no nu_tau
  CHECK_FALSE(has("eps_u_tautau"));
  CHECK(has("eps_u_etau"));  // nu_e scatters into nu_tau
  // what it leaves out: other nuclei's radii and parameters of the absent tau flavour
  for (const auto& n : PhysicsParameters::names())
    if (!has(n.c_str())) CHECK((n.rfind("rn_", 0) == 0 || n.find("tau") != std::string::npos));
  CHECK(PhysicsParameters::neutron_radius_names(cevns::argon40()) ==
        std::vector<std::string>{"rn_ar"});
}

TEST_CASE("rates obey the chi2's limit on events (kMaxPredictionEvents)") {
  const cevns::BinnedRate rate(csi_config());
  const Mediator m = Mediator::vector(kBminusL, 10.0);
  CHECK_NOTHROW(rate.predict(m, 1e-2));
  CHECK_THROWS_WITH_AS(rate.predict(m, 1e40), doctest::Contains("at most 1e+150 events"),
                       std::invalid_argument);
  CHECK_THROWS_AS(rate.energy_spectrum(m, 1e40), std::invalid_argument);
  CHECK_THROWS_AS(rate.differential_rate(m, 1e40, {1e-3}), std::invalid_argument);
  PhysicsParameters p;
  p.set("eps_u_ee", 1e80);
  CHECK_THROWS_AS(rate.predict(Mediator::standard_model(), 0.0, p), std::invalid_argument);
}

TEST_CASE("mediator masses above kMaxMediatorMassMeV are refused") {
  CHECK_NOTHROW(Mediator::vector(kBminusL, cevns::kMaxMediatorMassMeV));
  CHECK_THROWS_WITH_AS(Mediator::vector(kBminusL, 1e12), doctest::Contains("(0, 1e+09] MeV"),
                       std::invalid_argument);
  CHECK_THROWS_AS(Mediator::scalar(1e300), std::invalid_argument);
}

TEST_CASE("parameters: bad input throws with the name") {
  PhysicsParameters p;
  CHECK_THROWS_WITH_AS(p.set("eps_x_ee", 0.1), doctest::Contains("unknown physics parameter"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(p.set("sin2w_typo", 0.1), doctest::Contains("accepted: sin2w"),
                       std::invalid_argument);
  CHECK_THROWS_AS(p.set("rn_cs", 0.0), std::invalid_argument);
  CHECK_THROWS_AS(p.set("rn_ar", -3.0), std::invalid_argument);
  CHECK_THROWS_AS(p.set("sin2w", std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  CHECK_THROWS_AS(p.set("mu_nue", std::numeric_limits<double>::infinity()), std::invalid_argument);
  // sin2w is a squared sine: [0, 1], the ends included; refused by set() and validate()
  for (const double bad : {-0.1, -1e-300, 1.0000001, 1.5, 1e300})
    CHECK_THROWS_WITH_AS(p.set("sin2w", bad), doctest::Contains("accepted: 0 <= sin2w <= 1"),
                         std::invalid_argument);
  for (const double good : {0.0, 0.23857, 1.0}) {
    PhysicsParameters ok;
    ok.set("sin2w", good);
    CHECK_NOTHROW(ok.validate());
  }
  PhysicsParameters above;
  above.sin2w = 2.0;
  CHECK_THROWS_WITH_AS(above.validate(), doctest::Contains("sin2w = 2 is outside"),
                       std::invalid_argument);
  const cevns::BinnedRate csi(csi_config());
  CHECK_THROWS_AS(csi.predict(Mediator::standard_model(), 0.0, above), std::invalid_argument);
  // radii: the value and the unit named; rn_xe that would leave an isotope at <= 0 fm
  CHECK_THROWS_WITH_AS(p.set("rn_cs", -1.0), doctest::Contains("rn_cs = -1 fm"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(p.set("rn_xe", 0.01), doctest::Contains("accepted: rn_xe > 0."),
                       std::invalid_argument);
  CHECK(p.get("rn_xe") == PhysicsParameters().get("rn_xe"));  // a refused set() changes nothing
  PhysicsParameters asym;
  asym.eps[0][0][1] = 0.1;
  CHECK_THROWS_WITH_AS(asym.validate(), doctest::Contains("symmetric"), std::invalid_argument);
  const cevns::BinnedRate rate(csi_config());
  CHECK_THROWS_AS(rate.predict(Mediator::standard_model(), 0.0, asym), std::invalid_argument);
  // sin2w, one rn per table row, rn_xe and rn_ge, mu and r2 for e/mu/tau, 12 eps
  CHECK(PhysicsParameters::names().size() == 1 + cevns::nuclei().size() + 2 + 6 + 12);
  p.set("eps_d_mutau", 0.3);
  CHECK(p.get("eps_d_taumu") == 0.3);
}

#include <filesystem>

#include "cevns/cevns_c.h"
#include "cevns/experiment.hpp"

TEST_CASE("parameters: the C facade takes them by name") {
#ifdef CEVNS_TEST_DATA_DIR
  const std::string dir = CEVNS_TEST_DATA_DIR;
#else
  const std::string dir;
#endif
  if (dir.empty() || !std::filesystem::is_directory(dir + "/csi2021")) {
    MESSAGE("COHERENT data not found: test skipped");
    return;
  }
  cevns_experiment* csi = cevns_experiment_load("csi2021", dir.c_str());
  REQUIRE(csi != nullptr);
  const cevns_experiment* one[] = {csi};
  double sm = 0.0, with = 0.0, none = 0.0;
  REQUIRE(cevns_chi2(one, 1, "SM", 0.0, 0.0, &sm) == 0);
  REQUIRE(cevns_chi2_params(one, 1, "SM", 0.0, 0.0, nullptr, nullptr, 0, &none) == 0);
  CHECK(none == sm);
  const char* names[] = {"sin2w", "eps_u_ee"};
  const double values[] = {0.25, 0.05};
  REQUIRE(cevns_chi2_params(one, 1, "SM", 0.0, 0.0, names, values, 2, &with) == 0);
  const cevns::Experiment c = cevns::load_csi2021(dir);
  PhysicsParameters p;
  p.set("sin2w", 0.25);
  p.set("eps_u_ee", 0.05);
  CHECK(with == c.profile(c.rate().predict(Mediator::standard_model(), 0.0, p)).chi2);
  CHECK(with != sm);
  const char* bad[] = {"rn_cs"};
  const double zero[] = {0.0};
  CHECK(cevns_chi2_params(one, 1, "SM", 0.0, 0.0, bad, zero, 1, &with) == -1);
  CHECK(std::string(cevns_last_error()).find("rn_cs") != std::string::npos);
  const char* unknown[] = {"sin2theta"};
  CHECK(cevns_chi2_params(one, 1, "SM", 0.0, 0.0, unknown, zero, 1, &with) == -1);
  CHECK(std::string(cevns_last_error()).find("unknown physics parameter") != std::string::npos);
  const char* weak[] = {"sin2w"};
  const double above_one[] = {1.5};
  CHECK(cevns_chi2_params(one, 1, "SM", 0.0, 0.0, weak, above_one, 1, &with) == -1);
  CHECK(std::string(cevns_last_error()).find("accepted: 0 <= sin2w <= 1") != std::string::npos);
  // the flux-averaged cross section through the same names
  double sigma = 0.0, sigma_p = 0.0;
  REQUIRE(cevns_flux_averaged_cross_section(csi, "SM", 0.0, 0.0, nullptr, nullptr, 0, &sigma) == 0);
  CHECK(sigma == c.rate().flux_averaged_cross_section(Mediator::standard_model(), 0.0));
  REQUIRE(cevns_flux_averaged_cross_section(csi, "SM", 0.0, 0.0, names, values, 2, &sigma_p) == 0);
  CHECK(sigma_p == c.rate().flux_averaged_cross_section(Mediator::standard_model(), 0.0, p));
  const char* mu[] = {"mu_nue"};
  const double one_unit[] = {1.0};
  CHECK(cevns_flux_averaged_cross_section(csi, "SM", 0.0, 0.0, mu, one_unit, 1, &sigma) == -1);
  CHECK(std::string(cevns_last_error()).find("magnetic moment") != std::string::npos);
  CHECK(cevns_flux_averaged_cross_section(nullptr, "SM", 0.0, 0.0, nullptr, nullptr, 0, &sigma) ==
        -1);
  cevns_free(csi);
}

namespace {
/// Simpson's rule with n (even) intervals.
template <class F>
double simpson(F f, double a, double b, int n) {
  double s = f(a) + f(b);
  for (int k = 1; k < n; ++k) s += (k % 2 ? 4.0 : 2.0) * f(a + (b - a) * k / n);
  return s * (b - a) / n / 3.0;
}

/// <sigma>_Phi of one nucleus [cm^2]: Simpson in E over the DAR spectra and in T.
double sigma_by_simpson(const cevns::Nucleus& n, const PhysicsParameters& p) {
  const Mediator sm = Mediator::standard_model();
  auto total = [&](Flavour f, double E) {
    if (E <= 0.0) return 0.0;  // sigma ~ E^2
    return simpson([&](double T) { return cevns::dsigma_dT(n, species(f), E, T, sm, 0.0, p); }, 0.0,
                   2.0 * E * E / n.mass_MeV, 400);
  };
  double s = total(Flavour::NuMu, cevns::numu_line_energy());
  for (Flavour f : {Flavour::NuE, Flavour::NuMuBar})
    s += simpson([&](double E) { return cevns::dar_spectrum(f, E) * total(f, E); }, 0.0,
                 cevns::delayed_endpoint_energy(), 400);
  return s / 3.0 * cevns::mev2_to_cm2();
}
}  // namespace

TEST_CASE("flux-averaged cross section: the rate's grid against a direct double integral") {
  const cevns::BinnedRate rate(csi_config());
  const Mediator sm = Mediator::standard_model();
  PhysicsParameters p;  // the rate's own radii are the defaults here
  const double want =
      0.5 * (sigma_by_simpson(cevns::cesium133(), p) + sigma_by_simpson(cevns::iodine127(), p));
  CHECK(rel(rate.flux_averaged_cross_section(sm, 0.0), want) < 1e-6);
  CHECK(want > 1.7e-38);  // ~ 181e-40 cm^2 per nucleus with the paper's eq. 12-14
  CHECK(want < 1.9e-38);
  // with parameters: a smaller neutron radius and NSI through the same integral
  p.set("rn_cs", 4.8);
  p.set("eps_u_ee", 0.05);
  const double want_p =
      0.5 * (sigma_by_simpson(cevns::cesium133(), p) + sigma_by_simpson(cevns::iodine127(), p));
  CHECK(rel(rate.flux_averaged_cross_section(sm, 0.0, p), want_p) < 1e-6);
  // independent of the detector: flux normalisation and number of nuclei cancel
  cevns::RateConfig other = csi_config();
  for (auto& c : other.components) c.fluence_cm2 *= 7.0;
  for (auto& t : other.targets) t.n_nuclei *= 0.3;
  CHECK(rel(cevns::BinnedRate(other).flux_averaged_cross_section(sm, 0.0),
            rate.flux_averaged_cross_section(sm, 0.0)) < 1e-13);
  PhysicsParameters mu;
  mu.set("mu_nue", 1.0);
  CHECK_THROWS_AS(rate.flux_averaged_cross_section(sm, 0.0, mu), std::invalid_argument);
  CHECK_THROWS_AS(rate.flux_averaged_cross_section(sm, std::nan("")), std::invalid_argument);
}
