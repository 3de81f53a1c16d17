"""Rewrite frozen reference outputs with the installed cevns (see README.md).

``python tests/reference/regenerate.py table2.json`` rewrites one file; without
arguments, all of them (only for a deliberate change of every number).
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

from cevns.cli import main

HERE = Path(__file__).resolve().parent


def run(args: list[str], out: Path) -> None:
    """Run one CLI command in-process, writing its JSON to `out`."""
    args = [a.replace("{out}", str(out)) for a in args]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main(args)
    if rc != 0:
        sys.exit(f"cevns {' '.join(args)} exited {rc}")
    if "--out" not in args:
        out.write_text(buf.getvalue())


if __name__ == "__main__":
    commands = json.loads((HERE / "commands.json").read_text())
    names = sys.argv[1:] or list(commands)
    unknown = sorted(set(names) - set(commands))
    if unknown:
        sys.exit(f"unknown reference file(s) {unknown}; accepted: {sorted(commands)}")
    for name in names:
        run(commands[name], HERE / name)
        print("wrote", HERE / name)
