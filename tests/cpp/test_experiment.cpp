// Tests of the C++ experiment loaders (cevns/experiment.hpp) against the
// shared COHERENT data: totals, hash checks, malformed lines, thread determinism.
#include <cevns/cevns_c.h>
#include <doctest/doctest.h>

#include <cevns/cevns.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "testing.hpp"

namespace fs = std::filesystem;

namespace {

using cevns_test::have_data;
using cevns_test::kDataDir;
using cevns_test::TempDir;

double total(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

void copy_dataset(const std::string& dataset, const fs::path& dst) {
  fs::create_directories(dst / dataset);
  for (const auto& e : fs::directory_iterator(fs::path(kDataDir) / dataset)) {
    const fs::path to = dst / dataset / e.path().filename();
    fs::copy_file(e.path(), to, fs::copy_options::overwrite_existing);
    fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add);
  }
}

}  // namespace

TEST_CASE("CsI 2021 and Ar 2020 load with the paper's numbers") {
  if (!have_data()) return;
  const cevns::Experiment csi = cevns::load_csi2021(kDataDir);
  const cevns::Experiment ar = cevns::load_ar2020(kDataDir);
  CHECK(csi.n_energy() == 9);
  CHECK(csi.n_time() == 11);
  CHECK(ar.n_energy() == 12);
  CHECK(ar.n_time() == 10);
  CHECK(total(csi.observed()) == 1578.0);  // events in PE < 60, 0 <= t < 6 us
  CHECK(total(ar.observed()) == 3752.0);
  CHECK(total(csi.background("brn")) == doctest::Approx(18.4).epsilon(1e-12));
  CHECK(total(csi.background("nin")) == doctest::Approx(5.6).epsilon(1e-12));
  CHECK_THROWS_AS(csi.background("nope"), std::invalid_argument);
  const cevns::Mediator sm = cevns::Mediator::standard_model();
  CHECK(total(csi.predict(sm, 0.0)) == doctest::Approx(316.5).epsilon(1e-3));
  CHECK(total(ar.predict(sm, 0.0)) == doctest::Approx(129.9).epsilon(1e-3));
  // eq. (6) of the paper (ss_model=paper); the default measured SS model gives less
  cevns::CsiOptions paper;
  paper.ss_model = "paper";
  const cevns::Experiment csi_paper = cevns::load_csi2021(kDataDir, paper);
  CHECK(csi_paper.profile(csi.predict(sm, 0.0)).chi2 == doctest::Approx(107.53).epsilon(1e-4));
  CHECK(csi.profile(csi.predict(sm, 0.0)).chi2 < 107.53);
  CHECK(std::stod(ar.settings().at("n_pot")) == 13.7e22);
  CHECK(std::stod(ar.settings().at("detector_mass_kg")) == 24.0);
  CHECK(std::stod(ar.settings().at("qf_a")) == 0.246);  // from the release yaml
  CHECK(ar.data_files().size() == 15);                  // with the -1 sigma shape PDFs
  CHECK(csi.data_files().size() == 8);
  CHECK_THROWS_AS(csi.profile(std::vector<double>(3, 1.0)), std::invalid_argument);

  cevns::ArOptions release;
  release.exposure = "release";
  const cevns::Experiment ar_rel = cevns::load_ar2020(kDataDir, release);
  CHECK(std::stod(ar_rel.settings().at("n_pot")) == 1.38e23);
  CHECK(total(ar_rel.predict(sm, 0.0)) == doctest::Approx(133.0).epsilon(1e-3));

  const cevns::Experiment by_name = cevns::load_experiment("ar2020", kDataDir);
  CHECK(by_name.observed() == ar.observed());

  // eq. (9) with the +-1 sigma PDFs: symmetric = the mean of the one-sided choices
  cevns::ArOptions plus, minus, bad;
  plus.shape_templates = "plus";
  minus.shape_templates = "minus";
  bad.shape_templates = "both";
  const cevns::Experiment ar_p = cevns::load_ar2020(kDataDir, plus);
  const cevns::Experiment ar_m = cevns::load_ar2020(kDataDir, minus);
  for (const char* k : {"cevns_f90", "brn_energy", "brn_ttrig_mean", "brn_ttrig_width"}) {
    const auto& s = ar.shape_systematics().at(k);
    const auto& p = ar_p.shape_systematics().at(k);
    const auto& m = ar_m.shape_systematics().at(k);
    for (std::size_t i = 0; i < s.size(); ++i)
      CHECK(s[i] == doctest::Approx(0.5 * (p[i] + m[i])).epsilon(1e-12));
  }
  CHECK(ar_p.profile(ar.predict(sm, 0.0)).chi2 == doctest::Approx(106.805).epsilon(1e-5));
  CHECK_THROWS_WITH_AS(cevns::load_ar2020(kDataDir, bad), doctest::Contains("shape_templates"),
                       std::invalid_argument);
  CHECK_THROWS_AS(cevns::load_experiment("xenon", kDataDir), std::invalid_argument);
}

