// Tests of the profiled chi2 functions, eq. (6) (CsI) and eq. (7)-(9) (Ar).
#include <doctest/doctest.h>

#include <array>
#include <cevns/chi2.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace {

using cevns::ArChi2;
using cevns::CsiChi2;
using Vec = std::vector<double>;

/// Small deterministic generator (splitmix64), identical on every platform.
struct Rng {
  std::uint64_t s;
  explicit Rng(std::uint64_t seed) : s(seed) {}
  double uniform() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
  }
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  /// Poisson variate (inversion; fine for the small means used here)
  double poisson(double mean) {
    if (mean <= 0.0) return 0.0;
    if (mean > 30.0) {  // normal approximation, rounded
      const double u1 = uniform(1e-12, 1.0), u2 = uniform();
      const double g = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
      return std::max(0.0, std::round(mean + std::sqrt(mean) * g));
    }
    double p = std::exp(-mean), c = p, u = uniform();
    double k = 0.0;
    while (u > c && k < 1000.0) {
      k += 1.0;
      p *= mean / k;
      c += p;
    }
    return k;
  }
};

struct ArData {
  Vec obs, ss, pbrn, dbrn, cevns;
  std::array<Vec, 2> cshape;
  std::array<Vec, 3> bshape;
};

ArData make_ar(std::size_t n, std::uint64_t seed, bool asimov) {
  Rng rng(seed);
  ArData d;
  d.obs.resize(n);
  d.ss.resize(n);
  d.pbrn.resize(n);
  d.dbrn.resize(n);
  d.cevns.resize(n);
  for (auto &v : d.cshape) v.resize(n);
  for (auto &v : d.bshape) v.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    d.ss[i] = rng.uniform(0.0, 60.0);
    d.pbrn[i] = rng.uniform(0.0, 5.0);
    d.dbrn[i] = rng.uniform(0.0, 0.5);
    d.cevns[i] = rng.uniform(0.0, 8.0);
    for (auto &v : d.cshape) v[i] = rng.uniform(-0.2, 0.2);
    for (auto &v : d.bshape) v[i] = rng.uniform(-0.3, 0.3);
    const double mu = d.ss[i] + d.pbrn[i] + d.dbrn[i] + d.cevns[i];
    d.obs[i] = asimov ? mu : rng.poisson(mu * 1.05);
  }
  return d;
}

struct CsiData {
  Vec obs, brn, nin, ss, cevns;
};

CsiData make_csi(std::size_t n, std::uint64_t seed, bool asimov) {
  Rng rng(seed);
  CsiData d;
  d.obs.resize(n);
  d.brn.resize(n);
  d.nin.resize(n);
  d.ss.resize(n);
  d.cevns.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    d.brn[i] = rng.uniform(0.0, 3.0);
    d.nin[i] = rng.uniform(0.0, 1.0);
    d.ss[i] = rng.uniform(0.0, 12.0);
    d.cevns[i] = (i % 11 < 6) ? rng.uniform(0.0, 20.0) : 0.0;  // late time bins: no signal
    const double mu = d.brn[i] + d.nin[i] + d.ss[i] + d.cevns[i];
    d.obs[i] = asimov ? mu : rng.poisson(mu * 0.9);
  }
  return d;
}

ArChi2 make_ar_chi2(const ArData &d) {
  return ArChi2(d.obs, d.ss, d.pbrn, d.dbrn, d.cshape, d.bshape);
}

/// Minimise f over x by cyclic coordinate descent with exact parabolic line
/// minimisation (exact for the quadratic Ar chi2); brute force, no algebra.
template <class F>
double coordinate_descent(F f, Vec &x, int sweeps) {
  double fx = f(x);
  for (int s = 0; s < sweeps; ++s) {
    for (std::size_t k = 0; k < x.size(); ++k) {
      const double h = 1e-2;
      const double x0 = x[k];
      x[k] = x0 - h;
      const double fm = f(x);
      x[k] = x0 + h;
      const double fp = f(x);
      const double curv = (fp - 2.0 * fx + fm) / (h * h);
      const double slope = (fp - fm) / (2.0 * h);
      x[k] = curv > 0.0 ? x0 - slope / curv : x0;
      fx = f(x);
    }
  }
  return fx;
}

}  // namespace

