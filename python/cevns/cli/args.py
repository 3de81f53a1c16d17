"""Argument helpers shared by every ``cevns`` subcommand.

Ranges (``LO:HI:N``), detector options (``--set``), ``--data-dir``, ``--format``,
``--cl/--dof`` and writing results (``--out``) are parsed and checked here, before
any work, so that every command refuses the same mistake with the same line.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError

__all__ = [
    "MAX_RANGE_POINTS",
    "add_command",
    "add_data_dir",
    "add_dataset",
    "add_detector_options",
    "add_fixed_parameters",
    "add_format",
    "add_inputs",
    "add_stat",
    "check_output_dir",
    "check_output_file",
    "check_stat",
    "detector_experiments",
    "parse_detector_options",
    "parse_fixed_parameters",
    "parse_grids",
    "parse_range",
    "progress",
    "write_output",
]


#: Exit codes (the README's table): scripts can rely on them.
EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_DATA, EXIT_INPUT = 0, 1, 2, 3, 4

#: Largest number of points of a ``LO:HI:N`` range (a 2000 x 2000 scan is ~30 MB of JSON).
MAX_RANGE_POINTS = 2000


def add_command(sub: Any, name: str, help: str, epilog: str) -> argparse.ArgumentParser:
    """A subcommand whose --help ends with its examples (kept verbatim)."""
    return sub.add_parser(
        name, help=help, epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter
    )


def add_data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="COHERENT data directory (default: $CEVNS_DATA_DIR or the per-user data directory)",
    )


def add_detector_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="EXPERIMENT.OPTION=VALUE",
        help="detector-model option, repeatable: e.g. csi2021.timing_efficiency=none, "
        "ar2020.exposure=release, ar2020.shape_templates=plus "
        "(all: cevns.experiments.csi2021.DEFAULTS, cevns.experiments.ar2020.DEFAULTS)",
    )


def add_inputs(p: argparse.ArgumentParser) -> None:
    """``--set`` and ``--data-dir``: what every command that builds experiments takes."""
    add_detector_options(p)
    add_data_dir(p)


def add_fixed_parameters(p: argparse.ArgumentParser, what: str) -> None:
    """``--fix NAME=VALUE``: physics parameters held away from their SM values."""
    p.add_argument(
        "--fix",
        action="append",
        default=[],
        metavar="NAME=VALUE[,NAME=VALUE]",
        help=f"physics parameter held at VALUE {what}, repeatable: e.g. rn_cs=4.86, "
        "sin2w=0.24,eps_u_ee=0.05 (names: cevns.phenomenology.PARAMETERS; units fm, "
        "1e-10 mu_B, 1e-32 cm^2)",
    )


def parse_fixed_parameters(items: Sequence[str]) -> dict[str, float]:
    """``["rn_cs=4.86", "sin2w=0.24,eps_u_ee=0.05"]`` → ``{"rn_cs": 4.86, ...}``.

    Unknown names, non-numbers, non-finite values, radii <= 0 and a name given twice
    are :class:`InputError` naming the item (checked by the core's ``set()``).
    """
    from ..phenomenology import parameters

    out: dict[str, float] = {}
    for item in (x.strip() for group in items for x in group.split(",")):
        if not item:
            continue
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name or not text.strip():
            raise InputError(f"--fix expects NAME=VALUE (e.g. rn_cs=4.86), got {item!r}")
        try:
            value = float(text)
        except ValueError:
            raise InputError(f"--fix {item}: {text.strip()!r} is not a number") from None
        if name in out:
            raise InputError(f"--fix gives {name} twice")
        out[name] = value
    try:
        parameters(out)
    except InputError as exc:
        raise InputError(f"--fix: {exc}") from None
    return out


def add_format(p: argparse.ArgumentParser, choices: Sequence[str]) -> None:
    p.add_argument(
        "--format",
        choices=choices,
        default=choices[0],
        help=f"output format (default: {choices[0]})",
    )


def add_dataset(p: argparse.ArgumentParser) -> None:
    """``--experiment NAME[+NAME...]`` (a data set, :mod:`cevns.datasets`)."""
    from ..datasets import DATASETS, check_dataset

    p.add_argument(
        "--experiment",
        type=_dataset_type(check_dataset),
        required=True,
        metavar="NAME[+NAME...]",
        help=f"data set: {', '.join(DATASETS)}, or experiments joined by '+' (csi2021+ar2020)",
    )


def _dataset_type(check: Any) -> Any:
    """An argparse type that turns InputError into argparse's one-line usage error."""

    def dataset(text: str) -> str:
        from ..errors import InputError

        try:
            return str(check(text))
        except InputError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    dataset.__name__ = "data set"
    return dataset


def add_stat(p: argparse.ArgumentParser) -> None:
    """``--cl`` and ``--dof``: the Δχ² level of allowed regions."""
    p.add_argument("--cl", default="2sigma", help="confidence level: 2sigma, 95%%, 0.9 ...")
    p.add_argument(
        "--dof",
        type=int,
        choices=(1, 2),
        default=2,
        help="parameters of the Delta chi2 (2: 6.18 at 2 sigma, reproduces the "
        "paper's Table 2 best; 1: 4.0)",
    )


def check_stat(args: argparse.Namespace) -> float:
    """The Δχ² of ``--cl``/``--dof`` (an InputError naming ``--cl`` if unreadable)."""
    from ..stats import delta_chi2_threshold

    try:
        return delta_chi2_threshold(args.cl, args.dof)
    except InputError as exc:
        raise InputError(f"--cl {args.cl}: {exc}") from None


def progress() -> bool:
    """Progress bars only on a terminal."""
    return sys.stderr.isatty()


# -- ranges -------------------------------------------------------------------------
def parse_range(spec: str, option: str, *, min_n: int = 1, what: str = "") -> Any:
    """``"LO:HI:N"`` → N log-spaced points from min(LO, HI) to max(LO, HI), ascending.

    A range is a set of grid points: ``1e4:1e-2:200`` is the same grid as
    ``1e-2:1e4:200`` (built from the smaller end, so the two are identical to the
    last bit). ``N = 1`` needs ``LO = HI``.

    Parameters
    ----------
    spec : str
        The text given on the command line.
    option : str
        The option's name for messages, e.g. ``"--masses"``.
    min_n : int
        Fewest points accepted.
    what : str
        What the values are, for messages (e.g. ``"masses [MeV]"``).

    Raises
    ------
    InputError
        Naming the option, the value and what is accepted.
    """
    import numpy as np

    accepted = (
        f"accepted: LO:HI:N with LO, HI finite numbers > 0{f' ({what})' if what else ''} "
        f"and N an integer from {min_n} to {MAX_RANGE_POINTS} (log-spaced; either order)"
    )
    parts = str(spec).split(":")
    if len(parts) != 3:
        raise InputError(f"{option} {spec!r}: expected LO:HI:N; {accepted}")
    try:
        lo, hi = float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError(f"{option} {spec!r}: LO and HI must be numbers; {accepted}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo > 0 and hi > 0):
        raise InputError(f"{option} {spec!r}: LO and HI must be finite and > 0; {accepted}")
    text = parts[2].strip()
    if not text.isdigit():
        raise InputError(f"{option} {spec!r}: N must be a whole number; {accepted}")
    n = int(text)
    if not min_n <= n <= MAX_RANGE_POINTS:
        raise InputError(f"{option} {spec!r}: N = {n} is out of range; {accepted}")
    lo, hi = min(lo, hi), max(lo, hi)
    if n == 1 and lo != hi:
        raise InputError(
            f"{option} {spec!r}: N = 1 is one point, so LO and HI must be equal "
            f"(e.g. {lo:g}:{lo:g}:1); {accepted}"
        )
    if n > 1 and lo == hi:
        raise InputError(f"{option} {spec!r}: LO = HI gives {n} equal points; {accepted}")
    return np.geomspace(lo, hi, n)


def parse_grids(args: argparse.Namespace) -> tuple[Any, Any]:
    """``--masses`` and ``--couplings`` (None when not given) as ascending grids."""
    from ..infer.scan import check_masses

    masses = parse_range(args.masses, "--masses", what="masses [MeV]")
    try:
        check_masses(masses)
    except InputError as exc:
        raise InputError(f"--masses {args.masses}: {exc}") from None
    couplings = None
    if args.couplings:
        couplings = parse_range(args.couplings, "--couplings", min_n=3, what="couplings")
    return masses, couplings


# -- detector options -------------------------------------------------------------------
def parse_detector_options(items: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``["csi2021.pot_mean_us=0.5", ...]`` -> ``{"csi2021": {"pot_mean_us": 0.5}}``.

    Each value is checked against the core's option table (type and range) and
    returned typed; an error names the option, the value and what is accepted.
    """
    from ..experiments import parse_setting

    out: dict[str, dict[str, Any]] = {}
    for item in items:
        name, key, value = parse_setting(item)
        out.setdefault(name, {})[key] = value
    return out


def detector_experiments(args: argparse.Namespace, names: Sequence[str]) -> dict[str, Any]:
    """The experiments ``names`` built with the command's ``--data-dir`` and ``--set``."""
    from ..experiments import experiment

    opts = parse_detector_options(getattr(args, "set", []) or [])
    unused = sorted(set(opts) - set(names))
    if unused:
        raise InputError(
            f"--set for {', '.join(unused)}, which this command does not use ({', '.join(names)})"
        )
    return {n: experiment(n, args.data_dir, **opts.get(n, {})) for n in names}


# -- output -----------------------------------------------------------------------------
def check_output_file(path: Any, option: str = "--out") -> Path:
    """Refuse, before any work, an output file that cannot be written.

    Raises
    ------
    UsageError
        If ``path`` is a directory, or its directory is missing, not a directory or
        not writable.
    """
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise UsageError(f"{option} {p}: is a directory; give a file name")
    if not parent.is_dir():
        what = "does not exist" if not parent.exists() else "is not a directory"
        raise UsageError(f"{option} {p}: the directory {parent} {what}; create it first")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {p}: the directory {parent} is not writable")
    return p


def check_output_dir(path: Any, option: str = "--out") -> Path:
    """Refuse, before any work, an output directory that is a file or cannot be created."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise UsageError(f"{option} {p}: is a file, not a directory")
    anchor = p
    while not anchor.exists():
        if anchor.parent == anchor:
            break
        anchor = anchor.parent
    if anchor.exists() and not anchor.is_dir():
        raise UsageError(f"{option} {p}: {anchor} is a file, not a directory")
    if not os.access(anchor, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {p}: {anchor} is not writable")
    return p


def write_output(text: str, path: Any, option: str = "--out") -> Path:
    """Write a result file whole or not at all (:func:`cevns._io.atomic_write`)."""
    from .._io import atomic_write

    p = check_output_file(path, option)
    try:
        return atomic_write(p, text)
    except OSError as exc:
        raise UsageError(f"{option} {p}: cannot write ({exc.strerror or exc})") from None
