"""Provenance attached to every result: package version, data hashes, settings."""

from __future__ import annotations

from typing import Any

from . import __version__

__all__ = ["provenance"]


def provenance(experiments: Any = ()) -> dict[str, Any]:
    """Version of cevns and the SHA-256 of every data file the experiments read."""
    from .data import load_registry

    reg = load_registry()
    files: dict[str, str] = {}
    for exp in experiments:
        for rel in exp.data_files.values():
            files[rel] = reg.entry(rel).sha256
    return {"cevns_version": __version__, "data_sha256": files}