TEST_CASE("ArChi2: Asimov data give chi2 = 0 and nuisances = 0") {
  const ArData d = make_ar(120, 1, true);
  const ArChi2 chi2 = make_ar_chi2(d);
  CHECK(chi2.n_bins() == 120);
  const cevns::ProfileResult r = chi2.profile(d.cevns);
  CHECK(r.converged);
  CHECK(std::abs(r.chi2) < 1e-9);
  REQUIRE(r.nuisances.size() == ArChi2::n_nuisances);
  for (double eta : r.nuisances) CHECK(std::abs(eta) < 1e-10);
  CHECK(std::abs(chi2.chi2_at(d.cevns, Vec(9, 0.0))) < 1e-12);
}

TEST_CASE("ArChi2: exact profile equals a brute-force numerical minimum") {
  const ArData d = make_ar(120, 7, false);
  const ArChi2 chi2 = make_ar_chi2(d);
  const cevns::ProfileResult r = chi2.profile(d.cevns);
  CHECK(r.converged);
  CHECK(r.n_eval == 1);
  // the returned chi2 is chi2_at at the returned nuisances
  CHECK(chi2.chi2_at(d.cevns, r.nuisances) == doctest::Approx(r.chi2).epsilon(1e-12));
  Vec x(9, 0.0);
  const double fmin =
      coordinate_descent([&](const Vec &eta) { return chi2.chi2_at(d.cevns, eta); }, x, 4000);
  CHECK(fmin == doctest::Approx(r.chi2).epsilon(1e-9));
  CHECK(fmin >= r.chi2 - 1e-9);
  for (std::size_t k = 0; k < 9; ++k)
    CHECK(x[k] == doctest::Approx(r.nuisances[k]).epsilon(1e-4).scale(1e-3));
  // and the injected 5% excess pulls the normalisations up
  CHECK(r.chi2 > 0.0);
}

TEST_CASE("ArChi2: injected background normalisation is recovered") {
  ArData d = make_ar(120, 3, true);
  for (std::size_t i = 0; i < d.obs.size(); ++i) {
    d.obs[i] = d.cevns[i] + d.ss[i] + 1.2 * d.pbrn[i] + d.dbrn[i];
  }
  // very loose prior on prompt BRN: the data determine it
  const ArChi2 chi2(d.obs, d.ss, d.pbrn, d.dbrn, d.cshape, d.bshape, {0.13, 0.0079, 100.0, 1.0});
  const cevns::ProfileResult r = chi2.profile(d.cevns);
  CHECK(r.nuisances[2] == doctest::Approx(0.2).epsilon(1e-3));
}

TEST_CASE("ArChi2: sigma = 0 fixes the nuisance and empty bins are guarded") {
  ArData d = make_ar(20, 11, false);
  const ArChi2 fixed(d.obs, d.ss, d.pbrn, d.dbrn, d.cshape, d.bshape, {0.0, 0.0079, 0.32, 1.0});
  const cevns::ProfileResult r = fixed.profile(d.cevns);
  CHECK(r.nuisances[0] == 0.0);
  CHECK(fixed.chi2_at(d.cevns, r.nuisances) == doctest::Approx(r.chi2).epsilon(1e-12));
  Vec eta = r.nuisances;
  eta[0] = 0.01;
  CHECK(std::isinf(fixed.chi2_at(d.cevns, eta)));

  // an empty bin (no observed, no SS): 0 for a 0 prediction, prediction^2
  // otherwise
  d.obs[0] = 0.0;
  d.ss[0] = 0.0;
  d.pbrn[0] = 0.0;
  d.dbrn[0] = 0.0;
  Vec c0 = d.cevns;
  c0[0] = 0.0;
  const ArChi2 a = make_ar_chi2(d);
  const double base = a.chi2_at(c0, Vec(9, 0.0));
  CHECK(std::isfinite(base));
  Vec c1 = c0;
  c1[0] = 3.0;
  CHECK(a.chi2_at(c1, Vec(9, 0.0)) - base == doctest::Approx(9.0));
  CHECK(std::isfinite(a.profile(c1).chi2));
}

