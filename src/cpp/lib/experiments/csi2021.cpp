// The definition of COHERENT CsI 2021 (analysis-inputs.md, "CsI detector
// model"): its option table, nuisances, loader and the names of its components.
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

/// The option table of CsI 2021 (analysis-inputs.md, "CsI detector model").
const std::vector<Row<CsiOptions>>& csi_rows() {
  using O = CsiOptions;
  static const std::vector<Row<O>> rows{
      {number("detector_mass_kg", "14.6", 0, 1e6, "kg", "CsI mass"), &O::detector_mass_kg},
      {number("molar_mass_g_per_mol", "259.8", 0, 1e4, "g/mol", "CsI molar mass"),
       &O::molar_mass_g_per_mol},
      {number("nu_per_pot", "0.0848", 0, 10, "", "neutrinos per flavour per proton on target"),
       &O::nu_per_pot},
      {number("n_pot", "3.198e23", 0, 1e30, "", "protons on target"), &O::n_pot},
      {number("baseline_m", "19.3", 0, 1e6, "m", "distance from the target"), &O::baseline_m},
      {number("light_yield_pe_per_keVee", "13.35", 0, 1e4, "PE/keVee",
              "light yield: mean PE = LY E_ee (the release's gamma a = 1/(LY E_ee))"),
       &O::light_yield_pe_per_keVee},
      {number("resolution_b", "9.56", 0, 1e4, "1/keVee",
              "gamma resolution: relative width 1/sqrt(1 + b E_ee)", false),
       &O::resolution_b},
      {choice("quenching", "nominal",
              {"nominal", "syst0_plus", "syst0_minus", "syst1_plus", "syst1_minus"},
              "row of the release's scintRespCoefficients.txt"),
       &O::quenching},
      {choice("efficiency", "nominal", {"nominal", "plus", "minus"},
              "row of the release's effCoefficients.txt"),
       &O::efficiency},
      {number("pot_mean_us", "0.440", -10, 10, "us", "POT trace mean", false), &O::pot_mean_us},
      {number("pot_sigma_us", "0.150", 0, 10, "us", "POT trace width"), &O::pot_sigma_us},
      {choice("timing_efficiency", "exponential", {"exponential", "2017", "none"},
              "eps_T(t): 1 before 0.52 us, exp(-0.0494/us (t - 0.52 us)) after "
              "(\"2017\" names the same curve), or none"),
       &O::timing_efficiency},
      {time_convention("window"), &O::time_convention},
      {choice("form_factor", "helm", kFormFactors, kFormFactorDoc), &O::form_factor},
      {number("brn_events", "18.4", 0, 1e6, "", "BRN events in the analysis region", false),
       &O::brn_events},
      {number("nin_events", "5.6", 0, 1e6, "", "NIN events in the analysis region", false),
       &O::nin_events},
      {integer("panels_per_segment", "12", 1, 1000, kPanelsDoc), &O::panels_per_segment},
      {choice("ss_model", "measured", {"paper", "measured"},
              "steady-state background: paper = eq. (6), the AC histogram as the template "
              "with a 2.1% normalisation; measured = the AC counts as a Poisson measurement "
              "in a joint likelihood, flat in time (times the timing efficiency), one rate per PE "
              "row (docs/statistics.md)"),
       &O::ss_model},
      {number("ss_ac_exposure", "1", 0, 1e3, "",
              "measured SS model: exposure of the AC window relative to the C window (the "
              "release's AC window has the C livetime; C/AC = 0.991 +- 0.024 at 60-250 PE)"),
       &O::ss_ac_exposure},
  };
  return rows;
}

const std::vector<double> kCsiEnergyEdgesPE{0, 8, 12, 16, 20, 24, 32, 40, 50, 60};
const std::vector<double> kCsiTimeEdgesUs{0,    0.125, 0.25, 0.375, 0.5, 0.625,
                                          0.75, 0.875, 1,    2,     4,   6};

