"""Two versions of a benchmark, run interleaved on one machine: the ratio new / base.

Usage::

    python bench/side_by_side.py --rounds 3 --json bench/results/side-by-side.json \\
        --base "/venv-0.5/bin/python /src-0.5/bench/bench.py --repeat 5" \\
        --new  "/venv-new/bin/python bench/bench.py --repeat 5 --set csi2021.ss_model=paper"

Each command must accept ``--json FILE`` and write its results there (``bench.py``,
``toys_bench.py rates``, ``cpp_bench DATA``). The two commands alternate ``--rounds``
times (base first in odd rounds, new first in even ones), so that a machine whose load
drifts slows both alike. Every time and rate of the two JSON files is compared: the
best value over the rounds (the smallest time, the largest rate: keys containing
``per_s`` are rates) and the ratio new / base *as a time* (< 1: the new version is
faster), and the median over rounds of the ratio within a round (the two runs of a
round ran next to each other, under similar load: the sturdier number).
On shared machines only these ratios mean something, not the absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

#: Subtrees that hold no measurements (machine facts, settings).
SKIP = ("machine", "point", "options")


def leaves(obj: Any, prefix: str = "") -> dict[str, float]:
    """Numeric leaves of a JSON object, keyed by their '/'-joined path."""
    out: dict[str, float] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(leaves(v, f"{prefix}/{k}" if prefix else str(k)))
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        parts = prefix.split("/")
        if not any(p in SKIP for p in parts) and (is_rate(prefix) or is_time(prefix)):
            out[prefix] = float(obj)
    return out


def is_rate(key: str) -> bool:
    """A rate (larger is faster): toys_per_cpu_s_plane, calls_per_s_1thread..."""
    leaf = key.rsplit("/", 1)[-1]
    return any(r in leaf for r in ("per_s", "per_cpu_s", "per_wall_s"))


def is_time(key: str) -> bool:
    """A time (smaller is faster): min_s, median_s, seconds, us_per_call_min, load_*_s..."""
    leaf = key.rsplit("/", 1)[-1]
    return leaf == "seconds" or leaf.startswith("us_per") or leaf.endswith("_s")


def run(command: str, json_path: Path) -> dict[str, Any]:
    """The command's JSON output (it is given ``--json json_path``)."""
    argv = shlex.split(command) + ["--json", str(json_path)]
    rc = subprocess.run(argv, stdout=subprocess.DEVNULL).returncode
    if rc != 0:
        raise SystemExit(f"side_by_side: exit status {rc} from: {command}")
    return json.loads(json_path.read_text())


def best(values: list[float], rate: bool) -> float:
    return max(values) if rate else min(values)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", help="command of the reference version")
    ap.add_argument("--new", help="command of the version measured")
    ap.add_argument("--reread", type=Path, help="summarise the runs of a kept JSON again")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.rounds < 1:
        ap.error(f"--rounds must be >= 1, got {args.rounds}")
    if args.reread is None and not (args.base and args.new):
        ap.error("give --base and --new (or --reread FILE)")

    runs: dict[str, list[dict[str, Any]]] = {"base": [], "new": []}
    if args.reread is not None:
        kept = json.loads(args.reread.read_text())
        runs, args.base, args.new, args.rounds = kept["runs"], kept["base"], kept["new"], 0
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            order = ("base", "new") if r % 2 == 0 else ("new", "base")
            for which in order:
                path = Path(tmp) / f"{which}-{r}.json"
                runs[which].append(run(getattr(args, which), path))
                print(f"round {r + 1}/{args.rounds}: {which} done", file=sys.stderr, flush=True)

    values = {k: [leaves(x) for x in v] for k, v in runs.items()}
    common = sorted(set(values["base"][0]) & set(values["new"][0]))
    rows = {}
    print(f"{'benchmark':58s} {'base':>12s} {'new':>12s} {'best/best':>10s} {'per round':>10s}")
    for key in common:
        rate = is_rate(key)
        b = best([x[key] for x in values["base"] if key in x], rate)
        n = best([x[key] for x in values["new"] if key in x], rate)
        if b == 0.0 or n == 0.0:
            continue
        ratio = b / n if rate else n / b
        # the two runs of one round ran next to each other (similar load): their ratio,
        # median over the rounds, is the sturdier number on a shared machine
        per_round = [
            (x[key] / y[key] if rate else y[key] / x[key])
            for x, y in zip(values["base"], values["new"])
            if key in x and key in y and x[key] and y[key]
        ]
        med = statistics.median(per_round)
        rows[key] = {
            "base": b,
            "new": n,
            "rate": rate,
            "time_ratio_new_over_base": ratio,
            "time_ratio_per_round": per_round,
            "time_ratio_median_of_rounds": med,
        }
        print(f"{key:58s} {b:12.5g} {n:12.5g} {ratio:10.3f} {med:10.3f}")
    if args.json:
        payload = {
            "base": args.base,
            "new": args.new,
            "rounds": len(runs["base"]),
            "cpu_count": os.cpu_count(),
            "load_average_end": os.getloadavg(),
            "results": rows,
            "runs": runs,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n")
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