TEST_CASE("ArChi2: profile_many equals profile") {
  const ArData d = make_ar(120, 5, false);
  const ArChi2 chi2 = make_ar_chi2(d);
  Vec pts;
  for (int p = 0; p < 37; ++p) {
    for (double c : d.cevns) pts.push_back(c * (0.5 + 0.05 * p));
  }
  Vec out(37), nuis(37 * 9);
  chi2.profile_many(pts.data(), 37, out.data(), nuis.data(), 2);
  for (int p = 0; p < 37; ++p) {
    const cevns::ProfileResult r = chi2.profile(pts.data() + p * 120);
    CHECK(out[p] == r.chi2);
    CHECK(nuis[p * 9 + 4] == r.nuisances[4]);
  }
}

TEST_CASE("ArChi2: bad input throws std::invalid_argument") {
  const ArData d = make_ar(12, 2, false);
  Vec short_ss(d.ss.begin(), d.ss.end() - 1);
  CHECK_THROWS_AS(ArChi2(d.obs, short_ss, d.pbrn, d.dbrn, d.cshape, d.bshape),
                  std::invalid_argument);
  Vec neg = d.obs;
  neg[3] = -1.0;
  CHECK_THROWS_WITH_AS(ArChi2(neg, d.ss, d.pbrn, d.dbrn, d.cshape, d.bshape),
                       doctest::Contains("observed"), std::invalid_argument);
  auto bad_shape = d.bshape;
  bad_shape[1][0] = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(ArChi2(d.obs, d.ss, d.pbrn, d.dbrn, d.cshape, bad_shape),
                       doctest::Contains("brn_shape[1]"), std::invalid_argument);
  CHECK_THROWS_AS(ArChi2(d.obs, d.ss, d.pbrn, d.dbrn, d.cshape, d.bshape, {0.13, -1.0, 0.3, 1.0}),
                  std::invalid_argument);
  const ArChi2 chi2 = make_ar_chi2(d);
  Vec c = d.cevns;
  c[2] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS(chi2.profile(c), doctest::Contains("cevns"), std::invalid_argument);
  c[2] = -0.5;
  CHECK_THROWS_AS(chi2.profile(c), std::invalid_argument);
  CHECK_THROWS_AS(chi2.profile(Vec(5, 1.0)), std::invalid_argument);
  CHECK_THROWS_AS(chi2.chi2_at(d.cevns, Vec(4, 0.0)), std::invalid_argument);
}

TEST_CASE("CsiChi2: Asimov data give chi2 = 0 and nuisances = 0") {
  const CsiData d = make_csi(99, 1, true);
  const CsiChi2 chi2(d.obs, d.brn, d.nin, d.ss);
  const cevns::ProfileResult r = chi2.profile(d.cevns);
  CHECK(r.converged);
  CHECK(std::abs(r.chi2) < 1e-9);
  for (double eta : r.nuisances) CHECK(std::abs(eta) < 1e-6);
  CHECK(std::abs(chi2.chi2_at(d.cevns, Vec(4, 0.0))) < 1e-10);
}

