"""Locations of the installed C++ core (for ``find_package(cevns)``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

__all__ = ["cmake_dir", "include_dir"]


_ROOT = Path(__file__).resolve().parent


def _installed_root() -> Path:
    """Directory of the installed package's compiled parts: the wheel's ``cevns/`` (an
    editable install keeps them, with the headers and the CMake package, in its build
    directory, beside the compiled ``_core``)."""
    spec = importlib.util.find_spec("cevns._core")
    if spec is not None and spec.origin:
        return Path(spec.origin).resolve().parent
    return _ROOT


def cmake_dir() -> Path:
    """Directory holding cevnsConfig.cmake inside the installed wheel (use as cevns_DIR)."""
    return _installed_root() / "share" / "cmake" / "cevns"


def include_dir() -> Path:
    """Directory holding the public headers (<cevns/...>)."""
    return _installed_root() / "include"
