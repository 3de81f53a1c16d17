// Tests of the pseudo-experiment support: constraint centres, expected counts
// and copies with other data (chi2.hpp), and the toy statistics (toys.hpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cevns/chi2.hpp>
#include <cevns/scan.hpp>
#include <cevns/toys.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>
#include <vector>

#include "../../src/cpp/lib/coupling_minima.hpp"  // private: the coupling refinement
#include "../../src/cpp/lib/sweep_start.hpp"      // private: the sweeps' warm starts

namespace {

using cevns::ArChi2;
using cevns::CsiChi2;
using Vec = std::vector<double>;

constexpr std::size_t kBins = 12;

Vec ramp(double a, double b) {
  Vec v(kBins);
  for (std::size_t i = 0; i < kBins; ++i) v[i] = a + b * static_cast<double>(i);
  return v;
}

CsiChi2 make_csi() {
  return CsiChi2(ramp(10.0, 1.0), ramp(1.0, 0.1), ramp(0.5, 0.05), ramp(3.0, 0.2));
}

ArChi2 make_ar() {
  std::array<Vec, 2> cs{ramp(0.01, 0.002), ramp(-0.02, 0.003)};
  std::array<Vec, 3> bs{ramp(0.03, -0.004), ramp(0.01, 0.001), ramp(-0.01, 0.002)};
  return ArChi2(ramp(20.0, 2.0), ramp(8.0, 0.5), ramp(2.0, 0.2), ramp(0.3, 0.01), cs, bs);
}

/// The steady-state measurement of a COHERENT chi2 (its auxiliary measurement "ss").
Vec ss_of(const cevns::BinnedChi2 &c) {
  const auto aux = c.auxiliary_measurements();
  REQUIRE(aux.size() == 1);
  REQUIRE(aux[0].name == "ss");
  return aux[0].values;
}

/// Templates N0 + g^2 N1 + g^4 N2 with a cancellation (N1 < 0) near g^2 ~ 1.
cevns::Templates make_templates(double scale) {
  cevns::Templates t{ramp(6.0 * scale, 0.3 * scale), ramp(-6.0 * scale, -0.3 * scale),
                     ramp(1.5 * scale, 0.075 * scale)};
  return t;
}

/// Templates whose prediction changes shape with g: the mediator's events (N2) at low
/// recoil, the SM's (N0) at high.
cevns::Templates shape_changing_templates() {
  Vec n2 = ramp(0.3, 0.4);
  std::reverse(n2.begin(), n2.end());
  return {ramp(6.0, 0.3), ramp(1.0, 0.05), n2};
}

}  // namespace

TEST_CASE("with_data with the data's own inputs reproduces the chi2 exactly") {
  const CsiChi2 csi = make_csi();
  const ArChi2 ar = make_ar();
  const Vec pred = ramp(5.0, 0.5);
  const Vec zero4(4, 0.0), zero9(9, 0.0);
  const Vec csi_obs = ramp(10.0, 1.0), ar_obs = ramp(20.0, 2.0);
  auto c2 = csi.with_data(csi_obs.data(), ss_of(csi).data(), zero4.data());
  auto a2 = ar.with_data(ar_obs.data(), ss_of(ar).data(), zero9.data());
  CHECK(c2->profile(pred.data()).chi2 == csi.profile(pred).chi2);
  CHECK(a2->profile(pred.data()).chi2 == ar.profile(pred).chi2);
  CHECK(csi.centres() == zero4);
  CHECK(ar.centres() == zero9);
}

TEST_CASE("constraint centres move the priors to ((eta - c) / sigma)^2") {
  const CsiChi2 csi = make_csi();
  const Vec pred = ramp(5.0, 0.5), obs = ramp(10.0, 1.0);
  const Vec c{0.05, -0.1, 0.2, 0.01};
  auto moved = csi.with_data(obs.data(), ss_of(csi).data(), c.data());
  const auto *m = dynamic_cast<const CsiChi2 *>(moved.get());
  REQUIRE(m != nullptr);
  // at eta = c the prior vanishes: the moved chi2 equals the data part alone
  const double data_only = csi.chi2_at(pred, c) - [&] {
    double p = 0.0;
    for (std::size_t z = 0; z < 4; ++z) p += (c[z] / csi.sigmas()[z]) * (c[z] / csi.sigmas()[z]);
    return p;
  }();
  CHECK(m->chi2_at(pred, c) == doctest::Approx(data_only).epsilon(1e-12));
  // the profile is a minimum: below chi2_at at the centres, and at the analytic gradient 0
  const auto r = m->profile(pred);
  CHECK(r.converged);
  CHECK(r.chi2 <= m->chi2_at(pred, c) + 1e-12);
  const Vec g = m->gradient(pred, r.nuisances);
  for (double x : g) CHECK(std::abs(x) < 1e-5);

  const ArChi2 ar = make_ar();
  const Vec ca{0.05, 0.001, -0.1, 0.3, 0.5, -0.5, 0.2, 0.1, -0.3};
  const Vec ar_obs = ramp(20.0, 2.0);
  auto am = ar.with_data(ar_obs.data(), ss_of(ar).data(), ca.data());
  const auto *a = dynamic_cast<const ArChi2 *>(am.get());
  REQUIRE(a != nullptr);
  const auto ra = a->profile(pred);
  // exact normal equations: no nuisance shift lowers chi2
  for (std::size_t k = 0; k < 9; ++k) {
    Vec up = ra.nuisances, dn = ra.nuisances;
    up[k] += 1e-4;
    dn[k] -= 1e-4;
    CHECK(a->chi2_at(pred, up) >= ra.chi2 - 1e-9);
    CHECK(a->chi2_at(pred, dn) >= ra.chi2 - 1e-9);
  }
  CHECK(a->chi2_at(pred, ra.nuisances) == doctest::Approx(ra.chi2).epsilon(1e-10));
}

