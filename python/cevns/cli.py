"""The ``cevns`` command line.

Exit codes (scripts can rely on them): 0 success; 1 unexpected failure;
2 usage error; 3 data problem (missing, corrupted or malformed release file);
4 invalid input (unknown model, bad mass or coupling, wrong option).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .errors import CevnsError, DataError

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_DATA, EXIT_INPUT = 0, 1, 2, 3, 4

EPILOG_PREDICT = """examples:
  cevns predict --experiment csi2021
  cevns predict --experiment ar2020 --format csv     # or markdown
  cevns predict --experiment ar2020 --model B-L --mass 10 --coupling 1e-4
  cevns predict --experiment csi2021 --set csi2021.timing_efficiency=none
"""
EPILOG_CONFIG = """examples:
  cevns config --cmakedir                # for cmake -Dcevns_DIR=$(cevns config --cmakedir)
  cevns config --includedir
"""
EPILOG_DATA = """examples:
  cevns data verify                      # the default data directory
  cevns data verify ../shared/data/coherent
  cevns data import ~/Downloads/coherent # verify and install a release you have
  cevns data fetch                       # download from the official sources
  cevns data cite                        # how to cite the releases, their licences
"""


def add_command(sub: Any, name: str, help: str, epilog: str) -> argparse.ArgumentParser:
    """A subcommand whose --help ends with its examples (kept verbatim)."""
    return sub.add_parser(
        name, help=help, epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter
    )


def _add_data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="COHERENT data directory (default: $CEVNS_DATA_DIR or the per-user data directory)",
    )


def _add_detector_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="EXPERIMENT.OPTION=VALUE",
        help="detector-model option, repeatable: e.g. csi2021.timing_efficiency=none, "
        "ar2020.exposure=release, ar2020.shape_templates=plus "
        "(all: cevns.experiments.csi2021.DEFAULTS, cevns.experiments.ar2020.DEFAULTS)",
    )


def parse_detector_options(items: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``["csi2021.pot_mean_us=0.5", ...]`` -> ``{"csi2021": {"pot_mean_us": 0.5}}``.

    Each value is checked against the core's option table (type and range) and
    returned typed; an error names the option, the value and what is accepted.
    """
    from .experiments import parse_setting

    out: dict[str, dict[str, Any]] = {}
    for item in items:
        name, key, value = parse_setting(item)
        out.setdefault(name, {})[key] = value
    return out


def detector_experiments(args: argparse.Namespace, names: Sequence[str]) -> dict[str, Any]:
    """The experiments ``names`` built with the command's ``--data-dir`` and ``--set``."""
    from .errors import InputError
    from .experiments import experiment

    opts = parse_detector_options(getattr(args, "set", []) or [])
    unused = sorted(set(opts) - set(names))
    if unused:
        raise InputError(
            f"--set for {', '.join(unused)}, which this command does not use ({', '.join(names)})"
        )
    return {n: experiment(n, args.data_dir, **opts.get(n, {})) for n in names}


def _add_format(p: argparse.ArgumentParser, choices: Sequence[str]) -> None:
    p.add_argument(
        "--format",
        choices=choices,
        default=choices[0],
        help=f"output format (default: {choices[0]})",
    )


def _add_model(p: argparse.ArgumentParser, required: bool = False) -> None:
    from .models import MODEL_NAMES

    p.add_argument(
        "--model",
        default=None,
        required=required,
        help=f"model name: {', '.join(MODEL_NAMES)} (default: Standard Model)",
    )
    p.add_argument("--mass", type=float, default=None, help="mediator mass M [MeV]")
    p.add_argument("--coupling", type=float, default=0.0, help="coupling g (g~_phi for scalar)")


