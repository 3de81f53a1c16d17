"""Argument helpers shared by every ``cevns`` subcommand.

Ranges (``LO:HI:N``), detector options (``--set``), ``--data-dir``, ``--format``,
``--cl/--dof`` and writing results (``--out``) are parsed and checked here, before
any work, so that every command refuses the same mistake with the same line.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .._validate import MAX_QUOTED, quote
from ..errors import InputError, UsageError

__all__ = [
    "MAX_RANGE_POINTS",
    "add_command",
    "add_data_dir",
    "add_dataset",
    "add_datasets",
    "add_detector_options",
    "add_fixed_parameters",
    "add_format",
    "add_inputs",
    "add_stat",
    "check_fixed_used",
    "check_output_dir",
    "check_output_file",
    "check_stat",
    "couplings_in_reach",
    "detector_experiments",
    "join_negative_values",
    "number",
    "parse_detector_options",
    "parse_fixed_parameters",
    "parse_grids",
    "parse_range",
    "progress",
    "shown",
    "write_output",
]


#: Exit codes (the table of docs/guide/cli.md): scripts can rely on them.
EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_DATA, EXIT_INPUT = 0, 1, 2, 3, 4

#: Largest number of points of a ``LO:HI:N`` range (a 2000 x 2000 scan is ~30 MB of JSON).
MAX_RANGE_POINTS = 2000


class Number(float):
    """A float option value that remembers what the user typed (see :func:`number`)."""

    text: str


def number(text: str) -> float:
    """argparse ``type`` of numeric options: a float that keeps its text, so that a
    400-digit ``--mass`` is quoted as typed rather than as ``inf``."""
    try:
        v = Number(float(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{quote(text)} is not a number") from None
    v.text = text
    return v


def shown(value: Any) -> str:
    """A numeric option value as the user typed it (cut and quoted when long), else ``%g``."""
    text = getattr(value, "text", None)
    if text is None:
        return f"{value:g}"
    return text if len(text) <= MAX_QUOTED and text.strip() == text else quote(text)


class _StoreOnce(argparse._StoreAction):
    """``store`` that refuses an option given twice (``--model B-L --model universal``
    would otherwise keep the last silently)."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        seen = namespace.__dict__.setdefault("_given_once", set())
        if self.dest in seen:
            parser.error(
                f"{'/'.join(self.option_strings)} given twice; give it once "
                "(only --set, --fix and --range are repeatable)"
            )
        seen.add(self.dest)
        super().__call__(parser, namespace, values, option_string)