TEST_CASE("CsiChi2: analytic gradient matches finite differences") {
  const CsiData d = make_csi(99, 4, false);
  const CsiChi2 chi2(d.obs, d.brn, d.nin, d.ss);
  const Vec eta = {0.07, -0.2, 0.3, 0.01};
  const Vec g = chi2.gradient(d.cevns, eta);
  for (std::size_t k = 0; k < 4; ++k) {
    const double h = 1e-6;
    Vec ep = eta, em = eta;
    ep[k] += h;
    em[k] -= h;
    const double fd = (chi2.chi2_at(d.cevns, ep) - chi2.chi2_at(d.cevns, em)) / (2.0 * h);
    CHECK(g[k] == doctest::Approx(fd).epsilon(1e-6));
  }
  double gr[4];
  CHECK(chi2.gradient(d.cevns.data(), eta.data(), gr) ==
        doctest::Approx(chi2.chi2_at(d.cevns, eta)).epsilon(1e-14));
}

TEST_CASE("CsiChi2: profile is a minimum (gradient ~ 0, brute force agrees)") {
  for (std::uint64_t seed : {2u, 9u, 21u}) {
    const CsiData d = make_csi(99, seed, false);
    const CsiChi2 chi2(d.obs, d.brn, d.nin, d.ss);
    const cevns::ProfileResult r = chi2.profile(d.cevns);
    CHECK(r.converged);
    CHECK(r.n_eval > 0);
    CHECK(chi2.chi2_at(d.cevns, r.nuisances) == doctest::Approx(r.chi2).epsilon(1e-12));
    const Vec g = chi2.gradient(d.cevns, r.nuisances);
    for (std::size_t k = 0; k < 4; ++k) CHECK(std::abs(g[k]) < 1e-4);
    Vec x(4, 0.0);
    const double fmin =
        coordinate_descent([&](const Vec &eta) { return chi2.chi2_at(d.cevns, eta); }, x, 3000);
    CHECK(r.chi2 <= fmin + 1e-8);
    CHECK(fmin == doctest::Approx(r.chi2).epsilon(1e-8));
    // the 10% deficit pulls the normalisations down
    CHECK(r.nuisances[0] < 0.0);
  }
}

TEST_CASE("CsiChi2: a warm start reaches the same minimum") {
  const CsiData d = make_csi(99, 9, false);
  const CsiChi2 chi2(d.obs, d.brn, d.nin, d.ss);
  const cevns::ProfileResult cold = chi2.profile(d.cevns);
  for (const Vec &start : {Vec{0.1, -0.2, 0.3, 0.01}, Vec{-0.999, 0.0, 0.0, 0.0}, cold.nuisances,
                           Vec{std::numeric_limits<double>::quiet_NaN(), 0.0, 0.0, 0.0}}) {
    const cevns::ProfileResult warm = chi2.profile_from(d.cevns.data(), start.data());
    CHECK(warm.converged);
    CHECK(warm.chi2 == doctest::Approx(cold.chi2).epsilon(1e-9));
  }
  // starting at the optimum needs no more evaluations than from zero
  CHECK(chi2.profile_from(d.cevns.data(), cold.nuisances.data()).n_eval <= cold.n_eval);
}

TEST_CASE("CsiChi2: zero-observation bins and fixed nuisance and impossible bins") {
  CsiData d = make_csi(99, 6, false);
  for (std::size_t i = 0; i < 99; i += 5) d.obs[i] = 0.0;
  const CsiChi2 chi2(d.obs, d.brn, d.nin, d.ss, {0.0, 0.25, 0.35, 0.021});
  const cevns::ProfileResult r = chi2.profile(d.cevns);
  CHECK(r.converged);
  CHECK(r.nuisances[0] == 0.0);
  const Vec g = chi2.gradient(d.cevns, r.nuisances);
  for (std::size_t k = 1; k < 4; ++k) CHECK(std::abs(g[k]) < 1e-4);

  // observed events where nothing is expected: chi2 = +inf
  CsiData e = make_csi(99, 6, false);
  e.brn[3] = e.nin[3] = e.ss[3] = 0.0;
  e.cevns[3] = 0.0;
  e.obs[3] = 2.0;
  const CsiChi2 bad(e.obs, e.brn, e.nin, e.ss);
  const cevns::ProfileResult rb = bad.profile(e.cevns);
  CHECK(std::isinf(rb.chi2));
  CHECK_FALSE(rb.converged);
}

