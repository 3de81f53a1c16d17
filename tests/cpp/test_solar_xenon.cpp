// Tests of the solar 8B source (solar.hpp) and the XENONnT likelihood (xenon_chi2.hpp).
#include <cevns/cevns_c.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <cevns/experiment.hpp>
#include <cevns/solar.hpp>
#include <cevns/xenon_chi2.hpp>
#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

const std::string kSolar = CEVNS_TEST_SOLAR_DIR;

bool have_solar() { return std::ifstream(kSolar + "/nudistr_b16_gs98.dat").good(); }

/// A one-run chi2 with flat templates: ac, er, neutron and one signal input.
cevns::XenonChi2 toy_chi2(double observed_per_bin, double sigma_b8 = 0.0381) {
  cevns::XenonRun r;
  r.name = "sr0";
  r.observed.assign(cevns::kXenonBins, observed_per_bin);
  r.ac.assign(cevns::kXenonBins, 0.1);
  r.er.assign(cevns::kXenonBins, 0.05);
  r.neutron.assign(cevns::kXenonGridPoints * cevns::kXenonBins, 0.02);
  r.fold.assign(cevns::kXenonGridPoints * cevns::kXenonBins, 0.1);
  r.sigma_ac = 0.09;
  cevns::XenonSigmas s;
  s.b8_flux = sigma_b8;
  return cevns::XenonChi2({r}, 1, s);
}

}  // namespace

TEST_CASE("P_ee: vacuum limit at low energy, matter-dominated limit at high energy") {
  const cevns::OscillationParameters osc;
  const double c13 = 1.0 - osc.sin2_theta13, s13 = osc.sin2_theta13;
  const double sin2_2 = 4.0 * osc.sin2_theta12 * (1.0 - osc.sin2_theta12);
  // E -> 0: c13^4 (1 - sin^2 2theta12 / 2) + s13^4 (averaged vacuum oscillations)
  CHECK(cevns::survival_probability(1e-6, 100.0, osc) ==
        doctest::Approx(c13 * c13 * (1.0 - 0.5 * sin2_2) + s13 * s13).epsilon(1e-6));
  // E -> infinity: c13^4 sin^2 theta12 + s13^4 (nu_e born as nu_2)
  CHECK(cevns::survival_probability(1e6, 100.0, osc) ==
        doctest::Approx(c13 * c13 * osc.sin2_theta12 + s13 * s13).epsilon(1e-4));
}

TEST_CASE("P_ee averaged over the B16 8B production region") {
  if (!have_solar()) return;
  const auto prof = cevns::read_solar_profile(kSolar + "/nudistr_b16_gs98.dat", "8B");
  double sum = 0.0;
  for (double w : prof.weight) sum += w;
  CHECK(sum == doctest::Approx(1.0));
  // SNO combined analysis, Phys. Rev. C 88 (2013) 025501: P_ee(10 MeV) = 0.317 +- 0.016 (stat)
  // +- 0.009 (syst); here within 0.025.
  CHECK(std::fabs(cevns::survival_probability(10.0, prof) - 0.317) < 0.025);
  // monotonically falling from the vacuum towards the MSW plateau
  double last = 1.0;
  for (double e = 0.1; e < 20.0; e += 0.5) {
    const double p = cevns::survival_probability(e, prof);
    CHECK(p < last);
    last = p;
  }
  CHECK_THROWS_AS(cevns::read_solar_profile(kSolar + "/nudistr_b16_gs98.dat", "9B"),
                  std::invalid_argument);
}

