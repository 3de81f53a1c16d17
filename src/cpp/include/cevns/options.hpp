#pragma once
/// \file options.hpp
/// The detector options of every experiment, defined once: one table per
/// experiment (name, type, default, accepted values or range, unit, one-line
/// doc), held by the experiment's definition (ExperimentDefinition::options,
/// cevns/experiment.hpp; written in src/cpp/lib/experiments/<name>.cpp).
/// load_experiment() parses text options with it (OptionValues), the C facade's
/// option string goes through it, and the Python package derives its DEFAULTS
/// and its --set checks from it (cevns.experiments.option_table). The option
/// structs CsiOptions / ArOptions are typed views of the two COHERENT tables.
///
/// Every option an experiment reports in its settings is in its table, so every
/// reported setting can be set.
#include <array>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cevns/nuisances.hpp"

namespace cevns {

/// What values an option accepts.
enum class OptionType {
  Number,   ///< a finite real number in [min, max] (or (min, max] when min_exclusive)
  Integer,  ///< an integer in [min, max]
  Choice    ///< one of `choices`
};
std::string to_string(OptionType type);

/// One row of an experiment's option table.
struct OptionSpec {
  std::string name;
  OptionType type = OptionType::Number;
  /// Default as text; empty when the default is resolved at load time (from the
  /// release files or a preset, as `doc` says).
  std::string default_value;
  std::vector<std::string> choices;  ///< Choice: the accepted values
  double min = 0.0;                  ///< Number / Integer: lower end of the range
  double max = 0.0;                  ///< Number / Integer: upper end of the range
  bool min_exclusive = false;        ///< the range is (min, max] rather than [min, max]
  std::string unit;                  ///< e.g. "kg", "us"; empty when dimensionless
  std::string doc;                   ///< one line
  /// What the option accepts, in words ("a number in (0, 1e+06] kg", "one of: a, b").
  std::string accepted() const;
};

/// An option name or value that the experiment does not accept. The message
/// names the experiment, the option, the value and what is accepted.
class OptionError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Names of the registered experiments, in the order they were registered (the
/// built-in ones first: "csi2021", "ar2020"; see cevns/experiment.hpp).
std::vector<std::string> experiment_names();

/// The option table of a registered experiment (experiment_definition(name).options).
/// \throws OptionError on an unknown experiment, naming the accepted ones
const std::vector<OptionSpec>& option_table(const std::string& experiment);

/// Check one option value given as text against its row; returns its canonical text
/// (numbers in the shortest form that reads back exactly, integers without a decimal
/// point, choices as given).
/// \throws OptionError naming experiment, option, value and what is accepted
std::string check_option(const std::string& experiment, const OptionSpec& spec,
                         const std::string& value);

/// check_option against the table of a registered experiment.
/// \throws OptionError naming experiment, option, value and what is accepted
std::string check_option(const std::string& experiment, const std::string& name,
                         const std::string& value);

/// The options of one experiment resolved from text: every row of its table at its
/// default, overridden by the given values (each checked). What a loader reads its
/// options from, by name, without an options struct of its own.
class OptionValues {
 public:
  /// \throws OptionError on an option that is not in `table` or a value it does not accept
  OptionValues(std::string experiment, const std::vector<OptionSpec>& table,
               const std::map<std::string, std::string>& text);
  /// True when the option is set or has a default (false: resolved by the loader).
  bool has(const std::string& name) const { return text_.count(name) > 0; }
  /// A Number option. \throws OptionError when it is unset or not a number
  double number(const std::string& name) const;
  /// An Integer option. \throws OptionError when it is unset or not an integer
  int integer(const std::string& name) const;
  /// A Choice option. \throws OptionError when it is unset or not a choice
  const std::string& choice(const std::string& name) const;
  /// Every set option as canonical text (the experiment's settings).
  const std::map<std::string, std::string>& text() const { return text_; }

 private:
  std::string experiment_;
  std::map<std::string, OptionSpec> specs_;
  std::map<std::string, std::string> text_;
  const std::string& get(const std::string& name, OptionType type) const;
};

/// Options of the CsI 2021 detector model; defaults from option_table("csi2021").
struct CsiOptions {
  CsiOptions();                     ///< every field at its table default
  double detector_mass_kg;          ///< CsI mass [kg]
  double molar_mass_g_per_mol;      ///< CsI molar mass [g/mol]
  double nu_per_pot;                ///< neutrinos per flavour per POT
  double n_pot;                     ///< protons on target
  double baseline_m;                ///< distance to the target [m]
  double light_yield_pe_per_keVee;  ///< light yield [PE/keVee]: mean PE = LY E_ee
  double resolution_b;              ///< gamma resolution b' = r_b E_ee
  std::string quenching;            ///< row of scintRespCoefficients.txt
  std::string efficiency;           ///< row of effCoefficients.txt
  double pot_mean_us;               ///< POT trace mean [us]
  double pot_sigma_us;              ///< POT trace width [us]
  std::string timing_efficiency;    ///< eps_T(t): "exponential" (alias "2017") or "none"
  std::string time_convention;      ///< "window" or "all"
  std::string form_factor;          ///< "helm", "symmetrized_fermi", "klein_nystrand"
  double brn_events;                ///< BRN events in the analysis region
  double nin_events;                ///< NIN events in the analysis region
  int panels_per_segment;           ///< Gauss-Legendre panels per segment
  std::string ss_model;             ///< SS background: "paper" (eq. 6) or "measured" (CsiSsModel)
  double ss_ac_exposure;            ///< measured SS model: AC exposure / C exposure
  /// eq. (6) normalisation uncertainties: CEvNS, BRN, NIN, SS (nuisance_table("csi2021"))
  std::array<double, 4> sigmas;
};

/// Options of the Ar 2020 detector model; defaults from option_table("ar2020").
/// Unset optionals are resolved at load time from the exposure preset or from
/// LArParametersAnlA.yaml.
struct ArOptions {
  ArOptions();                             ///< every field at its table default
  std::string exposure;                    ///< "paper" (24 kg, 13.7e22 POT) or "release"
  std::optional<double> detector_mass_kg;  ///< [kg]
  double molar_mass_g_per_mol;             ///< [g/mol]
  std::optional<double> n_pot;             ///< POT
  std::optional<double> nu_per_pot;        ///< neutrinos per flavour per POT
  std::optional<double> baseline_m;        ///< [m]
  std::optional<double> qf_a;              ///< quenching QF = a + b T[keVnr]
  std::optional<double> qf_b_per_keVnr;    ///< [1/keVnr]
  std::optional<double> resolution_a;      ///< sigma/E = a / sqrt(E[keVee]) [keVee^1/2]
  std::optional<double> pot_mean_us;       ///< POT trace mean [us]
  std::optional<double> pot_sigma_us;      ///< POT trace width [us]
  std::string time_convention;             ///< "all" or "window"
  std::string form_factor;                 ///< as CsiOptions::form_factor
  int panels_per_segment;                  ///< Gauss-Legendre panels per segment
  /// eq. (9) where the release has a +1σ and a -1σ PDF: "symmetric", "plus", "minus"
  std::string shape_templates;
  /// eq. (7) normalisation uncertainties: CEvNS, SS, prompt BRN, delayed BRN
  std::array<double, 4> sigmas;
};

/// Options of the XENONnT solar 8B experiments (xenonnt, xenonnt_sr0/1/2);
/// defaults from option_table("xenonnt").
struct XenonntOptions {
  XenonntOptions();             ///< every field at its table default
  std::string flux_constraint;  ///< "sno" (+-3.81 %) or "free" (the measurement)
  double b8_flux;               ///< total 8B flux of the prediction [cm^-2 s^-1]
  std::string solar_model;      ///< B16 production profile: "gs98" or "agss09"
  std::string hep;              ///< "off" (8B only, as the analysis) or "on" (+ B16 hep)
  std::string morphing;         ///< "rate_times_shape" (blueice) or "histogram"
  std::string form_factor;      ///< as CsiOptions::form_factor
  int panels_per_segment;       ///< Gauss-Legendre panels per segment
};

/// Options from text (keys of the option table; others throw OptionError).
XenonntOptions xenonnt_options(const std::map<std::string, std::string>& text);
std::map<std::string, std::string> to_text(const XenonntOptions& options);

/// Options from text (keys of the option table; others throw OptionError).
CsiOptions csi_options(const std::map<std::string, std::string>& text);
ArOptions ar_options(const std::map<std::string, std::string>& text);

/// Every option as canonical text (unset optionals are left out); reading it back
/// with csi_options / ar_options gives the same options.
std::map<std::string, std::string> to_text(const CsiOptions& options);
std::map<std::string, std::string> to_text(const ArOptions& options);

}  // namespace cevns
