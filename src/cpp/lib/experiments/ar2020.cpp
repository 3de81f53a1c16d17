// The definition of COHERENT CENNS-10 Ar 2020, Analysis A (analysis-inputs.md,
// "Ar detector model"): its option table, nuisances, loader and the names of its
// components.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "../option_rows.hpp"
#include "builtin.hpp"
#include "cevns/constants.hpp"
#include "cevns/cross_section.hpp"
#include "cevns/experiment.hpp"
#include "cevns/flux.hpp"
#include "cevns/form_factor.hpp"
#include "cevns/release_io.hpp"
#include "cevns/response.hpp"
#include "cevns/sources.hpp"
#include "loading.hpp"

namespace cevns {

using namespace detail;

namespace {

/// The option table of Ar 2020 (analysis-inputs.md, "Ar detector model";
/// LArParametersAnlA.yaml).
const std::vector<Row<ArOptions>>& ar_rows() {
  using O = ArOptions;
  static const std::vector<Row<O>> rows{
      {choice(
           "exposure", "paper", {"paper", "release"},
           "paper: 24 kg and 13.7e22 POT (Sec. II); release: the yaml's 24.4 kg and 13.8e22 POT"),
       &O::exposure},
      {number("detector_mass_kg", "", 0, 1e6, "kg", "argon mass (unset: from the exposure)"),
       &O::detector_mass_kg},
      {number("molar_mass_g_per_mol", "39.96", 0, 1e4, "g/mol", "argon molar mass"),
       &O::molar_mass_g_per_mol},
      {number("n_pot", "", 0, 1e30, "", "protons on target (unset: from the exposure)"), &O::n_pot},
      {number("nu_per_pot", "", 0, 10, "", "neutrinos per flavour per POT (unset: the release's)"),
       &O::nu_per_pot},
      {number("baseline_m", "", 0, 1e6, "m", "distance from the target (unset: the release's)"),
       &O::baseline_m},
      {number("qf_a", "", 0, 10, "", "quenching QF = a + b T[keVnr] (unset: the release's a)"),
       &O::qf_a},
      {number("qf_b_per_keVnr", "", -1, 1, "1/keVnr", "quenching slope b (unset: the release's)",
              false),
       &O::qf_b_per_keVnr},
      {number("resolution_a", "", 0, 100, "keVee^1/2",
              "resolution sigma/E = a/sqrt(E[keVee]) (unset: the release's)"),
       &O::resolution_a},
      {number("pot_mean_us", "", -10, 10, "us", "POT trace mean (unset: the release's)", false),
       &O::pot_mean_us},
      {number("pot_sigma_us", "", 0, 10, "us", "POT trace width (unset: the release's)"),
       &O::pot_sigma_us},
      {time_convention("all"), &O::time_convention},
      {choice("form_factor", "helm", kFormFactors, kFormFactorDoc), &O::form_factor},
      {integer("panels_per_segment", "16", 1, 1000, kPanelsDoc), &O::panels_per_segment},
      {choice("shape_templates", "symmetric", {"symmetric", "plus", "minus"},
              "eq. (9) where the release has +1 and -1 sigma PDFs: (N+ - N-)/2, N+ - N_CV "
              "or N_CV - N-"),
       &O::shape_templates},
  };
  return rows;
}

}  // namespace

namespace {

const std::vector<double> kArEnergyEdgesKeVee{0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120};
const std::vector<double> kArTimeEdgesUs{-0.1, 0.4, 0.9, 1.4, 1.9, 2.4, 2.9, 3.4, 3.9, 4.4, 4.9};

/// The release's energy x time tables: data, PDFs and their systematic variations.
const std::vector<std::pair<std::string, std::string>>& ar_tables() {
  static const std::vector<std::pair<std::string, std::string>> tables{
      {"data", "ar2020/datanobkgsub.txt"},
      {"cevns", "ar2020/cevnspdf.txt"},
      {"ss", "ar2020/bkgpdf.txt"},
      {"prompt_brn", "ar2020/brnpdf.txt"},
      {"delayed_brn", "ar2020/delbrnpdf.txt"},
      {"cevns_f90", "ar2020/cevnspdf+1sigF90.txt"},
      {"cevns_f90_minus", "ar2020/cevnspdf-1sigF90.txt"},
      {"cevns_ttrig_mean", "ar2020/cevnspdfCEvNSTimingMeanSyst.txt"},
      {"brn_energy", "ar2020/brnpdf+1sigEnergy.txt"},
      {"brn_energy_minus", "ar2020/brnpdf-1sigEnergy.txt"},
      {"brn_ttrig_mean", "ar2020/brnpdf+1sigBRNTimingMean.txt"},
      {"brn_ttrig_mean_minus", "ar2020/brnpdf-1sigBRNTimingMean.txt"},
      {"brn_ttrig_width", "ar2020/brnpdfBRNTimingWidthSyst.txt"}};
  return tables;
}

/// Every registered file of the Ar release, hash-checked.
Files ar_files(const std::string& data_dir) {
  std::vector<std::pair<std::string, std::string>> all{
      {"parameters", "ar2020/LArParametersAnlA.yaml"},
      {"efficiency", "ar2020/CENNS10AnlAEfficiency.txt"}};
  all.insert(all.end(), ar_tables().begin(), ar_tables().end());
  return Files(data_dir, all);
}

/// Fill the unset options from the exposure preset (paper: Sec. II) or the release's yaml.
void resolve_ar_options(ArOptions& opt, const io::ArParameters& par) {
  const bool paper = opt.exposure == "paper";
  const auto resolve = [](std::optional<double>& o, double value) {
    if (!o) o = value;
  };
  resolve(opt.detector_mass_kg, paper ? 24.0 : par.fiducial_mass_kg);
  resolve(opt.n_pot, paper ? 13.7e22 : par.exposure_pot);
  resolve(opt.nu_per_pot, par.nu_per_pot);
  resolve(opt.baseline_m, par.distance_m);
  resolve(opt.qf_a, par.qf_a);
  resolve(opt.qf_b_per_keVnr, par.qf_b);
  resolve(opt.resolution_a, par.resolution_a);
  resolve(opt.pot_mean_us, par.pot_trace_mean_ns * 1e-3);
  resolve(opt.pot_sigma_us, par.pot_trace_sigma_ns * 1e-3);
}

/// The rate engine's inputs (eq. 4) from resolved options: response, target, flux, bins.
RateConfig ar_rate_config(const ArOptions& opt, const Files& files) {
  BeamTiming timing;
  timing.pot_mean_us = *opt.pot_mean_us;
  timing.pot_sigma_us = *opt.pot_sigma_us;
  const io::ArEfficiency eff = io::load_ar_efficiency(files["efficiency"]);
  RateConfig cfg;
  cfg.response = std::make_shared<ArgonResponse>(*opt.qf_a, *opt.qf_b_per_keVnr, *opt.resolution_a,
                                                 EfficiencyTable{eff.kevee, eff.eff});
  cfg.targets = {
      Target{argon40(), number_of_nuclei(*opt.detector_mass_kg, opt.molar_mass_g_per_mol)}};
  cfg.components =
      pion_dar_source({flux_normalisation(*opt.nu_per_pot, *opt.n_pot, *opt.baseline_m),
                       timing,
                       {},
                       kArTimeEdgesUs,
                       opt.time_convention});
  cfg.energy_edges = kArEnergyEdgesKeVee;
  cfg.form_factor = form_factor_model_from_string(opt.form_factor);
  cfg.panels_per_segment = opt.panels_per_segment;
  return cfg;
}

/// Every table of ar_tables() as [energy][time] values, checked against the bins.
std::map<std::string, std::vector<double>> ar_read_tables(const Files& files) {
  std::map<std::string, std::vector<double>> t;
  for (const auto& kv : ar_tables()) {
    const io::ArTable table = io::load_ar_table(files[kv.first]);
    if (table.energy.size() + 1 != kArEnergyEdgesKeVee.size() ||
        table.time.size() + 1 != kArTimeEdgesUs.size())
      throw MalformedDataError(files[kv.first] + ": unexpected table shape");
    t[kv.first] = table.energy_time();
  }
  return t;
}

/// The shape fractions (N_sys - N_CV)/N_CV of eq. (9) per systematic; with a +1σ and
/// a -1σ PDF as ArOptions::shape_templates says.
std::map<std::string, std::vector<double>> ar_shape_systematics(
    const std::map<std::string, std::vector<double>>& t, const std::string& templates) {
  const auto relative_shift = [](const std::vector<double>& sys, const std::vector<double>& cv) {
    std::vector<double> out(cv.size(), 0.0);
    for (std::size_t i = 0; i < cv.size(); ++i)
      if (cv[i] > 0) out[i] = (sys[i] - cv[i]) / cv[i];
    return out;
  };
  const auto shape = [&](const std::string& k, const std::vector<double>& cv) {
    std::vector<double> plus = relative_shift(t.at(k), cv);
    const auto m = t.find(k + "_minus");
    if (m == t.end() || templates == "plus") return plus;
    const std::vector<double> minus = relative_shift(m->second, cv);
    for (std::size_t i = 0; i < plus.size(); ++i)
      plus[i] = templates == "minus" ? -minus[i] : 0.5 * (plus[i] - minus[i]);
    return plus;
  };
  std::map<std::string, std::vector<double>> out;
  for (const char* k : {"cevns_f90", "cevns_ttrig_mean"}) out[k] = shape(k, t.at("cevns"));
  for (const char* k : {"brn_energy", "brn_ttrig_mean", "brn_ttrig_width"})
    out[k] = shape(k, t.at("prompt_brn"));
  return out;
}

}  // namespace

Experiment load_ar2020(const std::string& data_dir, const ArOptions& options) {
  ArOptions opt = ar_options(to_text(options));  // checks every value against the table
  opt.sigmas = options.sigmas;
  const Files files = ar_files(data_dir);
  resolve_ar_options(opt, io::load_ar_parameters(files["parameters"]));
  const std::map<std::string, std::vector<double>> t = ar_read_tables(files);

  ExperimentInputs in;
  in.name = "ar2020";
  in.energy_unit = "keVee";
  in.energy_edges = kArEnergyEdgesKeVee;
  in.time_edges = kArTimeEdgesUs;
  in.rate = std::make_shared<const BinnedRate>(ar_rate_config(opt, files));
  in.observed = t.at("data");
  in.backgrounds = {
      {"ss", t.at("ss")}, {"prompt_brn", t.at("prompt_brn")}, {"delayed_brn", t.at("delayed_brn")}};
  in.shape_systematics = ar_shape_systematics(t, opt.shape_templates);
  in.reference["cevns_sm"] = t.at("cevns");
  const auto& sh = in.shape_systematics;
  in.chi2 = std::make_shared<const ArChi2>(
      in.observed, t.at("ss"), t.at("prompt_brn"), t.at("delayed_brn"),
      std::array<std::vector<double>, ArChi2::n_cevns_shapes>{sh.at("cevns_f90"),
                                                              sh.at("cevns_ttrig_mean")},
      std::array<std::vector<double>, ArChi2::n_brn_shapes>{
          sh.at("brn_energy"), sh.at("brn_ttrig_mean"), sh.at("brn_ttrig_width")},
      opt.sigmas);
  in.nuisance_names = ArChi2::nuisance_names();
  in.settings = to_text(opt);
  in.data_files = files.hashes;
  in.data_file_roles = files.roles;
  return Experiment(std::move(in));
}

ArOptions::ArOptions() : sigmas(ar_normalisation_sigmas) {
  set_defaults("ar2020", *this, ar_rows());
}

ArOptions ar_options(const std::map<std::string, std::string>& text) {
  return from_text("ar2020", ar_rows(), text);
}

std::map<std::string, std::string> to_text(const ArOptions& o) { return as_text(o, ar_rows()); }

ExperimentDefinition detail::ar2020_definition() {
  ExperimentDefinition d;
  d.name = "ar2020";
  d.label = "Ar";
  d.description =
      "COHERENT CENNS-10 Ar 2020, Analysis A (PRL 126 (2021) 012002): 12 keVee x 10 time "
      "bins, eq. (7)-(9)";
  d.options = specs(ar_rows());
  d.nuisances = nuisance_rows(
      ArChi2::nuisance_names(), ar_normalisation_sigmas,
      {"CEvNS", "steady-state", "prompt beam-related neutron", "delayed beam-related neutron"},
      "eq. (7)", "eq. (9)");
  d.components = {"cevns", "ss", "prompt_brn", "delayed_brn"};
  d.auxiliary_measurements = {"ss"};
  d.recoil_max_keV = 160.0;
  d.load = [](const std::string& data_dir, const OptionText& options) {
    return load_ar2020(data_dir, ar_options(options));
  };
  return d;
}

}  // namespace cevns
