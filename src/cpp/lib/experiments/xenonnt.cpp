// The definitions of the XENONnT solar 8B experiments (xenonnt-inputs.md):
// xenonnt (SR0+SR1, PRL 133 (2024) 191002), xenonnt_sr0, xenonnt_sr1 and
// xenonnt_sr2 (one science run each). Their option table, nuisances, loader and
// the names of their components; XenonChi2 has no auxiliary measurement.
#include "cevns/xenonnt.hpp"

#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../option_rows.hpp"
#include "builtin.hpp"
#include "cevns/data.hpp"
#include "cevns/experiment.hpp"
#include "cevns/form_factor.hpp"
#include "cevns/nuisances.hpp"
#include "cevns/options.hpp"

namespace cevns {

using namespace detail;

namespace {

/// The option table of the XENONnT experiments (xenonnt-inputs.md).
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
      {choice("hep", "off", {"off", "on"},
              "solar hep neutrinos as a second flux component (Bahcall's shape, B16 flux of "
              "solar_model, 7.98e3 cm^-2 s^-1 for gs98): off = 8B only, as the collaboration's "
              "analysis (its signal template and model have no hep); the 8B flux nuisance "
              "then scales both"),
       &O::hep},
      {choice("morphing", "rate_times_shape", {"rate_times_shape", "histogram"},
              "template interpolation between (t_ly, t_qy) grid points: total x shape "
              "(blueice, the collaboration's) or per bin"),
       &O::morphing},
      {choice("form_factor", "helm", kFormFactors, kFormFactorDoc), &O::form_factor},
      {integer("panels_per_segment", "2", 1, 64, kPanelsDoc), &O::panels_per_segment},
  };
  return rows;
}

/// XenonChi2's nuisances for the science runs `runs`, with the default options'
/// widths (flux_constraint=sno).
std::vector<NuisanceSpec> xenonnt_nuisances(const std::vector<int>& runs) {
  const XenonSigmas s;
  std::vector<NuisanceSpec> out{
      {"eta_signal", "normalisation", s.signal, "xenonnt-inputs.md",
       "signal efficiency multiplier - 1"},
      {"eta_b8_flux", "normalisation", s.b8_flux, "xenonnt-inputs.md",
       "8B flux multiplier - 1 (SNO NC; unconstrained with flux_constraint=free)"},
      {"eta_er", "normalisation", s.er, "xenonnt-inputs.md",
       "electronic-recoil rate multiplier - 1"},
      {"eta_nr", "normalisation", s.neutron, "xenonnt-inputs.md",
       "radiogenic-neutron rate multiplier - 1"},
      {"t_ly", "shape", 1.0, "xenonnt-inputs.md",
       "light-yield shape parameter (template morphing, unit Gaussian)"},
      {"t_qy", "shape", 1.0, "xenonnt-inputs.md",
       "charge-yield shape parameter (template morphing, unit Gaussian)"},
  };
  for (int r : runs)
    out.push_back({"eta_ac_sr" + std::to_string(r), "normalisation",
                   kXenonntSigmaAc[static_cast<std::size_t>(r)], "xenonnt-inputs.md",
                   "accidental-coincidence rate multiplier - 1 of SR" + std::to_string(r)});
  return out;
}

ExperimentDefinition xenonnt_definition(const std::string& name, const std::vector<int>& runs,
                                        const std::string& label, const std::string& what) {
  ExperimentDefinition d;
  d.name = name;
  d.label = label;
  d.description = "XENONnT solar 8B CEvNS on xenon, " + what +
                  " (PRL 133 (2024) 191002; release DOI 10.5281/zenodo.20576156): 81 (cS1, "
                  "cS2) bins per run, binned Poisson likelihood";
  d.options = specs(xenonnt_rows());
  d.nuisances = xenonnt_nuisances(runs);
  d.components = {"cevns", "ac", "er", "neutron"};
  d.auxiliary_measurements = {};
  d.recoil_max_keV = 10.0;
  d.load = [runs](const std::string& data_dir, const OptionText& options) {
    return load_xenonnt(data_dir, runs, xenonnt_options(options));
  };
  return d;
}

}  // namespace