TEST_CASE("CsiChi2: profile_many equals profile") {
  const CsiData d = make_csi(99, 8, false);
  const CsiChi2 chi2(d.obs, d.brn, d.nin, d.ss);
  Vec pts;
  for (int p = 0; p < 20; ++p) {
    for (double c : d.cevns) pts.push_back(c * (0.2 + 0.1 * p));
  }
  Vec out(20), nuis(20 * 4);
  chi2.profile_many(pts.data(), 20, out.data(), nuis.data(), 2);
  for (int p = 0; p < 20; ++p) {
    const cevns::ProfileResult r = chi2.profile(pts.data() + p * 99);
    CHECK(out[p] == r.chi2);
    CHECK(nuis[p * 4 + 1] == r.nuisances[1]);
  }
}

TEST_CASE("CsiChi2: bad input throws std::invalid_argument") {
  const CsiData d = make_csi(99, 3, false);
  CHECK_THROWS_AS(CsiChi2(d.obs, Vec(98, 1.0), d.nin, d.ss), std::invalid_argument);
  Vec nan = d.nin;
  nan[5] = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(CsiChi2(d.obs, d.brn, nan, d.ss), doctest::Contains("nin"),
                       std::invalid_argument);
  Vec neg = d.ss;
  neg[5] = -2.0;
  CHECK_THROWS_WITH_AS(CsiChi2(d.obs, d.brn, d.nin, neg), doctest::Contains("ss"),
                       std::invalid_argument);
  CHECK_THROWS_AS(CsiChi2(d.obs, d.brn, d.nin, d.ss,
                          {0.12, 0.25, std::numeric_limits<double>::infinity(), 0.021}),
                  std::invalid_argument);
  CHECK_THROWS_AS(CsiChi2(Vec{}, Vec{}, Vec{}, Vec{}), std::invalid_argument);
  const CsiChi2 chi2(d.obs, d.brn, d.nin, d.ss);
  Vec c = d.cevns;
  c[0] = -1.0;
  CHECK_THROWS_WITH_AS(chi2.profile(c), doctest::Contains("cevns"), std::invalid_argument);
  CHECK_THROWS_AS(chi2.profile(Vec(3, 1.0)), std::invalid_argument);
  CHECK_THROWS_AS(chi2.gradient(d.cevns, Vec(3, 0.0)), std::invalid_argument);
}

TEST_CASE("CsiChi2: minimum on the bound eta_cevns = -1 (scale 0)") {
  // CEvNS predicted only in bins with no observed events and far more than
  // the prior allows: the profile pushes eta_cevns onto its bound.
  CsiData d = make_csi(99, 12, false);
  for (std::size_t i = 0; i < 99; ++i) {
    d.cevns[i] = 0.0;
    if (i % 9 == 0) {
      d.obs[i] = 0.0;
      d.cevns[i] = 40.0;
    }
  }
  const CsiChi2 chi2(d.obs, d.brn, d.nin, d.ss);
  const cevns::ProfileResult r = chi2.profile(d.cevns);
  CHECK(r.converged);
  CHECK(r.nuisances[0] == doctest::Approx(-1.0).epsilon(1e-6));
  CHECK(std::isfinite(r.chi2));
  const Vec g = chi2.gradient(d.cevns, r.nuisances);
  CHECK(g[0] > 0.0);  // pushes out of the box: a bound minimum
  for (std::size_t k = 1; k < 4; ++k) CHECK(std::abs(g[k]) < 1e-4);
  Vec probe = r.nuisances;
  probe[0] = -0.99;
  CHECK(chi2.chi2_at(d.cevns, probe) > r.chi2);
}

