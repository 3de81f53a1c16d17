// The option table of every experiment (cevns/options.hpp). Each row names the
// field of the options struct it sets, so defaults, parsing, checking and the
// settings text all come from the rows below.
#include "cevns/options.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <variant>

namespace cevns {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

template <class S>
using Member = std::variant<double S::*, int S::*, std::string S::*, std::optional<double> S::*>;

template <class S>
struct Row {
  OptionSpec spec;
  Member<S> member;
};

OptionSpec number(const char* name, const char* dflt, double lo, double hi, const char* unit,
                  const char* doc, bool lo_open = true) {
  OptionSpec s;
  s.name = name;
  s.type = OptionType::Number;
  s.default_value = dflt;
  s.min = lo;
  s.max = hi;
  s.min_exclusive = lo_open;
  s.unit = unit;
  s.doc = doc;
  return s;
}

OptionSpec integer(const char* name, const char* dflt, double lo, double hi, const char* doc) {
  OptionSpec s = number(name, dflt, lo, hi, "", doc, false);
  s.type = OptionType::Integer;
  return s;
}

OptionSpec choice(const char* name, const char* dflt, std::vector<std::string> choices,
                  const char* doc) {
  OptionSpec s;
  s.name = name;
  s.type = OptionType::Choice;
  s.default_value = dflt;
  s.choices = std::move(choices);
  s.doc = doc;
  return s;
}

/// How the CEvNS prediction treats the finite time window.
OptionSpec time_convention(const char* dflt) {
  return choice("time_convention", dflt, {"window", "all"},
                "window: events arriving outside the time window are lost; all: each "
                "flavour's time distribution renormalised inside it (the convention of "
                "the Ar release's cevnspdf.txt)");
}

const std::vector<std::string> kFormFactors{"helm", "symmetrized_fermi", "klein_nystrand"};
const char* const kFormFactorDoc = "nuclear form factor (Sec. II)";
const char* const kPanelsDoc =
    "Gauss-Legendre panels per segment of the recoil-energy quadrature (accuracy vs time)";

// ---------------------------------------------------------------------------
// CsI 2021 (analysis-inputs.md, "CsI detector model")
// ---------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------
// Ar 2020 (analysis-inputs.md, "Ar detector model"; LArParametersAnlA.yaml)
// ---------------------------------------------------------------------------
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

/// Shortest text that reads back as exactly v.
std::string shortest(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string fmt_g(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

template <class S>
const Row<S>& find_row(const char* experiment, const std::vector<Row<S>>& rows,
                       const std::string& name) {
  std::string known;
  for (const auto& r : rows) {
    if (r.spec.name == name) return r;
    known += (known.empty() ? "" : ", ") + r.spec.name;
  }
  throw OptionError(std::string("unknown ") + experiment + " option '" + name +
                    "'; accepted: " + known);
}

/// Parse `text` for `spec`; numbers are returned in `value`, choices in `word`.
void parse(const char* experiment, const OptionSpec& spec, const std::string& text, double& value,
           std::string& word) {
  const auto fail = [&]() {
    throw OptionError(std::string(experiment) + " option " + spec.name + ": '" + text +
                      "' is not accepted; expected " + spec.accepted());
  };
  if (spec.type == OptionType::Choice) {
    bool ok = false;
    for (const auto& c : spec.choices) ok = ok || c == text;
    if (!ok) fail();
    word = text;
    return;
  }
  std::size_t used = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const bool in_range =
      (spec.min_exclusive ? value > spec.min : value >= spec.min) && value <= spec.max;
  if (text.empty() || used != text.size() || !std::isfinite(value) || !in_range) fail();
  if (spec.type == OptionType::Integer && value != std::floor(value)) fail();
}

template <class S>
void set(const char* experiment, S& s, const Row<S>& row, const std::string& text) {
  double v = 0.0;
  std::string w;
  parse(experiment, row.spec, text, v, w);
  std::visit(
      [&](auto m) {
        using T = std::decay_t<decltype(s.*m)>;
        if constexpr (std::is_same_v<T, std::string>)
          s.*m = w;
        else if constexpr (std::is_same_v<T, int>)
          s.*m = static_cast<int>(v);
        else
          s.*m = v;
      },
      row.member);
}

// ---------------------------------------------------------------------------
// XENONnT solar 8B (xenonnt-inputs.md)
// ---------------------------------------------------------------------------
const std::vector<Row<XenonntOptions>>& xenonnt_rows() {
  using O = XenonntOptions;
  static const std::vector<Row<O>> rows{
      {choice("flux_constraint", "sno", {"sno", "free"},
              "8B flux nuisance: sno = Gaussian +-3.81 % (SNO NC, PRC 88 (2013) 025501); "
              "free = unconstrained (the flux measurement)"),
       &O::flux_constraint},
      {number("b8_flux", "5.25e6", 0, 1e12, "cm^-2 s^-1",
              "total 8B flux at Earth of the prediction (SNO NC 5.25e6)"),
       &O::b8_flux},
      {choice("solar_model", "gs98", {"gs98", "agss09"},
              "B16 solar model of the 8B production region (P_ee average)"),
       &O::solar_model},
      {choice("morphing", "rate_times_shape", {"rate_times_shape", "histogram"},
              "template interpolation between (t_ly, t_qy) grid points: total x shape "
              "(blueice, the collaboration's) or per bin"),
       &O::morphing},
      {choice("form_factor", "helm", kFormFactors, kFormFactorDoc), &O::form_factor},
      {integer("panels_per_segment", "2", 1, 64, kPanelsDoc), &O::panels_per_segment},
  };
  return rows;
}

template <class S>
void set_defaults(const char* experiment, S& s, const std::vector<Row<S>>& rows) {
  for (const auto& r : rows)
    if (!r.spec.default_value.empty()) set(experiment, s, r, r.spec.default_value);
}

template <class S>
S from_text(const char* experiment, const std::vector<Row<S>>& rows,
            const std::map<std::string, std::string>& text) {
  S s;
  for (const auto& kv : text) set(experiment, s, find_row(experiment, rows, kv.first), kv.second);
  return s;
}

template <class S>
std::map<std::string, std::string> as_text(const S& s, const std::vector<Row<S>>& rows) {
  std::map<std::string, std::string> out;
  for (const auto& r : rows)
    std::visit(
        [&](auto m) {
          const auto& v = s.*m;
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>)
            out[r.spec.name] = v;
          else if constexpr (std::is_same_v<T, int>)
            out[r.spec.name] = std::to_string(v);
          else if constexpr (std::is_same_v<T, double>)
            out[r.spec.name] = shortest(v);
          else if (v)
            out[r.spec.name] = shortest(*v);
        },
        r.member);
  return out;
}

template <class S>
std::vector<OptionSpec> specs(const std::vector<Row<S>>& rows) {
  std::vector<OptionSpec> out;
  for (const auto& r : rows) out.push_back(r.spec);
  return out;
}

}  // namespace

std::string to_string(OptionType type) {
  switch (type) {
    case OptionType::Number: return "number";
    case OptionType::Integer: return "integer";
    case OptionType::Choice: return "choice";
  }
  return "unknown";
}

std::string OptionSpec::accepted() const {
  if (type == OptionType::Choice) {
    std::string out = "one of: ";
    for (std::size_t i = 0; i < choices.size(); ++i) out += (i ? ", " : "") + choices[i];
    return out;
  }
  std::string out = type == OptionType::Integer ? "an integer in " : "a number in ";
  out += (min_exclusive ? "(" : "[") + fmt_g(min) + ", " + fmt_g(max) + "]";
  return unit.empty() ? out : out + " " + unit;
}

const std::vector<std::string>& experiment_names() {
  static const std::vector<std::string> names{"csi2021",     "ar2020",      "xenonnt",
                                              "xenonnt_sr0", "xenonnt_sr1", "xenonnt_sr2"};
  return names;
}

bool is_xenonnt(const std::string& experiment) {
  return experiment == "xenonnt" || experiment == "xenonnt_sr0" || experiment == "xenonnt_sr1" ||
         experiment == "xenonnt_sr2";
}

const std::vector<OptionSpec>& option_table(const std::string& experiment) {
  static const std::vector<OptionSpec> csi = specs(csi_rows()), ar = specs(ar_rows()),
                                       xe = specs(xenonnt_rows());
  if (experiment == "csi2021") return csi;
  if (experiment == "ar2020") return ar;
  if (is_xenonnt(experiment)) return xe;
  throw OptionError("unknown experiment '" + experiment +
                    "'; accepted: csi2021, ar2020, xenonnt, xenonnt_sr0, xenonnt_sr1, "
                    "xenonnt_sr2");
}

std::string check_option(const std::string& experiment, const std::string& name,
                         const std::string& value) {
  if (experiment == "csi2021") return as_text(csi_options({{name, value}}), csi_rows()).at(name);
  if (experiment == "ar2020") return as_text(ar_options({{name, value}}), ar_rows()).at(name);
  if (is_xenonnt(experiment))
    return as_text(xenonnt_options({{name, value}}), xenonnt_rows()).at(name);
  option_table(experiment);  // throws naming the accepted experiments
  return value;
}

CsiOptions::CsiOptions() : sigmas(csi_normalisation_sigmas) {
  set_defaults("csi2021", *this, csi_rows());
}

ArOptions::ArOptions() : sigmas(ar_normalisation_sigmas) {
  set_defaults("ar2020", *this, ar_rows());
}

XenonntOptions::XenonntOptions() { set_defaults("xenonnt", *this, xenonnt_rows()); }

XenonntOptions xenonnt_options(const std::map<std::string, std::string>& text) {
  return from_text("xenonnt", xenonnt_rows(), text);
}

std::map<std::string, std::string> to_text(const XenonntOptions& o) {
  return as_text(o, xenonnt_rows());
}

CsiOptions csi_options(const std::map<std::string, std::string>& text) {
  return from_text("csi2021", csi_rows(), text);
}

ArOptions ar_options(const std::map<std::string, std::string>& text) {
  return from_text("ar2020", ar_rows(), text);
}

std::map<std::string, std::string> to_text(const CsiOptions& o) { return as_text(o, csi_rows()); }
std::map<std::string, std::string> to_text(const ArOptions& o) { return as_text(o, ar_rows()); }

}  // namespace cevns
