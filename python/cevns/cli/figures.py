"""``cevns figures``: write the paper's Figs. 1-8, the data/prediction spectra and the
XENONnT figures."""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

from ..errors import InputError
from .args import (
    EXIT_OK,
    add_command,
    add_inputs,
    check_output_dir,
    detector_experiments,
)

__all__ = ["EPILOG_FIGURES", "cmd_figures", "register", "require_matplotlib"]


EPILOG_FIGURES = """examples:
  cevns figures --out figs                           # everything, PNG and PDF
  cevns figures --out figs --only fig1,fig4 --format png
  cevns figures --out figs --only fig8_Lmu-Ltau,spectra --dpi 100
  cevns figures --out figs --only xenon --format png     # XENONnT 8B: spectrum, data, limits
  CEVNS_CACHE_DIR=/tmp/cevns-cache cevns figures --out figs   # another scan cache

groups for --only: fig1 fig2 fig3 fig4 fig5 fig6 fig7 fig8 spectra physics xenon, or file
names such as fig1_ar, fig5_B-L, spectra_csi, xenon_recoil, xenon_projections, alldata_B-L.
The xenon group needs the XENONnT and solar releases (cevns data fetch); without them,
drawing everything skips it. Exclusion scans (fig4-fig8, alldata_*) are cached in
$CEVNS_CACHE_DIR or the per-user cache directory: a second run only redraws.
Needs matplotlib: pip install "cevns[plot]".
"""


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [s.strip() for s in text.split(",") if s.strip()]


def require_matplotlib() -> None:
    """A missing matplotlib is a set-up problem with a one-line fix (exit 2)."""
    from ..extras import require

    require("matplotlib", "plot", "cevns figures")


def cmd_figures(args: argparse.Namespace) -> int:
    from ..datasets import PAPER_EXPERIMENTS
    from ..figures import make_figures
    from ..plots import read_overlay_csv

    require_matplotlib()
    check_output_dir(args.out)
    if args.dpi is not None and not (math.isfinite(args.dpi) and 0 < args.dpi <= 2400):
        raise InputError(f"--dpi {args.dpi:g}: accepted: a resolution from 1 to 2400")
    if args.overlay is not None:
        read_overlay_csv(args.overlay)  # a missing or malformed file: before any work
    t0 = time.perf_counter()
    paths = make_figures(
        args.out,
        only=_split(args.only),
        formats=_split(args.format) or [],
        progress=sys.stderr.isatty(),
        data_dir=args.data_dir,
        cache_dir=args.cache_dir,
        cache=not args.no_cache,
        dpi=args.dpi,
        overlay_csv=args.overlay,
        experiments=detector_experiments(args, PAPER_EXPERIMENTS) if args.set else None,
    )
    for p in paths:
        print(p)
    print(
        f"wrote {len(paths)} files to {args.out} in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    return EXIT_OK


def register(sub: Any) -> None:
    p = add_command(
        sub, "figures", "draw the paper's Figs. 1-8 and the spectra (matplotlib)", EPILOG_FIGURES
    )
    p.add_argument("--out", type=Path, required=True, help="output directory (created)")
    p.add_argument(
        "--only", default=None, help="comma-separated groups or file names (default: all)"
    )
    p.add_argument(
        "--format",
        default="png,pdf",
        help="comma-separated formats: png, pdf, svg (default: %(default)s)",
    )
    p.add_argument("--dpi", type=float, default=None, help="resolution of PNG files (default: 150)")
    p.add_argument(
        "--overlay",
        type=Path,
        default=None,
        help="CSV of extra limit curves (mass_MeV,g[,label]) drawn on fig4-fig8",
    )
    p.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="scan cache (default: $CEVNS_CACHE_DIR or the per-user cache directory)",
    )
    p.add_argument("--no-cache", action="store_true", help="recompute every scan, no cache")
    add_inputs(p)
    p.set_defaults(func=cmd_figures)
