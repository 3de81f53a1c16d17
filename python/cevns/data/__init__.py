"""COHERENT data releases: registry, location, verification, download/import and loaders.

The releases are never part of the package. They live in a data directory
(argument > ``$CEVNS_DATA_DIR`` > the user data directory) and every file is
checked against the SHA-256 recorded in the registry before it is read.

Examples
--------
>>> from cevns import data
>>> report = data.verify()                                  # doctest: +SKIP
>>> pe, t = data.load_csi_events(data.data_path("csi2021/dataBeamOnC.txt"))  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> submodule defining it (imported on first use: a command that only
#: reads data does not pay for the download machinery).
_EXPORTS = {
    "fetch": "acquire",
    "import_dir": "acquire",
    "ArTable": "loaders",
    "load_ar_efficiency": "loaders",
    "load_ar_parameters": "loaders",
    "load_ar_table": "loaders",
    "load_csi_coefficients": "loaders",
    "load_csi_events": "loaders",
    "load_csi_shape": "loaders",
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
    "ArTable",
    "Dataset",
    "FileEntry",
    "Mismatch",
    "Registry",
    "VerifyReport",
    "clear_hash_cache",
    "data_path",
    "default_registry_path",
    "fetch",
    "import_dir",
    "load_ar_efficiency",
    "load_ar_parameters",
    "load_ar_table",
    "load_csi_coefficients",
    "load_csi_events",
    "load_csi_shape",
    "load_registry",
    "resolve_data_dir",
    "verify",
]
