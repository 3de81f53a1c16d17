"""The local data directory: where it is, and whether its files are the registered ones.

The directory holds one folder per release (``ar2020/``, ``csi2021/``). Its
location is, in order of precedence: an explicit argument, the environment
variable ``CEVNS_DATA_DIR``, then ``<user data dir>/cevns/coherent``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import platformdirs

from ..errors import DataError, HashMismatchError, MissingDataError, UnreadableDataError
from .registry import FileEntry, Registry, as_dataset_list, load_registry

__all__ = [
    "ENV_VAR",
    "Mismatch",
    "PathLike",
    "VerifyReport",
    "cached_sha256",
    "check_data_dir",
    "check_file",
    "clear_hash_cache",
    "data_path",
    "fix_hint",
    "resolve_data_dir",
    "sha256_file",
    "verify",
]


LOG = logging.getLogger(__name__)

ENV_VAR = "CEVNS_DATA_DIR"

PathLike = Union[str, "os.PathLike[str]"]


def resolve_data_dir(path: PathLike | None = None) -> Path:
    """Return the data directory (it need not exist yet).

    Parameters
    ----------
    path : path-like, optional
        Explicit directory; wins over everything else.

    Returns
    -------
    Path
        ``path`` if given, else ``$CEVNS_DATA_DIR`` if set and non-empty, else
        ``platformdirs.user_data_dir("cevns") / "coherent"``.
    """
    if path is not None:
        return Path(path).expanduser()
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("cevns")) / "coherent"


def fix_hint(data_dir: Path) -> str:
    """Return the sentence that tells a user how to get the data into ``data_dir``."""
    return (
        f"To fix it: run `cevns data fetch` to download the releases into {data_dir}, "
        "or `cevns data import DIR` with a directory holding an unpacked release, "
        f"or set {ENV_VAR} to a directory that holds ar2020/ and csi2021/."
    )


def nearby_release(data_dir: PathLike) -> Path | None:
    """The directory next to ``data_dir`` that holds the releases (``ar2020/`` and
    ``csi2021/``) when ``data_dir`` itself does not: one of its subdirectories (a
    directory one level too high, e.g. ``shared/data``) or its parent (one level too
    deep, e.g. ``.../coherent/ar2020``). None when there is none."""

    def holds(d: Path) -> bool:
        return all((d / name).is_dir() for name in ("ar2020", "csi2021"))

    root = Path(data_dir).expanduser()
    try:
        if not root.is_dir() or holds(root):
            return None
        for d in sorted(root.iterdir()):
            if d.is_dir() and holds(d):
                return d
        return root.parent if holds(root.parent) else None
    except OSError:
        return None


# ---------------------------------------------------------------------------
# Hashing, with an in-process cache keyed on (path, mtime, size).
# ---------------------------------------------------------------------------
_HASH_CACHE: dict[tuple[str, int, int], str] = {}
_HASH_LOCK = threading.Lock()


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Return the hexadecimal SHA-256 of a file (no caching).

    Raises
    ------
    DataError
        If the file exists but cannot be read (no permission, a directory in its
        place, an I/O error), naming it.
    """
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as handle:
            for block in iter(lambda: handle.read(chunk), b""):
                digest.update(block)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnreadableDataError(path, exc) from None
    return digest.hexdigest()


def cached_sha256(path: Path) -> str:
    """Return the SHA-256 of a file, reusing the result while its mtime and size hold."""
    path = Path(path).resolve()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnreadableDataError(path, exc) from None
    if not path.is_file():
        raise UnreadableDataError(path, "not a regular file")
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _HASH_LOCK:
        cached = _HASH_CACHE.get(key)
    if cached is not None:
        return cached
    value = sha256_file(path)
    with _HASH_LOCK:
        _HASH_CACHE[key] = value
    return value