TEST_CASE("Winter et al. 8B spectrum: normalised, the table ends between 15 and 17.5 MeV") {
  if (!have_solar()) return;
  const auto t = cevns::read_spectrum_table(kSolar + "/8B_shape_Winter_et_al.csv");
  double integral = 0.0;
  for (double e = 0.0005; e < 20.0; e += 0.001) integral += 0.001 * t.density(e);
  CHECK(integral == doctest::Approx(1.0).epsilon(1e-4));
  CHECK(t.integral() == doctest::Approx(1000.0).epsilon(1e-3));  // the table's 10^-3 MeV^-1
  double last = 0.0;  // the 8B endpoint is ~16.4 MeV; the table's last non-zero node is 15.2
  for (std::size_t i = 0; i < t.energies().size(); ++i)
    if (t.densities()[i] > 0.0) last = t.energies()[i];
  CHECK(last > 15.0);
  CHECK(last < 17.5);
  CHECK(t.density(25.0) == 0.0);
  // refined nodes: the same piecewise-linear density
  const auto r = cevns::read_spectrum_table(kSolar + "/8B_shape_Winter_et_al.csv", 0.01);
  for (double e : {0.55, 7.123, 12.34}) CHECK(r.density(e) == doctest::Approx(t.density(e)));
}

TEST_CASE("XenonChi2: a prediction equal to the data profiles to chi2 ~ 0") {
  // observed = 0.1 + 0.05 + 0.02 + 0.1 per bin: the nominal expectation
  const auto c = toy_chi2(0.27);
  const double one = 1.0;
  const auto r = c.profile(&one);
  CHECK(r.converged);
  CHECK(r.chi2 == doctest::Approx(0.0).epsilon(1e-6));
  CHECK(c.nuisance_names().size() == c.nuisance_count());
  CHECK(c.n_observed() == cevns::kXenonBins);
  std::vector<double> nominal(c.nuisance_count(), 0.0), out(c.n_observed());
  c.expected(&one, nominal.data(), out.data());
  CHECK(out[0] == doctest::Approx(0.27));
  // the components sum to the expectation, in the registry's order
  std::vector<double> eta(c.nuisance_count(), 0.0);
  eta[0] = 0.1;
  eta[2] = -0.2;
  eta[3] = 0.3;
  eta[cevns::XenonChi2::n_shared] = 0.05;
  c.expected(&one, eta.data(), out.data());
  const auto comps = c.components(&one, eta.data());
  REQUIRE(comps.size() == 4);
  CHECK(comps[0].first == "cevns");
  CHECK(comps[1].first == "ac");
  CHECK(comps[2].first == "er");
  CHECK(comps[3].first == "neutron");
  CHECK(comps[1].second[0] == doctest::Approx(0.1 * 1.05));
  CHECK(comps[2].second[0] == doctest::Approx(0.05 * 0.8));
  std::vector<double> sig(c.n_observed());
  c.signal(&one, eta.data(), sig.data());
  for (std::size_t b = 0; b < c.n_observed(); ++b) {
    double sum = 0.0;
    for (const auto &comp : comps) sum += comp.second[b];
    CHECK(sum == doctest::Approx(out[b]).epsilon(1e-12));
    CHECK(comps[0].second[b] == doctest::Approx(sig[b]).epsilon(1e-12));
  }
  // a larger prediction is penalised
  const double two = 2.0;
  CHECK(c.profile(&two).chi2 > 1.0);
}