Experiment load_xenonnt(const std::string& data_dir, const std::vector<int>& runs,
                        const XenonntOptions& opt) {
  const XenonntRelease rel = read_xenonnt_release(data_dir);
  XenonSigmas sig;
  sig.b8_flux =
      opt.flux_constraint == "free" ? std::numeric_limits<double>::infinity() : kSnoB8FluxRelError;
  const XenonMorphing morph =
      opt.morphing == "histogram" ? XenonMorphing::histogram : XenonMorphing::rate_times_shape;
  auto chi2 = std::make_shared<const XenonChi2>(xenonnt_chi2(rel, runs, sig, morph));
  XenonntRateOptions ro;
  ro.panels_per_segment = opt.panels_per_segment;
  ro.form_factor = form_factor_model_from_string(opt.form_factor);
  const std::vector<double>& nodes = rel.runs[0].mono_energy;
  std::vector<std::pair<std::string, SolarSource>> sources{
      {"8B", solar_b8_source(data_dir, opt.b8_flux, OscillationParameters{}, opt.solar_model)}};
  if (opt.hep == "on")
    sources.emplace_back("hep",
                         solar_hep_source(data_dir, OscillationParameters{}, opt.solar_model));
  auto rate = std::make_shared<const BinnedRate>(xenonnt_rate(sources, nodes, ro));

  ExperimentInputs in;
  in.name = runs.size() == 2 && runs[0] == 0 && runs[1] == 1
                ? "xenonnt"
                : "xenonnt_sr" + std::to_string(runs[0]);
  in.energy_unit = "keVnr (template energy)";
  in.energy_edges = TemplateNodeResponse(nodes).edges();
  in.time_edges = {0.0, 1.0};
  const std::size_t nominal = kXenonGridPoints / 2;  // (t_ly, t_qy) = (0, 0)
  for (const XenonRun& r : chi2->runs()) {
    in.observed.insert(in.observed.end(), r.observed.begin(), r.observed.end());
    auto& ac = in.backgrounds["ac"];
    ac.insert(ac.end(), r.ac.begin(), r.ac.end());
    auto& er = in.backgrounds["er"];
    er.insert(er.end(), r.er.begin(), r.er.end());
    auto& nr = in.backgrounds["neutron"];
    nr.insert(nr.end(), r.neutron.begin() + static_cast<long>(nominal * kXenonBins),
              r.neutron.begin() + static_cast<long>((nominal + 1) * kXenonBins));
  }
  in.rate = rate;
  in.chi2 = chi2;
  in.nuisance_names = chi2->nuisance_names();
  in.settings = to_text(opt);
  for (const std::string& f : xenonnt_release_files()) in.data_files[f] = registry_entry(f).sha256;
  if (opt.hep == "on")
    in.data_files["solar/hep_shape.csv"] = registry_entry("solar/hep_shape.csv").sha256;
  for (const char* f : {"solar/8B_shape_Winter_et_al.csv", "solar/nudistr_b16_gs98.dat",
                        "solar/nudistr_b16_agss09.dat"})
    if (std::string(f).find("nudistr") == std::string::npos ||
        std::string(f).find(opt.solar_model) != std::string::npos)
      in.data_files[f] = registry_entry(f).sha256;
  return Experiment(std::move(in));
}

XenonntOptions::XenonntOptions() { set_defaults("xenonnt", *this, xenonnt_rows()); }

XenonntOptions xenonnt_options(const std::map<std::string, std::string>& text) {
  return from_text("xenonnt", xenonnt_rows(), text);
}

std::map<std::string, std::string> to_text(const XenonntOptions& o) {
  return as_text(o, xenonnt_rows());
}

std::vector<ExperimentDefinition> detail::xenonnt_definitions() {
  return {xenonnt_definition("xenonnt", {0, 1}, "Xe", "SR0+SR1 (the published analysis)"),
          xenonnt_definition("xenonnt_sr0", {0}, "Xe SR0", "science run 0"),
          xenonnt_definition("xenonnt_sr1", {1}, "Xe SR1", "science run 1"),
          xenonnt_definition("xenonnt_sr2", {2}, "Xe SR2",
                             "science run 2 (not yet validated against a publication; AC "
                             "uncertainty of SR1)")};
}

}  // namespace cevns