def clear_hash_cache() -> None:
    """Forget every cached hash (for tests, or after editing files in place)."""
    with _HASH_LOCK:
        _HASH_CACHE.clear()


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Mismatch:
    """A file whose SHA-256 is not the registered one."""

    path: str
    expected: str
    actual: str

    def to_dict(self) -> dict[str, str]:
        """Return a JSON-ready dictionary."""
        return {"path": self.path, "expected_sha256": self.expected, "actual_sha256": self.actual}


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of checking a data directory against the registry.

    Attributes
    ----------
    ok : bool
        True when no required file is missing and no file has a wrong hash.
    data_dir : Path
        The directory that was checked.
    missing : tuple of str
        Required files that are absent (paths relative to ``data_dir``).
    mismatched : tuple of Mismatch
        Files present with a SHA-256 other than the registered one.
    missing_optional : tuple of str
        Absent documentation files (``required: false``); they do not spoil ``ok``.
    checked : int
        Number of registry entries examined.
    unreadable : tuple of (str, str)
        Files present that cannot be read (relative path, reason: no permission, a
        directory in the file's place, ...); they spoil ``ok``.
    """

    ok: bool
    data_dir: Path
    missing: tuple[str, ...]
    mismatched: tuple[Mismatch, ...]
    missing_optional: tuple[str, ...]
    checked: int
    unreadable: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dictionary."""
        return {
            "ok": self.ok,
            "data_dir": str(self.data_dir),
            "missing": list(self.missing),
            "mismatched": [m.to_dict() for m in self.mismatched],
            "missing_optional": list(self.missing_optional),
            "unreadable": [{"path": p, "reason": r} for p, r in self.unreadable],
            "checked": self.checked,
        }

    def problems(self) -> list[str]:
        """Return one human-readable line per missing or corrupted file."""
        lines = [f"missing: {p}" for p in self.missing]
        lines += [
            f"sha256 mismatch: {m.path} (expected {m.expected}, found {m.actual})"
            for m in self.mismatched
        ]
        lines += [f"unreadable: {p} ({r})" for p, r in self.unreadable]
        return lines


def verify(
    data_dir: PathLike | None = None,
    datasets: Iterable[str] | None = None,
    *,
    registry: Registry | None = None,
) -> VerifyReport:
    """Check every registered file of a data directory; never stops at the first problem.

    Parameters
    ----------
    data_dir : path-like, optional
        Directory to check (see :func:`resolve_data_dir`).
    datasets : iterable of str, optional
        Restrict the check to these datasets (default: all).
    registry : Registry, optional
        Registry to check against (default: the package's).

    Returns
    -------
    VerifyReport
    """
    registry = registry if registry is not None else load_registry()
    datasets = as_dataset_list(datasets)
    root = resolve_data_dir(data_dir)
    check_data_dir(root)
    if datasets is None:  # all datasets: those not installed at all are not checked
        datasets = installed_datasets(root, registry)
    entries = registry.select(datasets)
    missing: list[str] = []
    missing_optional: list[str] = []
    mismatched: list[Mismatch] = []
    unreadable: list[tuple[str, str]] = []
    for entry in entries:
        path = root / entry.path
        if not path.exists():
            (missing if entry.required else missing_optional).append(entry.path)
            continue
        try:
            actual = cached_sha256(path)
        except UnreadableDataError as exc:
            unreadable.append((entry.path, exc.reason))
            continue
        if actual != entry.sha256:
            mismatched.append(Mismatch(entry.path, entry.sha256, actual))
    report = VerifyReport(
        ok=not missing and not mismatched and not unreadable,
        data_dir=root,
        missing=tuple(missing),
        mismatched=tuple(mismatched),
        missing_optional=tuple(missing_optional),
        checked=len(entries),
        unreadable=tuple(unreadable),
    )
    for line in report.problems():
        LOG.info("%s: %s", root, line)
    return report


def installed_datasets(root: Path, registry: Registry) -> list[str]:
    """Datasets with a folder in ``root`` (all of them when none is there).

    ``cevns data verify`` without a dataset selection checks the releases a data
    directory holds: a COHERENT-only directory is complete without ``xenonnt/``.
    """
    present = [name for name in registry.datasets if (root / name).is_dir()]
    return present or list(registry.datasets)


def check_data_dir(root: Path) -> Path:
    """Refuse a data directory that exists but is not a directory (a file in its place)."""
    if root.exists() and not root.is_dir():
        raise DataError(f"the data directory {root} is a file, not a directory. {fix_hint(root)}")
    return root


def check_file(path: Path, entry: FileEntry, data_dir: Path) -> Path:
    """Check one file against its entry and return it.

    Raises
    ------
    MissingDataError
        If the file does not exist.
    UnreadableDataError
        If it exists but cannot be read (no permission, a directory in its place).
    HashMismatchError
        If its SHA-256 is not the registered one.
    """
    check_data_dir(data_dir)
    if not path.exists():
        raise MissingDataError(
            f"data file {entry.path} was not found in the data directory "
            f"{data_dir} (looked for {path}). {fix_hint(data_dir)}"
        )
    actual = cached_sha256(path)
    if actual != entry.sha256:
        raise HashMismatchError(
            f"data file {path} is not the registered one: expected sha256 "
            f"{entry.sha256}, found {actual} (data directory {data_dir}). The file is "
            f"corrupted or from another release. {fix_hint(data_dir)}"
        )
    return path


def data_path(
    relpath: str,
    data_dir: PathLike | None = None,
    *,
    registry: Registry | None = None,
) -> Path:
    """Return the path of one registered file after checking that it exists and is intact.

    The hash check is cached per (path, mtime, size) within the process, so
    repeated calls cost a ``stat``.

    Parameters
    ----------
    relpath : str
        Registered path, e.g. ``"csi2021/dataBeamOnC.txt"``.
    data_dir : path-like, optional
        Data directory (see :func:`resolve_data_dir`).
    registry : Registry, optional
        Registry to use (default: the package's).

    Returns
    -------
    Path

    Raises
    ------
    InputError
        If ``relpath`` is not registered.
    MissingDataError, HashMismatchError
        If the file is absent or corrupted; the message says how to fix it.
    """
    registry = registry if registry is not None else load_registry()
    entry = registry.entry(relpath)
    root = resolve_data_dir(data_dir)
    return check_file(root / entry.path, entry, root)
