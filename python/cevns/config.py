"""Locations of the installed C++ core (for ``find_package(cevns)``)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["cmake_dir", "include_dir"]


_ROOT = Path(__file__).resolve().parent


def cmake_dir() -> Path:
    """Directory holding cevnsConfig.cmake inside the installed wheel (use as cevns_DIR)."""
    return _ROOT / "share" / "cmake" / "cevns"


def include_dir() -> Path:
    """Directory holding the public headers (<cevns/...>)."""
    return _ROOT / "include"