# -- predict ----------------------------------------------------------------
def cmd_predict(args: argparse.Namespace) -> int:
    from .models import get_model
    from .output import table, to_json
    from .provenance import provenance

    if args.model:
        get_model(args.model)  # an unknown name is an input error, before any data is read
    exp = detector_experiments(args, [args.experiment])[args.experiment]
    pred = exp.predict(args.model, args.mass, args.coupling)
    if args.format == "json":
        payload = exp.summary()
        payload.update(
            {
                "model": args.model or "SM",
                "mass_MeV": args.mass,
                "coupling": args.coupling,
                "cevns": pred,
                "cevns_total": float(pred.sum()),
                "provenance": provenance([exp]),
            }
        )
        print(to_json(payload))
    else:
        rows = []
        for i in range(exp.shape[0]):
            for j in range(exp.shape[1]):
                rows.append(
                    [
                        exp.energy_edges[i],
                        exp.energy_edges[i + 1],
                        exp.time_edges[j],
                        exp.time_edges[j + 1],
                        pred[i, j],
                        exp.observed[i, j],
                    ]
                    + [b[i, j] for b in exp.backgrounds.values()]
                )
        header = [
            f"e_lo_{exp.energy_unit}",
            f"e_hi_{exp.energy_unit}",
            "t_lo_us",
            "t_hi_us",
            "cevns",
            "observed",
        ] + list(exp.backgrounds)
        sys.stdout.write(table(rows, header, args.format))
    return EXIT_OK


# -- data -------------------------------------------------------------------
def _print_report(report: Any) -> None:
    from .output import to_json

    print(to_json(report.to_dict()))


def cmd_data(args: argparse.Namespace) -> int:
    from . import data

    if args.data_command == "verify":
        report = data.verify(args.dir if args.dir is not None else args.data_dir)
        _print_report(report)
        return EXIT_OK if report.ok else EXIT_DATA
    if args.data_command == "import":
        _print_report(data.import_dir(args.src, args.data_dir))
        return EXIT_OK
    if args.data_command == "cite":
        print(data.citations(args.dataset))
        return EXIT_OK
    if args.data_command == "fetch":
        _print_report(
            data.fetch(args.data_dir, base_url=args.base_url, progress=sys.stderr.isatty())
        )
        return EXIT_OK
    raise AssertionError(args.data_command)


# -- config -----------------------------------------------------------------
def cmd_config(args: argparse.Namespace) -> int:
    from .config import cmake_dir, include_dir

    if args.cmakedir:
        print(cmake_dir())
    elif args.includedir:
        print(include_dir())
    else:
        print(f"cevns {__version__}\ncmakedir: {cmake_dir()}\nincludedir: {include_dir()}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from .experiments import EXPERIMENTS

    parser = argparse.ArgumentParser(
        prog="cevns",
        description="CEvNS phenomenology with the COHERENT CsI 2021 and Ar 2020 data.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cevns {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = add_command(sub, "predict", "binned CEvNS prediction (SM or a model)", EPILOG_PREDICT)
    p.add_argument("--experiment", choices=EXPERIMENTS, required=True)
    _add_model(p)
    _add_format(p, ("json", "csv", "markdown"))
    _add_detector_options(p)
    _add_data_dir(p)
    p.set_defaults(func=cmd_predict)

    p = add_command(sub, "data", "fetch, import or verify the COHERENT releases", EPILOG_DATA)
    _add_data_dir(p)
    dsub = p.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    q = add_command(dsub, "verify", "check every file against the registry", EPILOG_DATA)
    q.add_argument("dir", nargs="?", type=Path, default=None)
    q = add_command(dsub, "import", "verify and install a directory you already have", EPILOG_DATA)
    q.add_argument("src", type=Path)
    q = add_command(dsub, "fetch", "download from the official sources (hash-checked)", EPILOG_DATA)
    q.add_argument("--base-url", default=None, help="a mirror to download from instead")
    q = add_command(dsub, "cite", "citations and licences of the data releases", EPILOG_DATA)
    q.add_argument("--dataset", action="append", choices=("csi2021", "ar2020"), default=None)
    p.set_defaults(func=cmd_data)

    p = add_command(sub, "config", "where the C++ headers and CMake package are", EPILOG_CONFIG)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--cmakedir", action="store_true", help="print the directory for cevns_DIR")
    g.add_argument("--includedir", action="store_true", help="print the include directory")
    p.set_defaults(func=cmd_config)

    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> list[Any]:
    """Subcommands defined next to the code they drive (fit, limits, ...)."""
    found = []
    for module in ("cli_fit", "cli_limits", "cli_gm2", "cli_figures"):
        try:
            mod = __import__(f"{__package__}.{module}", fromlist=["register"])
        except ModuleNotFoundError as exc:  # a subcommand module not shipped
            if exc.name != f"{__package__}.{module}":
                raise
            continue
        found.append(mod.register)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args))
    except DataError as exc:
        print(f"cevns: data error: {exc}", file=sys.stderr)
        return EXIT_DATA
    except (CevnsError, ValueError) as exc:
        print(f"cevns: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