namespace {

/// A two-run chi2 whose templates vary from bin to bin and over the (t_ly,
/// t_qy) grid (neutrons and two signal inputs), with a kink of the neutron
/// rate at t_ly = 0: rate x (1 + 0.4 |t_ly| + 0.1 t_qy).
cevns::XenonChi2 structured_chi2(cevns::XenonMorphing morphing, double sigma_b8 = 0.0381) {
  std::vector<cevns::XenonRun> runs;
  for (int r = 0; r < 2; ++r) {
    cevns::XenonRun run;
    run.name = "sr" + std::to_string(r);
    run.sigma_ac = r == 0 ? 0.0904 : 0.0576;
    for (std::size_t b = 0; b < cevns::kXenonBins; ++b) {
      run.ac.push_back(0.05 + 0.04 * static_cast<double>((b * 7 + r) % 11) / 10.0);
      run.er.push_back(0.01 + 0.02 * static_cast<double>((b * 5) % 13) / 12.0);
      run.observed.push_back((b + 7 * static_cast<std::size_t>(r)) % 20 == 0 ? 1.0 : 0.0);
    }
    for (std::size_t g = 0; g < cevns::kXenonGridPoints; ++g) {
      const double tly = static_cast<double>(g / cevns::kXenonGridAxis) - 3.0;
      const double tqy = static_cast<double>(g % cevns::kXenonGridAxis) - 3.0;
      for (std::size_t b = 0; b < cevns::kXenonBins; ++b)
        run.neutron.push_back(0.004 * (1.0 + 0.4 * std::fabs(tly) + 0.1 * tqy) *
                              (1.0 + static_cast<double>(b % 4)));
      for (std::size_t k = 0; k < 2; ++k)
        for (std::size_t b = 0; b < cevns::kXenonBins; ++b)
          run.fold.push_back(0.002 * (1.0 + 0.15 * (k == 0 ? tly : -tqy)) *
                             (1.0 + static_cast<double>((b + 3 * k) % 9)));
    }
    runs.push_back(run);
  }
  cevns::XenonSigmas s;
  s.b8_flux = sigma_b8;
  return cevns::XenonChi2(runs, 2, s, morphing);
}

}  // namespace

TEST_CASE("XenonChi2: the Newton profile finds BOBYQA's minimum or a lower one") {
  for (auto morphing : {cevns::XenonMorphing::rate_times_shape, cevns::XenonMorphing::histogram}) {
    for (double sigma_b8 : {0.0381, std::numeric_limits<double>::infinity()}) {
      const auto c = structured_chi2(morphing, sigma_b8);
      const std::size_t nn = c.nuisance_count();
      const std::vector<bool> none(nn, false);
      const std::vector<double> zeros(nn, 0.0);
      for (double scale : {0.0, 0.3, 1.0, 4.0, 30.0, 1e4}) {
        const double x[2] = {scale, 0.5 * scale};
        const auto fast = c.profile(x);
        const auto ref = c.profile_nlopt(x, none, zeros);
        INFO("scale " << scale << " sigma_b8 " << sigma_b8);
        CHECK(fast.converged);
        // not above BOBYQA's (which stops up to ~3e-3 higher on these kinked templates)
        CHECK(fast.chi2 <= ref.chi2 + 1e-6);
        CHECK(c.chi2_at(x, fast.nuisances.data()) == doctest::Approx(fast.chi2).epsilon(1e-12));
        // from a far start (another grid cell): the same minimum
        std::vector<double> start(nn, 0.0);
        start[4] = 2.4;
        start[5] = -1.7;
        start[2] = 3.0;
        const auto warm = c.profile_from(x, start.data());
        CHECK(warm.chi2 == doctest::Approx(fast.chi2).epsilon(1e-9));
        // one nuisance held: the flux, and t_ly
        std::vector<bool> held(nn, false);
        held[1] = true;
        std::vector<double> values(nn, 0.0);
        values[1] = -0.3;
        const auto a = c.profile_fixed(x, held, values);
        CHECK(a.nuisances[1] == -0.3);
        CHECK(a.chi2 <= c.profile_nlopt(x, held, values).chi2 + 1e-6);
        held.assign(nn, false);
        held[4] = true;
        values.assign(nn, 0.0);
        values[4] = 1.5;
        const auto b = c.profile_fixed(x, held, values);
        CHECK(b.nuisances[4] == 1.5);
        CHECK(b.chi2 <= c.profile_nlopt(x, held, values).chi2 + 1e-6);
      }
    }
  }
}

TEST_CASE("XenonChi2: a minimum on a grid line (a kink of the morphing) is found exactly") {
  // the neutron rate grows with |t_ly| on both sides of 0 and the data have few
  // neutrons: chi2 is smallest at t_ly = 0, where its slope jumps
  const auto c = structured_chi2(cevns::XenonMorphing::rate_times_shape);
  const std::size_t nn = c.nuisance_count();
  const double x[2] = {1.0, 0.5};
  std::vector<double> start(nn, 0.0);
  start[4] = 1.3;  // start in the cell [1, 2]
  const auto r = c.profile_from(x, start.data());
  CHECK(r.converged);
  CHECK(r.nuisances[4] == 0.0);
  const auto ref = c.profile_nlopt(x, std::vector<bool>(nn, false), start);
  CHECK(r.chi2 <= ref.chi2 + 1e-9);
}

