// Instruction counts of the core's kernels, for comparing two versions of the library
// where wall-clock time on a shared machine scatters too much (bench/instructions.py runs
// it under callgrind). One section per run: instructions(section, n) - instructions(load, n)
// is the cost of n calls. Built against each version's headers and library (bench/README.md);
// -DCEVNS_NEW for versions >= 0.6, whose CsI default SS model is `measured`: the counts use
// `paper` (eq. 6), the only model of 0.5.
#include <cevns/cevns.hpp>
#include <cmath>
#include <cstdio>
#include <string>
int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DATA_DIR SECTION CALLS\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1], what = argv[2];
  const int n = std::stoi(argv[3]);
#ifdef CEVNS_NEW
  cevns::CsiOptions opt;
  opt.ss_model = "paper";
  const cevns::Experiment csi = cevns::load_csi2021(dir, opt);
#else
  const cevns::Experiment csi = cevns::load_csi2021(dir);
#endif
  const cevns::Experiment ar = cevns::load_ar2020(dir);
  volatile double sink = 0.0;
  const cevns::Mediator bl = cevns::paper_model("B-L").mediator(10.0);
  const auto tpl = csi.templates(bl);
  const auto atpl = ar.templates(bl);
  for (int k = 0; k < n; ++k) {
    const double g = std::pow(10.0, -6.0 + 3.0 * (k % 97) / 97.0);
    const double M = 10.0 * (1.0 + 1e-3 * (k % 7));
    if (what == "load") continue;
    if (what == "csi_chi2_templates") sink = sink + csi.profile(tpl.evaluate(g)).chi2;
    if (what == "csi_chi2_full") sink = sink + csi.chi2(bl, g);
    if (what == "ar_chi2_full") sink = sink + ar.chi2(bl, g);
    if (what == "ar_chi2_templates") sink = sink + ar.profile(atpl.evaluate(g)).chi2;
    for (const char* model : {"B-L", "Lmu-Ltau", "scalar"}) {
      const auto m = cevns::paper_model(model).mediator(M);
      if (what == std::string("csi_templates_") + model) sink = sink + csi.templates(m).n0[0];
      if (what == std::string("ar_templates_") + model) sink = sink + ar.templates(m).n0[0];
    }
  }
  std::printf("%g\n", (double)sink);
}
