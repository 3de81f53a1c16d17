"""pytest set-up of the docstring examples: ``python -m pytest --doctest-modules --pyargs cevns``.

Examples that build an experiment need the COHERENT data (``$CEVNS_DATA_DIR`` or the
per-user data directory); without it they are skipped with that reason.
"""

from __future__ import annotations

from typing import Any

import pytest

collect_ignore = ["cli/__main__.py", "conftest.py"]  # __main__ runs the CLI

#: What an example calls when it needs the data releases.
_NEEDS_DATA = ("experiment(", "dataset(", "experiments_for(", "ModelFit(")


def _have_data() -> bool:
    from cevns.data import resolve_data_dir

    try:
        d = resolve_data_dir(None)
    except Exception:  # no usable data directory at all
        return False
    return (d / "csi2021").is_dir() and (d / "ar2020").is_dir()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    doctests = [i for i in items if getattr(i, "dtest", None) is not None]
    if not doctests or _have_data():
        return
    skip = pytest.mark.skip(reason="needs the COHERENT data (set CEVNS_DATA_DIR)")
    for item in doctests:
        if any(k in ex.source for ex in item.dtest.examples for k in _NEEDS_DATA):
            item.add_marker(skip)
