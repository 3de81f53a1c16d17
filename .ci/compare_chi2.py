"""Compare a C++ value at M = 10 MeV, g = 5e-5 with the Python package (to 1e-10).

usage: python .ci/compare_chi2.py chi2|loglike MODEL VALUE
  chi2     VALUE is the combined CsI+Ar chi2 (examples/cpp/global_fit)
  loglike  VALUE is ln L = -chi2/2 (examples/plugin)
"""

import sys

import cevns

kind, model, value = sys.argv[1], sys.argv[2], float(sys.argv[3])
csi, ar = cevns.experiment("csi2021"), cevns.experiment("ar2020")
py = sum(e.chi2(e.predict(model, 10.0, 5e-5)).chi2 for e in (csi, ar))
if kind == "loglike":
    py = -0.5 * py
rel = abs(value - py) / abs(py)
print(f"{kind} {model}: C++ {value!r}, Python {py!r} ({cevns.__file__}), relative {rel:.2e}")
sys.exit(0 if rel <= 1e-10 else 1)
