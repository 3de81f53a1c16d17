"""Exceptions raised by cevns.

Every error names the problem (the file, the parameter, the accepted values) so
that a user can act on it without reading the source.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "CevnsError",
    "DataError",
    "HashMismatchError",
    "InputError",
    "MalformedDataError",
    "MissingDataError",
    "MissingExtraError",
    "ModelError",
    "UnreadableDataError",
    "UsageError",
]


class CevnsError(Exception):
    """Base class of every error raised by cevns."""


class DataError(CevnsError, ValueError):
    """A COHERENT data file is missing, corrupted or malformed."""


class MissingDataError(DataError, FileNotFoundError):
    """A file of the data registry is not in the data directory."""


class HashMismatchError(DataError):
    """A data file does not have the SHA-256 recorded in the registry."""


class UnreadableDataError(DataError):
    """A data file exists but cannot be read (no permission, a directory in its place)."""

    def __init__(self, path: os.PathLike[str] | str, exc: OSError | str) -> None:
        self.path = Path(path)
        self.reason = exc if isinstance(exc, str) else (exc.strerror or str(exc))
        super().__init__(
            f"COHERENT data file {self.path} cannot be read ({self.reason}); check its "
            "permissions, or replace it with `cevns data import DIR`"
        )


class MalformedDataError(DataError):
    """A data file has the right name but cannot be parsed as expected."""


class ModelError(CevnsError, ValueError):
    """Unknown model name, invalid charges or invalid model parameters."""


class InputError(CevnsError, ValueError):
    """An argument has the wrong shape, sign or a non-finite value."""


class MissingExtraError(CevnsError, ModuleNotFoundError):
    """An optional dependency (a pip extra of cevns) is not installed."""


class UsageError(CevnsError):
    """A command-line argument cannot be used as given: a missing companion option
    (``--mass`` without ``--model``), an output path that cannot be written."""
