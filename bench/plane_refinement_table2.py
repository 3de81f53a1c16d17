"""Table 2 with the data's plane minimum of 0.6.0 (3 masses per decade) and refined in mass.

The numbers behind the 0.7.0 CHANGELOG entry: every model x data set (csi2021, ar2020,
combined), with the CsI steady-state model ``paper`` (eq. 6; the frozen references) and
``measured`` (the default), the Table 2 bounds and χ²_min twice in one process: with
χ²_min the minimum over the coarse plane of 0.6.0 (``global_minimum(fit,
masses=PLANE_MASSES_MEV)``) and refined in mass (``global_minimum(fit)``, 0.7.0). The
coarse plane's profiles (connectivity, bounds) are the same in both; only the Δχ²
reference moves.

    python bench/plane_refinement_table2.py --json bench/results/table2-plane-refined.json
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

from cevns.datasets import PAPER_DATASETS
from cevns.experiments import experiment
from cevns.infer.limits import M_HIGH_MEV, M_LOW_MEV, _limit_of
from cevns.infer.scan import PLANE_MASSES_MEV, ModelFit, global_minimum
from cevns.models import MODEL_NAMES

KEYS = ("chi2_min", "best_mass_MeV", "best_g", "g_low", "g_over_M_high")


def compared(
    model: str, ds: str, ss_model: str, before: Any, after: Any, labels: tuple[str, str]
) -> dict[str, Any]:
    """A Table 2 row before and after (limits or mappings with `KEYS`): each value under
    its label, the bounds' relative change and the change of chi2_min."""
    value = (lambda x, k: x[k]) if isinstance(before, dict) else getattr  # noqa: E731
    row: dict[str, Any] = {"model": model, "dataset": ds, "ss_model": ss_model}
    for key in KEYS:
        row[key] = {labels[0]: value(before, key), labels[1]: getattr(after, key)}
    for key in ("g_low", "g_over_M_high"):
        a, b = row[key][labels[0]], row[key][labels[1]]
        row[key]["relative_change"] = b / a - 1.0 if a and math.isfinite(a) else math.nan
    row["chi2_min"]["change"] = after.chi2_min - row["chi2_min"][labels[0]]
    return row


def rows(ss_model: str, datasets: list[str]) -> list[dict[str, Any]]:
    exps = {"csi2021": experiment("csi2021", ss_model=ss_model), "ar2020": experiment("ar2020")}
    out = []
    for model in MODEL_NAMES:
        for ds in datasets:
            fit = ModelFit(model, ds, experiments=exps)
            fit._plane_minimum = global_minimum(fit, masses=PLANE_MASSES_MEV)  # 0.6.0
            old = _limit_of(fit, ds, "2sigma", 2, M_LOW_MEV, M_HIGH_MEV)
            fit._plane_minimum = None  # 0.7.0: refined in mass
            new = _limit_of(fit, ds, "2sigma", 2, M_LOW_MEV, M_HIGH_MEV)
            row = compared(model, ds, ss_model, old, new, ("coarse", "refined"))
            out.append(row)
            print(
                f"{ss_model:8s} {model:12s} {ds:8s} chi2_min {old.chi2_min:.6f} -> "
                f"{new.chi2_min:.6f} ({new.chi2_min - old.chi2_min:+.2e}); g_low "
                f"{old.g_low:.5g} -> {new.g_low:.5g} ({row['g_low']['relative_change']:+.2%}); "
                f"g/M {old.g_over_M_high:.5g} -> {new.g_over_M_high:.5g} "
                f"({row['g_over_M_high']['relative_change']:+.2%})",
                flush=True,
            )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    t0 = time.perf_counter()
    res: dict[str, Any] = {
        "what": "Table 2 (2 sigma, dof 2) with chi2_min over the coarse plane (0.6.0) and "
        "refined in mass (0.7.0)",
        "rows": rows("paper", list(PAPER_DATASETS))
        + rows("measured", [d for d in PAPER_DATASETS if d != "ar2020"]),
    }
    res["wall_s"] = time.perf_counter() - t0
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, default=float) + "\n")


if __name__ == "__main__":
    main()
