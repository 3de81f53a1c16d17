"""Are the toys' minima those of a dense reference minimisation? (issue 22)

For toys at Table 2 points of the combined fit (CsI+Ar, default options) the three
statistics of every toy (χ² at the point, its minimum over g at the tested mass and
over the (M, g) plane) from three searches, same seeds:

* ``reference``: every mass of the fine grid (30 per decade, 10 keV - 100 GeV, 211
  masses, no coarse pass), each swept along g (no probes), ``--reference-per-decade``
  couplings per decade (default 40) plus the cancellation seeds, every local minimum
  along g refined by Brent's method (``newton_minima=False``), every coupling
  evaluated (``skip_far=False``);
* ``default``: the toys' search of this version (`ToyEngine`'s defaults): coarse pass
  at 3 masses per decade and the descents along the fine grid, the masses next to the
  coarse ones and the coarse masses on the plateaus probed from a mass already swept
  (`TOY_PROBE_MASSES`); along g 5 couplings per decade, 20 over the cancellation band,
  plus the cancellation seeds, stepping over the couplings whose χ² stays 10 above the
  toy's best so far (`TOY_SKIP_FAR`); each local minimum along g by Newton's method
  (`TOY_NEWTON_MINIMA`);
* ``every coupling``: the default without stepping over couplings (every coupling of
  the grid evaluated, the search before `TOY_SKIP_FAR`);
* ``every mass swept``: the same without the probes (every visited mass swept along g);
* ``Brent's minima``: the default with Brent's method for the minima along g and every
  coupling evaluated (the search before `TOY_NEWTON_MINIMA`);
* ``0.8.0``: the same rule in mass (every visited mass swept) with 0.8.0's grid, 20 per
  decade everywhere (plus the seeds), Brent's method;
* ``10 per decade``: 10 per decade everywhere (plus the seeds), no band, no probes;
* ``0.7.0``: the coupling grid of 0.6.0 and 0.7.0 (20 per decade, no seeds), with this
  version's rule in mass (no probes). (bench/results/plane-density.json of 0.7.0 called the
  5-per-decade search "default" and this one "0.6.0".)

Prints, per point and search, the largest difference to the reference and the number
of toys above 1e-6 (in χ²), and the CPU time; ``--json`` keeps everything, ``--details``
every toy's three statistics per search (an ``.npz``: ``<model>@<mass>/<search>``
arrays of shape (toys, 3), the reference's included), to look at the toys that miss.
``--searches`` runs a subset of them (the reference always runs).

    python bench/plane_density.py [--toys 150] [--json bench/results/plane-density.json]
        [--models universal,By+Lmu+Ltau] [--points low,high] [--searches default,0.8.0]
        [--reference-per-decade 40]
        [--details toys.npz]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from cevns.experiments import experiment
from cevns.infer.limits import limit
from cevns.infer.scan import PLANE_PER_DECADE, plane_fine_masses
from cevns.infer.toys import ToyEngine

#: Models whose combined Table 2 bounds are tested, at 10 keV (g) and 10 GeV (g/M x 10 GeV).
MODELS = ("universal", "B-L", "By+Lmu+Ltau")
TOLERANCE = 1e-6


def table2_points(lim: Any) -> dict[str, tuple[float, float]]:
    """The tested points of a combined Table 2 limit: g at 10 keV, g/M x 10 GeV at 10 GeV."""
    return {"low": (0.01, lim.g_low), "high": (1e4, lim.g_over_M_high * 10.0)}


SEARCHES = (
    "default",
    "every coupling",
    "every mass swept",
    "Brent's minima",
    "0.8.0",
    "10 per decade",
    "0.7.0",
)


def engines(
    model: str, exps: dict[str, Any], searches: tuple[str, ...], ref_per_decade: int
) -> dict[str, ToyEngine]:
    every = {
        "reference": ToyEngine(
            model,
            "combined",
            experiments=exps,
            plane_masses=plane_fine_masses(),
            coupling_per_decade=ref_per_decade,
            band_per_decade=0,
            probe_masses=False,
            newton_minima=False,
            skip_far=False,
        ),
        "default": ToyEngine(model, "combined", experiments=exps),
        "every mass swept": ToyEngine(model, "combined", experiments=exps, probe_masses=False),
        "every coupling": ToyEngine(model, "combined", experiments=exps, skip_far=False),
        "Brent's minima": ToyEngine(
            model, "combined", experiments=exps, newton_minima=False, skip_far=False
        ),
        "0.8.0": ToyEngine(
            model,
            "combined",
            experiments=exps,
            coupling_per_decade=20,
            band_per_decade=0,
            probe_masses=False,
            newton_minima=False,
            skip_far=False,
        ),
        "10 per decade": ToyEngine(
            model,
            "combined",
            experiments=exps,
            coupling_per_decade=10,
            band_per_decade=0,
            probe_masses=False,
            newton_minima=False,
            skip_far=False,
        ),
        "0.7.0": ToyEngine(
            model,
            "combined",
            experiments=exps,
            coupling_per_decade=PLANE_PER_DECADE,
            cancellation_seeds=False,
            band_per_decade=0,
            probe_masses=False,
            newton_minima=False,
            skip_far=False,
        ),
    }
    return {k: v for k, v in every.items() if k == "reference" or k in searches}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--toys", type=int, default=150)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--points", default="low,high", help="low (10 keV) and/or high (10 GeV)")
    ap.add_argument("--searches", default=",".join(SEARCHES))
    ap.add_argument(
        "--reference-per-decade", type=int, default=40,
        help="couplings per decade of the reference (plus the seeds)",
    )  # fmt: skip
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--details", type=Path, default=None, help=".npz of every toy's statistics")
    args = ap.parse_args()
    searches = tuple(args.searches.split(","))
    if not set(searches) <= set(SEARCHES) or not set(args.points.split(",")) <= {"low", "high"}:
        ap.error(f"searches are among {', '.join(SEARCHES)}; points among low, high")
    details: dict[str, np.ndarray] = {}
    exps = {n: experiment(n) for n in ("csi2021", "ar2020")}
    rows, total = [], 0
    for model in args.models.split(","):
        lim = limit(model, "combined", experiments=exps)
        engs = engines(model, exps, searches, args.reference_per_decade)
        points = table2_points(lim)
        for mass, g in (points[p] for p in args.points.split(",")):
            seed = np.random.SeedSequence(args.seed)
            stats, cpu = {}, {}
            for name, eng in engs.items():
                t0 = time.process_time()
                stats[name] = eng.run(mass, g, args.toys, seed, n_threads=1)
                cpu[name] = time.process_time() - t0
            ref = stats["reference"]
            details.update({f"{model}@{mass:g}/{k}": v for k, v in stats.items()})
            row: dict[str, Any] = {"model": model, "mass_MeV": mass, "g": g, "toys": args.toys}
            for name in searches:
                d = stats[name] - ref  # > 0: the search stayed above the reference
                row[name] = {
                    "max_abs_diff": [float(x) for x in np.abs(d).max(axis=0)],
                    "above_tolerance": [int(x) for x in (np.abs(d) > TOLERANCE).sum(axis=0)],
                    "below_reference": [int(x) for x in (d < -TOLERANCE).sum(axis=0)],
                    "cpu_s": cpu[name],
                }
            row["reference_cpu_s"] = cpu["reference"]
            rows.append(row)
            total += args.toys
            print(
                f"{model:12s} M={mass:g} MeV g={g:.4g}: "
                + "; ".join(
                    f"{n}: max |diff| {max(row[n]['max_abs_diff']):.1e}, "
                    f"{max(row[n]['above_tolerance'])} toys > {TOLERANCE:g}, "
                    f"CPU {row[n]['cpu_s']:.1f} s"
                    for n in searches
                )
                + f"; reference CPU {cpu['reference']:.1f} s",
                flush=True,
            )
    out = {
        "what": "toy statistics (chi2 at the point, min over g at the mass, min over the plane) "
        "of the toys' searches (keys: default = this version's, 5 couplings per decade, "
        "20 over the cancellation band, + seeds, masses probed from a swept one, couplings "
        "10 above the toy's best stepped over, Newton's minima; every coupling = the same "
        "with every coupling evaluated; every mass swept = that without probes; Brent's "
        "minima = that with Brent's method; 0.8.0 = 20 per decade + seeds; 10 per "
        "decade + seeds; 0.7.0's grid, 20 per decade) against a dense reference (all 211 "
        "masses, reference_per_decade couplings per decade + cancellation seeds, every "
        "minimum refined); CsI+Ar, default options",
        "reference_per_decade": args.reference_per_decade,
        "cevns": __import__("cevns").__version__,
        "tolerance": TOLERANCE,
        "toys_total": total,
        "rows": rows,
    }
    print(f"{total} toys", flush=True)
    if args.details:
        np.savez(args.details, **details)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
