"""A data directory with every release, for the tests and the documentation build.

The experiments read one data directory holding ``ar2020/``, ``csi2021/``, ``xenonnt/``
(with the converted templates ``xenonnt/cevns-templates-v1.bin``) and ``solar/``: what
``cevns data import`` of each release makes. A checkout with the releases read-only in
``../shared/data/{coherent,xenonnt,solar}`` has no such directory: :func:`assemble`
makes one of symbolic links (the COHERENT releases of ``data_dir``, the XENONnT release
of ``$CEVNS_XENONNT_DIR`` and the solar tables of ``$CEVNS_SOLAR_DIR``, read in place;
defaults ``xenonnt/`` and ``solar/`` beside the COHERENT directory) and converts the
XENONnT HDF5 templates there once (h5py), checked against their registered SHA-256.

Used by ``conftest.py`` (fixture ``data_root``, in ``build/test-data-root``) and by
``docs/conf.py`` (the same directory, so a docs build after the tests converts nothing).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: Where the tests and the docs assemble the data directory.
TEST_ROOT = REPO / "build" / "test-data-root"


def release_dir(var: str, default: Path) -> Path:
    """``$var`` if set and non-empty, else ``default``."""
    env = os.environ.get(var, "").strip()
    return Path(env).expanduser() if env else default


def xenonnt_release(data_dir: Path) -> Path:
    """The XENONnT release directory ($CEVNS_XENONNT_DIR or beside the COHERENT one)."""
    return release_dir("CEVNS_XENONNT_DIR", data_dir.resolve().parent / "xenonnt")


def solar_tables(data_dir: Path) -> Path:
    """The solar tables' directory ($CEVNS_SOLAR_DIR or beside the COHERENT one)."""
    return release_dir("CEVNS_SOLAR_DIR", data_dir.resolve().parent / "solar")


def has_every_release(data_dir: Path) -> bool:
    """Whether ``data_dir`` already holds the converted XENONnT templates and the solar tables."""
    from cevns.data import xenonnt

    return (data_dir / xenonnt.CONVERTED).is_file() and (data_dir / "solar").is_dir()


def assemble(data_dir: Path, target: Path = TEST_ROOT) -> Path:
    """A data directory with every release: ``data_dir`` itself if it has them, else ``target``.

    Parameters
    ----------
    data_dir : Path
        The COHERENT data directory (holds ``ar2020/`` and ``csi2021/``).
    target : Path
        Where to assemble the links (kept between runs: the conversion is done once).

    Raises
    ------
    FileNotFoundError
        If the XENONnT release or the solar tables are not found (the message names where
        they were looked for).
    ImportError
        If the templates need converting and h5py is not installed.
    HashMismatchError
        If the converted templates are not the registered ones.
    """
    from cevns.data.acquire import derive
    from cevns.data.registry import load_registry

    if has_every_release(data_dir):
        return data_dir
    release, solar = xenonnt_release(data_dir), solar_tables(data_dir)
    if not (release / "templates").is_dir() or not solar.is_dir():
        raise FileNotFoundError(f"XENONnT release or solar tables not found ({release}, {solar})")
    links = {
        "ar2020": data_dir / "ar2020",
        "csi2021": data_dir / "csi2021",
        "solar": solar,
        **{f"xenonnt/{p.name}": p for p in release.iterdir()},
    }
    for name, source in links.items():
        link = target / name
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink() and Path(os.readlink(link)) == source.resolve():
            continue
        if link.is_symlink():
            link.unlink()
        link.symlink_to(source.resolve(), target_is_directory=source.is_dir())
    derive(target, ["xenonnt"], registry=load_registry())
    return target
