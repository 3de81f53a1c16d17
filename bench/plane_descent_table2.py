"""Table 2 with the data's plane minimum of 0.8.0 (descents wherever the curve dips
into a coarse interval) beside 0.7.0's and a dense reference.

The numbers behind the 0.8.0 CHANGELOG entry: every model x data set (csi2021, ar2020,
combined), with the CsI steady-state model ``paper`` (eq. 6; the frozen references) and
``measured`` (the default): χ²_min of this version's rule (``global_minimum(fit)``),
the dense reference (the minimum over every one of the 211 masses of the
30-per-decade grid, ``global_minimum(fit, masses=plane_fine_masses())``) and the
Table 2 bounds, beside 0.7.0's (read from ``bench/results/table2-plane-refined.json``,
its ``refined`` entries, made by ``bench/plane_refinement_table2.py`` at 0.7.0).

    python bench/plane_descent_table2.py --json bench/results/table2-plane-descent.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from plane_refinement_table2 import KEYS, compared  # bench/, the script's folder

from cevns.datasets import PAPER_DATASETS
from cevns.experiments import experiment
from cevns.infer.limits import M_HIGH_MEV, M_LOW_MEV, _limit_of
from cevns.infer.scan import ModelFit, global_minimum, plane_fine_masses
from cevns.models import MODEL_NAMES

OLD = Path(__file__).parent / "results" / "table2-plane-refined.json"


def rows(ss_model: str, datasets: list[str], old: dict[tuple, dict]) -> list[dict[str, Any]]:
    exps = {"csi2021": experiment("csi2021", ss_model=ss_model), "ar2020": experiment("ar2020")}
    fine = plane_fine_masses()
    out = []
    for model in MODEL_NAMES:
        for ds in datasets:
            fit = ModelFit(model, ds, experiments=exps)
            new = _limit_of(fit, ds, "2sigma", 2, M_LOW_MEV, M_HIGH_MEV)
            dense = global_minimum(fit, masses=fine)
            prev = {k: v["refined"] for k, v in old[(model, ds, ss_model)].items() if k in KEYS}
            row = compared(model, ds, ss_model, prev, new, ("0.7.0", "0.8.0"))
            row["chi2_min"]["dense"] = dense["chi2"]
            row["chi2_min"]["above_dense"] = new.chi2_min - dense["chi2"]
            out.append(row)
            print(
                f"{ss_model:8s} {model:12s} {ds:8s} chi2_min {row['chi2_min']['0.7.0']:.6f} -> "
                f"{new.chi2_min:.6f} ({row['chi2_min']['change']:+.2e}; dense "
                f"{row['chi2_min']['above_dense']:+.1e}); g_low "
                f"{row['g_low']['0.7.0']:.5g} -> {new.g_low:.5g} "
                f"({row['g_low']['relative_change']:+.2%}); g/M "
                f"{row['g_over_M_high']['0.7.0']:.5g} -> {new.g_over_M_high:.5g} "
                f"({row['g_over_M_high']['relative_change']:+.2%})",
                flush=True,
            )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    old = {
        (r["model"], r["dataset"], r["ss_model"]): r for r in json.loads(OLD.read_text())["rows"]
    }
    t0 = time.perf_counter()
    res: dict[str, Any] = {
        "what": "Table 2 (2 sigma, dof 2): chi2_min and bounds of 0.7.0 (descents from the "
        "coarse local minima) and 0.8.0 (descents wherever the curve dips into a coarse "
        "interval), and the dense chi2_min (all 211 masses of the 30-per-decade grid)",
        "rows": rows("paper", list(PAPER_DATASETS), old)
        + rows("measured", [d for d in PAPER_DATASETS if d != "ar2020"], old),
    }
    res["wall_s"] = time.perf_counter() - t0
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
