#pragma once
/// \file experiment.hpp
/// A data set ready for predictions and fits, built from the data directory
/// without Python: bins, observed counts, backgrounds, the binned rate engine
/// (eq. 4) and the profiled chi2 (CsI eq. 6, Ar eq. 7-9, ...), and the registry
/// of experiment definitions that build them.
///
/// Every experiment is one ExperimentDefinition (name, option table, nuisance
/// table, loader, component and auxiliary-measurement names), written in one
/// file, src/cpp/lib/experiments/<name>.cpp, and registered once; every lookup
/// by experiment name (options, nuisances, loading, labels) goes through the
/// registry: experiment_definition(name). Data sets are `+`-joined lists of
/// registered names ("csi2021+ar2020"; the alias "combined" is that list).
/// Every file read is first checked against the data registry (existence and
/// SHA-256, cevns/data.hpp); problems throw cevns::DataError subclasses whose
/// message names the file and the data directory.
///
/// Conventions: bins are flattened row-major [energy][time]; energies in PE
/// (CsI) or keVee (Ar), times in microseconds; predictions are events per bin;
/// "chi2" is -2 ln L up to a model-independent constant, minimised over the
/// nuisances. An Experiment is immutable after construction: every const
/// method is thread-safe, and copies share the (immutable) rate and chi2.
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cevns/chi2.hpp"
#include "cevns/data.hpp"
#include "cevns/mediator.hpp"
#include "cevns/options.hpp"
#include "cevns/rate.hpp"

namespace cevns {

/// Events of a data file that lie outside the analysis region (counted, not silently dropped).
struct IgnoredEvents {
  std::string file;  ///< registered path
  long total = 0;    ///< events in the file
  long inside = 0;   ///< events inside the analysis region
  long outside() const { return total - inside; }
};

/// Everything an Experiment holds; the loaders fill it, users may build their own.
struct ExperimentInputs {
  std::string name;                              ///< "csi2021", "ar2020" or a user name
  std::string energy_unit;                       ///< "PE" or "keVee"
  std::vector<double> energy_edges, time_edges;  ///< bin edges [energy unit], [us]
  /// Observed counts: [n_energy * n_time], or chi2->n_observed() analysis bins when
  /// the chi2 folds the prediction into other bins.
  std::vector<double> observed;
  std::map<std::string, std::vector<double>> backgrounds;  ///< by name, same layout as observed
  std::map<std::string, std::vector<double>> shape_systematics;  ///< eq. (9) fractions (Ar)
  std::map<std::string, std::vector<double>> reference;          ///< e.g. the released SM pdf
  std::shared_ptr<const BinnedRate> rate;
  std::shared_ptr<const BinnedChi2> chi2;
  std::vector<std::string> nuisance_names;
  /// Every option of the option table, resolved, as canonical text (provenance).
  std::map<std::string, std::string> settings;
  std::map<std::string, std::string> data_files;       ///< registered path -> sha256 read
  std::map<std::string, std::string> data_file_roles;  ///< role (e.g. "brn_pe") -> registered path
  std::vector<IgnoredEvents> ignored_events;
};

class Experiment {
 public:
  /// \throws std::invalid_argument if the arrays do not match the bins or rate/chi2 are missing
  explicit Experiment(ExperimentInputs inputs);

