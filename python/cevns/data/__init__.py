"""COHERENT data releases: registry, location, verification, download and import.

The releases are never part of the package. They live in a data directory
(argument > ``$CEVNS_DATA_DIR`` > the user data directory) and every file is
checked against the SHA-256 recorded in the registry before it is read.

Examples
--------
>>> from cevns import data
>>> report = data.verify()                                  # doctest: +SKIP

The files are parsed by the C++ core when an experiment is built
(:func:`cevns.experiment`).
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> submodule defining it (imported on first use: a command that only
#: reads data does not pay for the download machinery).
_EXPORTS = {
    "fetch": "acquire",
    "import_dir": "acquire",
    "citations": "cite",
    "Dataset": "registry",
    "FileEntry": "registry",
    "Registry": "registry",
    "default_registry_path": "registry",
    "load_registry": "registry",
    "ENV_VAR": "store",
    "Mismatch": "store",
    "VerifyReport": "store",
    "clear_hash_cache": "store",
    "data_path": "store",
    "resolve_data_dir": "store",
    "verify": "store",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = [
    "ENV_VAR",
    "Dataset",
    "FileEntry",
    "Mismatch",
    "Registry",
    "VerifyReport",
    "citations",
    "clear_hash_cache",
    "data_path",
    "default_registry_path",
    "fetch",
    "import_dir",
    "load_registry",
    "resolve_data_dir",
    "verify",
]
