"""Benchmarks of the physics-parameter analyses (issue 16): pinned inputs, JSON out.

Usage::

    python bench/bench_phenomenology.py [--repeat 5] [--json FILE.json]

* ``chi2_new_point_<data set>``: one profiled χ² at a new parameter point
  (sin2w, eps_u_ee and mu_nue changed: a full core prediction + the profile);
* ``chi2_new_radius_csi2021``: the same with new neutron radii (F_N recomputed);
* ``profile_sin2w_csi2021``: the 1-D profile of ``cevns fit --param sin2w``
  (201 grid points, minimum refined, 3 x 3 interval edges root-found);
* ``scan2d_nsi_csi2021``: the 2-D profile in (eps_u_ee, eps_d_ee), 41 x 41 grid
  and the contours of 1σ / 90 % / 2σ.
No timing is asserted anywhere in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import cevns
from cevns import phenomenology as ph
from cevns.infer.profiles import profile_parameters


def timeit(fn: Callable[[], Any], repeat: int, calls: int) -> dict[str, float]:
    fn()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        runs.append((time.perf_counter() - t0) / calls)
    return {"min_s": min(runs), "median_s": statistics.median(runs), "calls": calls}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json")
    ap.add_argument("--data-dir")
    args = ap.parse_args()
    exps = {n: cevns.experiment(n, args.data_dir) for n in ("csi2021", "ar2020")}
    state = {"i": 0}

    def new_point(target: Any) -> Callable[[], Any]:
        def fn() -> Any:
            state["i"] += 1
            x = 1e-7 * state["i"]  # never the same point twice
            return ph.chi2(target, sin2w=0.24 + x, eps_u_ee=0.01 + x, mu_nue=5.0 + x)

        return fn

    def new_radius() -> Any:
        state["i"] += 1
        return ph.chi2(exps["csi2021"], rn_cs=5.2 + 1e-7 * state["i"], rn_i=5.1)

    results: dict[str, Any] = {}
    for name, target in (*exps.items(), ("combined", exps)):
        results[f"chi2_new_point_{name}"] = timeit(new_point(target), args.repeat, 200)
    results["chi2_new_radius_csi2021"] = timeit(new_radius, args.repeat, 100)
    csi = {"csi2021": exps["csi2021"]}
    results["profile_sin2w_csi2021"] = timeit(
        lambda: profile_parameters(csi, ["sin2w"]), args.repeat, 1
    )
    results["scan2d_nsi_csi2021"] = timeit(
        lambda: profile_parameters(
            csi,
            ["eps_u_ee", "eps_d_ee"],
            ranges={"eps_u_ee": (-0.5, 1.0), "eps_d_ee": (-0.5, 1.0)},
            points=41,
        ),
        args.repeat,
        1,
    )
    for k, v in results.items():
        print(f"{k:32s} min {v['min_s'] * 1e3:9.3f} ms   median {v['median_s'] * 1e3:9.3f} ms")
    if args.json:
        out = {
            "cevns_version": cevns.__version__,
            "machine": {
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "load_average_1min": os.getloadavg()[0],
            },
            "results": results,
        }
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=2, sort_keys=True)
            fh.write("\n")


if __name__ == "__main__":
    main()
