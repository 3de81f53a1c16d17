"""Exceptions raised by cevns.

Every error names the problem (the file, the parameter, the accepted values) so
that a user can act on it without reading the source.
"""

from __future__ import annotations


class CevnsError(Exception):
    """Base class of every error raised by cevns."""


class DataError(CevnsError, ValueError):
    """A COHERENT data file is missing, corrupted or malformed."""


class MissingDataError(DataError, FileNotFoundError):
    """A file of the data registry is not in the data directory."""


class HashMismatchError(DataError):
    """A data file does not have the SHA-256 recorded in the registry."""


class MalformedDataError(DataError):
    """A data file has the right name but cannot be parsed as expected."""


class ModelError(CevnsError, ValueError):
    """Unknown model name, invalid charges or invalid model parameters."""


class InputError(CevnsError, ValueError):
    """An argument has the wrong shape, sign or a non-finite value."""


class MissingExtraError(CevnsError, ModuleNotFoundError):
    """An optional dependency (a pip extra of cevns) is not installed."""
