"""Cold start of ``cevns`` commands as whole processes, beside ``python -c "import numpy"``.

Each command is run ``--repeat`` times in a fresh interpreter (interleaved, so a
busy machine slows all of them alike); the median wall time of each is reported
with its ratio to the numpy import. Targets (issue 12): ``cevns limits`` for one
model and data set ≤ 3 × the numpy import, ``cevns table2`` ≤ 1 s.

Usage::

    python bench/cold_start.py --repeat 7 --json bench/results/cold-start-2core.json

Needs the COHERENT data (``--data-dir`` or ``$CEVNS_DATA_DIR``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

CEVNS = [sys.executable, "-m", "cevns.cli"]
COMMANDS: dict[str, list[str]] = {
    "import numpy": [sys.executable, "-c", "import numpy"],
    "cevns --version": CEVNS + ["--version"],
    **{
        f"cevns limits --model B-L --experiment {d}": CEVNS
        + ["limits", "--model", "B-L", "--experiment", d]
        for d in ("combined", "csi2021")
    },
    "cevns table2": CEVNS + ["table2"],
}


def run_once(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7, help="runs per command (default 7)")
    ap.add_argument("--data-dir", default=None, help="COHERENT data (default $CEVNS_DATA_DIR)")
    ap.add_argument("--json", type=Path, default=None, help="write the results here")
    args = ap.parse_args(argv)
    env = dict(os.environ)
    if args.data_dir:
        env["CEVNS_DATA_DIR"] = args.data_dir
    times: dict[str, list[float]] = {k: [] for k in COMMANDS}
    for cmd in COMMANDS.values():  # warm the file-system cache once
        run_once(cmd, env)
    for _ in range(args.repeat):
        for name, cmd in COMMANDS.items():
            times[name].append(run_once(cmd, env))
    numpy_s = statistics.median(times["import numpy"])
    rows = {}
    for name, ts in times.items():
        med = statistics.median(ts)
        rows[name] = {"median_s": med, "min_s": min(ts), "runs_s": ts, "over_numpy": med / numpy_s}
        print(f"{name:50s} median {med:6.3f} s  min {min(ts):6.3f} s  x{med / numpy_s:5.2f} numpy")
    limits = rows["cevns limits --model B-L --experiment combined"]["over_numpy"]
    table2 = rows["cevns table2"]["median_s"]
    verdict = {
        "limits_over_numpy": limits,
        "limits_target_3x_numpy": limits <= 3.0,
        "table2_s": table2,
        "table2_target_1s": table2 <= 1.0,
    }
    print(json.dumps(verdict, indent=2))
    if args.json:
        from cevns import __version__

        payload = {
            "cevns_version": __version__,
            "python": sys.version.split()[0],
            "machine": platform.platform(),
            "cpus": os.cpu_count(),
            "repeat": args.repeat,
            "commands": rows,
            "targets": verdict,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