TEST_CASE("XenonChi2: invalid inputs are refused with a message") {
  cevns::XenonRun r;
  r.name = "sr0";
  r.observed.assign(80, 0.0);
  CHECK_THROWS_AS(cevns::XenonChi2({r}, 1), std::invalid_argument);
  CHECK_THROWS_AS(cevns::XenonChi2({}, 1), std::invalid_argument);
  const auto c = toy_chi2(0.27);
  const double bad = -1.0;
  CHECK_THROWS_AS(c.profile(&bad), std::invalid_argument);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(c.profile(&nan), std::invalid_argument);
}

TEST_CASE("XENONnT in the registry: four definitions, '+' composes them with COHERENT") {
  const auto &names = cevns::experiment_names();
  for (const char *n : {"xenonnt", "xenonnt_sr0", "xenonnt_sr1", "xenonnt_sr2"})
    CHECK(std::find(names.begin(), names.end(), n) != names.end());
  const cevns::ExperimentDefinition &d = cevns::experiment_definition("xenonnt");
  CHECK(d.label == "Xe");
  CHECK(d.components == std::vector<std::string>{"cevns", "ac", "er", "neutron"});
  CHECK(d.auxiliary_measurements.empty());
  REQUIRE(d.nuisances.size() == cevns::XenonChi2::n_shared + 2);  // one AC rate per run
  CHECK(d.nuisances[1].name == "eta_b8_flux");
  CHECK(d.nuisances.back().name == "eta_ac_sr1");
  CHECK(cevns::experiment_definition("xenonnt_sr2").nuisances.back().name == "eta_ac_sr2");
  CHECK(cevns::dataset_members("csi2021+ar2020+xenonnt") ==
        std::vector<std::string>{"csi2021", "ar2020", "xenonnt"});
  CHECK_THROWS_AS(cevns::load_experiment("xenonnt", "/nonexistent", {{"morphing", "cubic"}}),
                  cevns::OptionError);
}

TEST_CASE("XENONnT through the experiment loader and the C facade") {
  const std::string root = CEVNS_TEST_XENON_ROOT;
  if (!std::ifstream(root + "/xenonnt/cevns-templates-v1.bin").good()) return;  // run pytest first
  const cevns::Experiment xe = cevns::load_experiment("xenonnt", root);
  CHECK(xe.n_bins() == 46);               // template energies 0.5 ... 5.0 keV
  CHECK(xe.observed().size() == 2 * 81);  // SR0 + SR1
  // the definition's nuisance table names the chi2's nuisances
  const auto &table = cevns::experiment_definition("xenonnt").nuisances;
  REQUIRE(table.size() == xe.nuisance_names().size());
  for (std::size_t k = 0; k < table.size(); ++k) CHECK(table[k].name == xe.nuisance_names()[k]);
  const double sm = xe.chi2(cevns::Mediator::standard_model(), 0.0);
  CHECK(std::isfinite(sm));
  cevns_experiment *c = cevns_experiment_load("xenonnt", root.c_str());
  REQUIRE(c != nullptr);
  CHECK(cevns_n_bins(c) == 46);
  double chi2 = 0.0;
  const cevns_experiment *list[] = {c};
  CHECK(cevns_chi2(list, 1, "SM", 0.0, 0.0, &chi2) == 0);
  CHECK(chi2 == doctest::Approx(sm));
  double bl = 0.0;  // a large B-L coupling at 10 MeV is excluded by the data
  CHECK(cevns_chi2(list, 1, "B-L", 10.0, 1e-3, &bl) == 0);
  CHECK(bl > sm + 4.0);
  cevns_free(c);
}