/// A background factorised in PE x time from its 1-D shapes, normalised to
/// `total` events inside the analysis region.
std::vector<double> csi_shape_template(const std::string& pe_path, const std::string& t_path,
                                       const std::string& pe_name, const std::string& t_name,
                                       double total) {
  const io::Shape1D pe = io::load_csi_shape(pe_path);
  const io::Shape1D t = io::load_csi_shape(t_path);
  const auto pe_h = weighted_histogram(pe.centres, pe.values, kCsiEnergyEdgesPE);
  const auto t_h = weighted_histogram(t.centres, t.values, kCsiTimeEdgesUs);
  const double spe = sum(pe_h), st = sum(t_h);
  if (!(spe > 0) || !(st > 0))
    throw MalformedDataError(pe_name + "/" + t_name + ": no weight inside the analysis region");
  std::vector<double> out(pe_h.size() * t_h.size());
  for (std::size_t i = 0; i < pe_h.size(); ++i)
    for (std::size_t j = 0; j < t_h.size(); ++j)
      out[i * t_h.size() + j] = total * ((pe_h[i] / spe) * (t_h[j] / st));
  return out;
}

}  // namespace

namespace {

/// The registered files of the CsI release, hash-checked.
Files csi_files(const std::string& data_dir) {
  return Files(data_dir, {{"data_c", "csi2021/dataBeamOnC.txt"},
                          {"data_ac", "csi2021/dataBeamOnAC.txt"},
                          {"brn_pe", "csi2021/brnPE.txt"},
                          {"brn_t", "csi2021/brnTrec.txt"},
                          {"nin_pe", "csi2021/ninPE.txt"},
                          {"nin_t", "csi2021/ninTrec.txt"},
                          {"efficiency", "csi2021/effCoefficients.txt"},
                          {"quenching", "csi2021/scintRespCoefficients.txt"}});
}

/// The rate engine's inputs (eq. 4): response, targets, pi-DAR flux, bins.
RateConfig csi_rate_config(const CsiOptions& s, const Files& files) {
  const auto qf = io::load_csi_coefficients(files["quenching"]);
  const auto eff = io::load_csi_coefficients(files["efficiency"]);
  RateConfig cfg;
  cfg.response = std::make_shared<CsIResponse>(qf.at(s.quenching), s.light_yield_pe_per_keVee,
                                               s.resolution_b, eff.at(s.efficiency));
  const double n_pairs = number_of_nuclei(s.detector_mass_kg, s.molar_mass_g_per_mol);
  cfg.targets = {Target{cesium133(), n_pairs}, Target{iodine127(), n_pairs}};
  BeamTiming timing;
  timing.pot_mean_us = s.pot_mean_us;
  timing.pot_sigma_us = s.pot_sigma_us;
  const TimingEfficiency teff =
      s.timing_efficiency == "none" ? TimingEfficiency{0.0, 0.0} : TimingEfficiency{0.52, 0.0494};
  cfg.components = pion_dar_source({flux_normalisation(s.nu_per_pot, s.n_pot, s.baseline_m), timing,
                                    teff, kCsiTimeEdgesUs, s.time_convention});
  cfg.energy_edges = kCsiEnergyEdgesPE;
  cfg.form_factor = form_factor_model_from_string(s.form_factor);
  cfg.panels_per_segment = s.panels_per_segment;
  return cfg;
}

/// The observed counts (beam-on, coincidence window), the steady-state histogram
/// (anti-coincidence window) and the BRN and NIN templates, with the events
/// outside the analysis region counted.
void csi_counts(const CsiOptions& s, const Files& files, ExperimentInputs& in) {
  const io::Events c = io::load_csi_events(files["data_c"]);
  const io::Events ac = io::load_csi_events(files["data_ac"]);
  long inside_c = 0, inside_ac = 0;
  in.observed = histogram2d(c.energy_pe, c.time_us, kCsiEnergyEdgesPE, kCsiTimeEdgesUs, inside_c);
  auto ss = histogram2d(ac.energy_pe, ac.time_us, kCsiEnergyEdgesPE, kCsiTimeEdgesUs, inside_ac);
  in.backgrounds["brn"] = csi_shape_template(files["brn_pe"], files["brn_t"], "csi2021/brnPE.txt",
                                             "csi2021/brnTrec.txt", s.brn_events);
  in.backgrounds["nin"] = csi_shape_template(files["nin_pe"], files["nin_t"], "csi2021/ninPE.txt",
                                             "csi2021/ninTrec.txt", s.nin_events);
  in.backgrounds["ss"] = std::move(ss);
  in.ignored_events = {
      IgnoredEvents{"csi2021/dataBeamOnC.txt", static_cast<long>(c.energy_pe.size()), inside_c},
      IgnoredEvents{"csi2021/dataBeamOnAC.txt", static_cast<long>(ac.energy_pe.size()), inside_ac}};
}

/// The steady-state model of the chi2 (option ss_model): `measured` weights each time
/// bin by its integral of the timing efficiency (a steady-state rate is flat in time,
/// seen through the same eps_T(t) as every event: the AC time distribution follows it,
/// 60-250 PE chi2 29 flat vs 15 with eps_T over 11 bins).
CsiSsModel csi_ss_model(const CsiOptions& s) {
  CsiSsModel model;
  if (s.ss_model != "measured") return model;
  model.kind = CsiSsModel::Kind::measured;
  const TimingEfficiency teff =
      s.timing_efficiency == "none" ? TimingEfficiency{0.0, 0.0} : TimingEfficiency{0.52, 0.0494};
  const auto eps_integral = [&teff](double a, double b) {
    const double t0 = teff.t0_us, k = teff.rate_per_us;
    if (k == 0.0) return b - a;
    double w = a < t0 ? std::min(b, t0) - a : 0.0;
    if (b > t0) {
      const double lo = std::max(a, t0);
      w += (std::exp(-k * (lo - t0)) - std::exp(-k * (b - t0))) / k;
    }
    return w;
  };
  for (std::size_t j = 0; j + 1 < kCsiTimeEdgesUs.size(); ++j)
    model.time_widths.push_back(eps_integral(kCsiTimeEdgesUs[j], kCsiTimeEdgesUs[j + 1]));
  model.ac_exposure = s.ss_ac_exposure;
  return model;
}

}  // namespace