TEST_CASE("expected counts are the means the chi2 describes") {
  const CsiChi2 csi = make_csi();
  const Vec pred = ramp(5.0, 0.5);
  Vec out(kBins);
  const Vec eta{0.1, -0.2, 0.3, 0.0};
  csi.expected(pred.data(), eta.data(), out.data());
  const Vec brn = ramp(1.0, 0.1), nin = ramp(0.5, 0.05), ss = ramp(3.0, 0.2);
  for (std::size_t i = 0; i < kBins; ++i)
    CHECK(out[i] == doctest::Approx(1.1 * pred[i] + 0.8 * brn[i] + 1.3 * nin[i] + ss[i]));
  // Ar: a toy equal to the expectation at the profiled nuisances fits with chi2 = priors only
  const ArChi2 ar = make_ar();
  const auto r = ar.profile(pred);
  Vec mu(kBins);
  ar.expected(pred.data(), r.nuisances.data(), mu.data());
  Vec zero(kBins, 0.0);
  const double residual = ar.chi2_at(pred, r.nuisances);
  double prior = 0.0;
  for (std::size_t z = 0; z < 4; ++z)
    prior += (r.nuisances[z] / ar.sigmas()[z]) * (r.nuisances[z] / ar.sigmas()[z]);
  for (std::size_t k = 4; k < 9; ++k) prior += r.nuisances[k] * r.nuisances[k];
  // the data part of chi2_at is sum w (N_exp - mu)^2 >= 0
  CHECK(residual - prior >= -1e-12);
  CHECK_THROWS_AS(ar.with_data(nullptr, zero.data(), zero.data()), std::invalid_argument);
  Vec bad = ramp(1.0, 0.0);
  bad[3] = -1.0;
  const Vec c9(9, 0.0);
  CHECK_THROWS_AS(ar.with_data(bad.data(), zero.data(), c9.data()), std::invalid_argument);
}

