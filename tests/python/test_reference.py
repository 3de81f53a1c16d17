"""Every number of the frozen reference outputs (tests/reference/) is reproduced to 1e-9.

The references were written by an earlier commit (tests/reference/README.md); a
refactor must not move them. `provenance` and `settings` are skipped (version
strings; new settings may appear), every other leaf is compared.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest

from cevns.cli import main

REFERENCE = Path(__file__).resolve().parents[1] / "reference"
COMMANDS: dict[str, list[str]] = json.loads((REFERENCE / "commands.json").read_text())
SKIPPED = {"provenance", "settings"}
RTOL = 1e-9


def differences(ref: Any, new: Any, where: str = "") -> list[str]:
    """Paths at which `new` differs from `ref` (numbers beyond RTOL, anything else exactly)."""
    if isinstance(ref, dict):
        if not isinstance(new, dict):
            return [f"{where}: expected an object"]
        out = [f"{where}/{k}: missing" for k in ref if k not in new and k not in SKIPPED]
        for k in ref:
            if k in new and k not in SKIPPED:
                out += differences(ref[k], new[k], f"{where}/{k}")
        return out
    if isinstance(ref, list):
        if not isinstance(new, list) or len(new) != len(ref):
            return [f"{where}: expected a list of {len(ref)}"]
        pairs = enumerate(zip(ref, new))
        return [d for i, (a, b) in pairs for d in differences(a, b, f"{where}/{i}")]
    if isinstance(ref, (int, float)) and not isinstance(ref, bool):
        if not isinstance(new, (int, float)) or isinstance(new, bool):
            return [f"{where}: expected a number, got {new!r}"]
        if math.isclose(ref, new, rel_tol=RTOL, abs_tol=1e-300):
            return []
        return [f"{where}: {new!r} vs reference {ref!r}"]
    return [] if ref == new else [f"{where}: {new!r} vs reference {ref!r}"]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_reference_output_is_reproduced(name: str, data_dir: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("CEVNS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CEVNS_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / name
    args = [a.replace("{out}", str(out)) for a in COMMANDS[name]]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(args) == 0
    new = json.loads(out.read_text() if "--out" in args else buf.getvalue())
    ref = json.loads((REFERENCE / name).read_text())
    diffs = differences(ref, new)
    assert not diffs, f"{len(diffs)} differences, first: " + "; ".join(diffs[:5])


def test_the_comparison_can_fail():
    assert differences({"a": [1.0, 2.0]}, {"a": [1.0, 2.0 * (1 + 1e-8)]})
    assert differences({"a": "x"}, {"a": "y"})
    assert not differences({"a": 1.0, "provenance": 1}, {"a": 1.0 + 1e-12, "provenance": 2})
