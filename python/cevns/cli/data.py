"""``cevns data fetch|import|verify|cite`` and ``cevns config``: data and C++ set-up."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .args import EXIT_DATA, EXIT_OK, add_command, add_data_dir

__all__ = ["EPILOG_CONFIG", "EPILOG_DATA", "cmd_config", "cmd_data", "register"]


EPILOG_CONFIG = """examples:
  cevns config --cmakedir                # for cmake -Dcevns_DIR=$(cevns config --cmakedir)
  cevns config --includedir
"""
EPILOG_DATA = """examples:
  cevns data verify                      # the default data directory
  cevns data verify ../shared/data/coherent
  cevns data import ~/Downloads/coherent # verify and install a release you have
  cevns data import ../shared/data/xenonnt   # XENONnT: converts its HDF5 templates (h5py)
  cevns data import ../shared/data/solar     # the solar-neutrino tables
  cevns data cite                        # how to cite the releases, their licences
  cevns data fetch                       # download from the official sources
"""


def _print_report(report: Any) -> None:
    from ..output import to_json

    print(to_json(report.to_dict()))


def cmd_data(args: argparse.Namespace) -> int:
    from .. import data

    if args.data_command == "verify":
        report = data.verify(args.dir if args.dir is not None else args.data_dir)
        _print_report(report)
        return EXIT_OK if report.ok else EXIT_DATA
    if args.data_command == "import":
        report = data.import_dir(args.src, args.data_dir)
        _print_report(report)
        print(f"cevns: installed the releases in {report.data_dir}", file=sys.stderr)
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


def cmd_config(args: argparse.Namespace) -> int:
    from .. import __version__
    from ..config import cmake_dir, include_dir

    if args.cmakedir:
        print(cmake_dir())
    elif args.includedir:
        print(include_dir())
    else:
        print(f"cevns {__version__}\ncmakedir: {cmake_dir()}\nincludedir: {include_dir()}")
    return EXIT_OK


def register(sub: Any) -> None:
    p = add_command(
        sub,
        "data",
        "fetch, import or verify the data releases (COHERENT, XENONnT, solar tables)",
        EPILOG_DATA,
    )
    add_data_dir(p)
    dsub = p.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    q = add_command(dsub, "verify", "check every file against the registry", EPILOG_DATA)
    q.add_argument("dir", nargs="?", type=Path, default=None)
    q = add_command(dsub, "import", "verify and install a directory you already have", EPILOG_DATA)
    q.add_argument("src", type=Path)
    q = add_command(dsub, "fetch", "download from the official sources (hash-checked)", EPILOG_DATA)
    q.add_argument("--base-url", default=None, help="a mirror to download from instead")
    q = add_command(dsub, "cite", "citations and licences of the data releases", EPILOG_DATA)
    q.add_argument(  # the registry names the known ones (an unknown one: one line, exit 2)
        "--dataset", action="append", default=None, help="a dataset of the data registry"
    )
    p.set_defaults(func=cmd_data)

    p = add_command(sub, "config", "where the C++ headers and CMake package are", EPILOG_CONFIG)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--cmakedir", action="store_true", help="print the directory for cevns_DIR")
    g.add_argument("--includedir", action="store_true", help="print the include directory")
    p.set_defaults(func=cmd_config)
