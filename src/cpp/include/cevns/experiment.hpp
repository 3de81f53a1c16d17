#pragma once
/// \file experiment.hpp
/// A COHERENT data set ready for predictions and fits, built from the data
/// directory without Python: bins, observed counts, backgrounds, the binned
/// rate engine (eq. 4) and the profiled chi2 (CsI eq. 6, Ar eq. 7-9).
///
/// load_csi2021() and load_ar2020() are the only builders of the COHERENT
/// experiments: the Python package's cevns.experiment() wraps them. Their
/// options are defined once, in the option tables of cevns/options.hpp.
/// Every file read is first checked against the registry (existence and
/// SHA-256, cevns/data.hpp); problems throw cevns::DataError subclasses whose
/// message names the file and the data directory.
///
/// Conventions: bins are flattened row-major [energy][time]; energies in PE
/// (CsI) or keVee (Ar), times in microseconds; predictions are events per bin;
/// "chi2" is -2 ln L up to a model-independent constant, minimised over the
/// nuisances. An Experiment is immutable after construction: every const
/// method is thread-safe, and copies share the (immutable) rate and chi2.
#include <array>
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
  std::string name;                                        ///< "csi2021", "ar2020" or a user name
  std::string energy_unit;                                 ///< "PE" or "keVee"
  std::vector<double> energy_edges, time_edges;            ///< bin edges [energy unit], [us]
  std::vector<double> observed;                            ///< [n_energy * n_time]
  std::map<std::string, std::vector<double>> backgrounds;  ///< by name, same layout
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

/// The XENONnT solar 8B experiment (xenonnt.hpp) of some science runs from data_dir
/// (holding xenonnt/ with the converted templates, and solar/): the rate's "bins"
/// are the template energies (node inputs, events per t yr), the chi2 XenonChi2
/// folds them into the 81 observed bins per run. Names: xenonnt (SR0+SR1, the
/// published analysis), xenonnt_sr0, xenonnt_sr1, xenonnt_sr2 (not yet validated
/// against a publication; its AC uncertainty is taken from SR1).
/// \throws MissingDataError, HashMismatchError, MalformedDataError (naming the file)
Experiment load_xenonnt(const std::string& data_dir, const std::vector<int>& runs,
                        const XenonntOptions& options = {});

/// load_csi2021 or load_ar2020 by name (experiment_names()), with options
/// given as text keyed by the option table (cevns/options.hpp), e.g.
/// {{"timing_efficiency", "none"}} or {{"shape_templates", "plus"}}.
/// \throws OptionError on an unknown experiment, option or value (naming what
///         is accepted); the DataError subclasses as the loaders
Experiment load_experiment(const std::string& name, const std::string& data_dir,
                           const std::map<std::string, std::string>& options = {});

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
/// evaluated at model points (the Python cevns.likelihood.CombinedLikelihood
/// instead sums likelihoods of given predictions).
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

/// The former name of CombinedExperiments.
using CombinedLikelihood [[deprecated("renamed cevns::CombinedExperiments")]] = CombinedExperiments;

}  // namespace cevns
