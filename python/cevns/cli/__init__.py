"""The ``cevns`` command line.

Exit codes (scripts can rely on them; :func:`exit_code` is the one place that maps
errors to them): 0 success; 1 unexpected failure (a bug: please report it);
2 usage error (a missing or conflicting option, an output path that cannot be
written, a missing optional dependency); 3 data problem (a COHERENT release file
missing, corrupted, malformed or unreadable); 4 invalid input (unknown model, bad
mass, coupling, range or option value).

One module per command group: :mod:`.predict` (predict, fit), :mod:`.limits`
(limits, table2, scan), :mod:`.gm2`, :mod:`.figures`, :mod:`.data` (data, config);
the argument helpers they share are in :mod:`.args`. Each command imports the
library modules it needs when it runs, so a command pays only for its own imports.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import CevnsError, DataError, MissingExtraError, UsageError
from . import data, figures, gm2, limits, predict
from .args import (
    EXIT_DATA,
    EXIT_FAIL,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    Parser,
    join_negative_values,
)

__all__ = [
    "EXIT_DATA",
    "EXIT_FAIL",
    "EXIT_INPUT",
    "EXIT_OK",
    "EXIT_USAGE",
    "build_parser",
    "exit_code",
    "main",
]

log = logging.getLogger("cevns")

#: Longest error line printed (a longer one is cut in the middle).
MAX_LINE = 1000


def build_parser() -> Parser:
    """The ``cevns`` parser with every subcommand."""
    parser = Parser(
        prog="cevns",
        description=(
            "CEvNS phenomenology: COHERENT CsI 2021 and Ar 2020, XENONnT solar 8B, "
            "light mediators of any U(1)' model."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cevns {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parser.subcommands = sub
    for module in (predict, limits, gm2, figures, data):
        module.register(sub)
    return parser


def exit_code(exc: BaseException) -> tuple[int, str]:
    """The exit code and the one line printed for an error that ended a command.

    Usage errors and a missing optional extra → 2; data errors, and any ``OSError``
    that reaches here (a release file that cannot be read: every output path is
    checked before the work and written through :func:`cevns._io.atomic_write`) → 3,
    naming the file; other cevns errors and ``ValueError`` (invalid input) → 4;
    anything else → 1.
    """
    if isinstance(exc, (UsageError, MissingExtraError)):
        return EXIT_USAGE, f"cevns: usage error: {exc}"
    if isinstance(exc, DataError):
        return EXIT_DATA, f"cevns: data error: {exc}"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return EXIT_DATA, f"cevns: data error: cannot read {where}{exc.strerror or exc}"
    if isinstance(exc, (CevnsError, ValueError)):
        return EXIT_INPUT, f"cevns: error: {exc}"
    first = (str(exc).strip().splitlines() or [""])[0]
    return (
        EXIT_FAIL,
        f"cevns: unexpected error ({type(exc).__name__}: {first}); please report it "
        "(rerun with --verbose for the traceback)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``cevns`` with ``argv`` (default ``sys.argv[1:]``) and return the exit code."""
    parser = build_parser()
    argv = join_negative_values(sys.argv[1:] if argv is None else argv)
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # named by the subcommand, whose --help lists what it takes
            parser.subcommand(args.command).error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exc:  # --help, --version (0) and usage errors (2, one line)
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    vars(args).pop("_given_once", None)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args))
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        print("cevns: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        code, line = exit_code(exc)
        if args.verbose:
            log.exception("traceback")
        if len(line) > MAX_LINE:  # user input echoed by a deeper layer: keep both ends
            line = (
                f"{line[: MAX_LINE // 2]} [... {len(line) - MAX_LINE} characters cut ...] "
                + (line[-MAX_LINE // 2 :])
            )
        print(line, file=sys.stderr)
        return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
