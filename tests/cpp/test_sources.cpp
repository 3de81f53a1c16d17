// Tests of the general sources (spectrum.hpp, sources.hpp), the neutrino species
// (neutrino.hpp) in the physics, and the nuclei table (nuclei.hpp): spectra normalised,
// closed forms = tabulated = numerical integrals, quadrature breakpoints from the
// components, nu_tau physics, fluence-weighted <sigma>, table rows and natural elements.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include "cevns/constants.hpp"
#include "cevns/cross_section.hpp"
#include "cevns/flux.hpp"
#include "cevns/neutrino.hpp"
#include "cevns/nuclei.hpp"
#include "cevns/parameters.hpp"
#include "cevns/rate.hpp"
#include "cevns/sources.hpp"
#include "cevns/spectrum.hpp"
#include "testing.hpp"

namespace {

namespace c = cevns::constants;
using cevns::DarComponent;
using cevns::Lepton;
using cevns::Neutrino;

using cevns_test::simpson;
const auto rel = cevns_test::rel_diff;

/// The delayed nu_e spectrum of eq. 2 tabulated on n + 1 equidistant nodes.
cevns::TabulatedSpectrum tabulated_nue(int n) {
  const double e_max = cevns::delayed_endpoint_energy();
  std::vector<double> E, phi;
  for (int k = 0; k <= n; ++k) {
    E.push_back(e_max * k / n);
    phi.push_back(cevns::dar_spectrum(DarComponent::NuE, E.back()));
  }
  return cevns::TabulatedSpectrum(E, phi);
}

/// A perfect detector: T [MeV] reconstructed in keVnr, efficiency 1.
class PerfectResponse final : public cevns::ResponseModel {
 public:
  double bin_probability(double T_MeV, double lo, double hi) const override {
    const double t = T_MeV * 1e3;
    return (t >= lo && t < hi) ? 1.0 : 0.0;
  }
};

cevns::RateConfig config(std::vector<cevns::FluxComponent> components,
                         std::vector<cevns::Target> targets) {
  cevns::RateConfig cfg;
  cfg.targets = std::move(targets);
  cfg.components = std::move(components);
  cfg.response = std::make_shared<PerfectResponse>();
  for (int i = 0; i <= 20; ++i) cfg.energy_edges.push_back(5.0 * i);
  return cfg;
}

cevns::FluxComponent line_component(Neutrino nu, double E0, double fluence = 1e7) {
  return {cevns::to_string(nu), nu, std::make_shared<cevns::LineSpectrum>(E0), fluence, {1.0}};
}

}  // namespace

TEST_CASE("species: names, PDG codes, parsing") {
  CHECK(cevns::to_string(Neutrino{Lepton::Tau, true}) == "nutaubar");
  CHECK(cevns::pdg_code(Neutrino{Lepton::E, false}) == 12);
  CHECK(cevns::pdg_code(Neutrino{Lepton::Tau, true}) == -16);
  for (Lepton l : cevns::all_leptons)
    for (bool anti : {false, true}) {
      const Neutrino nu{l, anti};
      CHECK(cevns::neutrino_from_string(cevns::to_string(nu)) == nu);
    }
  CHECK_THROWS_WITH_AS(cevns::neutrino_from_string("nux"), doctest::Contains("nutau"),
                       std::invalid_argument);
  CHECK(cevns::species(DarComponent::NuMuBar) == Neutrino{Lepton::Mu, true});
}

