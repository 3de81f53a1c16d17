"""Instruction counts of two builds of the core, section by section (callgrind).

Usage::

    python bench/instructions.py --base BASE_EXE --new NEW_EXE --data-dir DIR \\
        [--calls 200] [--json bench/results/instructions.json]

``BASE_EXE`` and ``NEW_EXE`` are ``bench/instructions.cpp`` compiled against each
version (see bench/README.md). Each section runs ``--calls`` times under
``valgrind --tool=callgrind``; the count of the ``load`` section (building both
experiments) is subtracted, and the result divided by the number of calls. Counts do
not depend on the machine's load: they are what "the same speed" can be checked with
on a shared machine (the cache and branch behaviour they leave out is what the
side-by-side wall-clock runs, bench/side_by_side.py, measure).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

SECTIONS = (
    "csi_chi2_templates",
    "ar_chi2_templates",
    "csi_chi2_full",
    "ar_chi2_full",
    "csi_templates_B-L",
    "csi_templates_Lmu-Ltau",
    "csi_templates_scalar",
    "ar_templates_B-L",
    "ar_templates_Lmu-Ltau",
    "ar_templates_scalar",
)


def instructions(exe: str, data_dir: str, section: str, calls: int) -> int:
    """Instructions executed by one run of the driver (callgrind's 'Collected')."""
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         exe, data_dir, section, str(calls)],
        capture_output=True, text=True,
    )  # fmt: skip
    found = re.search(r"Collected\s*:\s*(\d+)", proc.stderr)
    if proc.returncode != 0 or found is None:
        raise SystemExit(f"instructions: {exe} {section} failed (exit {proc.returncode})")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.calls < 1:
        ap.error(f"--calls must be >= 1, got {args.calls}")
    load = {w: instructions(getattr(args, w), args.data_dir, "load", args.calls)
            for w in ("base", "new")}  # fmt: skip
    rows = {}
    print(f"{'section':26s} {'base':>12s} {'new':>12s} {'new/base':>9s}  (instructions per call)")
    for s in SECTIONS:
        per = {
            w: (instructions(getattr(args, w), args.data_dir, s, args.calls) - load[w]) / args.calls
            for w in ("base", "new")
        }
        rows[s] = {**per, "ratio": per["new"] / per["base"]}
        print(f"{s:26s} {per['base']:12.0f} {per['new']:12.0f} {rows[s]['ratio']:9.4f}")
    if args.json:
        args.json.write_text(json.dumps({"calls": args.calls, "sections": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
