// Detector options given as text (key=value), for the C facade and for
// configuration files: the same names as CsiOptions / ArOptions and as the
// Python builders' DEFAULTS.
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "cevns/experiment.hpp"

namespace cevns {
namespace {

double number(const std::string& key, const std::string& text) {
  std::size_t used = 0;
  double v = 0.0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !std::isfinite(v))
    throw std::invalid_argument("option " + key + ": '" + text + "' is not a finite number");
  return v;
}

int integer(const std::string& key, const std::string& text) {
  const double v = number(key, text);
  if (v != std::floor(v) || std::abs(v) > 1e6)
    throw std::invalid_argument("option " + key + ": '" + text + "' is not an integer");
  return static_cast<int>(v);
}

using Setters = std::map<std::string, std::function<void(const std::string&)>>;

/// Calls the setter of every option (which writes into the options struct).
void apply(const std::string& name, const Setters& setters,
           const std::map<std::string, std::string>& options) {
  for (const auto& kv : options) {
    const auto it = setters.find(kv.first);
    if (it == setters.end()) {
      std::string accepted;
      for (const auto& s : setters) accepted += (accepted.empty() ? "" : ", ") + s.first;
      throw std::invalid_argument("unknown " + name + " option '" + kv.first +
                                  "'; accepted: " + accepted);
    }
    it->second(kv.second);
  }
}

}  // namespace

Experiment load_experiment(const std::string& name, const std::string& data_dir,
                           const std::map<std::string, std::string>& options) {
  if (name == "csi2021") {
    CsiOptions o;
    auto num = [](double& f, const char* k) {
      return [&f, k](const std::string& t) { f = number(k, t); };
    };
    auto str = [](std::string& f) { return [&f](const std::string& t) { f = t; }; };
    const Setters s{
        {"detector_mass_kg", num(o.detector_mass_kg, "detector_mass_kg")},
        {"molar_mass_g_per_mol", num(o.molar_mass_g_per_mol, "molar_mass_g_per_mol")},
        {"nu_per_pot", num(o.nu_per_pot, "nu_per_pot")},
        {"n_pot", num(o.n_pot, "n_pot")},
        {"baseline_m", num(o.baseline_m, "baseline_m")},
        {"light_yield_pe_per_keVee", num(o.light_yield_pe_per_keVee, "light_yield_pe_per_keVee")},
        {"resolution_b", num(o.resolution_b, "resolution_b")},
        {"quenching", str(o.quenching)},
        {"efficiency", str(o.efficiency)},
        {"pot_mean_us", num(o.pot_mean_us, "pot_mean_us")},
        {"pot_sigma_us", num(o.pot_sigma_us, "pot_sigma_us")},
        {"timing_efficiency", str(o.timing_efficiency)},
        {"time_convention", str(o.time_convention)},
        {"form_factor", str(o.form_factor)},
        {"brn_events", num(o.brn_events, "brn_events")},
        {"nin_events", num(o.nin_events, "nin_events")},
        {"panels_per_segment",
         [&o](const std::string& t) { o.panels_per_segment = integer("panels_per_segment", t); }},
    };
    apply("csi2021", s, options);
    return load_csi2021(data_dir, o);
  }
  if (name == "ar2020") {
    ArOptions o;
    auto opt = [](std::optional<double>& f, const char* k) {
      return [&f, k](const std::string& t) { f = number(k, t); };
    };
    auto str = [](std::string& f) { return [&f](const std::string& t) { f = t; }; };
    const Setters s{
        {"exposure", str(o.exposure)},
        {"detector_mass_kg", opt(o.detector_mass_kg, "detector_mass_kg")},
        {"molar_mass_g_per_mol",
         [&o](const std::string& t) {
           o.molar_mass_g_per_mol = number("molar_mass_g_per_mol", t);
         }},
        {"n_pot", opt(o.n_pot, "n_pot")},
        {"nu_per_pot", opt(o.nu_per_pot, "nu_per_pot")},
        {"baseline_m", opt(o.baseline_m, "baseline_m")},
        {"time_convention", str(o.time_convention)},
        {"form_factor", str(o.form_factor)},
        {"shape_templates", str(o.shape_templates)},
        {"panels_per_segment",
         [&o](const std::string& t) { o.panels_per_segment = integer("panels_per_segment", t); }},
    };
    apply("ar2020", s, options);
    return load_ar2020(data_dir, o);
  }
  throw std::invalid_argument("unknown experiment '" + name + "'; accepted: csi2021, ar2020");
}

}  // namespace cevns