TEST_CASE("spectra: normalised to one neutrino") {
  const double e_max = cevns::delayed_endpoint_energy();
  for (DarComponent f : {DarComponent::NuE, DarComponent::NuMuBar}) {
    const auto s = cevns::pion_dar_spectrum(f);
    CHECK(s->e_min() == 0.0);
    CHECK(s->e_max() == e_max);
    CHECK(simpson([&](double E) { return s->density(E); }, 0.0, e_max, 2000) ==
          doctest::Approx(1.0).epsilon(1e-12));
  }
  const auto tab = tabulated_nue(50);
  CHECK(tab.integral() == doctest::Approx(1.0).epsilon(1e-3));  // trapezoid of eq. 2
  double trapezoid = 0.0;
  const auto& E = tab.energies();
  const auto& phi = tab.densities();
  for (std::size_t k = 0; k + 1 < E.size(); ++k)
    trapezoid += 0.5 * (phi[k] + phi[k + 1]) * (E[k + 1] - E[k]);
  CHECK(trapezoid == doctest::Approx(1.0).epsilon(1e-14));
  // linear interpolation between the nodes
  CHECK(tab.density(0.5 * (E[10] + E[11])) == doctest::Approx(0.5 * (phi[10] + phi[11])));
  CHECK(tab.density(-1.0) == 0.0);
  CHECK(tab.density(e_max + 1.0) == 0.0);
}

TEST_CASE("spectra: the line equals the prompt nu_mu closed form") {
  const auto line = cevns::pion_dar_spectrum(DarComponent::NuMu);
  const double M = cevns::argon40().mass_MeV;
  for (double T : {0.0, 1e-3, 0.02, 0.047, 0.05}) {
    const auto a = line->kinematic_factors(T, M);
    const auto b = cevns::kinematic_factors(DarComponent::NuMu, T, M);
    CHECK(a.k0 == b.k0);
    CHECK(a.k2 == b.k2);
    if (T > 0.0)
      CHECK(line->magnetic_kinematic_factor(T, M) ==
            cevns::magnetic_kinematic_factor(DarComponent::NuMu, T, M));
  }
}

TEST_CASE("spectra: tabulated K0, K2, K_mu = closed forms of the DAR spectrum") {
  // the same spectrum through the tabulated path: the difference is the linear
  // interpolation error O(h^2) of a smooth spectrum, ~1e-6 with 4000 segments
  const auto tab = tabulated_nue(4000);
  const double M = cevns::cesium133().mass_MeV;
  for (double T : {1e-4, 3e-3, 1e-2, 2e-2, 3.5e-2}) {
    CAPTURE(T);
    const auto exact = cevns::kinematic_factors(DarComponent::NuE, T, M);
    const auto t = tab.kinematic_factors(T, M);
    CHECK(rel(t.k0, exact.k0) < 1e-5);
    CHECK(rel(t.k2, exact.k2) < 1e-5);
    CHECK(rel(tab.magnetic_kinematic_factor(T, M),
              cevns::magnetic_kinematic_factor(DarComponent::NuE, T, M)) < 1e-5);
  }
  CHECK(tab.kinematic_factors(1.0, M).k0 == 0.0);  // above the endpoint
}

TEST_CASE("spectra: tabulated integrals are exact for the piecewise-linear phi") {
  // an irregular table, integrated independently with Simpson on each segment (exact
  // for phi times a smooth function up to the rule's error)
  const std::vector<double> E{2.0, 3.0, 4.5, 5.0, 8.0, 12.0, 16.0};
  const std::vector<double> phi{0.0, 1.0, 3.0, 2.5, 2.0, 0.4, 0.0};
  const cevns::TabulatedSpectrum s(E, phi);
  const double M = 122000.0;
  for (double T : {0.0, 1e-5, 5e-5, 2e-4, 1e-3, 3e-3}) {
    CAPTURE(T);
    const double e_min = std::sqrt(M * T / 2.0);
    double k0 = 0.0, k2 = 0.0, kmu = 0.0;
    for (std::size_t k = 0; k + 1 < E.size(); ++k) {
      const double a = std::max(E[k], e_min), b = E[k + 1];
      if (a >= b) continue;
      k0 += simpson([&](double x) { return s.density(x) * (1.0 - M * T / (2.0 * x * x)); }, a, b,
                    4000);
      k2 += simpson([&](double x) { return s.density(x) / (x * x); }, a, b, 4000);
      if (T > 0.0)
        kmu += simpson([&](double x) { return s.density(x) * (1.0 / T - 1.0 / x); }, a, b, 4000);
    }
    const auto kf = s.kinematic_factors(T, M);
    CHECK(kf.k0 == doctest::Approx(k0).epsilon(1e-11));
    CHECK(kf.k2 == doctest::Approx(k2).epsilon(1e-11));
    if (T > 0.0) CHECK(s.magnetic_kinematic_factor(T, M) == doctest::Approx(kmu).epsilon(1e-11));
  }
}

