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

from .acquire import fetch, import_dir
from .cite import citations
from .registry import Dataset, FileEntry, Registry, default_registry_path, load_registry
from .store import (
    ENV_VAR,
    Mismatch,
    VerifyReport,
    clear_hash_cache,
    data_path,
    resolve_data_dir,
    verify,
)

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
