"""Are the toys' 1-D minima (over g at the tested mass) those of a dense coupling grid?

For toys at the combined (CsI+Ar) Table 2 bounds of universal, B−L and By+Lμ+Lτ at
10 keV (g) and 10 GeV (g/M × 10 GeV), the minimum over g at the tested mass with the
toys' default grid (5 couplings per decade, 20 over the cancellation band, plus the
cancellation seeds; every local minimum refined) against 80 couplings per decade plus
the seeds (no band), same seeds; and the same 5 per decade without the band. Prints
per point the largest difference and the toys above 1e-6; ``--json`` keeps them.

    python bench/coupling_density_1d.py [--toys 1000]
        [--json bench/results/coupling-density-1d.json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from plane_density import MODELS, TOLERANCE, table2_points  # bench/, the script's folder

import cevns
from cevns.experiments import experiment
from cevns.infer.limits import limit
from cevns.infer.toys import ToyEngine


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--toys", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    exps = {n: experiment(n) for n in ("csi2021", "ar2020")}
    rows = []
    for model in MODELS:
        lim = limit(model, "combined", experiments=exps)
        # the 1-D statistic needs no plane: one mass each keeps the engines cheap
        for mass, g in table2_points(lim).values():
            kw = {"experiments": exps, "plane_masses": [mass]}
            default = ToyEngine(model, "combined", **kw)
            dense = ToyEngine(model, "combined", coupling_per_decade=80, band_per_decade=0, **kw)
            no_band = ToyEngine(model, "combined", band_per_decade=0, **kw)
            seed = np.random.SeedSequence(args.seed)
            cpu = {}
            stats = {}
            for name, e in (("default", default), ("dense", dense), ("no band", no_band)):
                t0 = time.process_time()
                stats[name] = e.run(mass, g, args.toys, seed, plane=False)[:, 1]
                cpu[name] = time.process_time() - t0
            d = stats["default"] - stats["dense"]
            nb = stats["no band"] - stats["dense"]
            row = {
                "model": model, "mass_MeV": mass, "g": g, "toys": args.toys,
                "max_abs_diff": float(np.abs(d).max()),
                "above_tolerance": int((np.abs(d) > TOLERANCE).sum()),
                "no_band_max_abs_diff": float(np.abs(nb).max()),
                "no_band_above_tolerance": int((np.abs(nb) > TOLERANCE).sum()),
                "cpu_s": cpu,
            }  # fmt: skip
            rows.append(row)
            print(
                f"{model:12s} M={mass:g} MeV: max |diff| {row['max_abs_diff']:.1e}, "
                f"{row['above_tolerance']} toys > {TOLERANCE:g} (without the band: "
                f"{row['no_band_max_abs_diff']:.1e}, {row['no_band_above_tolerance']}); "
                f"CPU default {cpu['default']:.1f} s, dense {cpu['dense']:.1f} s",
                flush=True,
            )
    if args.json:
        out = {
            "what": "minimum over g at the tested mass of CsI+Ar toys: the default grid "
            "(5 per decade, 20 over the cancellation band, + seeds) and 5 per decade + seeds "
            "without the band (no_band_*) against 80 per decade + seeds",
            "cevns": cevns.__version__,
            "tolerance": TOLERANCE,
            "rows": rows,
        }
        args.json.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