class Parser(argparse.ArgumentParser):
    """The ``cevns`` parser: a usage error is one line with a ``--help`` hint (exit 2),
    and single-value options refuse to be repeated."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # every plain option (groups share the registry): given at most once
        self.register("action", None, _StoreOnce)
        self.register("action", "store", _StoreOnce)

    #: the subparsers action of the top-level parser (set by ``build_parser``)
    subcommands: Any = None

    def subcommand(self, name: str) -> argparse.ArgumentParser:
        """The parser of subcommand ``name`` (this parser where there is none)."""
        if self.subcommands is None:
            return self
        return self.subcommands.choices.get(name, self)

    def error(self, message: str) -> Any:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"cevns: usage error: {message} (see: {self.prog} --help)\n")


#: Option values that argparse would take for options: negative numbers and ranges.
_NEGATIVE_VALUE = re.compile(r"^-\.?\d")


def join_negative_values(argv: Sequence[str]) -> list[str]:
    """``--coupling -5e-5`` → ``--coupling=-5e-5`` (argparse reads ``-5e-5`` as an
    option and says 'expected one argument'); ``-1:10:5`` likewise. The value is then
    checked as any other (a negative mass is refused; the sign of g does not matter)."""
    out: list[str] = []
    args = list(argv)
    i = 0
    while i < len(args):
        a = args[i]
        if (
            a.startswith("--")
            and a != "--"
            and "=" not in a
            and i + 1 < len(args)
            and _NEGATIVE_VALUE.match(args[i + 1])
        ):
            out.append(f"{a}={args[i + 1]}")
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def add_command(sub: Any, name: str, help: str, epilog: str) -> argparse.ArgumentParser:
    """A subcommand whose --help ends with its examples (kept verbatim); ``-v/--verbose``
    is accepted after the command too."""
    p = sub.add_parser(
        name, help=help, epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="log progress to stderr (and print the traceback of an unexpected error)",
    )
    return p


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
            raise InputError(f"--fix expects NAME=VALUE (e.g. rn_cs=4.86), got {quote(item)}")
        try:
            value = float(text)
        except ValueError:
            raise InputError(
                f"--fix {quote(item)}: {quote(text.strip())} is not a number"
            ) from None
        if name in out:
            raise InputError(f"--fix gives {quote(name)} twice")
        out[name] = value
    try:
        parameters(out)
    except InputError as exc:
        raise InputError(f"--fix: {exc}") from None
    return out


def check_fixed_used(fixed: Mapping[str, float], experiments: Mapping[str, Any]) -> None:
    """Refuse a ``--fix`` parameter that none of the command's experiments depends on
    (e.g. ``rn_csi`` with ``--experiment ar2020``; the core says which they use)."""
    from ..phenomenology import check_used

    check_used(fixed, experiments.values(), "--fix")


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


def add_datasets(p: argparse.ArgumentParser, default: str) -> None:
    """``--experiment NAME[+NAME...]``, repeatable or comma-separated: several data sets
    (the columns of a table), in the order given; ``args.experiment`` is None when absent."""
    from ..datasets import DATASETS, check_dataset

    def datasets(text: str) -> list[str]:
        parts = [t.strip() for t in text.split(",")]
        if not all(parts):
            raise argparse.ArgumentTypeError(
                f"{text!r}: an empty data set name; give NAME[+NAME...], repeat --experiment "
                "or separate data sets by ','"
            )
        return [_dataset_type(check_dataset)(t) for t in parts]

    datasets.__name__ = "data set"
    p.add_argument(
        "--experiment",
        type=datasets,
        action="append",
        default=None,
        metavar="NAME[+NAME...]",
        help=f"data set (a column), repeatable or comma-separated: {', '.join(DATASETS)}, or "
        f"experiments joined by '+' (csi2021+ar2020+xenonnt); default: {default}",
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
        raise InputError(f"{option} {quote(spec)}: expected LO:HI:N; {accepted}")
    try:
        lo, hi = float(parts[0]), float(parts[1])
    except ValueError:
        raise InputError(f"{option} {quote(spec)}: LO and HI must be numbers; {accepted}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo > 0 and hi > 0):
        raise InputError(f"{option} {quote(spec)}: LO and HI must be finite and > 0; {accepted}")
    text = parts[2].strip()
    if not text.isdigit():
        raise InputError(f"{option} {quote(spec)}: N must be a whole number; {accepted}")
    n = int(text)
    if not min_n <= n <= MAX_RANGE_POINTS:
        raise InputError(f"{option} {quote(spec)}: N = {n} is out of range; {accepted}")
    lo, hi = min(lo, hi), max(lo, hi)
    if n == 1 and lo != hi:
        raise InputError(
            f"{option} {quote(spec)}: N = 1 is one point, so LO and HI must be equal "
            f"(e.g. {lo:g}:{lo:g}:1); {accepted}"
        )
    if n > 1 and lo == hi:
        raise InputError(f"{option} {quote(spec)}: LO = HI gives {n} equal points; {accepted}")
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


@contextmanager
def couplings_in_reach(args: argparse.Namespace) -> Iterator[None]:
    """A ``--couplings`` grid whose top makes a prediction overflow (more than 1e150
    events in a bin, the core's limit) is refused naming ``--couplings``."""
    try:
        yield
    except ValueError as exc:
        if not (getattr(args, "couplings", None) and "events" in str(exc)):
            raise
        raise InputError(
            f"--couplings {quote(args.couplings)}: at the top of this grid the prediction "
            f"overflows ({exc}); use a smaller HI"
        ) from None


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
