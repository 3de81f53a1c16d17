"""Getting the data releases into the data directory: download or import, both hash-checked.

The releases: COHERENT (ar2020, csi2021), XENONnT (xenonnt) and the solar tables (solar).
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Iterable
from pathlib import Path

from ..errors import DataError, HashMismatchError, MissingDataError
from . import xenonnt
from .registry import FileEntry, Registry, as_dataset_list, load_registry
from .store import (
    PathLike,
    VerifyReport,
    cached_sha256,
    check_data_dir,
    installed_datasets,
    nearby_release,
    resolve_data_dir,
    verify,
)

__all__ = ["fetch", "import_dir"]


LOG = logging.getLogger(__name__)


# ---------------------------------------------------------------------------
# fetch
# ---------------------------------------------------------------------------
def _download_url(entry: FileEntry, base_url: str | None) -> str | None:
    """Return where to download ``entry`` from: the mirror if given, else its official URL."""
    if base_url is not None:
        return base_url.rstrip("/") + "/" + urllib.parse.quote(entry.path, safe="/")
    return entry.url


def _progressbar(progress: bool) -> bool:
    if not progress:
        return False
    try:
        import tqdm  # noqa: F401
    except ImportError:
        LOG.warning("tqdm is not installed: downloading without a progress bar")
        return False
    return True


def _retrieve(entry: FileEntry, url: str, root: Path, progress: bool) -> None:
    """Download one file with pooch, checking its SHA-256, into ``root/entry.path``.

    pooch downloads into a temporary file in the target's directory and renames it
    once the hash matches, so an interrupted download never leaves a partial file.
    """
    import pooch  # only when downloading: importing it costs a cold command ~0.1 s

    target = root / entry.path
    target.parent.mkdir(parents=True, exist_ok=True)
    pooch.retrieve(
        url,
        known_hash=f"sha256:{entry.sha256}",
        fname=target.name,
        path=target.parent,
        progressbar=progress,
    )


def _no_url_error(entries: list[FileEntry], root: Path) -> DataError:
    names = "\n".join(f"  {e.path}" + (f": {e.note}" if e.note else "") for e in entries)
    return DataError(
        f"{len(entries)} registered file(s) have no official per-file download address "
        f"and are not in {root}:\n{names}\n"
        "To fix it: import them from an unpacked copy of the release with "
        "`cevns data import DIR` (cevns.data.import_dir), or fetch from a mirror that "
        "has them (`base_url`)."
    )


def fetch(
    data_dir: PathLike | None = None,
    base_url: str | None = None,
    datasets: Iterable[str] | None = None,
    progress: bool = False,
    *,
    registry: Registry | None = None,
) -> VerifyReport:
    """Download the registered files into the data directory, checking every SHA-256.

    Files already present with the right hash are not downloaded again. Every
    file is attempted before any error is raised, so one run reports every
    problem.

    Parameters
    ----------
    data_dir : path-like, optional
        Destination (see :func:`cevns.data.resolve_data_dir`).
    base_url : str, optional
        A mirror that replaces the official sources: a file is downloaded from
        ``base_url + "/" + relpath`` (e.g. ``.../ar2020/cevnspdf.txt``).
    datasets : iterable of str, optional
        Restrict to these datasets (default: the releases the directory already
        holds; every release when it holds none).
    progress : bool
        Show a progress bar per file (needs tqdm).
    registry : Registry, optional
        Registry to use (default: the package's).

    Returns
    -------
    VerifyReport
        The verification of the destination after downloading.

    Raises
    ------
    HashMismatchError
        If a downloaded file does not have the registered SHA-256 (it is not kept).
    DataError
        If a download fails, or a required file has no official address and no
        ``base_url`` is given (import it with :func:`import_dir` instead).
    """
    registry = registry if registry is not None else load_registry()
    datasets = as_dataset_list(datasets)
    root = resolve_data_dir(data_dir)
    if datasets is None:  # the releases already there (every release into an empty directory)
        datasets = installed_datasets(check_data_dir(root), registry)
    entries = registry.select(datasets)
    before = verify(root, datasets, registry=registry)
    bad = set(before.missing) | set(before.missing_optional) | {m.path for m in before.mismatched}
    todo = [e for e in entries if e.path in bad and e.path not in DERIVED]
    bar = _progressbar(progress)

    no_url: list[FileEntry] = []
    mismatches: list[str] = []
    failures: list[str] = []
    for entry in todo:
        url = _download_url(entry, base_url)
        if url is None:
            if entry.required:
                no_url.append(entry)
            else:
                LOG.info("skipping %s: no official download address (%s)", entry.path, entry.note)
            continue
        LOG.info("downloading %s from %s", entry.path, url)
        try:
            _retrieve(entry, url, root, bar)
        except ValueError as exc:  # pooch: hash mismatch
            mismatches.append(f"{entry.path} from {url}: {exc}")
        except OSError as exc:  # network and file-system errors (requests' included)
            failures.append(f"{entry.path} from {url}: {exc}")

    if mismatches:
        raise HashMismatchError(
            "downloaded file(s) do not have the registered sha256 and were not kept:\n  "
            + "\n  ".join(mismatches + failures)
            + "\nThe source may have changed or the mirror is corrupted; "
            "try another mirror or `cevns data import DIR`."
        )
    if failures:
        raise DataError(
            "download failed for:\n  " + "\n  ".join(failures) + "\nCheck the network or "
            "the mirror address, or use `cevns data import DIR` with an unpacked release."
        )
    if no_url:
        raise _no_url_error(no_url, root)
    derive(root, datasets, registry=registry)
    return verify(root, datasets, registry=registry)


# ---------------------------------------------------------------------------
# import
# ---------------------------------------------------------------------------
def _candidates(src: Path, entry: FileEntry) -> list[Path]:
    """Places where ``entry`` may sit in ``src``: nested layout first, then flat."""
    inner = entry.path.split("/", 1)[1]
    places = [src / entry.path, src / inner, src / entry.name]
    return [p for i, p in enumerate(places) if p.is_file() and p not in places[:i]]


def _locate(src: Path, entry: FileEntry) -> tuple[Path | None, str | None]:
    """Return (matching file, None), or (None, actual hash of a wrong file), or (None, None)."""
    wrong: str | None = None
    for path in _candidates(src, entry):
        actual = cached_sha256(path)
        if actual == entry.sha256:
            return path, None
        wrong = wrong or actual
    return None, wrong


def _copy_verified(source: Path, target: Path, entry: FileEntry) -> None:
    """Copy through a temporary file, re-check the hash, then move into place."""
    import hashlib

    from .._io import atomic_output

    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with atomic_output(target) as out, source.open("rb") as src:
        for block in iter(lambda: src.read(1 << 20), b""):
            digest.update(block)
            out.write(block)
        if digest.hexdigest() != entry.sha256:  # raised inside: nothing is installed
            raise HashMismatchError(f"copying {source} to {target} changed its content")


def import_dir(
    src: PathLike,
    data_dir: PathLike | None = None,
    datasets: Iterable[str] | None = None,
    *,
    registry: Registry | None = None,
) -> VerifyReport:
    """Copy the registered files from a directory the user already has, checking every hash.

    ``src`` may use the data-directory layout (``src/ar2020/cevnspdf.txt``) or
    hold the files directly (``src/cevnspdf.txt``, e.g. an unpacked Zenodo
    archive), where they are matched by name and SHA-256. Every hash is checked
    before anything is copied: on any problem nothing is copied.

    Documentation files (``required: false``) are copied when present and
    intact and skipped otherwise.

    Parameters
    ----------
    src : path-like
        Directory to import from.
    data_dir : path-like, optional
        Destination (see :func:`cevns.data.resolve_data_dir`).
    datasets : iterable of str, optional
        Restrict to these datasets (default: all).
    registry : Registry, optional
        Registry to use (default: the package's).

    Returns
    -------
    VerifyReport
        The verification of the destination after copying.

    Raises
    ------
    MissingDataError
        If ``src`` does not exist, or required files are absent from it (all listed).
    HashMismatchError
        If required files in ``src`` have the wrong SHA-256 (all listed, with any
        missing ones).
    """
    registry = registry if registry is not None else load_registry()
    datasets = as_dataset_list(datasets)
    source = Path(src).expanduser()
    if not source.is_dir():
        raise MissingDataError(f"cannot import from {source}: it is not a directory")
    root = resolve_data_dir(data_dir)
    if datasets is None:
        datasets = _datasets_in(source, registry)

    plan: list[tuple[Path, FileEntry]] = []
    missing: list[str] = []
    wrong: list[str] = []
    for entry in registry.select(datasets):
        if entry.path in DERIVED:
            continue
        found, actual = _locate(source, entry)
        if found is not None:
            plan.append((found, entry))
        elif not entry.required:
            LOG.info(
                "not importing %s: absent from %s or not the registered version", entry.path, source
            )
        elif actual is None:
            missing.append(entry.path)
        else:
            wrong.append(f"{entry.path} (expected sha256 {entry.sha256}, found {actual})")

    if not plan and not wrong:  # nothing there: the release may be one level down or up
        required = [e for e in registry.select(datasets) if e.required]
        near = nearby_release(source)
        hint = (
            f"; {near} holds the release: cevns data import {near}"
            if near is not None
            else "; give the directory that holds ar2020/ and csi2021/ (or their files)"
        )
        raise MissingDataError(
            f"cannot import from {source}: none of the {len(required)} registered files is "
            f"there (as SRC/<dataset>/<name> or SRC/<name>){hint}"
        )
    if missing or wrong:
        lines = [f"missing: {p}" for p in missing] + [f"sha256 mismatch: {w}" for w in wrong]
        kind = HashMismatchError if wrong else MissingDataError
        raise kind(
            f"cannot import from {source}; nothing was copied. Problems:\n  "
            + "\n  ".join(lines)
            + "\nLooked for each file as SRC/<dataset>/<name> and SRC/<name>."
        )
    for found, entry in plan:
        target = root / entry.path
        LOG.info("importing %s -> %s", found, target)
        _copy_verified(found, target, entry)
    derive(root, datasets, registry=registry)
    return verify(root, datasets, registry=registry)


#: Files written from registered files at import time: path -> dataset it derives from.
DERIVED = {xenonnt.CONVERTED: "xenonnt"}


def derive(root: Path, datasets: Iterable[str], *, registry: Registry) -> None:
    """Write the derived files of the given datasets (the compact XENONnT templates).

    The result is checked against its registered SHA-256 before it replaces
    anything: a release that converts to other bytes is refused.
    """
    for relpath, dataset in DERIVED.items():
        if dataset not in datasets:
            continue
        entry = registry.entry(relpath)
        target = root / relpath
        if target.is_file() and cached_sha256(target) == entry.sha256:
            continue
        LOG.info("converting the XENONnT HDF5 templates into %s", target)
        xenonnt.convert(root / dataset, target)
        actual = cached_sha256(target)
        if actual != entry.sha256:
            target.unlink()
            raise HashMismatchError(
                f"the templates converted from {root / dataset} ({relpath}) have sha256 "
                f"{actual}, not the registered {entry.sha256}; nothing was kept"
            )


def _datasets_in(source: Path, registry: Registry) -> list[str]:
    """Datasets with at least one registered file in ``source`` (all when none is)."""
    found = [
        name
        for name in registry.datasets
        if any(_candidates(source, e) for e in registry.select([name]) if e.required)
    ]
    return found or list(registry.datasets)
