"""Table 2 with XENONnT: every model of the paper on xenon alone and on all the data.

The same computation as ``cevns table2 --experiment DATASET --format json`` (the
Table 2 criterion, 2σ with Δχ² = 6.18, the detector models' defaults: CsI
``ss_model=measured``), run one model at a time so that a long run (a xenon limit
takes ~1-2 min: the nuisances are profiled with BOBYQA) keeps what it has and
says how long each limit took. The file has the layout of ``cevns table2 --format
json`` (``settings``, ``rows``, ``details``) plus ``seconds`` per model and the
``command``.

Usage::

    python bench/table2_xenon.py --dataset xenonnt --out bench/results/table2-xenonnt.json
    python bench/table2_xenon.py --dataset csi2021+ar2020+xenonnt \\
        --out bench/results/table2-all-data.json
    python bench/table2_xenon.py --dataset ar2020,csi2021,combined \\
        --out bench/results/table2-coherent.json
    python bench/table2_xenon.py --markdown readme|docs     # the tables, from those files
    python bench/table2_xenon.py --update README.md --update docs/guide/xenonnt.md

The data directory needs the COHERENT, XENONnT and solar releases
(``$CEVNS_DATA_DIR`` or ``--data-dir``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results")
FILES = {
    "coherent": RESULTS / "table2-coherent.json",
    "xenonnt": RESULTS / "table2-xenonnt.json",
    "all": RESULTS / "table2-all-data.json",
}


def run(datasets: list[str], out: Path, data_dir: Any, first: str) -> None:
    """Compute every model's Table 2 bounds on ``datasets``, writing ``out`` after each."""
    from cevns.datasets import experiments_for
    from cevns.infer.limits import table2
    from cevns.models import MODEL_NAMES

    exps: dict[str, Any] = {}
    for d in datasets:
        exps.update(experiments_for(d, data_dir, exps))
    order = [first, *(m for m in MODEL_NAMES if m != first)] if first else list(MODEL_NAMES)
    result: dict[str, Any] = {
        "command": " ".join(["python", *sys.argv]),
        "rows": {},
        "details": [],
        "seconds": {},
    }
    if out.is_file():  # resume: keep the models already computed on the same data sets
        old = json.loads(out.read_text())
        if all(set(r) == set(datasets) for r in old.get("rows", {}).values()):
            result.update({k: old[k] for k in ("rows", "details", "seconds", "settings")})
    for model in (m for m in order if m not in result["rows"]):
        t0 = time.perf_counter()
        t = table2([model], datasets, experiments=exps).to_dict()
        result["seconds"][model] = round(time.perf_counter() - t0, 1)
        result["settings"] = t["settings"]
        result["rows"][model] = t["rows"][model]
        result["details"] += t["details"]
        rank = {m: i for i, m in enumerate(MODEL_NAMES)}  # the paper's row order
        result["details"].sort(key=lambda d: (rank[d["model"]], datasets.index(d["dataset"])))
        out.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
        print(f"{model}: {t['rows'][model]} ({result['seconds'][model]} s)", file=sys.stderr)


# -- tables ---------------------------------------------------------------------
def _sci(x: float | None, significant: int = 3) -> str:
    """``x`` in scientific notation, ``significant`` digits (``4.50e-5``); – for NaN."""
    if x is None or math.isnan(x):
        return "–"
    if math.isinf(x):
        return "∞"
    e = int(math.floor(math.log10(abs(x)))) if x else 0
    m = round(x / 10.0**e, significant - 1)
    if abs(m) >= 10.0:  # rounding carried into the next decade
        m, e = m / 10.0, e + 1
    return f"{m:.{significant - 1}f}e{e}"


def _pair(row: list[float]) -> str:
    return f"{_sci(row[0])} · {_sci(row[1])}"


