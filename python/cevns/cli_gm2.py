"""``cevns gm2``: does the COHERENT 2σ exclusion cover the (g−2)_μ band of a model? (Sec. IV)

For each data set (Ar, CsI, CsI+Ar) the exclusion line of an (M, g) scan (upper
edge of the lowest allowed region, cached like ``cevns figures``) is compared with
the 2σ band of g explaining Δa_μ (App. B, eq. 57-59) by
:func:`cevns.gm2.band_exclusion`, at the scan's masses.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

EPILOG_GM2 = """examples:
  cevns gm2 --model Lmu-Ltau
  cevns gm2 --model scalar --format json
  cevns gm2 --model B-3Lmu --masses 1e-2:1e4:241 --format csv   # finer mass grid

Output: the band at a few masses, then per data set `excluded_below_MeV` (the band
is excluded at every scan mass up to this one), the mass ranges where the band is
(partly) allowed and where it is excluded, and `strip_overlap_ranges_MeV` (masses
where the band lies above the exclusion line but crosses a thin allowed strip), and
the extreme ratios band edge / exclusion line over the masses (min g_lower/limit > 1:
the whole band is excluded; max g_upper/limit < 1: the band lies entirely below it).
Models that do not couple to the muon (B-3Le, Le-Ltau) exit with code 4.
"""

#: Masses [MeV] at which the band is printed.
REPORT_MASSES_MEV = (0.1, 1.0, 10.0, 100.0, 1000.0)
#: Default mass grid of the comparison: 20 per decade, 10 keV - 10 GeV.
DEFAULT_MASSES = "1e-2:1e4:121"
DATASETS = ("ar2020", "csi2021", "combined")


def _runs(masses: np.ndarray, flags: np.ndarray) -> list[list[float]]:
    """[[first, last], ...] masses of each run of consecutive True flags."""
    runs: list[list[float]] = []
    start = None
    for i, f in enumerate(list(flags) + [False]):
        if f and start is None:
            start = i
        elif not f and start is not None:
            runs.append([float(masses[start]), float(masses[i - 1])])
            start = None
    return runs


def _strip_overlap(band: Any, intervals: list[list[tuple[float, float]]]) -> np.ndarray:
    """Masses where the band misses the lowest allowed interval but meets a higher one."""
    out = np.zeros(band.masses_MeV.size, dtype=bool)
    for i, iv in enumerate(intervals):
        lo, hi = band.g_lower[i], band.g_upper[i]
        if iv and lo <= iv[0][1]:
            continue
        out[i] = any(a <= hi and b >= lo for a, b in iv[1:])
    return out


def gm2_report(
    model: str,
    masses: Any = None,
    couplings: Any = None,
    *,
    dof: int = 2,
    cl: str | float = "2sigma",
    data_dir: Any = None,
    cache_dir: Any = None,
    experiments: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The comparison as a JSON-ready dict (what ``cevns gm2 --format json`` prints).

    ``experiments``: already built experiments by name (e.g. with ``--set`` options);
    the others are built with the defaults.
    """
    from .experiments import experiment
    from .figure_data import cached_scan, default_couplings
    from .gm2 import band_exclusion, gm2_band
    from .models import get_model
    from .provenance import provenance
    from .stats import delta_chi2_threshold

    mdl = get_model(model)
    gm2_band(mdl, [1.0])  # ModelError (exit 4) before any scan if no muon coupling
    m = np.geomspace(1e-2, 1e4, 121) if masses is None else np.asarray(masses, dtype=float)
    g = default_couplings(mdl) if couplings is None else np.asarray(couplings, dtype=float)
    given = dict(experiments or {})
    exps = {n: given.get(n) or experiment(n, data_dir) for n in ("csi2021", "ar2020")}
    band = gm2_band(mdl, m)
    few = gm2_band(mdl, REPORT_MASSES_MEV)
    results = {}
    for d in DATASETS:
        res = cached_scan(mdl, d, m, g, dof, cache_dir, cl=cl, experiments=exps)
        line = res.lowest_edge()
        ok = np.isfinite(line) & (line > 0)
        summary = band_exclusion(band, res.masses_MeV[ok], line[ok])
        summary.pop("model", None)
        summary.pop("n_sigma", None)
        summary["strip_overlap_ranges_MeV"] = _runs(
            band.masses_MeV, _strip_overlap(band, res.intervals)
        )
        lim = (
            np.exp(np.interp(np.log(band.masses_MeV), np.log(res.masses_MeV[ok]), np.log(line[ok])))
            if ok.any()
            else np.full(m.size, np.nan)
        )
        summary["limit_g"] = lim.tolist()
        with np.errstate(invalid="ignore", divide="ignore"):
            lo_ratio = band.g_lower / lim
            hi_ratio = band.g_upper / lim
        good = np.isfinite(lo_ratio) & np.isfinite(hi_ratio)
        if good.any():
            i_lo = int(np.nanargmin(np.where(good, lo_ratio, np.nan)))
            i_hi = int(np.nanargmax(np.where(good, hi_ratio, np.nan)))
            summary["min_band_lower_over_limit"] = [
                float(lo_ratio[i_lo]),
                float(band.masses_MeV[i_lo]),
            ]
            summary["max_band_upper_over_limit"] = [
                float(hi_ratio[i_hi]),
                float(band.masses_MeV[i_hi]),
            ]
        else:
            summary["min_band_lower_over_limit"] = summary["max_band_upper_over_limit"] = None
        results[d] = summary
    return {
        "model": mdl.name,
        "muon_coupling_factor": band.muon_coupling_factor,
        "n_sigma": band.n_sigma,
        "delta_a_mu": band.delta_a_mu,
        "sigma_a_mu": band.sigma_a_mu,
        "band": [
            {"mass_MeV": float(x), "g_lower": float(lo), "g_upper": float(hi)}
            for x, lo, hi in zip(few.masses_MeV, few.g_lower, few.g_upper)
        ],
        "masses_MeV": band.masses_MeV.tolist(),
        "g_lower": band.g_lower.tolist(),
        "g_upper": band.g_upper.tolist(),
        "datasets": results,
        "settings": {
            "cl": cl,
            "dof": dof,
            "delta_chi2": delta_chi2_threshold(cl, dof),
            "n_masses": int(m.size),
            "mass_range_MeV": [float(m[0]), float(m[-1])],
            "n_couplings": int(g.size),
            "coupling_range": [float(g[0]), float(g[-1])],
            "criterion": "band excluded at a mass when its lower edge lies above the "
            "exclusion line (upper edge of the lowest allowed region)",
        },
        "provenance": provenance(exps.values()),
    }


