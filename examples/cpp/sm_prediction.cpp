// Standard-Model and universal-Z' CEvNS predictions for the COHERENT CENNS-10
// liquid-argon detector (Analysis A), using the installed cevns::core.
//
// Usage: sm_prediction [<data_dir>/ar2020/CENNS10AnlAEfficiency.txt]
// Without an argument a flat efficiency of 1 is used (every recoil is counted).
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "cevns/constants.hpp"
#include "cevns/flux.hpp"
#include "cevns/mediator.hpp"
#include "cevns/rate.hpp"
#include "cevns/response.hpp"
#include "cevns/sources.hpp"

namespace {

// Detector parameters of the COHERENT CENNS-10 data release (Analysis A), copied by
// hand from ar2020/LArParametersAnlA.yaml. A later example reads them from the file.
constexpr double kNuPerPot = 0.09;        // neutrinosPerProton [nu/flavour/POT]
constexpr double kPot = 13.8e22;          // beamExposure [POT]
constexpr double kBaselineM = 27.5;       // distanceToTarget [m]
constexpr double kFiducialMassKg = 24.4;  // fiducialMass [kg]
constexpr double kQfA = 0.246;            // larQF a: QF = a + b T[keVnr]
constexpr double kQfB = 0.00078;          // larQF b [keVnr^-1]
constexpr double kResolutionA = 0.58;     // energyResolution a: sigma/E = a/sqrt(E[keVee])
constexpr double kArMolarMass = 39.96;    // g/mol (natural argon, ~99.6% 40Ar)

/// CENNS10AnlAEfficiency.txt: three columns, keVee, keVnr, efficiency.
cevns::EfficiencyTable read_efficiency(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open efficiency table '" + path + "'");
  cevns::EfficiencyTable table;
  double kevee = 0.0, kevnr = 0.0, eff = 0.0;
  while (in >> kevee >> kevnr >> eff) {
    table.x.push_back(kevee);
    table.eff.push_back(eff);
  }
  if (table.x.size() < 2) throw std::runtime_error("efficiency table '" + path + "' is empty");
  return table;
}

double total(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }

}  // namespace

int main(int argc, char** argv) try {
  cevns::EfficiencyTable eff{{0.0, 200.0}, {1.0, 1.0}};
  if (argc > 1) {
    eff = read_efficiency(argv[1]);
    std::printf("efficiency table: %s (%zu points)\n", argv[1], eff.x.size());
  } else {
    std::printf("no efficiency table given: using efficiency = 1\n");
  }

  cevns::RateConfig cfg;
  const double n_nuclei = cevns::constants::N_A * kFiducialMassKg * 1e3 / kArMolarMass;
  cfg.targets = {cevns::Target{cevns::argon40(), n_nuclei}};
  cevns::PionDarBeam beam;  // the three pi-DAR components; no time edges: one time bin
  beam.fluence_cm2 = cevns::flux_normalisation(kNuPerPot, kPot, kBaselineM);
  cfg.components = cevns::pion_dar_source(beam);
  cfg.response = std::make_shared<cevns::ArgonResponse>(kQfA, kQfB, kResolutionA, eff);
  for (int i = 0; i <= 12; ++i) cfg.energy_edges.push_back(10.0 * i);  // 0-120 keVee

  const auto t_build = std::chrono::steady_clock::now();
  const cevns::BinnedRate rate(cfg);
  const double build_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_build).count();
  std::printf(
      "BinnedRate: %zu energy bins x %zu time bins, %zu quadrature points, built in %.1f ms\n",
      rate.n_energy(), rate.n_time(), rate.n_grid(), build_ms);

  const cevns::Mediator sm = cevns::Mediator::standard_model();
  const std::vector<double> n_sm = rate.predict(sm, 0.0);
  std::printf("SM prediction: %.2f events\n", total(n_sm));

  const cevns::Charges universal{1.0, 1.0, 1.0, 1.0, 1.0};
  const cevns::Mediator zp = cevns::Mediator::vector(universal, 10.0);
  const double g = 1e-4;
  const std::vector<double> n_zp = rate.predict(zp, g);
  std::printf("universal Z' (M = 10 MeV, g = %.0e): %.2f events\n", g, total(n_zp));

  std::printf("\n%8s %8s %12s %12s\n", "lo", "hi", "SM", "Z'");
  for (std::size_t i = 0; i < rate.n_energy(); ++i)
    std::printf("%8.1f %8.1f %12.4f %12.4f\n", cfg.energy_edges[i], cfg.energy_edges[i + 1],
                n_sm[i], n_zp[i]);

  // Timing: full predictions (grid sums) and template evaluations at fixed mass.
  const int n_pred = 2000;
  double sink = 0.0;
  auto t0 = std::chrono::steady_clock::now();
  for (int k = 0; k < n_pred; ++k) sink += rate.predict(zp, 1e-5 * (1 + k % 100))[0];
  const double s_pred =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const cevns::Templates tpl = rate.templates(zp);
  const int n_tpl = 200000;
  t0 = std::chrono::steady_clock::now();
  for (int k = 0; k < n_tpl; ++k) sink += tpl.evaluate(1e-5 * (1 + k % 100))[0];
  const double s_tpl = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("\npredict():            %.0f predictions/s\n", n_pred / s_pred);
  std::printf("templates.evaluate(): %.0f predictions/s\n", n_tpl / s_tpl);
  if (sink == -1.0) std::printf("(unreachable)\n");  // keeps the loops from being optimised away
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "sm_prediction: %s\n", e.what());
  return 1;
}