TEST_CASE("spectra: bad tables are refused with the reason") {
  using S = cevns::TabulatedSpectrum;
  CHECK_THROWS_WITH_AS(S({1.0}, {1.0}), doctest::Contains(">= 2 nodes"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(S({1.0, 1.0}, {1.0, 1.0}), doctest::Contains("increasing"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(S({1.0, 2.0}, {1.0, -1.0}), doctest::Contains(">= 0"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(S({1.0, 2.0}, {0.0, 0.0}), doctest::Contains("positive integral"),
                       std::invalid_argument);
  CHECK_THROWS_AS(cevns::LineSpectrum(0.0), std::invalid_argument);
}

TEST_CASE("rate: quadrature breakpoints come from the components") {
  const cevns::Nucleus ar = cevns::argon40();
  const double eta = 1e7;
  // pi-DAR: 0, the nu_mu line's kink and the delayed endpoint: 2 segments
  const cevns::BinnedRate dar(
      config(cevns::pion_dar_source(eta, {{{1.0}, {1.0}, {1.0}}}), {{ar, 1e28}}));
  CHECK(dar.n_grid() == 2 * 16 * 8);
  // a tabulated spectrum starting at 2 MeV with a declared kink at 10 MeV: 0, T(2),
  // T(10), T(16): 3 segments; the nodes are not breakpoints
  const auto tab = std::make_shared<cevns::TabulatedSpectrum>(
      std::vector<double>{2.0, 6.0, 10.0, 16.0}, std::vector<double>{1.0, 2.0, 1.0, 0.0},
      std::vector<double>{10.0});
  std::vector<cevns::FluxComponent> comps{{"tab", Neutrino{Lepton::E, false}, tab, eta, {1.0}}};
  const cevns::BinnedRate one(config(comps, {{ar, 1e28}}));
  CHECK(one.n_grid() == 3 * 16 * 8);
  // adding a line at 6 MeV adds one breakpoint
  comps.push_back(line_component(Neutrino{Lepton::Mu, false}, 6.0));
  const cevns::BinnedRate two(config(comps, {{ar, 1e28}}));
  CHECK(two.n_grid() == 4 * 16 * 8);
  CHECK(two.n_components() == 2);
}

TEST_CASE("rate: <sigma> weights the components by their fluences") {
  const cevns::Nucleus ar = cevns::argon40();
  const auto sm = cevns::Mediator::standard_model();
  const auto nue = line_component(Neutrino{Lepton::E, false}, 30.0, 2e7);
  const auto numu = line_component(Neutrino{Lepton::Mu, false}, 45.0, 5e7);
  const double s_e =
      cevns::BinnedRate(config({nue}, {{ar, 1e28}})).flux_averaged_cross_section(sm, 0.0);
  const double s_mu =
      cevns::BinnedRate(config({numu}, {{ar, 1e28}})).flux_averaged_cross_section(sm, 0.0);
  const double both =
      cevns::BinnedRate(config({nue, numu}, {{ar, 1e28}})).flux_averaged_cross_section(sm, 0.0);
  CHECK(both == doctest::Approx((2e7 * s_e + 5e7 * s_mu) / 7e7).epsilon(1e-13));
  CHECK(s_mu > s_e);  // sigma ~ E^2
}

TEST_CASE("physics: nu_tau is not nu_mu") {
  const cevns::Nucleus ar = cevns::argon40();
  const Neutrino nutau{Lepton::Tau, false}, numu{Lepton::Mu, false}, nue{Lepton::E, false};
  const auto sm = cevns::Mediator::standard_model();
  // SM: g_V^p(nu_tau) from the charge-radius difference, between nothing and nu_mu's
  const double shift = cevns::charge_radius_coupling_shift();
  CHECK(cevns::gVp_sm(Lepton::Tau) ==
        doctest::Approx(c::gVp_numu - shift * (cevns::charge_radius_sm(c::m_tau) -
                                               cevns::charge_radius_sm(c::m_mu))));
  // the same formula reproduces eq. 12's nu_e - nu_mu difference to its quoted digits
  CHECK(std::abs(c::gVp_numu -
                 shift * (cevns::charge_radius_sm(c::m_e) - cevns::charge_radius_sm(c::m_mu)) -
                 c::gVp_nue) < 2e-4);
  CHECK(cevns::gVp_sm(Lepton::Tau) < c::gVp_numu);
  CHECK(cevns::PhysicsParameters{}.proton_coupling(nutau) == cevns::gVp_sm(Lepton::Tau));
  CHECK(cevns::PhysicsParameters{}.r2_nutau == doctest::Approx(-0.30).epsilon(0.02));
  // L_mu - L_tau (through kinetic mixing; with quark charges added for the vector):
  // nu_tau has the opposite charge of nu_mu, nu_e none
  const cevns::Charges lmt{0.0, 0.0, 0.0, 1.0, -1.0};
  const cevns::Charges lmt_quarks{1.0 / 3.0, 1.0 / 3.0, 0.0, 1.0, -1.0};
  for (const auto& m :
       {cevns::Mediator::vector(lmt_quarks, 20.0), cevns::Mediator::kinetic_mixing(lmt, 20.0)}) {
    const auto x_mu = cevns::charge_terms(ar, numu, m, 0.01, 0.9, 0.8).x;
    const auto x_tau = cevns::charge_terms(ar, nutau, m, 0.01, 0.9, 0.8).x;
    CHECK(x_mu != 0.0);
    CHECK(x_tau == doctest::Approx(-x_mu));
    CHECK(cevns::charge_terms(ar, nue, m, 0.01, 0.9, 0.8).x == 0.0);
    CHECK(cevns::dsigma_dT(ar, nutau, 30.0, 0.01, m, 1e-3) !=
          cevns::dsigma_dT(ar, numu, 30.0, 0.01, m, 1e-3));
  }
  // L_e - L_tau (kinetic mixing) acts on nu_tau (and nu_e), not on nu_mu
  const cevns::Charges let{0.0, 0.0, 1.0, 0.0, -1.0};
  const auto m = cevns::Mediator::kinetic_mixing(let, 20.0);
  CHECK(cevns::dsigma_dT(ar, numu, 30.0, 0.01, m, 1e-3) ==
        cevns::dsigma_dT(ar, numu, 30.0, 0.01, sm, 0.0));
  CHECK(cevns::dsigma_dT(ar, nutau, 30.0, 0.01, m, 1e-3) !=
        cevns::dsigma_dT(ar, nutau, 30.0, 0.01, sm, 0.0));
}

TEST_CASE("physics: mu_nutau, r2_nutau and eps_tautau act only on tau components") {
  const cevns::Nucleus ar = cevns::argon40();
  const auto sm = cevns::Mediator::standard_model();
  const cevns::BinnedRate rate(config({line_component(Neutrino{Lepton::E, false}, 30.0),
                                       line_component(Neutrino{Lepton::Mu, true}, 30.0),
                                       line_component(Neutrino{Lepton::Tau, false}, 30.0),
                                       line_component(Neutrino{Lepton::Tau, true}, 30.0)},
                                      {{ar, 1e28}}));
  const auto base = rate.energy_spectrum(sm, 0.0, cevns::PhysicsParameters{});
  const std::size_t ne = rate.n_energy();
  for (const char* name : {"mu_nutau", "r2_nutau", "eps_u_tautau"}) {
    CAPTURE(name);
    cevns::PhysicsParameters p;
    p.set(name, std::string(name) == "r2_nutau" ? 5.0 : 0.3);
    const auto s = rate.energy_spectrum(sm, 0.0, p);
    for (std::size_t comp = 0; comp < 4; ++comp) {
      double d = 0.0;
      for (std::size_t i = 0; i < ne; ++i) d += std::abs(s[comp * ne + i] - base[comp * ne + i]);
      if (comp < 2)
        CHECK(d == 0.0);  // nu_e, anti-nu_mu untouched
      else
        CHECK(d > 0.0);  // nu_tau and anti-nu_tau (same lepton's moment and radius)
    }
  }
  // anti-nu_tau = nu_tau for the vector and magnetic cross sections
  cevns::PhysicsParameters p;
  p.set("mu_nutau", 10.0);
  const auto s = rate.energy_spectrum(sm, 0.0, p);
  for (std::size_t i = 0; i < ne; ++i) CHECK(s[2 * ne + i] == s[3 * ne + i]);
}

TEST_CASE("sources: flavour mixtures expand into pure species") {
  const auto produced = tabulated_nue(200);
  const double phi0 = 5.25e6 * 3.15e7;
  // constant probabilities: the same shape, fluences in proportion
  const auto comps = cevns::mix_flavours("src", produced, phi0, false, [](double) {
    return std::array<double, 3>{0.5, 0.3, 0.2};
  });
  REQUIRE(comps.size() == 3);
  CHECK(comps[0].name == "src_nue");
  CHECK(comps[2].species == Neutrino{Lepton::Tau, false});
  CHECK(comps[0].fluence_cm2 == doctest::Approx(0.5 * phi0));
  CHECK(comps[1].fluence_cm2 == doctest::Approx(0.3 * phi0));
  CHECK(comps[2].fluence_cm2 == doctest::Approx(0.2 * phi0));
  CHECK(comps[1].spectrum->density(20.0) == doctest::Approx(produced.density(20.0)));
  // solar split: P_mu / P_tau = cos^2 / sin^2 theta23; the fluences add up
  const auto P = cevns::solar_flavour_probabilities([](double E) { return 0.6 - 0.005 * E; }, 0.57);
  const auto solar = cevns::mix_flavours("8B", produced, phi0, false, P);
  REQUIRE(solar.size() == 3);
  CHECK(solar[1].fluence_cm2 / solar[2].fluence_cm2 == doctest::Approx(0.43 / 0.57));
  CHECK(solar[0].fluence_cm2 + solar[1].fluence_cm2 + solar[2].fluence_cm2 ==
        doctest::Approx(phi0).epsilon(1e-14));
  // no nu_tau at all: left out
  const auto two = cevns::mix_flavours("x", produced, phi0, true, [](double) {
    return std::array<double, 3>{0.5, 0.5, 0.0};
  });
  CHECK(two.size() == 2);
  CHECK(two[1].species == Neutrino{Lepton::Mu, true});
  CHECK_THROWS_AS(cevns::mix_flavours("bad", produced, phi0, false,
                                      [](double) {
                                        return std::array<double, 3>{1.5, 0.0, 0.0};
                                      }),
                  std::invalid_argument);
}

TEST_CASE("nuclei: the table holds the paper's nuclei exactly") {
  const cevns::Nucleus cs = cevns::nucleus("Cs133");
  CHECK(cs.Z == 55);
  CHECK(cs.N == 78);
  CHECK(cs.mass_MeV == c::nuclear_mass_MeV(c::atomic_mass_Cs133_u, 55));
  CHECK(cs.r_p_fm == 4.821);
  CHECK(cs.r_n_fm == 5.09);
  const cevns::Nucleus i = cevns::iodine127();
  CHECK(i.mass_MeV == c::nuclear_mass_MeV(c::atomic_mass_I127_u, 53));
  CHECK(i.r_p_fm == 4.766);
  CHECK(i.r_n_fm == 5.03);
  const cevns::Nucleus ar = cevns::argon40();
  CHECK(ar.mass_MeV == c::nuclear_mass_MeV(c::atomic_mass_Ar40_u, 18));
  CHECK(ar.r_p_fm == 3.448);
  CHECK(ar.r_n_fm == 3.55);
  for (const auto& row : cevns::nuclei()) {
    CAPTURE(row.name);
    CHECK(row.name == row.element + std::to_string(row.Z + row.N));
    CHECK(row.r_n_fm > row.r_p_fm);
    CHECK(!row.source.empty());
    CHECK(cevns::isotope(row.name).rn_parameter == row.rn_parameter);
  }
  CHECK_THROWS_WITH_AS(cevns::nucleus("Xe135"), doctest::Contains("Xe131"), std::invalid_argument);
}

TEST_CASE("nuclei: natural elements are their isotopes weighted by abundance") {
  const auto xe = cevns::natural_element("Xe");
  CHECK(xe.size() == 9);
  double sum = 0.0, mass = 0.0;
  for (const auto& [n, a] : xe) {
    sum += a;
    mass += a * cevns::isotope(n.name).atomic_mass_u;
  }
  CHECK(sum == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(mass == doctest::Approx(131.29).epsilon(1e-4));  // standard atomic weight of Xe
  const auto ge = cevns::natural_element("Ge");
  CHECK(ge.size() == 5);
  double ge_sum = 0.0;
  for (const auto& kv : ge) ge_sum += kv.second;
  CHECK(ge_sum == doctest::Approx(1.0).epsilon(1e-12));
  const auto ar = cevns::natural_element("Ar");  // 40Ar alone, renormalised
  REQUIRE(ar.size() == 1);
  CHECK(ar[0].second == 1.0);
  CHECK_THROWS_WITH_AS(cevns::natural_element("Na"), doctest::Contains("Xe"),
                       std::invalid_argument);
}

TEST_CASE("nuclei: rn_<nucleus> parameters come from the table") {
  cevns::PhysicsParameters p;
  const cevns::Nucleus xe131 = cevns::nucleus("Xe131");
  const cevns::Nucleus xe132 = cevns::nucleus("Xe132");
  CHECK(p.get("rn_xe131") == xe131.r_n_fm);
  CHECK(p.neutron_radius(xe131) == xe131.r_n_fm);
  p.set("rn_xe131", 5.3);
  CHECK(p.neutron_radius(xe131) == 5.3);
  CHECK(p.neutron_radius(xe132) == xe132.r_n_fm);
  // rn_xe: the weighted mean; setting it shifts every isotope from its table value
  cevns::PhysicsParameters q;
  const double mean = q.get("rn_xe");
  q.set("rn_xe", mean + 0.1);
  CHECK(q.get("rn_xe") == doctest::Approx(mean + 0.1).epsilon(1e-14));
  for (const auto& [n, a] : cevns::natural_element("Xe"))
    CHECK(q.neutron_radius(n) == doctest::Approx(n.r_n_fm + 0.1).epsilon(1e-14));
  CHECK(q.get("rn_ge") == cevns::PhysicsParameters{}.get("rn_ge"));
  CHECK_THROWS_AS(q.set("rn_xe", -1.0), std::invalid_argument);
  // a rate on natural xenon moves with rn_xe, not with rn_cs
  std::vector<cevns::Target> targets = cevns::natural_targets("Xe", 1e28);
  REQUIRE(targets.size() == 9);
  CHECK(targets[8].n_nuclei == doctest::Approx(0.088573 * 1e28));  // 136Xe
  const cevns::BinnedRate rate(
      config({line_component(Neutrino{Lepton::E, false}, 15.0)}, std::move(targets)));
  const auto sm = cevns::Mediator::standard_model();
  cevns::PhysicsParameters cs_only;
  cs_only.set("rn_cs", 6.0);
  CHECK(rate.predict(sm, 0.0, cs_only) == rate.predict(sm, 0.0));
  CHECK(rate.predict(sm, 0.0, q) != rate.predict(sm, 0.0));
}
