"""Would a coarser coupling grid for the toys' plane minimum give the same statistics?

The experiment behind the note on the toy rate in docs/guide/performance.md (0.5.0): for
each model, toys at two points (the combined Table 2 bounds at 10 keV and, as g = (g/M) x 10 GeV, at
10 GeV) evaluated with ``toys.PLANE_PER_DECADE`` = 20 (the default) and 10, same seeds;
prints the largest relative difference of the three statistics and the CPU time of each.
Answer found: identical to <= 3e-14 for most models, but By+Lmu+Ltau at 10 GeV differs by
0.4 % (a narrow strip's minimum missed), so the default stays 20.

    python bench/plane_density.py [--toys 150] [--models B-L,By+Lmu+Ltau]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from cevns.experiments import experiment
from cevns.infer import toys
from cevns.infer.limits import limit
from cevns.models import MODEL_NAMES


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--toys", type=int, default=150)
    ap.add_argument("--models", default=",".join(MODEL_NAMES))
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    exps = {n: experiment(n) for n in ("csi2021", "ar2020")}
    default = toys.PLANE_PER_DECADE
    try:
        for model in args.models.split(","):
            lim = limit(model, "combined", experiments=exps)
            for mass, g in ((0.01, lim.g_low), (1e4, lim.g_over_M_high * 10.0)):
                stats, cpu = {}, {}
                for per_decade in (20, 10):
                    toys.PLANE_PER_DECADE = per_decade
                    eng = toys.ToyEngine(model, "combined", experiments=exps)
                    t0 = time.process_time()
                    stats[per_decade] = eng.run(
                        mass, g, args.toys, np.random.SeedSequence(args.seed), n_threads=1
                    )
                    cpu[per_decade] = time.process_time() - t0
                rel = (np.abs(stats[10] - stats[20]) / np.abs(stats[20])).max()
                print(
                    f"{model:12s} M={mass:g} MeV g={g:.4g}: max rel diff {rel:.2e}; "
                    f"CPU {cpu[20]:.2f} s -> {cpu[10]:.2f} s",
                    flush=True,
                )
    finally:
        toys.PLANE_PER_DECADE = default


if __name__ == "__main__":
    main()
