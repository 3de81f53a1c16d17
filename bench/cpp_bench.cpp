// C++ likelihood benchmark: profiled-chi2 calls per second for CsI, Ar and the
// combination (single thread and all threads), template decomposition per mass,
// and a (log M, log g) grid scan at 1e3, 1e4, 1e5 points with 1 and 2 threads.
//
// Usage: cpp_bench <data_dir> [--json FILE] [--quick]
// Prints one JSON document (sorted keys) to stdout, or writes it to FILE.
// Build: cmake -DCEVNS_BUILD_BENCH=ON ...; see bench/README.md.
#include <algorithm>
#include <cevns/cevns.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

int max_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

/// Time per call of fn(k) (k = call index): calibrated to >= min_time per repeat;
/// returns {min, median} over repeats [s].
std::pair<double, double> time_per_call(const std::function<double(long)>& fn, int repeat,
                                        double min_time) {
  volatile double sink = fn(0);
  long n = 1;
  while (true) {
    const auto t0 = Clock::now();
    for (long k = 0; k < n; ++k) sink = sink + fn(k);
    const double dt = seconds_since(t0);
    if (dt >= min_time || n >= (1L << 24)) break;
    n *= dt < min_time / 8 ? 2 : 1 + static_cast<long>(min_time / std::max(dt, 1e-9));
  }
  std::vector<double> runs;
  for (int r = 0; r < repeat; ++r) {
    const auto t0 = Clock::now();
    for (long k = 0; k < n; ++k) sink = sink + fn(k);
    runs.push_back(seconds_since(t0) / static_cast<double>(n));
  }
  std::sort(runs.begin(), runs.end());
  return {runs.front(), runs[runs.size() / 2]};
}

/// Calls per second of fn over n_calls independent calls spread on n_threads threads.
double parallel_rate(const std::function<double(long)>& fn, long n_calls, int n_threads) {
  std::vector<double> out(static_cast<std::size_t>(n_calls));
  const auto t0 = Clock::now();
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(n_threads)
#else
  (void)n_threads;
#endif
  for (long k = 0; k < n_calls; ++k) out[static_cast<std::size_t>(k)] = fn(k);
  return static_cast<double>(n_calls) / seconds_since(t0);
}

/// Coupling of call k: log-uniform in 1e-6 .. 1e-3 (deterministic).
double coupling_of(long k) {
  return std::pow(10.0, -6.0 + 3.0 * static_cast<double>(k % 997) / 997.0);
}