// A coupling deep in the excluded region predicts astronomically many events;
// the profile then scales the CEvNS component down to ~ the data. chi2 must
// tend to a finite limit (no CEvNS left, prior cost 1/sigma^2), smoothly,
// whatever the size of the prediction: the scale is solved for directly, so
// it keeps its relative precision (1 + eta would round to 0 near 1e-16).
TEST_CASE("ArChi2: a huge CEvNS prediction keeps its precision") {
  const ArData d = make_ar(120, 21, false);
  const ArChi2 chi2 = make_ar_chi2(d);
  auto at = [&](double k) {
    Vec c = d.cevns;
    for (double &v : c) v *= k;
    return chi2.profile(c);
  };
  const double ref = at(1e12).chi2;
  for (double k : {1e10, 1e14, 1e16, 1e18, 1e60, 1e140}) {
    INFO("k = " << k);
    const cevns::ProfileResult r = at(k);
    CHECK(r.converged);
    CHECK(r.chi2 == doctest::Approx(ref).epsilon(1e-9));
    CHECK(r.nuisances[0] == doctest::Approx(-1.0).epsilon(1e-6));
  }
  // at most the cost of a free CEvNS scale plus its prior, (1/0.13)^2 (less:
  // the CEvNS shape nuisances of eq. 9 then act on C at vanishing prior cost)
  const ArChi2 free(d.obs, d.ss, d.pbrn, d.dbrn, d.cshape, d.bshape, {1e6, 0.0079, 0.32, 1.0});
  const double bound = free.profile(d.cevns).chi2 + 1.0 / (0.13 * 0.13);
  CHECK(ref < bound);
  CHECK(ref > bound - 10.0);
}

TEST_CASE("CsiChi2: a huge CEvNS prediction is profiled to a finite limit") {
  const CsiData d = make_csi(99, 23, false);
  const CsiChi2 chi2(d.obs, d.brn, d.nin, d.ss);
  auto at = [&](double k) {
    Vec c = d.cevns;
    for (double &v : c) v *= k;
    return chi2.profile(c);
  };
  const cevns::ProfileResult base = at(1.0);
  const double ref = at(1e12).chi2;
  CHECK(ref > base.chi2);
  CHECK(ref < base.chi2 + 1e3);  // (1/0.12)^2 + the data without CEvNS
  for (double k : {1e10, 1e14, 1e16, 1e18, 1e60, 1e140}) {
    INFO("k = " << k);
    const cevns::ProfileResult r = at(k);
    CHECK(r.converged);
    CHECK(r.chi2 == doctest::Approx(ref).epsilon(1e-9));
  }
  // the limit independently: the CEvNS scale free (no prior) plus the prior
  // cost of removing it, (1/0.12)^2
  const CsiChi2 free(d.obs, d.brn, d.nin, d.ss, {1e6, 0.25, 0.35, 0.021});
  CHECK(ref == doctest::Approx(free.profile(d.cevns).chi2 + 1.0 / (0.12 * 0.12)).epsilon(1e-9));
}

// Beyond kMaxPredictionEvents per bin squares overflow a double: refused, not
// answered wrongly (before, 1e200 x the SM gave a wrong CsI chi2 and an
// infinite Ar chi2).
TEST_CASE("profiles refuse predictions beyond kMaxPredictionEvents") {
  const CsiData c = make_csi(99, 23, false);
  const CsiChi2 csi(c.obs, c.brn, c.nin, c.ss);
  const ArData a = make_ar(120, 21, false);
  const ArChi2 ar = make_ar_chi2(a);
  Vec cc(c.cevns.size(), 1.0), ac(a.cevns.size(), 1.0);
  cc[3] = cevns::kMaxPredictionEvents;
  ac[3] = cevns::kMaxPredictionEvents;
  CHECK(std::isfinite(csi.profile(cc).chi2));
  CHECK(std::isfinite(ar.profile(ac).chi2));
  cc[3] = ac[3] = 1e200;
  CHECK_THROWS_AS(csi.profile(cc), std::invalid_argument);
  CHECK_THROWS_AS(ar.profile(ac), std::invalid_argument);
}