def _published(row: tuple[float, float]) -> str:
    """A published pair with the digits it was printed with (``4.42e-5 · 9.9e-4``)."""
    out = []
    for x in row:
        e = int(math.floor(math.log10(abs(x))))
        out.append(f"{round(x / 10.0**e, 6):g}e{e}")
    return " · ".join(out)


def row_label(model: str) -> str:
    """A model's name as the README writes it (``B-2Le-Lmu`` → ``B−2L_e−L_μ``)."""
    import re

    text = model.replace("-", "−").replace("By", "B_y")
    return re.sub(r"L(e|mu|tau)", lambda m: "L_" + {"e": "e", "mu": "μ", "tau": "τ"}[m[1]], text)


def markdown(kind: str) -> str:
    """The README table (``readme``) or the docs' full table (``docs``) from the files."""
    from cevns.models import MODEL_NAMES
    from cevns.reference import PAPER_TABLE2

    res = {k: json.loads(p.read_text()) for k, p in FILES.items()}
    all_name = next(iter(next(iter(res["all"]["rows"].values()))))  # its one data set
    for k, r in res.items():  # the same CL and Δχ² everywhere
        assert math.isclose(r["settings"]["delta_chi2"], res["all"]["settings"]["delta_chi2"]), k
    lines = []
    if kind == "readme":
        lines.append(
            "| model | CsI+Ar, paper | CsI+Ar | Xe (SR0+SR1) | CsI+Ar+Xe |\n|---|---|---|---|---|"
        )
    else:
        lines.append(
            "| model | Ar | CsI | CsI+Ar | CsI+Ar, paper | Xe (SR0+SR1) | CsI+Ar+Xe |\n"
            "|---|---|---|---|---|---|---|"
        )
    for m in MODEL_NAMES:
        coh = res["coherent"]["rows"][m]
        xe = res["xenonnt"]["rows"].get(m)
        al = res["all"]["rows"].get(m, {}).get(all_name)
        pub = PAPER_TABLE2.get((m, "combined"))
        cells = [row_label(m)]
        if kind == "docs":
            cells += [_pair(coh["ar2020"]), _pair(coh["csi2021"])]
        cells += [_pair(coh["combined"])]
        cells.insert(1 if kind == "readme" else 4, _published(pub) if pub else "–")
        cells += [_pair(xe["xenonnt"]) if xe else "…", _pair(al) if al else "…"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def update(path: Path) -> None:
    """Replace the table between ``<!-- table2-xenon:KIND -->`` and ``<!-- /table2-xenon -->``
    in a Markdown file (KIND ``readme`` or ``docs``) by :func:`markdown`'s."""
    import re

    text = path.read_text()
    pattern = re.compile(
        r"(<!-- table2-xenon:(readme|docs) -->\n)(.*?)(<!-- /table2-xenon -->)", re.S
    )
    if not pattern.search(text):
        raise SystemExit(f"{path}: no <!-- table2-xenon:readme|docs --> marker")
    path.write_text(pattern.sub(lambda m: m[1] + markdown(m[2]) + "\n" + m[4], text))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", help="comma-separated data sets (the columns)")
    p.add_argument("--out", type=Path, help="JSON file written after every model")
    p.add_argument("--data-dir", default=None)
    p.add_argument("--first", default="B-L", help="model computed first (default B-L)")
    p.add_argument("--markdown", choices=("readme", "docs"), help="print a table from the files")
    p.add_argument(
        "--update", type=Path, action="append", default=[], help="Markdown file whose marked "
        "table (<!-- table2-xenon:readme|docs --> ... <!-- /table2-xenon -->) is replaced",
    )  # fmt: skip
    a = p.parse_args(argv)
    if a.markdown or a.update:
        if a.markdown:
            print(markdown(a.markdown))
        for path in a.update:
            update(path)
        return 0
    if not a.dataset or not a.out:
        p.error("--dataset and --out (or --markdown)")
    run([d.strip() for d in a.dataset.split(",")], a.out, a.data_dir, a.first)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