TEST_CASE("ToyPlane: the data as a toy, t >= 0, thread independence") {
  auto csi_ptr = std::make_shared<const CsiChi2>(make_csi());
  auto ar_ptr = std::make_shared<const ArChi2>(make_ar());
  const CsiChi2 &csi = *csi_ptr;
  const ArChi2 &ar = *ar_ptr;
  std::vector<std::shared_ptr<const cevns::BinnedChi2>> chi2s{csi_ptr, ar_ptr};
  std::vector<std::vector<cevns::Templates>> plane;
  std::vector<Vec> grids;
  Vec grid{0.0};
  for (int k = 0; k <= 60; ++k) grid.push_back(1e-3 * std::pow(10.0, k / 20.0));
  for (double s : {0.5, 1.0, 2.0}) {
    plane.push_back({make_templates(s), make_templates(s)});
    grids.push_back(grid);
  }
  const cevns::ToyPlane tp(chi2s, plane, grids);
  CHECK(tp.n_datasets() == 2);
  CHECK(tp.n_masses() == 3);

  const std::vector<cevns::Templates> tested{make_templates(1.0), make_templates(1.0)};
  // toy 0: the real data (centres 0); others: shifted counts
  std::vector<std::vector<cevns::ToyData>> toys;
  for (int k = 0; k < 6; ++k) {
    const double f = 1.0 + 0.05 * k;
    Vec co = ramp(10.0 * f, 1.0), ao = ramp(20.0 * f, 2.0);
    toys.push_back({{co, ss_of(csi), Vec(4, 0.01 * k)}, {ao, ss_of(ar), Vec(9, -0.01 * k)}});
  }
  const double g = 0.7;
  const auto one = tp.evaluate_many(toys, tested, grid, g, true, 1);
  const auto two = tp.evaluate_many(toys, tested, grid, g, true, 2);
  cevns::CouplingChi2 data;
  data.add(csi_ptr, tested[0]);
  data.add(ar_ptr, tested[1]);
  CHECK(one[0].chi2_point == doctest::Approx(data(g)).epsilon(1e-12));
  for (std::size_t k = 0; k < toys.size(); ++k) {
    CHECK(one[k].chi2_point == two[k].chi2_point);
    CHECK(one[k].chi2_plane_min == two[k].chi2_plane_min);
    CHECK(one[k].t_plane() >= 0.0);
    CHECK(one[k].t_mass() >= 0.0);
    CHECK(one[k].chi2_plane_min <= one[k].chi2_mass_min);
  }
  // Newton's minima along g (the curves' derivatives) find Brent's, minimum for minimum
  const cevns::ToyPlane newton(chi2s, plane, grids, 1, false, 0.0, false, true);
  const auto fast = newton.evaluate_many(toys, tested, grid, g, true, 1);
  for (std::size_t k = 0; k < toys.size(); ++k) {
    CHECK(fast[k].chi2_point == one[k].chi2_point);
    CHECK(fast[k].chi2_mass_min == doctest::Approx(one[k].chi2_mass_min).epsilon(1e-10));
    CHECK(fast[k].chi2_plane_min == doctest::Approx(one[k].chi2_plane_min).epsilon(1e-10));
  }
  // stepping over the couplings far above the toy's best (the derivatives' Hermite
  // interpolants) finds every-coupling minima: on a grid through the cancellation
  // (prediction N0 (1 - x/2)^2: none at g = sqrt(2), the SM's again at g = 2) up to g = 10
  Vec wide{0.0};
  for (int k = 0; k <= 80; ++k) wide.push_back(1e-3 * std::pow(10.0, k / 20.0));
  const std::vector<Vec> wide_grids(plane.size(), wide);
  const cevns::ToyPlane every(chi2s, plane, wide_grids, 1, false, 0.0, false, true, false);
  const cevns::ToyPlane skip(chi2s, plane, wide_grids, 1, false, 0.0, false, true, true);
  for (double gt : {0.05, 0.7, 2.0, 5.0}) {
    const auto all = every.evaluate_many(toys, tested, wide, gt, true, 1);
    const auto stepped = skip.evaluate_many(toys, tested, wide, gt, true, 1);
    for (std::size_t k = 0; k < toys.size(); ++k) {
      CHECK(stepped[k].chi2_point == all[k].chi2_point);
      CHECK(stepped[k].chi2_mass_min == doctest::Approx(all[k].chi2_mass_min).epsilon(1e-12));
      CHECK(stepped[k].chi2_plane_min == doctest::Approx(all[k].chi2_plane_min).epsilon(1e-12));
    }
  }
  const auto no_plane = tp.evaluate(toys[1], tested, grid, g, false);
  CHECK(std::isnan(no_plane.chi2_plane_min));
  CHECK(no_plane.chi2_mass_min == one[1].chi2_mass_min);
  CHECK_THROWS_AS(tp.evaluate(toys[0], tested, grid, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(tp.evaluate({toys[0][0]}, tested, grid, g), std::invalid_argument);
  CHECK_THROWS_AS(cevns::ToyPlane(chi2s, plane, {grid}), std::invalid_argument);
}

TEST_CASE("components sum to expected, auxiliary measurements, constraint widths") {
  const CsiChi2 csi = make_csi();
  const ArChi2 ar = make_ar();
  const Vec pred = ramp(5.0, 0.5);
  const Vec eta4{0.1, -0.2, 0.3, 0.01};
  const Vec eta9{0.1, 0.002, -0.1, 0.2, 0.5, -0.4, 0.3, -0.2, 0.1};
  const auto check = [&](const cevns::BinnedChi2 &c, const Vec &eta,
                         const std::vector<std::string> &names) {
    const auto comps = c.components(pred.data(), eta.data());
    REQUIRE(comps.size() == names.size());
    Vec expected(kBins), sum(kBins, 0.0);
    c.expected(pred.data(), eta.data(), expected.data());
    for (std::size_t k = 0; k < comps.size(); ++k) {
      CHECK(comps[k].first == names[k]);
      for (std::size_t i = 0; i < kBins; ++i) sum[i] += comps[k].second[i];
    }
    for (std::size_t i = 0; i < kBins; ++i) CHECK(sum[i] == doctest::Approx(expected[i]));
  };
  check(csi, eta4, {"cevns", "brn", "nin", "ss"});
  check(ar, eta9, {"cevns", "ss", "prompt_brn", "delayed_brn"});
  // eq. (6): each component scaled by 1 + eta_z
  const auto c = csi.components(pred.data(), eta4.data());
  CHECK(c[0].second[3] == doctest::Approx(1.1 * pred[3]));
  CHECK(c[3].second[3] == doctest::Approx(1.01 * ramp(3.0, 0.2)[3]));

  CHECK(csi.auxiliary_measurements()[0].exposure == 1.0);
  CHECK(ar.auxiliary_measurements()[0].exposure == 5.0);  // eq. (8): variance N_SS / 5
  Vec aux(kBins);
  csi.auxiliary_expected(pred.data(), eta4.data(), aux.data());
  CHECK(aux[2] == doctest::Approx(1.01 * ramp(3.0, 0.2)[2]));
  ar.auxiliary_expected(pred.data(), eta9.data(), aux.data());
  CHECK(aux[2] == doctest::Approx(1.002 * ramp(8.0, 0.5)[2]));
  CHECK(csi.constraint_widths() == Vec{0.12, 0.25, 0.35, 0.021});
  CHECK(ar.constraint_widths() == Vec{0.13, 0.0079, 0.32, 1.0, 1, 1, 1, 1, 1});
}

TEST_CASE("ToyPlane and CouplingChi2 share ownership of their chi2") {
  std::vector<Vec> grids{Vec{0.0, 0.5, 1.0}};
  cevns::CouplingChi2 curve;
  std::unique_ptr<cevns::ToyPlane> tp;
  double before = 0.0;
  {
    auto csi = std::make_shared<const CsiChi2>(make_csi());
    curve.add(csi, make_templates(1.0));
    before = curve(0.5);
    tp = std::make_unique<cevns::ToyPlane>(
        std::vector<std::shared_ptr<const cevns::BinnedChi2>>{csi},
        std::vector<std::vector<cevns::Templates>>{{make_templates(1.0)}}, grids);
  }  // the last outside owner is gone
  CHECK(curve(0.5) == before);
  CHECK(tp->chi2(0).n_bins() == kBins);
  CHECK_THROWS_AS(curve.add(nullptr, make_templates(1.0)), std::invalid_argument);
}

namespace {
/// A valley at mass 13 of a 41-mass grid (stride 10: the best coarse value, at 10, is
/// 0.009 above it) and a step up from 31 on.
double valley_at_13(std::size_t m) {
  const double x = static_cast<double>(m) - 13.0;
  return 0.001 * x * x + (m > 30 ? 1.0 : 0.0);
}
}  // namespace

TEST_CASE("refined_mass_minimum: coarse pass, then descent along the full grid") {
  // a valley between two coarse masses (stride 10): the best coarse value is 0.009 above it
  const std::size_t n = 41;
  std::vector<int> calls(n, 0);
  const auto f = [&](std::size_t m) {
    ++calls[m];
    return valley_at_13(m);
  };
  const cevns::MassGridMinimum b = cevns::refined_mass_minimum(n, 10, f);
  CHECK(b.index == 13);
  CHECK(b.value == 0.0);
  for (int c : calls) CHECK(c <= 1);  // each mass evaluated at most once
  CHECK(calls[12] == 1);              // the descent walked from the coarse mass 10
  CHECK(calls[25] == 0);              // and nowhere else
  // stride 1: every mass, the smallest value
  CHECK(cevns::refined_mass_minimum(n, 1, f).index == 13);
  // identical values on a plateau are no local minimum to refine: the best coarse one stays
  const auto flat = [](std::size_t m) { return m < 25 ? 1.0 : 1.0 + 0.01 * (m - 24.0); };
  CHECK(cevns::refined_mass_minimum(n, 10, flat).index == 0);
  CHECK_THROWS_AS(cevns::refined_mass_minimum(0, 10, f), std::invalid_argument);
  CHECK_THROWS_AS(cevns::refined_mass_minimum(n, 0, f), std::invalid_argument);
}

TEST_CASE("refined_mass_minimum: a valley between coarse masses that fall monotonically") {
  // the lower of two branches (as the minimum over g switches branch): a narrow
  // valley at 16 (0) and a falling line that is lower from 20 on, so the coarse
  // values 0.195, 0.175, 0.155, 0.135, 0.115 fall monotonically and no coarse mass
  // but the last is a local minimum (0.6.0-0.7.0 returned 0.115 at mass 40; 0.209 for
  // the second curve below)
  const std::size_t n = 41;
  std::vector<int> calls(n, 0);
  const auto f = [&](std::size_t m) {
    ++calls[m];
    const double x = static_cast<double>(m);
    return std::min(0.01 * (x - 16.0) * (x - 16.0), 0.195 - 0.002 * x);
  };
  const cevns::MassGridMinimum b = cevns::refined_mass_minimum(n, 10, f);
  CHECK(b.index == 16);
  CHECK(b.value == 0.0);
  for (int c : calls) CHECK(c <= 1);
  // the cost on the monotone stretches: a look next to each end of each interval
  int visited = 0;
  for (int c : calls) visited += c;
  CHECK(visited == 5 + 8 + 4);  // coarse pass, two looks per interval, descent 18, 17, 16, 15
  // the valley next to the higher end, the kink just before the lower end (f(19) = 0.251
  // > f(20) = 0.249): found from the mass next to the higher end, 11 (0.1 < 0.249)
  const auto steep = [](std::size_t m) {
    const double x = static_cast<double>(m);
    return std::min(0.1 * (x - 12.0) * (x - 12.0), 0.289 - 0.002 * x);
  };
  CHECK(cevns::refined_mass_minimum(n, 10, steep).index == 12);
  CHECK(cevns::refined_mass_minimum(n, 10, steep).value == 0.0);
  // the mirror image (masses descending): found from the other side
  const auto g = [&](std::size_t m) { return f(n - 1 - m); };
  const cevns::MassGridMinimum c = cevns::refined_mass_minimum(n, 10, g);
  CHECK(c.index == n - 1 - 16);
  CHECK(c.value == 0.0);
}

TEST_CASE("refined_mass_minimum with a probe: the neighbours of coarse masses probed") {
  // the valley of the first case above; the masses next to the coarse ones are
  // looked at with probe(j, m) (an upper bound of at(j), from the coarse mass m next
  // to j), `at` only along a descent
  const std::size_t n = 41;
  std::vector<int> calls(n, 0);
  const auto f = [&](std::size_t m) {
    ++calls[m];
    return valley_at_13(m);
  };
  std::vector<std::pair<std::size_t, std::size_t>> probed;
  const auto exact = [&](std::size_t j, std::size_t m) {
    probed.emplace_back(j, m);
    return valley_at_13(j);
  };
  const cevns::MassGridMinimum b = cevns::refined_mass_minimum(n, 10, f, exact);
  CHECK(b.index == 13);
  CHECK(b.value == 0.0);
  for (int c : calls) CHECK(c <= 1);
  CHECK(calls[11] == 1);  // the descent from the probed 11 (0.004 < 0.009 at 10)
  CHECK(calls[9] == 0);   // probed only: 0.016 > 0.009
  for (const auto &[j, m] : probed) CHECK((j == m + 1 || j + 1 == m));  // next to its coarse mass
  CHECK(std::find(probed.begin(), probed.end(), std::make_pair(std::size_t{11}, std::size_t{10})) !=
        probed.end());
  // a probe above the interval's lower end skips it: no descent, the coarse minimum stays
  const auto above = [](std::size_t, std::size_t) { return 1e9; };
  std::fill(calls.begin(), calls.end(), 0);
  const cevns::MassGridMinimum c = cevns::refined_mass_minimum(n, 10, f, above);
  CHECK(c.index == 10);
  int visited = 0;
  for (int k : calls) visited += k;
  CHECK(visited == 5);  // the coarse pass only
}

TEST_CASE("with_cancellation_seeds: the couplings where the Z' term cancels its interference") {
  const Vec grid{0.0, 0.1, 1.0, 10.0};
  cevns::Templates t{ramp(5.0, 0.0), ramp(-2.0, 0.0), ramp(1.0, 0.0)};  // sum N1 / sum N2 = -2
  const Vec g = cevns::with_cancellation_seeds(grid, {t});
  REQUIRE(g.size() == grid.size() + 3);
  const double gf = std::sqrt(2.0);
  CHECK(std::count(g.begin(), g.end(), gf) == 1);
  CHECK(std::is_sorted(g.begin(), g.end()));
  CHECK(std::find(g.begin(), g.end(), 0.99 * gf) != g.end());
  // no cancellation (constructive interference, or none): the grid unchanged
  cevns::Templates up{ramp(5.0, 0.0), ramp(2.0, 0.0), ramp(1.0, 0.0)};
  CHECK(cevns::with_cancellation_seeds(grid, {up}) == grid);
  // two data sets: a seed set per data set with a cancellation and one for their sum
  CHECK(cevns::with_cancellation_seeds(grid, {t, up}).size() == grid.size() + 3);
  CHECK(cevns::with_cancellation_seeds(grid, {t, t}).size() == grid.size() + 3);  // duplicates
}

TEST_CASE("with_cancellation_band: dense where some bin's prediction dips below N0") {
  const Vec grid{0.0, 1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0};
  // two bins: N1/N2 = -2 and -8: the dip spans g from sqrt(1) / 1.5 to sqrt(8) * 1.5
  cevns::Templates t{Vec{5.0, 5.0}, Vec{-2.0, -8.0}, Vec{1.0, 1.0}};
  const Vec g = cevns::with_cancellation_band(grid, {t}, 20.0);
  CHECK(std::is_sorted(g.begin(), g.end()));
  CHECK(std::adjacent_find(g.begin(), g.end()) == g.end());
  const double lo = 1.0 / 1.5, hi = std::sqrt(8.0) * 1.5;
  const auto n_in = std::count_if(g.begin(), g.end(), [&](double x) { return x >= lo && x <= hi; });
  // ceil(20 log10(hi / lo)) + 1 band points, plus the grid's own 1.0
  CHECK(n_in == static_cast<long>(std::ceil(20.0 * std::log10(hi / lo))) + 1 + 1);
  CHECK(g.front() == 0.0);
  CHECK(g.back() == 100.0);
  CHECK(*std::lower_bound(g.begin(), g.end(), lo * (1 - 1e-12)) == doctest::Approx(lo));
  // the step inside the band is 1/20 decade at most
  for (std::size_t i = 1; i < g.size(); ++i)
    if (g[i - 1] >= lo && g[i] <= hi) CHECK(std::log10(g[i] / g[i - 1]) <= 1.0 / 20 + 1e-12);
  // constructive interference (no bin with N1 < 0 < N2): the grid unchanged
  cevns::Templates up{Vec{5.0, 5.0}, Vec{2.0, 8.0}, Vec{1.0, 1.0}};
  CHECK(cevns::with_cancellation_band(grid, {up}, 20.0) == grid);
  // one band per data set
  CHECK(cevns::with_cancellation_band(grid, {t, up}, 20.0) == g);
  // clipped to the grid's range: a bin with N2 ~ 0 does not ask for a huge band
  cevns::Templates wide{Vec{5.0, 5.0}, Vec{-2.0, -8.0}, Vec{1.0, 1e-300}};
  const Vec w = cevns::with_cancellation_band(grid, {wide}, 20.0);
  CHECK(w.back() == 100.0);
  const double lo_w = 1.0 / 1.5;  // from the first bin; the second's top is clipped at 100
  CHECK(w.size() <=
        grid.size() + static_cast<std::size_t>(std::ceil(20 * std::log10(100.0 / lo_w))) + 1);
  CHECK_THROWS_AS(cevns::with_cancellation_band(grid, {t}, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(cevns::with_cancellation_band(grid, {t}, std::nan("")), std::invalid_argument);
}

TEST_CASE("refined_minima: two valleys in one bracket, Brent from the lowest sample") {
  // in ln g: valley A (chi2 1 at -0.2, wide) and valley B (chi2 0 at 0.9, narrow), both
  // inside the bracket [-1, 1.2] of the grid's local minimum at 0.15
  const auto f = [](double x) {
    return std::min(1.0 + 10.0 * (x + 0.2) * (x + 0.2), 40.0 * (x - 0.9) * (x - 0.9));
  };
  const std::vector<double> lng = {-1.0, 0.15, 1.2};
  std::vector<double> grid, values;
  for (double x : lng) {
    grid.push_back(std::exp(x));
    values.push_back(f(x));
  }
  // Brent's method from its golden-section start ends in the higher valley A
  CHECK(cevns::brent_minimize(f, -1.0, 1.2, 1e-9).chi2 == doctest::Approx(1.0).epsilon(1e-9));
  // started from a point of valley B it stays there
  const cevns::CouplingPoint b = cevns::brent_minimize_from(f, 0.15, 0.8, f(0.8), 1.2, 1e-9);
  CHECK(b.chi2 < f(0.8));
  CHECK(b.g == doctest::Approx(0.9).epsilon(1e-6));
  // the refinement samples the bracket's midpoints and refines both valleys
  const std::vector<cevns::CouplingPoint> m = cevns::detail::refined_minima(f, grid, values, 1e-9);
  REQUIRE(m.size() == 2);
  CHECK(m[0].chi2 == doctest::Approx(1.0).epsilon(1e-9));
  CHECK(std::log(m[1].g) == doctest::Approx(0.9).epsilon(1e-6));
  CHECK(m[1].chi2 < 1e-9);
}

TEST_CASE(
    "CouplingCurve: Ar's polynomial moments and CsI's predicted last step give profile_from's "
    "values") {
  const ArChi2 ar = make_ar();
  const CsiChi2 csi = make_csi();
  const cevns::Templates t = make_templates(1.0);
  const auto ar_curve = ar.curve(t.n0.data(), t.n1.data(), t.n2.data());
  const auto csi_curve = csi.curve(t.n0.data(), t.n1.data(), t.n2.data());
  for (double g : {0.0, 0.1, 0.7, 1.0, 1.3, 2.0, 10.0, 1e3}) {
    const Vec pred = t.evaluate(g);
    const cevns::ProfileResult a = ar.profile(pred.data());
    const cevns::ProfileResult b = ar_curve->at(g, nullptr);
    // the expansion keeps ~1e-16 of its largest term (the prediction's own at large g)
    CHECK(b.chi2 == doctest::Approx(a.chi2).epsilon(1e-10));
    for (std::size_t k = 0; k < a.nuisances.size(); ++k)
      CHECK(b.nuisances[k] == doctest::Approx(a.nuisances[k]).epsilon(1e-8).scale(1.0));
    // CsI's: the last Newton step's chi2 predicted, not evaluated (~1e-15 absolute)
    CHECK(csi_curve->at(g, nullptr).chi2 ==
          doctest::Approx(csi.profile(pred.data()).chi2).epsilon(1e-12));
  }
  CHECK_THROWS_AS(ar.curve(nullptr, t.n1.data(), t.n2.data()), std::invalid_argument);
  CHECK_THROWS_AS(csi.curve(t.n0.data(), nullptr, t.n2.data()), std::invalid_argument);
}

TEST_CASE("CouplingCurve::carry and land: warm starts in the fitted-events form") {
  const cevns::Templates t = make_templates(1.0);
  const CsiChi2 csi = make_csi();
  const ArChi2 ar = make_ar();
  const auto csi_curve = csi.curve(t.n0.data(), t.n1.data(), t.n2.data());
  const auto ar_curve = ar.curve(t.n0.data(), t.n1.data(), t.n2.data());
  // the predicted total C(g) = sum N0 (1 - x/2)^2 of these templates, x = g^2
  const auto total_ratio = [](double g) {
    const double x = g * g;
    return (1.0 - 0.5 * x) * (1.0 - 0.5 * x);
  };
  for (double g : {0.0, 0.3, 1.0, 3.0, 30.0}) {
    const cevns::ProfileResult r = csi_curve->at(g, nullptr);
    REQUIRE(std::isfinite(r.chi2));
    Vec carried = r.nuisances;
    csi_curve->carry(g, carried.data());
    // the CEvNS scale as fitted events over the SM's (minus 1); the others unchanged
    CHECK(1.0 + carried[0] ==
          doctest::Approx((1.0 + r.nuisances[0]) * total_ratio(g)).epsilon(1e-12));
    for (std::size_t k = 1; k < carried.size(); ++k) CHECK(carried[k] == r.nuisances[k]);
    Vec back = carried;
    csi_curve->land(g, back.data());
    for (std::size_t k = 0; k < back.size(); ++k)
      CHECK(back[k] == doctest::Approx(r.nuisances[k]).epsilon(1e-12).scale(1.0));
    // landed at another coupling: a start whose profile is the same minimum
    Vec there = carried;
    csi_curve->land(1.5 * g + 0.1, there.data());
    CHECK(csi_curve->at(1.5 * g + 0.1, there.data()).chi2 ==
          doctest::Approx(csi_curve->at(1.5 * g + 0.1, nullptr).chi2).epsilon(1e-9));
    // Ar's exact solve takes no start: its carried form is the optimum itself
    const cevns::ProfileResult a = ar_curve->at(g, nullptr);
    Vec same = a.nuisances;
    ar_curve->carry(g, same.data());
    CHECK(same == a.nuisances);
  }
}

TEST_CASE("Sweep starts extrapolated in the curve's sweep coordinate") {
  // linear in v where v moved on the same way as over the last step, else in ln g
  cevns::detail::SweepStart s;
  CHECK(s.at(0.0, 0.0).empty());
  s.record(0.0, 0.0, {0.0});
  CHECK(s.at(5.0, 5.0) == Vec{0.0});  // one optimum: the start is that one
  s.record(1.0, 1.0, {1.0});
  CHECK(s.at(3.0, 1.5)[0] == doctest::Approx(3.0));  // in v: twice the last step
  CHECK(s.at(0.5, 1.5)[0] == doctest::Approx(1.5));  // v turned back: in ln g
  // quadratic through the last three optima (where v moved on the same way)
  cevns::detail::SweepStart q(true);
  for (double v : {0.0, 1.0, 2.0}) q.record(v, v, {0.1 * v * v});
  CHECK(q.at(4.0, 4.0)[0] == doctest::Approx(1.6));
  CHECK(q.at(1.5, 4.0)[0] == doctest::Approx(0.4 + 0.3 * 2.0));  // turned back: linear in ln g
  s.record(2.0, 2.0, {4.0});  // three optima 0, 1, 4 at v = 0, 1, 2: linear unless asked
  CHECK(s.at(3.0, 3.0)[0] == doctest::Approx(7.0));

  // A CsI curve whose prediction changes shape with g (the mediator's events at low
  // recoil, the SM's at high): CsI's coordinate is the share of the events beyond the
  // SM's, 1 - C(0) / C(g); Ar's (an exact solve, no start) the default ln g
  const cevns::Templates t = shape_changing_templates();
  const CsiChi2 csi = make_csi();
  const ArChi2 ar = make_ar();
  const auto curve = csi.curve(t.n0.data(), t.n1.data(), t.n2.data());
  const auto ar_curve = ar.curve(t.n0.data(), t.n1.data(), t.n2.data());
  double s0 = 0.0, s1 = 0.0, s2 = 0.0;
  for (std::size_t i = 0; i < kBins; ++i) {
    s0 += t.n0[i];
    s1 += t.n1[i];
    s2 += t.n2[i];
  }
  for (double g : {0.1, 1.0, 3.0}) {
    const double c = s0 + g * g * (s1 + g * g * s2);
    CHECK(curve->sweep_coordinate(g) == doctest::Approx(1.0 - s0 / c).epsilon(1e-14));
    CHECK(ar_curve->sweep_coordinate(g) == std::log(g));
  }
  // a sweep as the toys' (carried optima, extrapolated) in CsI's coordinate and in ln
  // g: the same chi2 (a start changes the path, not the minimum), fewer evaluations
  const auto sweep = [&](bool in_v, Vec &chi2) {
    cevns::detail::SweepStart starts;
    int evals = 0;
    for (int k = 0; k <= 40; ++k) {
      const double g = k == 0 ? 0.0 : std::pow(10.0, -1.5 + 0.1 * k);
      const double v = in_v ? curve->sweep_coordinate(g) : std::log(g);
      Vec start = starts.at(v, std::log(g));
      if (!start.empty()) curve->land(g, start.data());
      const cevns::ProfileResult r = curve->at(g, start.empty() ? nullptr : start.data());
      REQUIRE(std::isfinite(r.chi2));
      chi2.push_back(r.chi2);
      evals += r.n_eval;
      Vec carried = r.nuisances;
      curve->carry(g, carried.data());
      starts.record(v, std::log(g), carried);
    }
    return evals;
  };
  Vec in_v, in_lng;
  const int evals_v = sweep(true, in_v), evals_lng = sweep(false, in_lng);
  for (std::size_t k = 0; k < in_v.size(); ++k)
    CHECK(in_v[k] == doctest::Approx(in_lng[k]).epsilon(1e-9));
  CHECK(evals_v < evals_lng);
  MESSAGE("CsI sweep evaluations: " << evals_v << " in the sweep coordinate, " << evals_lng
                                    << " in ln g");
}

TEST_CASE("CouplingCurve::at_slope: CsI's optimum moves along g as its nuisance_slope says") {
  const cevns::Templates t = shape_changing_templates();
  for (const bool measured : {false, true}) {
    cevns::CsiSsModel model;
    if (measured) {
      model.kind = cevns::CsiSsModel::Kind::measured;
      model.time_widths = {1.0, 2.0, 1.0, 3.0};  // 3 energy rows of 4 time bins
    }
    const CsiChi2 csi(ramp(10.0, 1.0), ramp(1.0, 0.1), ramp(0.5, 0.05), ramp(3.0, 0.2),
                      {0.1, 0.25, 0.35, 0.021}, model);
    const auto curve = csi.curve(t.n0.data(), t.n1.data(), t.n2.data());
    for (double g : {0.3, 1.0, 2.0}) {
      double slope[2];
      const cevns::ProfileResult r = curve->at_slope(g, nullptr, slope);
      REQUIRE(r.nuisance_slope.size() == r.nuisances.size());
      // central differences in u = ln g of the cold-started optima
      const double h = 1e-4;
      const cevns::ProfileResult up = curve->at(g * std::exp(h), nullptr);
      const cevns::ProfileResult dn = curve->at(g * std::exp(-h), nullptr);
      for (std::size_t z = 0; z < 3; ++z)  // the scales (eta_ss is an output only)
        CHECK(r.nuisance_slope[z] ==
              doctest::Approx((up.nuisances[z] - dn.nuisances[z]) / (2.0 * h))
                  .epsilon(1e-4)
                  .scale(1e-3));
    }
    // at() gives none, nor at_slope at g = 0
    CHECK(curve->at(1.0, nullptr).nuisance_slope.empty());
    double slope[2];
    CHECK(curve->at_slope(0.0, nullptr, slope).nuisance_slope.empty());
  }
}

TEST_CASE("CouplingCurve::at_above: CsI stops once its minimum is proven above the floor") {
  const cevns::Templates t = shape_changing_templates();
  cevns::CsiSsModel model;
  model.kind = cevns::CsiSsModel::Kind::measured;
  model.time_widths = {1.0, 2.0, 1.0, 3.0};
  const CsiChi2 csi(ramp(10.0, 1.0), ramp(1.0, 0.1), ramp(0.5, 0.05), ramp(3.0, 0.2),
                    {0.1, 0.25, 0.35, 0.021}, model);
  const auto curve = csi.curve(t.n0.data(), t.n1.data(), t.n2.data());
  const Vec cold(4, 0.0);
  int stopped = 0;
  for (double g : {1.0, 2.0, 3.0, 5.0}) {
    const cevns::ProfileResult exact = curve->at(g, cold.data());
    REQUIRE(std::isfinite(exact.chi2));
    // a floor far below: stops early, within 0.014 of the minimum and above the floor
    const double floor = exact.chi2 - 5.0;
    const cevns::ProfileResult above = curve->at_above(g, cold.data(), floor, nullptr);
    CHECK(above.chi2 >= floor);
    CHECK(std::abs(above.chi2 - exact.chi2) < 0.014);
    stopped += above.n_eval < exact.n_eval;
    // a floor at or above the minimum: the exact profile (to its 4e-10)
    for (double at_or_above : {exact.chi2, exact.chi2 + 1.0}) {
      double slope[2], slope_exact[2];
      const cevns::ProfileResult r = curve->at_above(g, cold.data(), at_or_above, slope);
      CHECK(r.chi2 == doctest::Approx(exact.chi2).epsilon(1e-12));
      curve->at_slope(g, cold.data(), slope_exact);
      CHECK(slope[0] == doctest::Approx(slope_exact[0]).epsilon(1e-6));
    }
    // no floor: at() itself (to its precision: the SS rates start from the last profile's)
    CHECK(curve->at_above(g, cold.data(), std::numeric_limits<double>::infinity(), nullptr).chi2 ==
          doctest::Approx(exact.chi2).epsilon(1e-12));
  }
  CHECK(stopped > 0);  // it does stop earlier where it can
  // the default (Ar: an exact solve) ignores the floor
  const ArChi2 ar = make_ar();
  const auto ar_curve = ar.curve(t.n0.data(), t.n1.data(), t.n2.data());
  CHECK(ar_curve->at_above(1.0, nullptr, -1e9, nullptr).chi2 ==
        doctest::Approx(ar_curve->at(1.0, nullptr).chi2).epsilon(1e-12));
  CHECK_THROWS_AS(csi.profile_along(t.n0.data(), nullptr, *std::make_unique<Vec>(), nullptr,
                                    nullptr, nullptr, std::numeric_limits<double>::quiet_NaN()),
                  std::invalid_argument);
}

TEST_CASE("CsiChi2::profile_along with the SS rates of a neighbouring profile as their start") {
  const cevns::Templates t = make_templates(1.0);
  cevns::CsiSsModel model;
  model.kind = cevns::CsiSsModel::Kind::measured;
  model.time_widths = {1.0, 2.0, 1.0, 3.0};  // 3 energy rows of 4 time bins
  const CsiChi2 measured(ramp(10.0, 1.0), ramp(1.0, 0.1), ramp(0.5, 0.05), ramp(3.0, 0.2),
                         {0.1, 0.1, 0.1, 0.1}, model);
  const Vec near = t.evaluate(0.5), here = t.evaluate(0.55);
  std::vector<double> rates;  // empty: from the AC counts
  const cevns::ProfileResult a = measured.profile_along(near.data(), nullptr, rates);
  REQUIRE(rates.size() == 3);
  const std::vector<double> at_near = rates;
  const cevns::ProfileResult b = measured.profile_along(here.data(), a.nuisances.data(), rates);
  const cevns::ProfileResult c = measured.profile_along(here.data(), a.nuisances.data());
  // the same minimum as from the AC counts' start, and the rates profiled there
  CHECK(b.chi2 == doctest::Approx(c.chi2).epsilon(1e-9));
  CHECK(b.chi2 == doctest::Approx(measured.profile(here.data()).chi2).epsilon(1e-9));
  REQUIRE(rates.size() == 3);
  CHECK(rates != at_near);
  // unusable rates (wrong size, NaN, negative) are not a start: the AC counts' instead
  for (std::vector<double> bad : {std::vector<double>{1.0, 2.0}, std::vector<double>{1.0, NAN, 1.0},
                                  std::vector<double>{1.0, -1.0, 1.0}}) {
    const cevns::ProfileResult d = measured.profile_along(here.data(), a.nuisances.data(), bad);
    CHECK(d.chi2 == doctest::Approx(c.chi2).epsilon(1e-9));
  }
  // derivatives: both or none
  double slope[2];
  CHECK_THROWS_AS(measured.profile_along(here.data(), nullptr, rates, here.data(), nullptr, slope),
                  std::invalid_argument);
  // the paper's model has no SS rates: none returned
  std::vector<double> none{1.0};
  make_csi().profile_along(here.data(), nullptr, none);
  CHECK(none.empty());
}

TEST_CASE("CouplingCurve::at_slope: the profiled chi2's derivatives in ln g (finite differences)") {
  const cevns::Templates t = make_templates(1.0);
  const ArChi2 ar = make_ar();
  const CsiChi2 paper = make_csi();
  cevns::CsiSsModel model;
  model.kind = cevns::CsiSsModel::Kind::measured;
  model.time_widths = {1.0, 2.0, 1.0, 3.0};  // 3 energy rows of 4 time bins
  const CsiChi2 measured(ramp(10.0, 1.0), ramp(1.0, 0.1), ramp(0.5, 0.05), ramp(3.0, 0.2),
                         {0.1, 0.1, 0.1, 0.1}, model);
  // a wide NIN prior and data far below the NIN template: its scale sits on its bound
  // s = 0, the derivatives come from the other scales
  const CsiChi2 bound(ramp(2.0, 0.1), ramp(1.0, 0.1), ramp(8.0, 0.5), ramp(0.5, 0.02),
                      {0.1, 0.3, 10.0, 0.1});
  {
    const cevns::ProfileResult r = bound.profile_from(t.evaluate(0.3).data(), nullptr);
    REQUIRE(r.converged);
    CHECK(1.0 + r.nuisances[2] < 1e-6);
  }
  using Chi2 = const cevns::BinnedChi2 *;
  for (Chi2 c : {Chi2(&ar), Chi2(&paper), Chi2(&measured), Chi2(&bound)}) {
    const auto curve = c->curve(t.n0.data(), t.n1.data(), t.n2.data());
    for (double g : {0.05, 0.3, 0.8, 1.0, 1.2, 3.0}) {
      double slope[2];
      const cevns::ProfileResult r = curve->at_slope(g, nullptr, slope);
      // the same chi2 as at()
      CHECK(r.chi2 == curve->at(g, nullptr).chi2);
      const double u = std::log(g), h = 1e-4;
      const double fp = curve->at(std::exp(u + h), nullptr).chi2;
      const double fm = curve->at(std::exp(u - h), nullptr).chi2;
      const double d1 = (fp - fm) / (2.0 * h), d2 = (fp - 2.0 * r.chi2 + fm) / (h * h);
      INFO("g = " << g << ", chi2 = " << r.chi2);
      CHECK(slope[0] == doctest::Approx(d1).epsilon(1e-5).scale(1e-3));
      CHECK(slope[1] == doctest::Approx(d2).epsilon(1e-3).scale(1e-1));
    }
    double slope[2];
    curve->at_slope(0.0, nullptr, slope);  // ln g undefined
    CHECK(std::isnan(slope[0]));
  }
}

TEST_CASE("CouplingCurve::at_slope on random chi2s and templates (finite differences)") {
  // Random CsI (paper and measured, some nuisances fixed) and Ar chi2s with random
  // templates, some with a cancellation: wherever the profiled chi2 is smooth around g
  // (two finite-difference steps agree), at_slope's derivatives are its derivatives.
  std::mt19937 rng(20261207);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  const auto vec = [&](double lo, double hi) {
    Vec v(kBins);
    for (double &x : v) x = lo + (hi - lo) * uni(rng);
    return v;
  };
  const auto counts = [&](double mean) {
    Vec v(kBins);
    for (double &x : v) x = std::floor(mean * 2.0 * uni(rng));
    return v;
  };
  int compared = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const double scale = 0.5 + 4.0 * uni(rng);
    const cevns::Templates t{vec(1.0, 3.0 * scale), vec(-3.0 * scale, 1.0), vec(0.2, 1.5)};
    std::array<double, 4> sig{0.1 + 0.3 * uni(rng), 0.3, uni(rng) < 0.2 ? 0.0 : 0.25, 0.05};
    std::vector<std::unique_ptr<cevns::BinnedChi2>> chi2s;
    chi2s.push_back(
        std::make_unique<CsiChi2>(counts(6.0), vec(0.5, 2.0), vec(0.1, 1.0), vec(1.0, 3.0), sig));
    cevns::CsiSsModel model;
    model.kind = cevns::CsiSsModel::Kind::measured;
    model.time_widths = {1.0, 2.0, 1.0, 3.0};
    chi2s.push_back(std::make_unique<CsiChi2>(counts(6.0), vec(0.5, 2.0), vec(0.1, 1.0),
                                              counts(2.0), sig, model));
    chi2s.push_back(std::make_unique<ArChi2>(make_ar()));
    for (const auto &c : chi2s) {
      const auto curve = c->curve(t.n0.data(), t.n1.data(), t.n2.data());
      for (double g : {0.1 + uni(rng), 0.5 + 2.0 * uni(rng)}) {
        double slope[2];
        const cevns::ProfileResult r = curve->at_slope(g, nullptr, slope);
        if (!r.converged || !std::isfinite(r.chi2)) continue;
        const double u = std::log(g);
        double d1[2], d2[2];
        for (int k = 0; k < 2; ++k) {
          const double h = k == 0 ? 1e-4 : 1e-5;
          const double fp = curve->at(std::exp(u + h), nullptr).chi2;
          const double fm = curve->at(std::exp(u - h), nullptr).chi2;
          d1[k] = (fp - fm) / (2.0 * h);
          d2[k] = (fp - 2.0 * r.chi2 + fm) / (h * h);
        }
        // smooth here: the two steps agree (no bound reached or left within them)
        if (std::abs(d1[0] - d1[1]) > 1e-6 * (1.0 + std::abs(d1[1])) ||
            std::abs(d2[0] - d2[1]) > 1e-2 * (1.0 + std::abs(d2[0])))
          continue;
        INFO("trial " << trial << ", g = " << g << ", chi2 = " << r.chi2);
        CHECK(slope[0] == doctest::Approx(d1[0]).epsilon(1e-6).scale(1.0));
        CHECK(slope[1] == doctest::Approx(d2[0]).epsilon(1e-2).scale(1.0));
        ++compared;
      }
    }
  }
  CHECK(compared > 200);  // most of the 360 points are smooth
}