struct Json {
  std::map<std::string, std::string> items;  ///< leaves, already formatted
  std::map<std::string, Json> children;      ///< nested objects
  void num(const std::string& k, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    items[k] = buf;
  }
  void str(const std::string& k, const std::string& v) { items[k] = "\"" + v + "\""; }
  void obj(const std::string& k, const Json& j) { children[k] = j; }
  /// JSON text with sorted keys, nested objects indented by depth.
  std::string dump(int indent = 0) const {
    std::map<std::string, std::string> all = items;
    for (const auto& kv : children) all[kv.first] = kv.second.dump(indent + 2);
    std::ostringstream o;
    const std::string pad(static_cast<std::size_t>(indent + 2), ' ');
    o << "{\n";
    std::size_t i = 0;
    for (const auto& kv : all)
      o << pad << "\"" << kv.first << "\": " << kv.second << (++i < all.size() ? ",\n" : "\n");
    o << std::string(static_cast<std::size_t>(indent), ' ') << "}";
    return o.str();
  }
};

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <data_dir> [--json FILE] [--quick] [--ss-model paper|measured]\n",
                 argv[0]);
    return 2;
  }
  const std::string data_dir = argv[1];
  std::string json_path;
  bool quick = false;
  cevns::CsiOptions csi_options;  // --ss-model paper: eq. (6), as 0.5.0 (side-by-side benches)
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json" && i + 1 < argc)
      json_path = argv[++i];
    else if (a == "--quick")
      quick = true;
    else if (a == "--ss-model" && i + 1 < argc)
      csi_options.ss_model = argv[++i];
    else
      throw std::invalid_argument("unknown argument " + a);
  }
  const int repeat = quick ? 3 : 7;
  const double min_time = quick ? 0.05 : 0.2;
  const int threads = max_threads();

  Json out, machine, results;
  machine.num("hardware_concurrency", std::thread::hardware_concurrency());
  machine.num("omp_max_threads", threads);
  out.obj("machine", machine);
  out.str("data_dir", data_dir);
  out.str("csi2021_ss_model", csi_options.ss_model);

  auto t0 = Clock::now();
  const cevns::Experiment csi = cevns::load_csi2021(data_dir, csi_options);
  results.num("load_csi2021_s", seconds_since(t0));
  t0 = Clock::now();
  const cevns::Experiment ar = cevns::load_ar2020(data_dir);
  results.num("load_ar2020_s", seconds_since(t0));
  const cevns::CombinedExperiments comb({csi, ar});
  const cevns::NamedModel bl = cevns::paper_model("B-L");
  const cevns::Mediator m10 = bl.mediator(10.0);

  // Likelihood calls: (a) from templates at fixed mass (the scan's inner loop),
  // (b) full: rate prediction + profile.
  const std::vector<cevns::Templates> tpl = comb.templates(m10);
  const std::map<std::string, std::function<double(long)>> calls{
      {"csi2021_templates",
       [&](long k) { return csi.profile(tpl[0].evaluate(coupling_of(k))).chi2; }},
      {"ar2020_templates",
       [&](long k) { return ar.profile(tpl[1].evaluate(coupling_of(k))).chi2; }},
      {"combined_templates", [&](long k) { return comb.chi2(tpl, coupling_of(k)); }},
      {"csi2021_full", [&](long k) { return csi.chi2(m10, coupling_of(k)); }},
      {"ar2020_full", [&](long k) { return ar.chi2(m10, coupling_of(k)); }},
      {"combined_full", [&](long k) { return comb.chi2(m10, coupling_of(k)); }},
  };
  Json likelihood;
  for (const auto& kv : calls) {
    const auto [tmin, tmed] = time_per_call(kv.second, repeat, min_time);
    Json j;
    j.num("us_per_call_min", tmin * 1e6);
    j.num("us_per_call_median", tmed * 1e6);
    j.num("calls_per_s_1thread", 1.0 / tmin);
    const long n_par = std::max(2000L, static_cast<long>(0.3 / tmin));
    double best = 0.0;
    for (int r = 0; r < repeat; ++r)
      best = std::max(best, parallel_rate(kv.second, n_par, threads));
    j.num("calls_per_s_all_threads", best);
    likelihood.obj(kv.first, j);
  }
  results.obj("likelihood_calls", likelihood);

  // Template decomposition per mass (B-L, Lmu-Ltau, scalar at 10 MeV).
  Json templates;
  for (const char* model : {"B-L", "Lmu-Ltau", "scalar"}) {
    const cevns::NamedModel nm = cevns::paper_model(model);
    for (const cevns::Experiment* e : {&csi, &ar}) {
      const auto [tmin, tmed] = time_per_call(
          [&](long k) { return e->templates(nm.mediator(10.0 * (1.0 + 1e-3 * (k % 7)))).n0[0]; },
          repeat, min_time);
      Json j;
      j.num("us_per_mass_min", tmin * 1e6);
      j.num("us_per_mass_median", tmed * 1e6);
      templates.obj(std::string(model) + "_" + e->name(), j);
    }
  }
  results.obj("templates_per_mass", templates);

  // Grid scans: n_mass x n_coupling points, templates per mass + one combined chi2 per point.
  Json scans;
  const std::vector<std::pair<int, int>> grids =
      quick ? std::vector<std::pair<int, int>>{{20, 50}, {50, 200}}
            : std::vector<std::pair<int, int>>{{20, 50}, {50, 200}, {200, 500}};
  for (const auto& [n_mass, n_coupling] : grids) {
    for (int n_threads : {1, 2}) {
      std::vector<double> chi2(static_cast<std::size_t>(n_mass) * n_coupling);
      const auto ts = Clock::now();
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
#endif
      for (int i = 0; i < n_mass; ++i) {
        const auto t = comb.templates(bl.mediator(std::pow(10.0, -2.0 + 6.0 * i / (n_mass - 1))));
        for (int j = 0; j < n_coupling; ++j)
          chi2[static_cast<std::size_t>(i) * n_coupling + j] =
              comb.chi2(t, std::pow(10.0, -6.0 + 6.0 * j / (n_coupling - 1)));
      }
      const double dt = seconds_since(ts);
      Json j;
      j.num("points", static_cast<double>(chi2.size()));
      j.num("threads", n_threads);
      j.num("seconds", dt);
      j.num("points_per_s", static_cast<double>(chi2.size()) / dt);
      j.num("chi2_min", *std::min_element(chi2.begin(), chi2.end()));
      scans.obj(
          "grid_" + std::to_string(n_mass * n_coupling) + "_threads_" + std::to_string(n_threads),
          j);
    }
  }
  results.obj("scan_BL_combined", scans);
  out.obj("results", results);

  const std::string text = out.dump() + "\n";
  if (json_path.empty()) {
    std::fputs(text.c_str(), stdout);
  } else {
    std::ofstream(json_path) << text;
    std::fprintf(stderr, "wrote %s\n", json_path.c_str());
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "cpp_bench: %s\n", e.what());
  return 1;
}