  const std::string& name() const { return in_.name; }
  const std::string& energy_unit() const { return in_.energy_unit; }
  /// Reconstructed-energy bin edges (PE for CsI, keVee for Ar).
  const std::vector<double>& energy_edges() const { return in_.energy_edges; }
  /// Time bin edges [us].
  const std::vector<double>& time_edges() const { return in_.time_edges; }
  std::size_t n_energy() const { return in_.energy_edges.size() - 1; }
  std::size_t n_time() const { return in_.time_edges.size() - 1; }
  std::size_t n_bins() const { return n_energy() * n_time(); }
  /// Observed counts N_exp [n_energy * n_time].
  const std::vector<double>& observed() const { return in_.observed; }
  /// Background predictions by name (CsI: brn, nin, ss; Ar: ss, prompt_brn, delayed_brn).
  const std::map<std::string, std::vector<double>>& backgrounds() const { return in_.backgrounds; }
  /// One background by name. \throws std::invalid_argument naming the known ones
  const std::vector<double>& background(const std::string& name) const;
  std::vector<std::string> background_names() const;
  /// Shape-systematic fractions (N_sys - N_CV)/N_CV of eq. (9) (Ar; empty for CsI).
  const std::map<std::string, std::vector<double>>& shape_systematics() const {
    return in_.shape_systematics;
  }
  const std::map<std::string, std::vector<double>>& reference() const { return in_.reference; }
  /// Every option used to build the experiment, resolved (unset options filled
  /// from the release or preset), as canonical text keyed by option_table() names.
  const std::map<std::string, std::string>& settings() const { return in_.settings; }
  /// Registered path -> SHA-256 of every data file read.
  const std::map<std::string, std::string>& data_files() const { return in_.data_files; }
  /// The role of every data file read (e.g. "data_c", "brn_pe") -> its registered path.
  const std::map<std::string, std::string>& data_file_roles() const { return in_.data_file_roles; }
  const std::vector<IgnoredEvents>& ignored_events() const { return in_.ignored_events; }
  /// Nuisance names in the order of ProfileResult::nuisances.
  const std::vector<std::string>& nuisance_names() const { return in_.nuisance_names; }

  /// The rate engine (response matrices built once).
  const BinnedRate& rate() const { return *in_.rate; }
  /// The profiled chi2 of this data set.
  const BinnedChi2& chi2() const { return *in_.chi2; }
  /// The same chi2, shared (for objects that may outlive this Experiment).
  std::shared_ptr<const BinnedChi2> chi2_ptr() const { return in_.chi2; }

  /// Binned CEvNS prediction (eq. 4) [n_energy * n_time] for a mediator and coupling g
  /// (g~_phi for the scalar); the Standard Model is Mediator::standard_model() (g ignored).
  std::vector<double> predict(const Mediator& m, double coupling) const;
  /// Templates at the mediator's mass: prediction = n0 + g^2 n1 + g^4 n2.
  Templates templates(const Mediator& m) const;
  /// chi2 with every nuisance profiled for a CEvNS prediction (n_bins values).
  /// \throws std::invalid_argument on a wrong size, negative or non-finite entries
  ProfileResult profile(const std::vector<double>& prediction) const;
  /// Profiled chi2 of one model point: profile(predict(m, g)).chi2.
  double chi2(const Mediator& m, double coupling) const;

