"""Convert the XENONnT release's ~6,900 HDF5 templates into one compact file the core reads.

The XENONnT solar ⁸B data release (CC-BY-4.0, Zenodo DOI 10.5281/zenodo.20576156)
stores every template as a small HDF5 file (``multihist`` layout: ``bins/0..3``,
``templates/template`` of shape 3×3×3×3). Reading 6,900 HDF5 files at every
experiment load would take ~20 s and an HDF5 library in the core; instead
``cevns data import`` converts them once into ``xenonnt/cevns-templates-v1.bin``,
whose SHA-256 is recorded in ``data/registry.json`` like any release file, so the
core verifies it before reading it (C++ users get the same experiment from it).

The conversion is deterministic (records in a fixed order, the HDF5 float64 values
copied bit for bit), so the same release always gives the same bytes.

File layout (all little-endian)::

    header   8 bytes   magic "CVXNT001"
             uint32    number of records R
             uint32    number of bins per template (81)
    R records, each
             char[8]   component, NUL-padded: "ac", "er", "rg" or "mono"
             int32     science run (0, 1, 2)
             int32     t_ly grid point (-3..3; 0 for ac and er)
             int32     t_qy grid point (-3..3; 0 for ac and er)
             float64   recoil energy [keV] of a mono template (0 otherwise)
             float64   81 values: the template flattened in C order
                       [cS2][shadow quantile][S1 BDT][S2 BDT]

``ac``, ``er`` and ``rg`` are in events per tonne·year per bin; ``mono`` is the
dimensionless probability that a recoil of that energy lands in each bin.
Records are ordered by science run, then component (ac, er, rg, mono), then
energy, t_ly, t_qy.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from pathlib import Path

from ..errors import DataError, MissingDataError

#: Path of the converted file, relative to the data directory.
CONVERTED = "xenonnt/cevns-templates-v1.bin"
MAGIC = b"CVXNT001"
N_BINS = 81
SCIENCE_RUNS = (0, 1, 2)
COMPONENTS = ("ac", "er", "rg", "mono")
_GRID = re.compile(r"tly_(-?\d+)\.0_tqy_(-?\d+)\.0\.h5$")
_MONO = re.compile(r"_mono_(\d+\.\d+)_cevns_")


def _h5py():  # pragma: no cover - exercised only without the extra
    try:
        import h5py
    except ImportError:
        raise DataError(
            "converting the XENONnT HDF5 templates needs h5py: pip install 'cevns[xenonnt]'"
        ) from None
    return h5py


def _records(release: Path) -> Iterator[tuple[str, int, int, int, float, Path]]:
    """Yield (component, sr, t_ly, t_qy, energy, file) in the order of the file format."""
    for sr in SCIENCE_RUNS:
        base = release / "templates" / f"sr{sr}"
        for comp in ("ac", "er"):
            yield comp, sr, 0, 0, 0.0, base / comp / f"template_XENONnT_sr{sr}_{comp}_cevns.h5"
        rows = []
        for path in (base / "rg").glob("*.h5"):
            m = _GRID.search(path.name)
            if m is None:
                raise DataError(f"{path}: not a t_ly/t_qy grid template name")
            rows.append(("rg", sr, int(m[1]), int(m[2]), 0.0, path))
        if len(rows) != 49:
            raise MissingDataError(f"{base / 'rg'}: expected 49 grid templates, found {len(rows)}")
        yield from sorted(rows, key=lambda r: (r[2], r[3]))
        rows = []
        for path in (base / "mono").glob("*.h5"):
            m, e = _GRID.search(path.name), _MONO.search(path.name)
            if m is None or e is None:
                raise DataError(f"{path}: not a mono-energetic template name")
            rows.append(("mono", sr, int(m[1]), int(m[2]), float(e[1]), path))
        yield from sorted(rows, key=lambda r: (r[4], r[2], r[3]))


def read_binning(path: Path) -> list[list[float]]:
    """Bin edges of the four observables from ``binning/sr*.yaml`` (``key:`` then ``- x`` lines)."""
    axes: list[list[float]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text:
            continue
        if text.endswith(":"):
            axes.append([])
        elif text.startswith("- ") and axes:
            axes[-1].append(float(text[2:]))
        else:
            raise DataError(f"{path}:{number}: expected 'name:' or '- value', got {line!r}")
    if len(axes) != 4 or any(len(a) != 4 for a in axes):
        raise DataError(f"{path}: expected 4 observables with 4 edges each")
    return axes


def convert(release: Path, target: Path) -> int:
    """Write the compact template file from an unpacked release.

    Parameters
    ----------
    release : Path
        Directory holding the release (``templates/sr0/...``, ``binning/``).
    target : Path
        File to write (atomically).

    Returns
    -------
    int
        Number of records written.

    Raises
    ------
    DataError
        If a template is missing, malformed, or binned differently from
        ``binning/sr*.yaml``.
    """
    import numpy as np

    from .._io import atomic_output

    h5py = _h5py()
    chunks: list[bytes] = []
    binning = {sr: read_binning(release / "binning" / f"sr{sr}.yaml") for sr in SCIENCE_RUNS}
    for comp, sr, tly, tqy, energy, path in _records(release):
        if not path.is_file():
            raise MissingDataError(f"XENONnT template {path} is missing")
        with h5py.File(path, "r") as handle:
            values = np.asarray(handle["templates/template"][()], dtype="<f8")
            edges = [np.asarray(handle[f"bins/{i}"][()]) for i in range(4)]
        if values.shape != (3, 3, 3, 3) or any(e.shape != (4,) for e in edges):
            raise DataError(f"{path}: expected a 3x3x3x3 template with 4 edges per axis")
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise DataError(f"{path}: negative or non-finite template entries")
        if not all(np.allclose(e, b, rtol=1e-9, atol=0) for e, b in zip(edges, binning[sr])):
            raise DataError(f"{path}: bin edges differ from binning/sr{sr}.yaml")
        head = comp.encode().ljust(8, b"\0") + struct.pack("<iiid", sr, tly, tqy, energy)
        chunks.append(head + values.reshape(-1).tobytes(order="C"))
    with atomic_output(target) as out:
        out.write(MAGIC + struct.pack("<II", len(chunks), N_BINS))
        for chunk in chunks:
            out.write(chunk)
    return len(chunks)
