"""Toy benchmarks and the FC numbers of docs/guide/limits.md: rates, FC limits, scaling, coverage.

Usage::

    python bench/toys_bench.py rates   [--toys 60] [--models B-L] [--json ...]
    python bench/toys_bench.py compare [--toys 20] [--models B-L] [--json ...]  # SEARCHES
    python bench/toys_bench.py scaling [--toys 200] [--json ...]      # 1 -> 2 Dask workers
    python bench/toys_bench.py fc      --models universal,B-L --toys 200 [--workers K] [--json ...]
    python bench/toys_bench.py coverage --toys 1000 [--workers K] [--json ...]

``rates``: toys per CPU-second of one process (each toy = one plane minimum + χ²
at the tested point, the 2-D statistic; and the 1-D one) for CsI, Ar and combined.
``compare``: the same with the searches of `SEARCHES` (0.8.0's, without probes, with
Brent's, default) side by side in one process (interleaved, same seeds; their
statistics compared).
``scaling``: wall time of the same toys in-process, on a LocalCluster of 1 and of
2 workers (identical results checked). ``fc``: FC Table 2 rows beside the Wilks
ones. ``coverage``: coverage of the Wilks regions at the paper's published bounds.
Nothing in the test suite runs this file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

import cevns
from cevns.infer.distributed import EngineSpec, Runner, engine, runner
from cevns.infer.fc import coverage, fc_limit
from cevns.infer.limits import M_HIGH_MEV, M_LOW_MEV
from cevns.infer.toys import batch_seed
from cevns.reference import PAPER_TABLE2

POINT = {"mass": 1e-2, "g": 4e-5}  # the tested point of the rate benchmark (B-L, low mass)


def machine() -> dict[str, Any]:
    return {
        "cevns": cevns.__version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }


def rates(
    n: int,
    options: dict[str, dict[str, Any]] | None = None,
    coarse: bool = False,
    model: str = "B-L",
) -> dict:
    """Toys per CPU-second of ``model`` (at `POINT`); ``coarse``: the plane of 0.5.0 (3
    masses per decade, no refinement in mass), for the side-by-side cost of the
    refinement."""
    from cevns.infer.toys import PLANE_MASSES_MEV

    out = {}
    for ds in ("csi2021", "ar2020", "combined"):
        plane_masses = tuple(PLANE_MASSES_MEV) if coarse else None
        eng = engine(EngineSpec.of(model, ds, options=options, plane_masses=plane_masses))
        eng.run(POINT["mass"], POINT["g"], 2, batch_seed(0, 0))  # warm up
        row = {}
        for plane in (True, False):
            t0, w0 = time.process_time(), time.perf_counter()
            eng.run(POINT["mass"], POINT["g"], n, batch_seed(0, 1), plane=plane, n_threads=1)
            cpu, wall = time.process_time() - t0, time.perf_counter() - w0
            key = "plane" if plane else "mass"
            row[f"toys_per_cpu_s_{key}"] = n / cpu
            row[f"toys_per_wall_s_{key}"] = n / wall
        out[ds] = row
        print(ds, {k: round(v, 1) for k, v in row.items()}, flush=True)
    return {
        "toys": n,
        "point": POINT,
        "model": model,
        "options": options or {},
        "plane": "coarse (0.5.0)" if coarse else "refined in mass",
        "rates": out,
    }


#: The toys' searches compared side by side, as `ToyEngine` keyword arguments: the
#: first is the reference of the speed-up, the last the faster one. "0.8.0": 20
#: couplings per decade + the cancellation seeds, every visited mass swept along g,
#: Brent's method for the minima along g; "default": this version's search (5 per
#: decade, 20 over the cancellation band, + seeds; the masses next to the coarse ones
#: and the plateau's coarse masses probed from a mass already swept,
#: `TOY_PROBE_MASSES`; the minima along g by Newton's method, `TOY_NEWTON_MINIMA`;
#: the couplings far above the toy's best stepped over, `TOY_SKIP_FAR`); "every
#: coupling": the default with every coupling evaluated; "every mass swept" and
#: "Brent's minima": that without the probes, resp. with Brent's method.
#: (bench/results/toys-rates-newton-*.json were made before `TOY_SKIP_FAR`, their
#: "default" is "every coupling"; toys-rates-0.7.0-*.json were made by 0.7.0 with
#: "0.6.0" = 20 per decade and "0.7.0" = 5 per decade + seeds; toys-rates-band-*.json by
#: 0.8.0 before the probes, with "0.8.0" and "default" = the band without probes;
#: toys-rates-probes-*.json before Newton's minima, "every mass swept" then with Brent's.)
SEARCHES: dict[str, dict[str, Any]] = {
    "0.8.0": {
        "coupling_per_decade": 20,
        "cancellation_seeds": True,
        "band_per_decade": 0,
        "probe_masses": False,
        "newton_minima": False,
        "skip_far": False,
    },
    "every mass swept": {"probe_masses": False, "skip_far": False},
    "Brent's minima": {"newton_minima": False, "skip_far": False},
    "every coupling": {"skip_far": False},
    "default": {},
}


def rates_side_by_side(
    n: int, options: dict[str, dict[str, Any]] | None = None, rounds: int = 3, model: str = "B-L"
) -> dict[str, Any]:
    """2-D and 1-D toys per CPU-second with the coupling grids of `SEARCHES`, in
    one process on the same experiments and seeds, interleaved round by round (so that
    a busy machine slows both alike); the statistics of the two are compared too."""
    from cevns.experiments import experiment
    from cevns.infer.toys import ToyEngine

    options = options or {}
    exps = {e: experiment(e, **options.get(e, {})) for e in ("csi2021", "ar2020")}
    out: dict[str, Any] = {}
    for ds in ("csi2021", "ar2020", "combined"):
        engs = {k: ToyEngine(model, ds, experiments=exps, **kw) for k, kw in SEARCHES.items()}
        for e in engs.values():
            e.run(POINT["mass"], POINT["g"], 2, batch_seed(0, 0))  # warm up
        row: dict[str, Any] = {}
        for plane in (True, False):
            key = "plane" if plane else "mass"
            cpu = dict.fromkeys(engs, 0.0)
            stats: dict[str, list[np.ndarray]] = {k: [] for k in engs}
            for r in range(rounds):
                for k, e in engs.items():
                    t0 = time.process_time()
                    st = e.run(POINT["mass"], POINT["g"], n, batch_seed(0, 1 + r), plane=plane,
                               n_threads=1)  # fmt: skip
                    cpu[k] += time.process_time() - t0
                    stats[k].append(st)
            for k in engs:
                row[f"toys_per_cpu_s_{key}_{k}"] = n * rounds / cpu[k]
            first, last = list(engs)[0], list(engs)[-1]
            row[f"speedup_{key}"] = cpu[first] / cpu[last]
            a, b = (np.concatenate(stats[k]) for k in (first, last))
            row[f"max_abs_diff_{key}"] = float(np.nanmax(np.abs(a - b)))
        out[ds] = row
        print(ds, {k: round(v, 3) if v > 1e-3 else v for k, v in row.items()}, flush=True)
    return {
        "toys_per_round": n,
        "rounds": rounds,
        "point": POINT,
        "model": model,
        "options": options,
        "searches": SEARCHES,
        "rates": out,
    }


def scaling(n: int) -> dict[str, Any]:
    spec = EngineSpec.of("B-L", "combined")
    pts = [(POINT["mass"], POINT["g"])]
    res: dict[str, Any] = {}
    ref = None
    for label, k in (("in-process", None), ("1 worker", 1), ("2 workers", 2)):
        with runner(k, batch_size=25) as r:
            if k:  # build the engines on every worker before timing (one batch each)
                r.statistics(spec, pts, 25 * k, 99)
            w0 = time.perf_counter()
            (st,) = r.statistics(spec, pts, n, 5)
            wall = time.perf_counter() - w0
        ref = st if ref is None else ref
        res[label] = {
            "wall_s": wall,
            "toys_per_s": n / wall,
            "identical": bool(np.array_equal(st, ref)),
        }
        print(label, res[label], flush=True)
    return {"toys": n, "dataset": "combined", "model": "B-L", "scaling": res}


def fc_rows(
    models: list[str], datasets: list[str], n: int, seed: int, r: Runner, out: Path | None = None
) -> dict:
    """FC Table 2 rows; with ``out``, the rows so far are written there after each row
    (a long run stopped early keeps what it did)."""
    rows: list[dict[str, Any]] = []
    for m in models:
        for d in datasets:
            t0 = time.perf_counter()
            lim = fc_limit(m, d, n, seed, r)
            row = lim.to_dict()
            row["wall_s"] = time.perf_counter() - t0
            rows.append(row)
            w = row["wilks"]
            print(
                f"{m} {d}: g_low FC {lim.g_low:.3g} (t_c {lim.critical_values['g_low']:.2f}) "
                f"Wilks {w['g_low']:.3g}; g/M FC {lim.g_over_M_high:.3g} "
                f"(t_c {lim.critical_values['g_over_M_high']:.2f}) Wilks {w['g_over_M_high']:.3g}"
                f"  [{row['wall_s']:.0f} s]",
                flush=True,
            )
            if out is not None:
                partial = {"toys": n, "seed": seed, "rows": rows, "machine": machine()}
                out.write_text(json.dumps(partial, indent=1, default=float) + "\n")
    return {"toys": n, "seed": seed, "rows": rows}


def coverage_rows(
    n: int,
    seed: int,
    r: Runner,
    fluctuate_ss: bool = True,
    *,
    models: list[str] | None = None,
    datasets: list[str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
    dof: int = 2,
) -> dict:
    rows = []
    for (m, d), (g_low, g_over_m) in PAPER_TABLE2.items():
        if (models and m not in models) or (datasets and d not in datasets):
            continue
        spec = EngineSpec.of(m, d, options=options, fluctuate_ss=fluctuate_ss)
        for mass, g, bound in (
            (M_LOW_MEV, g_low, "g_low"),
            (M_HIGH_MEV, g_over_m * M_HIGH_MEV * 1e-3, "g_over_M_high"),
        ):
            c = coverage(spec, mass, g, n, seed, r, dof=dof).to_dict()
            c["bound"] = bound
            rows.append(c)
            print(
                f"{m} {d} {bound} dof={dof}: coverage {c['fraction']:.4f} ± {c['error']:.4f} "
                f"(t_c {c['t_critical']:.2f} ± {c['t_critical_error']:.2f})",
                flush=True,
            )
    return {
        "toys": n,
        "seed": seed,
        "fluctuate_ss": fluctuate_ss,
        "options": options or {},
        "dof": dof,
        "rows": rows,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("what", choices=("rates", "compare", "scaling", "fc", "coverage"))
    p.add_argument("--toys", type=int, default=None)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--models",
        default=None,
        help="default universal,B-L (compare, rates: B-L; the first one)",
    )
    p.add_argument("--datasets", default="csi2021,ar2020,combined")
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--json", type=Path, default=None)
    p.add_argument(
        "--fixed-ss",
        action="store_true",
        help="coverage: keep the data's SS template in every toy (diagnostic)",
    )
    p.add_argument("--dof", type=int, default=2, help="coverage: 2 (plane) or 1 (at fixed mass)")
    p.add_argument(
        "--coarse-plane",
        action="store_true",
        help="rates: the plane minimum of 0.5.0 (3 masses per decade, no refinement)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        help="detector option EXP.NAME=VALUE, e.g. csi2021.ss_model=measured",
    )
    a = p.parse_args()
    options: dict[str, dict[str, Any]] = {}
    for item in a.set:
        key, value = item.split("=", 1)
        exp, name = key.split(".", 1)
        options.setdefault(exp, {})[name] = value
    t0 = time.perf_counter()
    if a.what == "rates":
        res = rates(a.toys or 60, options, a.coarse_plane, model=(a.models or "B-L").split(",")[0])
    elif a.what == "compare":
        res = rates_side_by_side(a.toys or 20, options, model=(a.models or "B-L").split(",")[0])
    elif a.what == "scaling":
        res = scaling(a.toys or 200)
    else:
        with runner(a.workers) as r:
            if a.what == "fc":
                models = (a.models or "universal,B-L").split(",")
                res = fc_rows(models, a.datasets.split(","), a.toys or 200, a.seed, r, a.json)
            else:
                res = coverage_rows(
                    a.toys or 1000, a.seed, r, not a.fixed_ss,
                    models=(a.models or "universal,B-L").split(","), datasets=a.datasets.split(","),
                    options=options, dof=a.dof,
                )  # fmt: skip
        res["workers"] = a.workers
    res["machine"] = machine()
    res["total_wall_s"] = time.perf_counter() - t0
    if a.json:
        a.json.write_text(json.dumps(res, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