def _ranges(r: list[list[float]]) -> str:
    return "; ".join(f"{a:.3g}-{b:.3g}" for a, b in r) or "none"


def _ratio(r: Any) -> str:
    return "n/a" if r is None else f"{r[0]:.3g} ({r[1]:.3g} MeV)"


def cmd_gm2(args: argparse.Namespace) -> int:
    from .cli import detector_experiments
    from .cli_limits import DATASET_LABELS, _grid
    from .gm2 import gm2_band
    from .models import get_model
    from .output import table, to_json

    masses = _grid(args.masses, "masses")
    couplings = _grid(args.couplings, "couplings") if args.couplings else None
    gm2_band(get_model(args.model), [1.0])  # unknown model / no muon coupling: before the data
    rep = gm2_report(
        args.model,
        masses,
        couplings,
        dof=args.dof,
        cl=args.cl,
        data_dir=args.data_dir,
        cache_dir=args.cache_dir,
        experiments=detector_experiments(args, ("csi2021", "ar2020")),
    )
    if args.format == "json":
        print(to_json(rep))
        return 0
    ds = rep["datasets"]
    if args.format == "csv":
        header = ["mass_MeV", "g_lower", "g_upper"]
        for d in DATASETS:
            header += [f"limit_g_{d}", f"excluded_{d}"]
        rows = []
        for i, mass in enumerate(rep["masses_MeV"]):
            row = [mass, rep["g_lower"][i], rep["g_upper"][i]]
            for d in DATASETS:
                lim = ds[d]["limit_g"][i]
                row += [lim, bool(np.isfinite(lim) and rep["g_lower"][i] > lim)]
            rows.append(row)
        sys.stdout.write(table(rows, header, "csv"))
        return 0
    print(
        f"# (g-2)_mu {rep['n_sigma']:g} sigma band of {rep['model']} (g_mu = "
        f"{rep['muon_coupling_factor']:g} g; Delta a_mu = {rep['delta_a_mu']:.3g} +- "
        f"{rep['sigma_a_mu']:.2g})"
    )
    print(
        table(
            [[b["mass_MeV"], b["g_lower"], b["g_upper"]] for b in rep["band"]],
            ["M [MeV]", "g lower", "g upper"],
            "markdown",
        )
    )
    s = rep["settings"]
    print(
        f"# CEvNS {s['cl']} exclusion (Delta chi2 = {s['delta_chi2']:.3f}) vs the band, "
        f"{s['n_masses']} masses {s['mass_range_MeV'][0]:g}-{s['mass_range_MeV'][1]:g} MeV"
    )
    rows = [
        [
            DATASET_LABELS[d],
            ds[d]["excluded_below_MeV"] if ds[d]["excluded_below_MeV"] is not None else "none",
            ds[d]["fully_excluded"],
            _ranges(ds[d]["allowed_ranges_MeV"]),
            _ranges(ds[d]["excluded_ranges_MeV"]),
            _ranges(ds[d]["strip_overlap_ranges_MeV"]),
            _ratio(ds[d]["min_band_lower_over_limit"]),
            _ratio(ds[d]["max_band_upper_over_limit"]),
        ]
        for d in DATASETS
    ]
    print(
        table(
            rows,
            [
                "data set",
                "excluded_below_MeV",
                "fully excluded",
                "allowed_ranges_MeV",
                "excluded_ranges_MeV",
                "strip overlap [MeV]",
                "min g_lower/limit (at M)",
                "max g_upper/limit (at M)",
            ],
            "markdown",
        ),
        end="",
    )
    return 0


def register(sub: Any) -> None:
    from .cli import _add_data_dir, _add_detector_options, _add_format, add_command
    from .cli_limits import _add_stat
    from .models import MODEL_NAMES

    p = add_command(sub, "gm2", "CEvNS exclusion vs the (g-2)_mu band of a model", EPILOG_GM2)
    p.add_argument("--model", required=True, help=", ".join(MODEL_NAMES))
    p.add_argument(
        "--masses", default=DEFAULT_MASSES, help="LO:HI:N in MeV, log-spaced (default %(default)s)"
    )
    p.add_argument("--couplings", default=None, help="LO:HI:N (default: from the model kind)")
    p.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="scan cache (default: $CEVNS_CACHE_DIR or the per-user cache directory)",
    )
    _add_stat(p)
    _add_format(p, ("markdown", "json", "csv"))
    _add_detector_options(p)
    _add_data_dir(p)
    p.set_defaults(func=cmd_gm2)
