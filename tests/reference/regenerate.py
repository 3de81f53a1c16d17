"""Rewrite the frozen reference outputs with the installed cevns (see README.md)."""

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
    for name, args in json.loads((HERE / "commands.json").read_text()).items():
        run(args, HERE / name)
        print("wrote", HERE / name)
