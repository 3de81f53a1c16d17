// A global fit without Python: build the COHERENT CsI 2021 and Ar 2020
// likelihoods from the data directory, then scan a light-mediator model over a
// deterministic (log M, log g) grid with the combined profiled chi2
// (chi2 = -2 ln L + const, every nuisance profiled; paper eq. 6 + eq. 7-9).
//
// Usage: global_fit <data_dir> [model = B-L] [n_mass = 60] [n_coupling = 120]
//   data_dir  directory holding csi2021/ and ar2020/ (every file is hash-checked)
//   model     one of the paper's models: universal, B-L, By+Lmu+Ltau, B-3Le, B-3Lmu,
//             B-2Le-Lmu, B-Le-2Lmu, Le-Lmu, Le-Ltau, Lmu-Ltau, scalar
//
// The grid spans M = 1e-2 .. 1e4 MeV and g = 1e-6 .. 1 (log-uniform). At each mass
// the binned rates are decomposed once into templates (N0 + g^2 N1 + g^4 N2);
// each grid point is then one template evaluation and two profiled chi2. Masses
// are distributed over OpenMP threads; every point is independent, so the result
// does not depend on the number of threads.
#include <cevns/cevns.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace {

struct Scan {
  std::vector<double> chi2;  ///< [n_mass * n_coupling]
  double seconds = 0.0;
};

/// chi2 on the grid with n_threads threads (templates per mass, then every coupling).
Scan run_scan(const cevns::CombinedExperiments& lik, const cevns::NamedModel& model,
              const std::vector<double>& masses, const std::vector<double>& couplings,
              int n_threads) {
  Scan s;
  s.chi2.assign(masses.size() * couplings.size(), 0.0);
  const long n_mass = static_cast<long>(masses.size());
  const auto t0 = std::chrono::steady_clock::now();
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
#else
  (void)n_threads;
#endif
  for (long i = 0; i < n_mass; ++i) {
    const std::vector<cevns::Templates> tpl =
        lik.templates(model.mediator(masses[static_cast<std::size_t>(i)]));
    for (std::size_t j = 0; j < couplings.size(); ++j)
      s.chi2[static_cast<std::size_t>(i) * couplings.size() + j] = lik.chi2(tpl, couplings[j]);
  }
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

std::vector<double> log_grid(double lo, double hi, int n) {
  std::vector<double> out(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k)
    out[static_cast<std::size_t>(k)] = std::pow(10.0, lo + (hi - lo) * k / (n - 1));
  return out;
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <data_dir> [model] [n_mass] [n_coupling]\n", argv[0]);
    return 2;
  }
  const std::string data_dir = argv[1];
  const cevns::NamedModel model = cevns::paper_model(argc > 2 ? argv[2] : "B-L");
  const int n_mass = argc > 3 ? std::atoi(argv[3]) : 60;
  const int n_coupling = argc > 4 ? std::atoi(argv[4]) : 120;
  if (n_mass < 2 || n_coupling < 2)
    throw std::invalid_argument("n_mass and n_coupling must be >= 2");

  auto t0 = std::chrono::steady_clock::now();
  const cevns::Experiment csi = cevns::load_csi2021(data_dir);
  const cevns::Experiment ar = cevns::load_ar2020(data_dir);
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("loaded csi2021 (%zu bins) and ar2020 (%zu bins) from %s in %.3f s\n", csi.n_bins(),
              ar.n_bins(), data_dir.c_str(), load_s);
  const cevns::CombinedExperiments lik({csi, ar});

  // One point with the full rate (no templates): compared with Python by .ci/run.
  const cevns::Mediator m10 = model.mediator(10.0);
  std::printf("model %s\n", model.name.c_str());
  std::printf("chi2 at M=10 MeV g=5e-5: %.15g\n", cevns::chi2({&csi, &ar}, m10, 5e-5));
  std::printf("chi2 SM: %.15g\n", cevns::chi2({&csi, &ar}, cevns::Mediator::standard_model(), 0.0));

  const std::vector<double> masses = log_grid(-2.0, 4.0, n_mass);
  const std::vector<double> couplings = log_grid(-6.0, 0.0, n_coupling);
  const double n_points = static_cast<double>(masses.size() * couplings.size());
#ifdef _OPENMP
  const bool threaded = true;
  const int all_threads = omp_get_max_threads();
#else
  const bool threaded = false;  // built without OpenMP: one thread, nothing to compare
  const int all_threads = 1;
#endif
  const Scan one = run_scan(lik, model, masses, couplings, 1);
  const Scan all = threaded ? run_scan(lik, model, masses, couplings, all_threads) : one;
  bool same = one.chi2.size() == all.chi2.size();
  for (std::size_t k = 0; same && k < one.chi2.size(); ++k) same = one.chi2[k] == all.chi2[k];

  std::size_t best = 0;
  for (std::size_t k = 1; k < all.chi2.size(); ++k)
    if (all.chi2[k] < all.chi2[best]) best = k;
  std::printf("grid: %d masses x %d couplings = %.0f points\n", n_mass, n_coupling, n_points);
  std::printf("best: M = %.12g MeV, g = %.12g, chi2_min = %.15g\n", masses[best / couplings.size()],
              couplings[best % couplings.size()], all.chi2[best]);
  std::printf("calls per second (1 thread): %.0f\n", n_points / one.seconds);
  if (!threaded) {
    std::printf(
        "threads: unavailable (OpenMP was not found when this example was built): one thread "
        "only, no 1-vs-N comparison\n");
    return 0;
  }
  std::printf("calls per second (%d threads): %.0f\n", all_threads, n_points / all.seconds);
  std::printf("identical with 1 and %d threads: %s\n", all_threads, same ? "yes" : "NO");
  return same ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "global_fit: %s\n", e.what());
  return 1;
}
