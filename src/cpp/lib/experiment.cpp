// COHERENT CsI 2021 and Ar 2020 experiments built from the data directory
// (the Python package wraps these loaders).
#include "cevns/experiment.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <numeric>
#include <stdexcept>

#include "cevns/constants.hpp"
#include "cevns/cross_section.hpp"
#include "cevns/flux.hpp"
#include "cevns/form_factor.hpp"
#include "cevns/release_io.hpp"
#include "cevns/response.hpp"
#include "cevns/sources.hpp"
#include "cevns/xenonnt.hpp"
#include "threads.hpp"

#ifdef CEVNS_HAVE_OPENMP
#include <omp.h>
#endif

namespace cevns {

namespace {

/// Index k of the bin [edges[k], edges[k+1]) holding x (-1 below the first edge).
long bin_index(const std::vector<double>& edges, double x) {
  return static_cast<long>(std::upper_bound(edges.begin(), edges.end(), x) - edges.begin()) - 1;
}

double sum(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

// The background shapes are histogrammed as differences of cumulative sums of
// the weights sorted by value: the order the frozen reference outputs
// (tests/reference/) were computed with. The CsI free-normalisation fit moves
// at the 1e-8 level with the last bits of the background templates, so this
// order is what reproduces them to 1e-9.

/// Sum of the weights w of the values a per bin [e_k, e_k+1) (the last bin
/// closed), as differences of cumulative sums of the weights sorted by value.
std::vector<double> weighted_histogram(const std::vector<double>& a, const std::vector<double>& w,
                                       const std::vector<double>& edges) {
  std::vector<std::size_t> order(a.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return a[x] < a[y]; });
  std::vector<double> sorted(a.size()), cum(a.size() + 1, 0.0);
  for (std::size_t i = 0; i < order.size(); ++i) {
    sorted[i] = a[order[i]];
    cum[i + 1] = cum[i] + w[order[i]];
  }
  // cumulative weight below each edge (up to and including the last one)
  std::vector<double> below(edges.size());
  for (std::size_t k = 0; k < edges.size(); ++k) {
    const auto it = (k + 1 < edges.size())
                        ? std::lower_bound(sorted.begin(), sorted.end(), edges[k])
                        : std::upper_bound(sorted.begin(), sorted.end(), edges[k]);
    below[k] = cum[static_cast<std::size_t>(it - sorted.begin())];
  }
  std::vector<double> out(edges.size() - 1);
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = below[k + 1] - below[k];
  return out;
}

/// Counts in [x_i, x_i+1) x [y_j, y_j+1) (right edges open, like the analysis cuts),
/// [nx * ny] row-major; `inside` is the number of events counted.
std::vector<double> histogram2d(const std::vector<double>& x, const std::vector<double>& y,
                                const std::vector<double>& xe, const std::vector<double>& ye,
                                long& inside) {
  const long nx = static_cast<long>(xe.size()) - 1, ny = static_cast<long>(ye.size()) - 1;
  std::vector<double> out(static_cast<std::size_t>(nx * ny), 0.0);
  inside = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const long ix = bin_index(xe, x[k]), iy = bin_index(ye, y[k]);
    if (ix < 0 || iy < 0 || ix >= nx || iy >= ny) continue;
    out[static_cast<std::size_t>(ix * ny + iy)] += 1.0;
    ++inside;
  }
  return out;
}

/// N(nuclei) = N_A M_det / M_molar (eq. 4).
double number_of_nuclei(double mass_kg, double molar_mass_g_per_mol) {
  return constants::N_A * mass_kg * 1e3 / molar_mass_g_per_mol;
}

/// Check + read every registered file of a loader; remember its hash.
struct Files {
  std::string data_dir;
  std::map<std::string, std::string> hashes;  // registered path -> sha256
  std::map<std::string, std::string> roles;   // key -> registered path
  std::map<std::string, std::string> paths;   // key -> verified absolute path
  Files(std::string dir, const std::vector<std::pair<std::string, std::string>>& files)
      : data_dir(std::move(dir)) {
    for (const auto& kv : files) {
      paths[kv.first] = verified_path(data_dir, kv.second);
      hashes[kv.second] = registry_entry(kv.second).sha256;
      roles[kv.first] = kv.second;
    }
  }
  const std::string& operator[](const std::string& key) const { return paths.at(key); }
};

// ---------------------------------------------------------------------------
// CsI 2021
// ---------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------
// Experiment
// ---------------------------------------------------------------------------
Experiment::Experiment(ExperimentInputs inputs) : in_(std::move(inputs)) {
  const auto fail = [this](const std::string& m) {
    throw std::invalid_argument("Experiment " + in_.name + ": " + m);
  };
  if (in_.energy_edges.size() < 2 || in_.time_edges.size() < 2) fail("needs >= 2 edges per axis");
  if (!in_.rate || !in_.chi2) fail("needs a rate engine and a chi2");
  const std::size_t n = n_bins();
  const std::size_t n_obs = in_.chi2->n_observed();  // n, unless the chi2 folds (XENONnT)
  if (in_.observed.size() != n_obs) fail("observed has the wrong number of bins");
  for (const auto& kv : in_.backgrounds)
    if (kv.second.size() != n_obs) fail("background " + kv.first + " has the wrong number of bins");
  if (in_.rate->n_energy() != n_energy() || in_.rate->n_time() != n_time())
    fail("the rate engine's bins differ from the edges");
  if (in_.chi2->n_bins() != n) fail("the chi2's number of bins differs from the edges");
}

const std::vector<double>& Experiment::background(const std::string& name) const {
  const auto it = in_.backgrounds.find(name);
  if (it == in_.backgrounds.end()) {
    std::string known;
    for (const auto& kv : in_.backgrounds) known += (known.empty() ? "" : ", ") + kv.first;
    throw std::invalid_argument(in_.name + ": no background named '" + name + "'; known: " + known);
  }
  return it->second;
}

std::vector<std::string> Experiment::background_names() const {
  std::vector<std::string> out;
  for (const auto& kv : in_.backgrounds) out.push_back(kv.first);
  return out;
}

std::vector<double> Experiment::predict(const Mediator& m, double coupling) const {
  if (!std::isfinite(coupling)) throw std::invalid_argument(in_.name + ": coupling must be finite");
  return in_.rate->predict(m, coupling);
}

Templates Experiment::templates(const Mediator& m) const { return in_.rate->templates(m); }

ProfileResult Experiment::profile(const std::vector<double>& prediction) const {
  if (prediction.size() != n_bins())
    throw std::invalid_argument(in_.name + ": the prediction has " +
                                std::to_string(prediction.size()) + " bins, expected " +
                                std::to_string(n_bins()) + " [energy * time]");
  return in_.chi2->profile(prediction.data());
}

double Experiment::chi2(const Mediator& m, double coupling) const {
  return profile(predict(m, coupling)).chi2;
}

// ---------------------------------------------------------------------------
// Loaders
// ---------------------------------------------------------------------------
Experiment load_csi2021(const std::string& data_dir, const CsiOptions& options) {
  CsiOptions s = csi_options(to_text(options));  // checks every value against the table
  s.sigmas = options.sigmas;
  const Files files(data_dir, {{"data_c", "csi2021/dataBeamOnC.txt"},
                               {"data_ac", "csi2021/dataBeamOnAC.txt"},
                               {"brn_pe", "csi2021/brnPE.txt"},
                               {"brn_t", "csi2021/brnTrec.txt"},
                               {"nin_pe", "csi2021/ninPE.txt"},
                               {"nin_t", "csi2021/ninTrec.txt"},
                               {"efficiency", "csi2021/effCoefficients.txt"},
                               {"quenching", "csi2021/scintRespCoefficients.txt"}});
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

  ExperimentInputs in;
  in.name = "csi2021";
  in.energy_unit = "PE";
  in.energy_edges = kCsiEnergyEdgesPE;
  in.time_edges = kCsiTimeEdgesUs;
  in.rate = std::make_shared<const BinnedRate>(std::move(cfg));

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
  CsiSsModel ss_model;
  if (s.ss_model == "measured") {
    // a steady-state rate is flat in time, seen through the same timing
    // efficiency eps_T(t) as every event (the AC time distribution follows it:
    // 60-250 PE, chi2 29 flat vs 15 with eps_T over 11 bins): weight of bin j =
    // its integral of eps_T(t) dt
    ss_model.kind = CsiSsModel::Kind::measured;
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
      ss_model.time_widths.push_back(eps_integral(kCsiTimeEdgesUs[j], kCsiTimeEdgesUs[j + 1]));
    ss_model.ac_exposure = s.ss_ac_exposure;
  }
  in.chi2 =
      std::make_shared<const CsiChi2>(in.observed, in.backgrounds["brn"], in.backgrounds["nin"],
                                      in.backgrounds["ss"], s.sigmas, ss_model);
  in.nuisance_names = CsiChi2::nuisance_names();
  in.settings = to_text(s);
  in.data_files = files.hashes;
  in.data_file_roles = files.roles;
  return Experiment(std::move(in));
}

Experiment load_ar2020(const std::string& data_dir, const ArOptions& options) {
  ArOptions opt = ar_options(to_text(options));  // checks every value against the table
  opt.sigmas = options.sigmas;
  const std::vector<std::pair<std::string, std::string>> tables{
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
  std::vector<std::pair<std::string, std::string>> all{
      {"parameters", "ar2020/LArParametersAnlA.yaml"},
      {"efficiency", "ar2020/CENNS10AnlAEfficiency.txt"}};
  all.insert(all.end(), tables.begin(), tables.end());
  const Files files(data_dir, all);

  const io::ArParameters par = io::load_ar_parameters(files["parameters"]);
  // unset options: from the exposure preset (paper: Sec. II) or from the release
  const bool paper = opt.exposure == "paper";
  const auto resolve = [](std::optional<double>& o, double value) {
    if (!o) o = value;
    return *o;
  };
  const double mass = resolve(opt.detector_mass_kg, paper ? 24.0 : par.fiducial_mass_kg);
  const double pot = resolve(opt.n_pot, paper ? 13.7e22 : par.exposure_pot);
  const double nu_per_pot = resolve(opt.nu_per_pot, par.nu_per_pot);
  const double baseline = resolve(opt.baseline_m, par.distance_m);
  const double qf_a = resolve(opt.qf_a, par.qf_a);
  const double qf_b = resolve(opt.qf_b_per_keVnr, par.qf_b);
  const double resolution_a = resolve(opt.resolution_a, par.resolution_a);
  BeamTiming timing;
  timing.pot_mean_us = resolve(opt.pot_mean_us, par.pot_trace_mean_ns * 1e-3);
  timing.pot_sigma_us = resolve(opt.pot_sigma_us, par.pot_trace_sigma_ns * 1e-3);

  const std::vector<double> energy_edges{0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120};
  const std::vector<double> time_edges{-0.1, 0.4, 0.9, 1.4, 1.9, 2.4, 2.9, 3.4, 3.9, 4.4, 4.9};

  const io::ArEfficiency eff = io::load_ar_efficiency(files["efficiency"]);
  RateConfig cfg;
  cfg.response = std::make_shared<ArgonResponse>(qf_a, qf_b, resolution_a,
                                                 EfficiencyTable{eff.kevee, eff.eff});
  cfg.targets = {Target{argon40(), number_of_nuclei(mass, opt.molar_mass_g_per_mol)}};
  cfg.components = pion_dar_source(
      {flux_normalisation(nu_per_pot, pot, baseline), timing, {}, time_edges, opt.time_convention});
  cfg.energy_edges = energy_edges;
  cfg.form_factor = form_factor_model_from_string(opt.form_factor);
  cfg.panels_per_segment = opt.panels_per_segment;

  std::map<std::string, std::vector<double>> t;
  for (const auto& kv : tables) {
    const io::ArTable table = io::load_ar_table(files[kv.first]);
    if (table.energy.size() + 1 != energy_edges.size() ||
        table.time.size() + 1 != time_edges.size())
      throw MalformedDataError(files[kv.first] + ": unexpected table shape");
    t[kv.first] = table.energy_time();
  }
  const auto relative_shift = [](const std::vector<double>& sys, const std::vector<double>& cv) {
    std::vector<double> out(cv.size(), 0.0);
    for (std::size_t i = 0; i < cv.size(); ++i)
      if (cv[i] > 0) out[i] = (sys[i] - cv[i]) / cv[i];
    return out;
  };

  ExperimentInputs in;
  in.name = "ar2020";
  in.energy_unit = "keVee";
  in.energy_edges = energy_edges;
  in.time_edges = time_edges;
  in.rate = std::make_shared<const BinnedRate>(std::move(cfg));
  in.observed = t["data"];
  in.backgrounds = {
      {"ss", t["ss"]}, {"prompt_brn", t["prompt_brn"]}, {"delayed_brn", t["delayed_brn"]}};
  // eq. (9) per source; with a +1σ and a -1σ PDF see ArOptions::shape_templates
  const auto shape = [&](const std::string& k, const std::vector<double>& cv) {
    std::vector<double> plus = relative_shift(t[k], cv);
    const auto m = t.find(k + "_minus");
    if (m == t.end() || opt.shape_templates == "plus") return plus;
    const std::vector<double> minus = relative_shift(m->second, cv);
    for (std::size_t i = 0; i < plus.size(); ++i)
      plus[i] = opt.shape_templates == "minus" ? -minus[i] : 0.5 * (plus[i] - minus[i]);
    return plus;
  };
  for (const char* k : {"cevns_f90", "cevns_ttrig_mean"})
    in.shape_systematics[k] = shape(k, t["cevns"]);
  for (const char* k : {"brn_energy", "brn_ttrig_mean", "brn_ttrig_width"})
    in.shape_systematics[k] = shape(k, t["prompt_brn"]);
  in.reference["cevns_sm"] = t["cevns"];
  const auto& sh = in.shape_systematics;
  in.chi2 = std::make_shared<const ArChi2>(
      in.observed, t["ss"], t["prompt_brn"], t["delayed_brn"],
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

Experiment load_experiment(const std::string& name, const std::string& data_dir,
                           const std::map<std::string, std::string>& options) {
  if (name == "csi2021") return load_csi2021(data_dir, csi_options(options));
  if (name == "ar2020") return load_ar2020(data_dir, ar_options(options));
  if (name == "xenonnt") return load_xenonnt(data_dir, {0, 1}, xenonnt_options(options));
  if (name == "xenonnt_sr0") return load_xenonnt(data_dir, {0}, xenonnt_options(options));
  if (name == "xenonnt_sr1") return load_xenonnt(data_dir, {1}, xenonnt_options(options));
  if (name == "xenonnt_sr2") return load_xenonnt(data_dir, {2}, xenonnt_options(options));
  option_table(name);  // throws OptionError naming the accepted experiments
  throw OptionError("unknown experiment '" + name + "'");
}

// ---------------------------------------------------------------------------
// Combinations
// ---------------------------------------------------------------------------
double chi2(const std::vector<const Experiment*>& experiments, const Mediator& m, double coupling) {
  if (experiments.empty()) throw std::invalid_argument("chi2: no experiments given");
  double total = 0.0;
  for (const Experiment* e : experiments) {
    if (e == nullptr) throw std::invalid_argument("chi2: null experiment pointer");
    total += e->chi2(m, coupling);
  }
  return total;
}

CombinedExperiments::CombinedExperiments(std::vector<Experiment> experiments)
    : experiments_(std::move(experiments)) {
  if (experiments_.empty()) throw std::invalid_argument("CombinedExperiments: no experiments");
}

double CombinedExperiments::chi2(const Mediator& m, double coupling) const {
  double total = 0.0;
  for (const auto& e : experiments_) total += e.chi2(m, coupling);
  return total;
}

std::vector<ProfileResult> CombinedExperiments::profile(const Mediator& m, double coupling) const {
  std::vector<ProfileResult> out;
  for (const auto& e : experiments_) out.push_back(e.profile(e.predict(m, coupling)));
  return out;
}

std::vector<Templates> CombinedExperiments::templates(const Mediator& m) const {
  std::vector<Templates> out;
  for (const auto& e : experiments_) out.push_back(e.templates(m));
  return out;
}

double CombinedExperiments::chi2(const std::vector<Templates>& templates, double coupling) const {
  if (templates.size() != experiments_.size())
    throw std::invalid_argument("CombinedExperiments::chi2: need one Templates per experiment");
  double total = 0.0;
  for (std::size_t k = 0; k < experiments_.size(); ++k)
    total += experiments_[k].profile(templates[k].evaluate(coupling)).chi2;
  return total;
}

std::vector<double> CombinedExperiments::chi2_many(const std::vector<ModelPoint>& points,
                                                   int n_threads) const {
  std::vector<double> out(points.size(), 0.0);
  std::exception_ptr error;
  const long n = static_cast<long>(points.size());
#ifdef CEVNS_HAVE_OPENMP
  const int threads = detail::resolve_threads(n_threads);
#pragma omp parallel for schedule(dynamic, 4) num_threads(threads)
#else
  (void)n_threads;
#endif
  for (long i = 0; i < n; ++i) {
    try {
      out[static_cast<std::size_t>(i)] = chi2(points[static_cast<std::size_t>(i)]);
    } catch (...) {
#ifdef CEVNS_HAVE_OPENMP
#pragma omp critical(cevns_chi2_many_error)
#endif
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
  return out;
}

}  // namespace cevns