TEST_CASE("CsiChi2 measured SS model: the row rates are profiled exactly") {
  // 2 energy rows x 3 time bins (widths 1, 1, 2), AC counts per bin
  const std::vector<double> obs{5, 3, 9, 12, 0, 4};
  const std::vector<double> brn{0.5, 0.2, 0.1, 0.4, 0.3, 0.1};
  const std::vector<double> nin{0.2, 0.1, 0.1, 0.2, 0.1, 0.0};
  const std::vector<double> ac{2, 4, 7, 1, 3, 2};
  const std::vector<double> cevns{3, 1, 0.5, 6, 1, 0.2};
  cevns::CsiSsModel model;
  model.kind = cevns::CsiSsModel::Kind::measured;
  model.time_widths = {1, 1, 2};
  model.ac_exposure = 1.5;
  const cevns::CsiChi2 chi2(obs, brn, nin, ac, cevns::csi_normalisation_sigmas, model);
  CHECK(chi2.sigmas()[3] == 0.0);
  const cevns::ProfileResult r = chi2.profile(cevns);
  REQUIRE(r.converged);
  const std::vector<double> b = chi2.ss_rates(cevns.data(), r.nuisances.data());
  REQUIRE(b.size() == 2);
  // the full joint chi2 at (eta, b) written out: its minimum over b and eta is r.chi2
  const double w[3] = {0.25, 0.25, 0.5};
  const double m[2] = {13, 6};
  auto joint = [&](const double *eta, const double *bb) {
    double c2 = 0.0;
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 3; ++j) {
        const int k = 3 * i + j;
        const double mu =
            (1 + eta[0]) * cevns[k] + (1 + eta[1]) * brn[k] + (1 + eta[2]) * nin[k] + bb[i] * w[j];
        c2 += 2 * (mu - obs[k] + (obs[k] > 0 ? obs[k] * std::log(obs[k] / mu) : 0.0));
      }
      const double e = 1.5 * bb[i];
      c2 += 2 * (e - m[i] + m[i] * std::log(m[i] / e));
    }
    for (int z = 0; z < 3; ++z) {
      const double s = cevns::csi_normalisation_sigmas[z];
      c2 += eta[z] * eta[z] / (s * s);
    }
    return c2;
  };
  CHECK(joint(r.nuisances.data(), b.data()) == doctest::Approx(r.chi2).epsilon(1e-12));
  // every nearby (eta, b) is higher: a minimum, not just a stationary value
  for (int d = 0; d < 5; ++d) {
    for (double h : {-1e-3, 1e-3}) {
      double eta[3] = {r.nuisances[0], r.nuisances[1], r.nuisances[2]};
      double bb[2] = {b[0], b[1]};
      if (d < 3)
        eta[d] += h;
      else
        bb[d - 3] *= 1 + h;
      CHECK(joint(eta, bb) > r.chi2);
    }
  }
  // the SS truth of the toys is flat in time within each row: r b_i w_j
  std::vector<double> ss(6);
  chi2.auxiliary_expected(cevns.data(), r.nuisances.data(), ss.data());
  CHECK(ss[2] == doctest::Approx(2 * ss[0]));
  CHECK(ss[0] == doctest::Approx(1.5 * b[0] * 0.25));
  // widths that do not divide the bins into rows are refused
  model.time_widths = {1, 1, 1, 1};
  CHECK_THROWS_AS(cevns::CsiChi2(obs, brn, nin, ac, cevns::csi_normalisation_sigmas, model),
                  std::invalid_argument);
}
