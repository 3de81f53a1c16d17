/// \file xenonnt.cpp
/// \brief Solar 8B CEvNS on natural xenon folded on the XENONnT template
///        energies (xenonnt.hpp).
#include "cevns/xenonnt.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

#include "cevns/constants.hpp"
#include "cevns/data.hpp"
#include "cevns/experiment.hpp"
#include "cevns/nuclei.hpp"

namespace cevns {

TemplateNodeResponse::TemplateNodeResponse(std::vector<double> e) : e_(std::move(e)) {
  if (e_.size() < 2) throw std::invalid_argument("node_energy_keV: at least two energies");
  for (std::size_t k = 0; k + 1 < e_.size(); ++k)
    if (!(e_[k] > 0.0) || !(e_[k + 1] > e_[k]))
      throw std::invalid_argument("node_energy_keV: must be positive and increasing");
}

std::vector<double> TemplateNodeResponse::edges() const {
  std::vector<double> out = e_;
  out.push_back(e_.back() + (e_.back() - e_[e_.size() - 2]));
  return out;
}

double TemplateNodeResponse::bin_probability(double T_MeV, double lo, double hi) const {
  (void)hi;
  const auto it = std::lower_bound(e_.begin(), e_.end(), lo - 1e-12);
  if (it == e_.end() || std::fabs(*it - lo) > 1e-9)
    throw std::invalid_argument("TemplateNodeResponse: a bin must start at a template energy");
  const std::size_t k = static_cast<std::size_t>(it - e_.begin());
  const double T = T_MeV * 1e3;
  if (k + 1 == e_.size() && T >= e_[k]) return 1.0;  // flat above the last template
  if (k + 1 < e_.size() && T >= e_[k] && T < e_[k + 1])
    return (e_[k + 1] - T) / (e_[k + 1] - e_[k]);
  if (k > 0 && T > e_[k - 1] && T < e_[k]) return (T - e_[k - 1]) / (e_[k] - e_[k - 1]);
  return 0.0;
}

std::vector<Target> natural_xenon_per_tonne() {
  const auto xe = natural_element("Xe");
  double molar = 0.0;  // g/mol
  for (const auto &[n, ab] : xe)
    molar += ab * (n.mass_MeV + n.Z * constants::m_e) / constants::amu_MeV;
  std::vector<Target> out;
  for (const auto &[n, ab] : xe) out.push_back({n, ab * 1e6 / molar * constants::N_A});
  return out;
}

BinnedRate xenonnt_rate(const SolarSource &source, const std::vector<double> &nodes,
                        const XenonntRateOptions &options) {
  return xenonnt_rate({{"8B", source}}, nodes, options);
}

BinnedRate xenonnt_rate(const std::vector<std::pair<std::string, SolarSource>> &sources,
                        const std::vector<double> &nodes, const XenonntRateOptions &options) {
  if (sources.empty()) throw std::invalid_argument("sources: at least one solar source");
  auto response = std::make_shared<TemplateNodeResponse>(nodes);
  RateConfig cfg;
  cfg.targets = natural_xenon_per_tonne();
  for (const auto &[name, source] : sources) {
    const std::vector<FluxComponent> c = source.components(name, options.seconds_per_year);
    cfg.components.insert(cfg.components.end(), c.begin(), c.end());
  }
  cfg.response = response;
  cfg.energy_edges = response->edges();
  cfg.form_factor = options.form_factor;
  cfg.panels_per_segment = options.panels_per_segment;
  for (double e : nodes) cfg.recoil_breakpoints_MeV.push_back(e * 1e-3);
  return BinnedRate(std::move(cfg));
}

SolarSource solar_b8_source(const std::string &data_dir, double flux,
                            const OscillationParameters &osc, const std::string &solar_model) {
  if (solar_model != "gs98" && solar_model != "agss09")
    throw std::invalid_argument("solar_model: '" + solar_model +
                                "' is not one of 'gs98', 'agss09'");
  const std::string shape = verified_path(data_dir, "solar/8B_shape_Winter_et_al.csv");
  const std::string prof = verified_path(data_dir, "solar/nudistr_b16_" + solar_model + ".dat");
  return SolarSource(read_spectrum_table(shape, 0.01), read_solar_profile(prof, "8B"), flux, osc);
}

SolarSource solar_hep_source(const std::string &data_dir, const OscillationParameters &osc,
                             const std::string &solar_model) {
  if (solar_model != "gs98" && solar_model != "agss09")
    throw std::invalid_argument("solar_model: '" + solar_model +
                                "' is not one of 'gs98', 'agss09'");
  const std::string shape = verified_path(data_dir, "solar/hep_shape.csv");
  const std::string prof = verified_path(data_dir, "solar/nudistr_b16_" + solar_model + ".dat");
  const double flux = solar_model == "gs98" ? kB16HepFluxGs98 : kB16HepFluxAgss09;
  return SolarSource(read_spectrum_table(shape, 0.01), read_solar_profile(prof, "hep"), flux, osc);
}

XenonChi2 xenonnt_chi2(const XenonntRelease &release, const std::vector<int> &runs,
                       XenonSigmas sigmas, XenonMorphing morphing) {
  if (runs.empty()) throw std::invalid_argument("runs: at least one science run");
  const std::vector<double> &energies = release.runs[0].mono_energy;
  std::vector<XenonRun> out;
  for (int r : runs) {
    if (r < 0 || r > 2)
      throw std::invalid_argument("runs: science runs are 0, 1, 2; got " + std::to_string(r));
    const XenonntRunData &d = release.runs[static_cast<std::size_t>(r)];
    if (d.mono_energy != energies)
      throw std::invalid_argument("runs: the science runs have different template energies");
    const double x = kXenonntExposure[static_cast<std::size_t>(r)];
    XenonRun run;
    run.name = "sr" + std::to_string(r);
    run.observed = d.observed;
    run.sigma_ac = kXenonntSigmaAc[static_cast<std::size_t>(r)];
    for (double v : d.ac) run.ac.push_back(x * v);
    for (double v : d.er) run.er.push_back(x * v);
    for (double v : d.neutron) run.neutron.push_back(x * v);
    // fold[g][k][b] = exposure x mono[k][g][b]
    const std::size_t nk = energies.size();
    run.fold.assign(kXenonGridPoints * nk * kXenonBins, 0.0);
    for (std::size_t k = 0; k < nk; ++k)
      for (std::size_t g = 0; g < kXenonGridPoints; ++g)
        for (std::size_t b = 0; b < kXenonBins; ++b)
          run.fold[(g * nk + k) * kXenonBins + b] =
              x * d.mono[(k * kXenonGridPoints + g) * kXenonBins + b];
    out.push_back(std::move(run));
  }
  return XenonChi2(std::move(out), energies.size(), sigmas, morphing);
}

}  // namespace cevns