TEST_CASE("models by name and the combined chi2") {
  if (!have_data()) return;
  CHECK(cevns::paper_models().size() == 11);
  CHECK_THROWS_AS(cevns::paper_model("B-2L"), std::invalid_argument);
  const cevns::Mediator bl = cevns::paper_model("B-L").mediator(10.0);
  CHECK(bl.kind == cevns::MediatorKind::Vector);
  CHECK(cevns::paper_model("Lmu-Ltau").kind == cevns::MediatorKind::KineticMixing);
  const cevns::Experiment csi = cevns::load_csi2021(kDataDir);
  const cevns::Experiment ar = cevns::load_ar2020(kDataDir);
  const double sum = cevns::chi2({&csi, &ar}, bl, 5e-5);
  CHECK(sum == csi.chi2(bl, 5e-5) + ar.chi2(bl, 5e-5));
  const cevns::CombinedExperiments comb({csi, ar});
  CHECK(comb.chi2(bl, 5e-5) == sum);
  const auto tpl = comb.templates(bl);
  CHECK(comb.chi2(tpl, 5e-5) == doctest::Approx(sum).epsilon(1e-10));
}

TEST_CASE("a corrupted or missing file is an error naming it") {
  if (!have_data()) return;
  TempDir tmp("corrupt");
  copy_dataset("csi2021", tmp.path);
  const fs::path target = tmp.path / "csi2021" / "ninTrec.txt";
  {
    std::fstream f(target, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(100);
    char c = 0;
    f.get(c);
    f.seekp(100);
    f.put(c == '7' ? '3' : '7');
  }
  try {
    cevns::load_csi2021(tmp.path.string());
    FAIL("no error for a corrupted file");
  } catch (const cevns::HashMismatchError& e) {
    const std::string msg = e.what();
    CHECK(msg.find(target.string()) != std::string::npos);
    CHECK(msg.find("expected sha256 " + cevns::registry_entry("csi2021/ninTrec.txt").sha256) !=
          std::string::npos);
    CHECK(msg.find(tmp.path.string()) != std::string::npos);
  }
  fs::remove(target);
  CHECK_THROWS_WITH_AS(cevns::load_csi2021(tmp.path.string()),
                       doctest::Contains("csi2021/ninTrec.txt"), cevns::MissingDataError);
  CHECK_THROWS_WITH_AS(cevns::load_ar2020(tmp.path.string()), doctest::Contains("ar2020/"),
                       cevns::DataError);
  CHECK_THROWS_AS(cevns::load_ar2020((tmp.path / "nowhere").string()), cevns::MissingDataError);
}

TEST_CASE("malformed lines name the file and the line") {
  TempDir tmp("malformed");
  const fs::path p = tmp.path / "table.txt";
  std::ofstream(p) << "# comment\n1 2\n3 x\n";
  CHECK_THROWS_WITH_AS(cevns::io::read_table(p.string(), 2),
                       doctest::Contains((p.string() + ", line 3: not a number").c_str()),
                       cevns::MalformedDataError);
  std::ofstream(p) << "1 2 3\n";
  CHECK_THROWS_WITH_AS(cevns::io::read_table(p.string(), 2),
                       doctest::Contains("line 1: expected 2 columns, found 3"),
                       cevns::MalformedDataError);
  std::ofstream(p) << "0.5 1\n1.5 2\n3.5 1\n";
  CHECK_THROWS_WITH_AS(cevns::io::load_csi_shape(p.string()),
                       doctest::Contains("line 3: bin centre spacing"), cevns::MalformedDataError);
  CHECK(cevns::sha256_file(p.string()).size() == 64);
  std::ofstream(p) << "";
  CHECK(cevns::sha256_file(p.string()) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("the Ar parameter file parses to the release values") {
  if (!have_data()) return;
  const auto par = cevns::io::load_ar_parameters(kDataDir + "/ar2020/LArParametersAnlA.yaml");
  CHECK(par.exposure_pot == 1.38e23);
  CHECK(par.distance_m == 27.5);
  CHECK(par.fiducial_mass_kg == 24.4);
  CHECK(par.nu_per_pot == 0.09);
  CHECK(par.qf_a == 0.246);
  CHECK(par.qf_b == 0.00078);
  CHECK(par.resolution_a == 0.58);
  CHECK(par.pot_trace_mean_ns == 440.0);
  CHECK(par.pot_trace_sigma_ns == 150.0);
}

TEST_CASE("chi2 of many points does not depend on the number of threads") {
  if (!have_data()) return;
  const cevns::CombinedExperiments comb(
      {cevns::load_csi2021(kDataDir), cevns::load_ar2020(kDataDir)});
  const cevns::NamedModel model = cevns::paper_model("B-L");
  std::vector<cevns::ModelPoint> points;
  for (int i = 0; i < 1000; ++i) {
    const double logm = -1.0 + 4.0 * ((i * 37) % 1000) / 1000.0;  // 0.1 MeV .. 1 GeV
    const double logg = -6.0 + 3.0 * ((i * 61) % 1000) / 1000.0;  // 1e-6 .. 1e-3
    points.push_back({model.mediator(std::pow(10.0, logm)), std::pow(10.0, logg)});
  }
  const std::vector<double> one = comb.chi2_many(points, 1);
  const std::vector<double> two = comb.chi2_many(points, 2);
  REQUIRE(one.size() == 1000);
  bool identical = true;
  for (std::size_t i = 0; i < one.size(); ++i) identical = identical && (one[i] == two[i]);
  CHECK(identical);
  CHECK(one[17] == comb.chi2(points[17]));
}

TEST_CASE("the C facade loads, evaluates and reports errors") {
  cevns_experiment* bad = cevns_experiment_load("csi2021", "/nonexistent/cevns");
  CHECK(bad == nullptr);
  CHECK(std::string(cevns_last_error()).find("/nonexistent/cevns") != std::string::npos);
  if (!have_data()) return;
  cevns_experiment* csi = cevns_experiment_load("csi2021", kDataDir.c_str());
  cevns_experiment* ar = cevns_experiment_load("ar2020", kDataDir.c_str());
  REQUIRE(csi != nullptr);
  REQUIRE(ar != nullptr);
  CHECK(cevns_n_bins(csi) == 99);
  const cevns_experiment* both[] = {csi, ar};
  double value = 0.0;
  CHECK(cevns_chi2(both, 2, "B-L", 10.0, 5e-5, &value) == 0);
  const cevns::Experiment c = cevns::load_csi2021(kDataDir), a = cevns::load_ar2020(kDataDir);
  CHECK(value == cevns::chi2({&c, &a}, cevns::paper_model("B-L").mediator(10.0), 5e-5));
  CHECK(cevns_chi2(both, 2, "nope", 10.0, 5e-5, &value) == -1);
  CHECK(std::string(cevns_last_error()).find("unknown model") != std::string::npos);
  const std::vector<double> sm = c.predict(cevns::Mediator::standard_model(), 0.0);
  CHECK(cevns_profile(csi, sm.data(), &value) == 0);
  CHECK(value == c.profile(sm).chi2);
  cevns_free(csi);
  cevns_free(ar);

  // options as text: the same experiment as the C++ structs give
  cevns_experiment* ar_p = cevns_experiment_load_with("ar2020", kDataDir.c_str(),
                                                      "shape_templates=plus;exposure=release");
  REQUIRE(ar_p != nullptr);
  cevns::ArOptions o;
  o.shape_templates = "plus";
  o.exposure = "release";
  const cevns::Experiment a_p = cevns::load_ar2020(kDataDir, o);
  const std::vector<double> sm_ar = a_p.predict(cevns::Mediator::standard_model(), 0.0);
  CHECK(cevns_profile(ar_p, sm_ar.data(), &value) == 0);
  CHECK(value == a_p.profile(sm_ar).chi2);
  CHECK(value != a.profile(sm_ar).chi2);
  cevns_free(ar_p);
  const std::string table = cevns_option_table("ar2020");
  CHECK(table.find("\npanels_per_segment\tinteger\t16\tan integer in [1, 1000]\t-\t") !=
        std::string::npos);
  CHECK(table.find("\nqf_a\tnumber\t-\t") != std::string::npos);
  CHECK(cevns_option_table("xenon") == nullptr);
  CHECK(std::string(cevns_last_error()).find("csi2021, ar2020") != std::string::npos);
  CHECK(cevns_experiment_load_with("csi2021", kDataDir.c_str(), "garbage") == nullptr);
  CHECK(std::string(cevns_last_error()).find("key=value") != std::string::npos);
  CHECK(cevns_experiment_load_with("csi2021", kDataDir.c_str(), "bogus=1") == nullptr);
  CHECK(std::string(cevns_last_error()).find("accepted: ") != std::string::npos);
  CHECK(cevns_experiment_load_with("csi2021", kDataDir.c_str(), "n_pot=lots") == nullptr);
  CHECK(std::string(cevns_last_error()).find("a number in (0, 1e+30]") != std::string::npos);
  cevns_experiment* dflt = cevns_experiment_load_with("csi2021", kDataDir.c_str(), "");
  REQUIRE(dflt != nullptr);
  CHECK(cevns_profile(dflt, sm.data(), &value) == 0);
  CHECK(value == c.profile(sm).chi2);
  cevns_free(dflt);

  // the CsI SS model passes through by name: the C facade's chi2 is the core's
  cevns_experiment* meas =
      cevns_experiment_load_with("csi2021", kDataDir.c_str(), "ss_model=measured");
  REQUIRE(meas != nullptr);
  cevns::CsiOptions om;
  om.ss_model = "measured";
  const cevns::Experiment c_m = cevns::load_csi2021(kDataDir, om);
  CHECK(cevns_profile(meas, sm.data(), &value) == 0);
  CHECK(value == c_m.profile(sm).chi2);
  cevns::CsiOptions op;
  op.ss_model = "paper";
  CHECK(value != cevns::load_csi2021(kDataDir, op).profile(sm).chi2);
  cevns_free(meas);
  CHECK(cevns_experiment_load_with("csi2021", kDataDir.c_str(), "ss_model=fitted") == nullptr);
  CHECK(std::string(cevns_last_error()).find("one of: paper, measured") != std::string::npos);
}

TEST_CASE("load_experiment with text options") {
  if (!have_data()) return;
  const cevns::Experiment base = cevns::load_experiment("csi2021", kDataDir);
  const cevns::Experiment no_teff =
      cevns::load_experiment("csi2021", kDataDir, {{"timing_efficiency", "none"}});
  const cevns::Experiment alias =
      cevns::load_experiment("csi2021", kDataDir, {{"timing_efficiency", "2017"}});
  const cevns::Mediator sm = cevns::Mediator::standard_model();
  // eps_T removes 7 % of the events (delayed ones); "2017" names the same curve
  CHECK(total(no_teff.predict(sm, 0.0)) == doctest::Approx(338.8).epsilon(1e-3));
  CHECK(total(alias.predict(sm, 0.0)) == total(base.predict(sm, 0.0)));
  CHECK_THROWS_WITH_AS(cevns::load_experiment("csi2021", kDataDir, {{"timing_efficiency", "2019"}}),
                       doctest::Contains("exponential"), std::invalid_argument);
  const cevns::Experiment bright =
      cevns::load_experiment("csi2021", kDataDir, {{"light_yield_pe_per_keVee", "14.685"}});
  CHECK(total(bright.predict(sm, 0.0)) > 1.03 * total(base.predict(sm, 0.0)));
  CHECK_THROWS_WITH_AS(cevns::load_experiment("ar2020", kDataDir, {{"mass", "24"}}),
                       doctest::Contains("unknown ar2020 option 'mass'"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(cevns::load_experiment("csi2021", kDataDir, {{"panels_per_segment", "2.5"}}),
                       doctest::Contains("an integer in [1, 1000]"), cevns::OptionError);
  CHECK_THROWS_AS(cevns::load_experiment("xenon", kDataDir, {}), std::invalid_argument);
}

TEST_CASE("the option tables define defaults, checks and settings once") {
  for (const std::string& name : cevns::experiment_names()) {
    for (const cevns::OptionSpec& o : cevns::option_table(name)) {
      CHECK(!o.doc.empty());
      if (!o.default_value.empty())
        CHECK_NOTHROW(cevns::check_option(name, o.name, o.default_value));
    }
  }
  const cevns::CsiOptions csi;
  CHECK(csi.panels_per_segment == 12);
  CHECK(csi.timing_efficiency == "exponential");
  CHECK(csi.sigmas == cevns::csi_normalisation_sigmas);
  const cevns::ArOptions ar;
  CHECK(ar.exposure == "paper");
  CHECK(!ar.n_pot.has_value());
  CHECK(cevns::to_text(csi).at("n_pot") == "3.198e+23");
  CHECK(cevns::check_option("csi2021", "panels_per_segment", "16") == "16");
  for (const char* bad : {"99999999999999999999", "100000000", "2.5", "0", "nan", "", "x"})
    CHECK_THROWS_WITH_AS(cevns::check_option("ar2020", "panels_per_segment", bad),
                         doctest::Contains("ar2020 option panels_per_segment"), cevns::OptionError);
  CHECK_THROWS_WITH_AS(cevns::check_option("ar2020", "n_pot", "nan"),
                       doctest::Contains("n_pot: 'nan' is not accepted; expected a number in"),
                       cevns::OptionError);
  CHECK_THROWS_WITH_AS(cevns::check_option("csi2021", "quenching", "best"),
                       doctest::Contains("one of: nominal, syst0_plus"), cevns::OptionError);
  CHECK_THROWS_AS(cevns::option_table("xenon"), cevns::OptionError);
  const auto nuis = cevns::nuisance_table("ar2020");
  REQUIRE(nuis.size() == cevns::ArChi2::n_nuisances);
  CHECK(nuis[1].name == "eta_ss");
  CHECK(nuis[1].sigma == 0.0079);
  CHECK(nuis[8].kind == "shape");
  CHECK(nuis[8].equation == "eq. (9)");
}

TEST_CASE("the experiment registry: definitions, data sets by composition, user experiments") {
  const std::vector<std::string> names = cevns::experiment_names();
  REQUIRE(names.size() >= 2);
  CHECK(names[0] == "csi2021");
  CHECK(names[1] == "ar2020");
  const cevns::ExperimentDefinition& csi = cevns::experiment_definition("csi2021");
  CHECK(csi.label == "CsI");
  CHECK(csi.components == std::vector<std::string>{"cevns", "brn", "nin", "ss"});
  CHECK(csi.auxiliary_measurements == std::vector<std::string>{"ss"});
  CHECK(csi.nuisances.size() == cevns::CsiChi2::n_nuisances);
  CHECK(&cevns::option_table("csi2021") == &csi.options);
  CHECK_THROWS_WITH_AS(cevns::experiment_definition("xenon"),
                       doctest::Contains("accepted: csi2021, ar2020"), cevns::OptionError);

  CHECK(cevns::dataset_members("combined") == std::vector<std::string>{"csi2021", "ar2020"});
  CHECK(cevns::dataset_members("ar2020+csi2021") == std::vector<std::string>{"ar2020", "csi2021"});
  CHECK(cevns::dataset_members("csi2021") == std::vector<std::string>{"csi2021"});
  for (const char* bad : {"", "+", "csi2021+", "csi2021++ar2020", "csi2021+csi2021", "csi2021+xe"})
    CHECK_THROWS_AS(cevns::dataset_members(bad), cevns::OptionError);
  // one line: the bad data set (and the bad member), what is accepted once
  for (const char* bad : {"xenonntt", "csi2021+xe", "csi2021+"}) {
    std::string what;
    try {
      cevns::dataset_members(bad);
    } catch (const cevns::OptionError& e) {
      what = e.what();
    }
    CAPTURE(what);
    CHECK(what.find(std::string("unknown data set '") + bad + "'") == 0);
    CHECK(what.find("accepted: csi2021, ar2020, xenonnt") != std::string::npos);
    CHECK(what.find("accepted") == what.rfind("accepted"));  // 0.7.0: said twice in Python
    CHECK(what.find("combined or experiments joined by '+'") != std::string::npos);
  }
  CHECK_THROWS_WITH_AS(cevns::dataset_members("csi2021+xe"),
                       doctest::Contains("(no experiment 'xe')"), cevns::OptionError);

  // a user experiment: one definition, registered at run time
  cevns::ExperimentDefinition toy;
  toy.name = "toy_counting";
  toy.label = "Toy";
  toy.options = {cevns::OptionSpec{
      "exposure", cevns::OptionType::Number, "2", {}, 0, 10, true, "", "exposure"}};
  toy.load = [](const std::string&, const cevns::OptionText& text) -> cevns::Experiment {
    const cevns::OptionValues o("toy_counting", cevns::option_table("toy_counting"), text);
    throw std::runtime_error("exposure " + o.text().at("exposure"));
  };
  cevns::register_experiment(toy);
  CHECK(cevns::experiment_names().back() == "toy_counting");
  CHECK_THROWS_WITH_AS(cevns::load_experiment("toy_counting", ""), "exposure 2",
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(cevns::load_experiment("toy_counting", "", {{"exposure", "2.50"}}),
                       "exposure 2.5", std::runtime_error);
  CHECK_THROWS_AS(cevns::load_experiment("toy_counting", "", {{"exposure", "11"}}),
                  cevns::OptionError);
  CHECK_THROWS_AS(cevns::register_experiment(toy), std::invalid_argument);  // twice
  toy.name = "bad+name";
  CHECK_THROWS_AS(cevns::register_experiment(toy), std::invalid_argument);
  toy.name = "combined";
  CHECK_THROWS_AS(cevns::register_experiment(toy), std::invalid_argument);
  CHECK_THROWS_AS(cevns::load_experiments("csi2021", "", {{"ar2020", {}}}), cevns::OptionError);
}

TEST_CASE("OptionValues: defaults, typed values, canonical text") {
  const cevns::OptionValues v("csi2021", cevns::option_table("csi2021"),
                              {{"panels_per_segment", "16"}, {"baseline_m", "20.0"}});
  CHECK(v.integer("panels_per_segment") == 16);
  CHECK(v.number("baseline_m") == 20.0);
  CHECK(v.text().at("baseline_m") == "20");
  CHECK(v.choice("form_factor") == "helm");
  CHECK_THROWS_AS(v.number("form_factor"), cevns::OptionError);
  const cevns::OptionValues a("ar2020", cevns::option_table("ar2020"), {});
  CHECK(!a.has("n_pot"));
  CHECK_THROWS_WITH_AS(a.number("n_pot"), doctest::Contains("unset"), cevns::OptionError);
  CHECK_THROWS_AS(cevns::OptionValues("ar2020", cevns::option_table("ar2020"), {{"x", "1"}}),
                  cevns::OptionError);
}

TEST_CASE("C facade: a data set from a '+' list") {
  if (!have_data()) return;
  cevns_dataset* d =
      cevns_dataset_load("csi2021+ar2020", kDataDir.c_str(), "csi2021.timing_efficiency=none");
  REQUIRE(d != nullptr);
  REQUIRE(cevns_dataset_size(d) == 2);
  const cevns_experiment* const* list = cevns_dataset_experiments(d);
  CHECK(cevns_n_bins(list[0]) == 99);
  double both = 0.0;
  CHECK(cevns_chi2(list, 2, "SM", 0.0, 0.0, &both) == 0);
  const cevns::Experiment csi =
      cevns::load_experiment("csi2021", kDataDir, {{"timing_efficiency", "none"}});
  const cevns::Experiment ar = cevns::load_experiment("ar2020", kDataDir);
  const cevns::Mediator sm = cevns::Mediator::standard_model();
  CHECK(both == csi.chi2(sm, 0.0) + ar.chi2(sm, 0.0));
  cevns_dataset_free(d);
  cevns_dataset* combined = cevns_dataset_load("combined", kDataDir.c_str(), nullptr);
  REQUIRE(combined != nullptr);
  CHECK(cevns_dataset_size(combined) == 2);
  cevns_dataset_free(combined);
  CHECK(cevns_dataset_load("csi2021+", kDataDir.c_str(), nullptr) == nullptr);
  CHECK(std::string(cevns_last_error()).find("joined by '+'") != std::string::npos);
  CHECK(cevns_dataset_load("csi2021", kDataDir.c_str(), "timing_efficiency=none") == nullptr);
  CHECK(std::string(cevns_last_error()).find("experiment.key=value") != std::string::npos);
  CHECK(cevns_dataset_size(nullptr) == 0);
  cevns_dataset_free(nullptr);
}
