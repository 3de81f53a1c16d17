"""``cevns gm2``: does the COHERENT 2σ exclusion cover the (g−2)_μ band of a model? (Sec. IV)

The comparison is :func:`cevns.gm2.gm2_report`; this module parses the arguments
and prints it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .args import (
    EXIT_OK,
    add_command,
    add_format,
    add_inputs,
    add_stat,
    check_stat,
    couplings_in_reach,
    detector_experiments,
    parse_grids,
)

__all__ = ["DEFAULT_MASSES", "EPILOG_GM2", "cmd_gm2", "register"]


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

#: Default mass grid of the comparison: 20 per decade, 10 keV - 10 GeV.
DEFAULT_MASSES = "1e-2:1e4:121"


def _ranges(r: list[list[float]]) -> str:
    return "; ".join(f"{a:.3g}-{b:.3g}" for a, b in r) or "none"


def _ratio(r: Any) -> str:
    return "n/a" if r is None else f"{r[0]:.3g} ({r[1]:.3g} MeV)"


def cmd_gm2(args: argparse.Namespace) -> int:
    import numpy as np

    from ..datasets import LABELS, PAPER_EXPERIMENTS, PAPER_ORDER
    from ..gm2 import gm2_band, gm2_report
    from ..models import get_model
    from ..output import table, to_json

    masses, couplings = parse_grids(args)
    check_stat(args)
    gm2_band(get_model(args.model), [1.0])  # unknown model / no muon coupling: before the data
    with couplings_in_reach(args):
        rep = gm2_report(
            args.model,
            masses,
            couplings,
            dof=args.dof,
            cl=args.cl,
            data_dir=args.data_dir,
            cache_dir=args.cache_dir,
            experiments=detector_experiments(args, PAPER_EXPERIMENTS),
        )
    if args.format == "json":
        print(to_json(rep))
        return EXIT_OK
    ds = rep["datasets"]
    s = rep["settings"]
    stat = (
        f"# CEvNS exclusion at CL {s['cl']} (Delta chi2 = {s['delta_chi2']:.3f}, dof = "
        f"{args.dof}), method wilks (no toys); (g-2)_mu band at {rep['n_sigma']:g} sigma"
    )
    if args.format == "csv":
        print(stat)
        header = ["mass_MeV", "g_lower", "g_upper"]
        for d in PAPER_ORDER:
            header += [f"limit_g_{d}", f"excluded_{d}"]
        rows = []
        for i, mass in enumerate(rep["masses_MeV"]):
            row = [mass, rep["g_lower"][i], rep["g_upper"][i]]
            for d in PAPER_ORDER:
                lim = ds[d]["limit_g"][i]
                row += [lim, bool(np.isfinite(lim) and rep["g_lower"][i] > lim)]
            rows.append(row)
        sys.stdout.write(table(rows, header, "csv"))
        return EXIT_OK
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
    print(
        f"# CEvNS {s['cl']} exclusion (Delta chi2 = {s['delta_chi2']:.3f}, dof = {args.dof}, "
        "method wilks, no toys) vs the band, "
        f"{s['n_masses']} masses {s['mass_range_MeV'][0]:g}-{s['mass_range_MeV'][1]:g} MeV"
    )
    rows = [
        [
            LABELS[d],
            ds[d]["excluded_below_MeV"] if ds[d]["excluded_below_MeV"] is not None else "none",
            ds[d]["fully_excluded"],
            _ranges(ds[d]["allowed_ranges_MeV"]),
            _ranges(ds[d]["excluded_ranges_MeV"]),
            _ranges(ds[d]["strip_overlap_ranges_MeV"]),
            _ratio(ds[d]["min_band_lower_over_limit"]),
            _ratio(ds[d]["max_band_upper_over_limit"]),
        ]
        for d in PAPER_ORDER
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
    return EXIT_OK


def register(sub: Any) -> None:
    from ..models import MODEL_NAMES

    p = add_command(sub, "gm2", "CEvNS exclusion vs the (g-2)_mu band of a model", EPILOG_GM2)
    p.add_argument("--model", required=True, help=", ".join(MODEL_NAMES))
    p.add_argument(
        "--masses",
        default=DEFAULT_MASSES,
        help="LO:HI:N in MeV, log-spaced, either order (default %(default)s)",
    )
    p.add_argument("--couplings", default=None, help="LO:HI:N (default: from the model kind)")
    p.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="scan cache (default: $CEVNS_CACHE_DIR or the per-user cache directory)",
    )
    add_stat(p)
    add_format(p, ("markdown", "json", "csv"))
    add_inputs(p)
    p.set_defaults(func=cmd_gm2)
