"""Rendering of results as JSON, CSV or markdown (one place for every command)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["FORMATS", "table", "to_json"]


FORMATS = ("json", "csv", "markdown")


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _plain(obj.tolist())
    if isinstance(obj, (np.floating,)):
        obj = float(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, float) and not math.isfinite(obj):
        return None if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if hasattr(obj, "to_dict"):
        return _plain(obj.to_dict())
    return obj


def to_json(payload: dict[str, Any]) -> str:
    """JSON with sorted keys and NaN/inf made explicit (strict JSON)."""
    return json.dumps(_plain(payload), indent=2, sort_keys=True)


def table(rows: Sequence[Sequence[Any]], header: Sequence[str], fmt: str) -> str:
    """A table as CSV or markdown."""
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows([[_cell(c) for c in r] for r in rows])
        return buf.getvalue()
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _cell(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.6g}"
    return str(v)