 private:
  ExperimentInputs in_;
};

/// Build the COHERENT CsI 2021 experiment from data_dir (holding csi2021/).
/// \throws MissingDataError, HashMismatchError, MalformedDataError (naming the file)
/// \throws std::invalid_argument on unknown option values
Experiment load_csi2021(const std::string& data_dir, const CsiOptions& options = {});

/// Build the COHERENT CENNS-10 Ar 2020 (Analysis A) experiment from data_dir (holding ar2020/).
/// \throws MissingDataError, HashMismatchError, MalformedDataError (naming the file)
/// \throws std::invalid_argument on unknown option values
Experiment load_ar2020(const std::string& data_dir, const ArOptions& options = {});

// ---------------------------------------------------------------------------
// The registry of experiment definitions
// ---------------------------------------------------------------------------

/// Options of one experiment as text, keyed by its option table's names.
using OptionText = std::map<std::string, std::string>;

/// Everything the core knows about one experiment, defined once (in
/// src/cpp/lib/experiments/<name>.cpp for the built-in ones).
struct ExperimentDefinition {
  /// Registry key: lower-case letters, digits and '_' (no '+', which joins data sets).
  std::string name;
  std::string label;        ///< short label of tables and legends, e.g. "CsI"
  std::string description;  ///< one line, e.g. "COHERENT CsI[Na] 2021 (PRL 129 (2022) 081801)"
  std::vector<OptionSpec> options;      ///< the option table (cevns/options.hpp)
  std::vector<NuisanceSpec> nuisances;  ///< in the order of ProfileResult::nuisances
  /// Names of the components of its expected counts, BinnedChi2::components ("cevns" first).
  std::vector<std::string> components;
  /// Names of the measurements toys fluctuate besides the counts
  /// (BinnedChi2::auxiliary_measurements), e.g. {"ss"}.
  std::vector<std::string> auxiliary_measurements;
  /// Largest recoil energy [keV] worth showing in a spectrum of its detector (figures).
  double recoil_max_keV = 0.0;
  /// Builds the experiment from data_dir with the given options (text keyed by
  /// `options`; unknown names and bad values throw OptionError). Must fill
  /// ExperimentInputs::name with `name` and ::nuisance_names with `nuisances`.
  std::function<Experiment(const std::string& data_dir, const OptionText& options)> load;
};

/// Add a definition to the registry (thread-safe; the built-in experiments are
/// registered before the first lookup).
/// \throws std::invalid_argument on a malformed or empty name, a name already
///         registered, no loader, or an option or nuisance table with repeated names
void register_experiment(ExperimentDefinition definition);

/// The definition of a registered experiment. References stay valid for the
/// life of the program.
/// \throws OptionError on an unknown name, naming the registered ones
const ExperimentDefinition& experiment_definition(const std::string& name);

/// The registered experiments of a data set: a registered name, a `+`-joined
/// list of them ("csi2021+ar2020") or the alias "combined" (= "csi2021+ar2020").
/// \throws OptionError on an empty or unknown name or a name given twice
std::vector<std::string> dataset_members(const std::string& dataset);

/// Build a registered experiment by name, with options given as text keyed by
/// its option table (cevns/options.hpp), e.g. {{"timing_efficiency", "none"}}
/// or {{"shape_templates", "plus"}}.
/// \throws OptionError on an unknown experiment, option or value (naming what
///         is accepted); the DataError subclasses as the loaders
Experiment load_experiment(const std::string& name, const std::string& data_dir,
                           const OptionText& options = {});

/// Build every experiment of a data set (dataset_members), in order, with the
/// options of each keyed by its name (absent: defaults).
/// \throws OptionError on an unknown data set, or options for an experiment
///         that is not a member; as load_experiment otherwise
std::vector<Experiment> load_experiments(const std::string& dataset, const std::string& data_dir,
                                         const std::map<std::string, OptionText>& options = {});

/// A point of a model's parameter space.
struct ModelPoint {
  Mediator mediator;      ///< kind, charges and mass [MeV]
  double coupling = 0.0;  ///< g (g~_phi for the scalar)
};

/// Sum of the profiled chi2 of several experiments at one model point (each
/// data set with its own nuisances), in the order given.
/// \throws std::invalid_argument on a null pointer or an empty list
double chi2(const std::vector<const Experiment*>& experiments, const Mediator& m, double coupling);

/// Independent data sets combined: chi2 = sum of the profiled chi2 of each,
/// evaluated at model points. (Not to be confused with the Python
/// cevns.likelihood.CombinedLikelihood, which sums the likelihoods of given
/// predictions; the C++ alias CombinedLikelihood of this class was removed in 0.7.0.)
class CombinedExperiments {
 public:
  /// \throws std::invalid_argument if experiments is empty
  explicit CombinedExperiments(std::vector<Experiment> experiments);

  const std::vector<Experiment>& experiments() const { return experiments_; }

  /// Sum of profiled chi2 at one model point (predictions from the full rate).
  double chi2(const Mediator& m, double coupling) const;
  double chi2(const ModelPoint& p) const { return chi2(p.mediator, p.coupling); }
  /// Per-experiment profiles at one model point.
  std::vector<ProfileResult> profile(const Mediator& m, double coupling) const;

  /// Templates of every experiment at the mediator's mass (the fast path for
  /// scans at fixed mass).
  std::vector<Templates> templates(const Mediator& m) const;
  /// Sum of profiled chi2 from precomputed templates (one per experiment) at coupling g.
  double chi2(const std::vector<Templates>& templates, double coupling) const;

  /// chi2 of many model points, in parallel (OpenMP) with n_threads threads
  /// (<= 0: the OpenMP default). Every point is computed independently, so the
  /// result does not depend on the number of threads.
  std::vector<double> chi2_many(const std::vector<ModelPoint>& points, int n_threads = 0) const;

 private:
  std::vector<Experiment> experiments_;
};

}  // namespace cevns