Experiment load_csi2021(const std::string& data_dir, const CsiOptions& options) {
  CsiOptions s = csi_options(to_text(options));  // checks every value against the table
  s.sigmas = options.sigmas;
  const Files files = csi_files(data_dir);

  ExperimentInputs in;
  in.name = "csi2021";
  in.energy_unit = "PE";
  in.energy_edges = kCsiEnergyEdgesPE;
  in.time_edges = kCsiTimeEdgesUs;
  in.rate = std::make_shared<const BinnedRate>(csi_rate_config(s, files));
  csi_counts(s, files, in);
  in.chi2 =
      std::make_shared<const CsiChi2>(in.observed, in.backgrounds["brn"], in.backgrounds["nin"],
                                      in.backgrounds["ss"], s.sigmas, csi_ss_model(s));
  in.nuisance_names = CsiChi2::nuisance_names();
  in.settings = to_text(s);
  in.data_files = files.hashes;
  in.data_file_roles = files.roles;
  return Experiment(std::move(in));
}

CsiOptions::CsiOptions() : sigmas(csi_normalisation_sigmas) {
  set_defaults("csi2021", *this, csi_rows());
}

CsiOptions csi_options(const std::map<std::string, std::string>& text) {
  return from_text("csi2021", csi_rows(), text);
}

std::map<std::string, std::string> to_text(const CsiOptions& o) { return as_text(o, csi_rows()); }

ExperimentDefinition detail::csi2021_definition() {
  ExperimentDefinition d;
  d.name = "csi2021";
  d.label = "CsI";
  d.description = "COHERENT CsI[Na] 2021 (PRL 129 (2022) 081801): 9 PE x 11 time bins, eq. (6)";
  d.options = specs(csi_rows());
  d.nuisances = nuisance_rows(
      CsiChi2::nuisance_names(), csi_normalisation_sigmas,
      {"CEvNS", "beam-related neutron", "neutrino-induced neutron", "steady-state"}, "eq. (6)", "");
  d.components = {"cevns", "brn", "nin", "ss"};
  d.auxiliary_measurements = {"ss"};
  d.recoil_max_keV = 50.0;
  d.load = [](const std::string& data_dir, const OptionText& options) {
    return load_csi2021(data_dir, csi_options(options));
  };
  return d;
}

}  // namespace cevns
