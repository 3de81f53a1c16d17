"""cevns benchmarks: pinned inputs, several repeats, minimum and median.

Usage::

    python bench/bench.py [--repeat 7] [--json bench/results/latest.json] [--only NAME,...]

Prints one line per benchmark (time per call, min and median over repeats) and,
with --json, writes the results with the machine and version for comparison.
No timing is asserted anywhere in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import cevns

#: Reference timings quoted in the issues for the most used Python CEvNS code.
REFERENCE_S = {"predict": 60e-3, "chi2": 100e-3}


def timeit(fn: Callable[[], Any], repeat: int, min_time: float = 0.2) -> dict[str, float]:
    """Time per call: calibrate the number of calls per repeat to ~min_time seconds."""
    fn()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_time or n >= 1 << 20:
            break
        n *= 2 if dt < min_time / 8 else 1 + int(min_time / max(dt, 1e-9))
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - t0) / n)
    return {"min_s": min(runs), "median_s": statistics.median(runs), "calls": n}


def benchmarks(
    data_dir: Any, options: dict[str, dict[str, str]] | None = None
) -> dict[str, Callable[[], Any]]:
    opts = options or {}

    def build(name: str) -> Any:
        return cevns.experiment(name, data_dir, **opts.get(name, {}))

    csi, ar = build("csi2021"), build("ar2020")
    out: dict[str, Callable[[], Any]] = {
        "build_csi2021": lambda: build("csi2021"),
        "build_ar2020": lambda: build("ar2020"),
        "predict_sm_csi2021": lambda: csi.predict(),
        "predict_sm_ar2020": lambda: ar.predict(),
        "predict_BL_csi2021": lambda: csi.predict("B-L", 10.0, 5e-5),
        "predict_BL_ar2020": lambda: ar.predict("B-L", 10.0, 5e-5),
        "templates_BL_csi2021": lambda: csi.templates("B-L", 10.0),
        "templates_Lmu-Ltau_ar2020": lambda: ar.templates("Lmu-Ltau", 10.0),
    }
    try:
        p_csi, p_ar = csi.predict(), ar.predict()
        csi.chi2(p_csi)
        ar.chi2(p_ar)
        out["chi2_csi2021"] = lambda: csi.chi2(p_csi)
        out["chi2_ar2020"] = lambda: ar.chi2(p_ar)
        # the core's profile, without the Python wrapper's checks and result object
        cc, ca = csi.likelihood.core, ar.likelihood.core
        fc, fa = np.ascontiguousarray(p_csi.ravel()), np.ascontiguousarray(p_ar.ravel())
        out["chi2_core_csi2021"] = lambda: cc.profile(fc)
        out["chi2_core_ar2020"] = lambda: ca.profile(fa)
    except (AttributeError, ImportError):
        pass
    from cevns.infer.limits import table2
    from cevns.infer.scan import ModelFit, scan

    fit = ModelFit("universal", "combined", experiments={"csi2021": csi, "ar2020": ar})
    masses, couplings = np.geomspace(1e-2, 1e4, 200), np.geomspace(1e-6, 1e0, 400)
    c = fit.per_mass(np.array([10.0]))[0]
    out["templates_one_mass_combined"] = lambda: fit.per_mass(np.array([10.0]))
    out["coupling_chi2_combined"] = lambda: c(3e-5)
    out["scan_200x400_combined"] = lambda: scan(fit.model, "combined", masses, couplings, fit=fit)
    # a Table2 from the data directory (the experiments built inside, as by `cevns table2`)
    out["table2_cold"] = lambda: table2(experiments={n: build(n) for n in ("csi2021", "ar2020")})
    return out


def xenonnt_benchmarks(data_dir: Any) -> dict[str, Callable[[], Any]]:
    """XENONnT solar 8B (a data directory with xenonnt/ converted, solar/ and the
    COHERENT releases, e.g. the tests' build/test-data-root)."""
    from cevns.infer.limits import limit, table2
    from cevns.infer.scan import ModelFit, scan

    xe = cevns.experiment("xenonnt", data_dir)
    x = np.ascontiguousarray(xe.predict().ravel())
    core = xe.likelihood.core
    fit = ModelFit("universal", "xenonnt", experiments={"xenonnt": xe})
    masses, couplings = np.geomspace(1e-2, 1e4, 200), np.geomspace(1e-6, 1e0, 400)
    c = fit.per_mass(np.array([10.0]))[0]
    exps = {
        "csi2021": cevns.experiment("csi2021", data_dir),
        "ar2020": cevns.experiment("ar2020", data_dir),
        "xenonnt": xe,
    }
    all_data = "csi2021+ar2020+xenonnt"
    return {
        "build_xenonnt": lambda: cevns.experiment("xenonnt", data_dir),
        "predict_sm_xenonnt": lambda: xe.predict(),
        "templates_BL_xenonnt": lambda: xe.templates("B-L", 10.0),
        "chi2_core_xenonnt": lambda: core.profile(x),
        "coupling_chi2_xenonnt": lambda: c(3e-5),
        "scan_200x400_xenonnt": lambda: scan(fit.model, "xenonnt", masses, couplings, fit=fit),
        "limit_BL_xenonnt": lambda: limit("B-L", "xenonnt", experiments=exps),
        "limit_BL_all_data": lambda: limit("B-L", all_data, experiments=exps),
        "table2_all_data": lambda: table2(datasets=[all_data], experiments=exps),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--only", default=None, help="comma-separated benchmark names")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument(
        "--xenonnt-data-dir",
        default=None,
        help="a data directory with xenonnt/ (converted) and solar/: adds the XENONnT benchmarks",
    )
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        help="detector option EXP.NAME=VALUE, e.g. csi2021.ss_model=paper (as 0.5.0)",
    )
    args = ap.parse_args(argv)
    options: dict[str, dict[str, str]] = {}
    for item in args.set:
        key, value = item.split("=", 1)
        exp, name = key.split(".", 1)
        options.setdefault(exp, {})[name] = value

    benches = benchmarks(args.data_dir, options)
    if args.xenonnt_data_dir:
        benches.update(xenonnt_benchmarks(args.xenonnt_data_dir))
    if args.only:
        wanted = args.only.split(",")
        benches = {k: v for k, v in benches.items() if k in wanted}
    results: dict[str, Any] = {}
    print(f"{'benchmark':32s} {'min':>12s} {'median':>12s}  ratio to reference")
    for name, fn in benches.items():
        slow = name.startswith(("build", "scan", "table2"))
        r = timeit(fn, min(args.repeat, 3) if slow else args.repeat, min_time=0.05 if slow else 0.2)
        results[name] = r
        kind = "predict" if name.startswith("predict") else "chi2" if "chi2" in name else None
        ratio = (
            f"x{REFERENCE_S[kind] / r['min_s']:.0f} faster than {REFERENCE_S[kind] * 1e3:.0f} ms"
            if kind
            else ""
        )
        unit, f = ("s ", 1.0) if r["min_s"] > 0.1 else ("us", 1e6)
        print(f"{name:32s} {r['min_s'] * f:10.2f}{unit} {r['median_s'] * f:10.2f}{unit}  {ratio}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "cevns_version": cevns.__version__,
            "options": options,
            "machine": {
                "platform": platform.platform(),
                "python": sys.version.split()[0],
                "cpu_count": os.cpu_count(),
                "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
            },
            "numpy": np.__version__,
            "results": results,
        }
        args.json.write_text(json.dumps(payload, indent=2, sort_keys=True))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
