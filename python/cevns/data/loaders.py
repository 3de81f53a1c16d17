"""Strict parsers of the COHERENT release files.

Each loader reads one file format and returns numpy arrays. None of them
guesses: a line with the wrong number of columns, a value that is not a finite
number, or a grid that is incomplete or irregular raises
:class:`~cevns.errors.MalformedDataError` naming the file and the line.

Loaders take a path and do not check hashes; use :func:`cevns.data.data_path`
to get a verified path first.
"""

from __future__ import annotations

import logging
import math
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Union

import numpy as np
import yaml

from ..errors import MalformedDataError

LOG = logging.getLogger(__name__)

PathLike = Union[str, "os.PathLike[str]"]

#: Shape (energy, F90, time) of the Ar 3-D tables.
AR_GRID_SHAPE = (12, 8, 10)


# ---------------------------------------------------------------------------
# Generic strict table reader
# ---------------------------------------------------------------------------
def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise MalformedDataError(f"{path}: file does not exist") from None
    except UnicodeDecodeError as exc:
        raise MalformedDataError(f"{path}: not a UTF-8 text file ({exc})") from None


def _parse_row(path: Path, lineno: int, line: str, ncols: int) -> list[float]:
    fields = line.split()
    if len(fields) != ncols:
        raise MalformedDataError(
            f"{path}, line {lineno}: expected {ncols} columns, found {len(fields)}: {line!r}"
        )
    try:
        values = [float(f) for f in fields]
    except ValueError:
        raise MalformedDataError(f"{path}, line {lineno}: not a number in {line!r}") from None
    if not all(math.isfinite(v) for v in values):
        raise MalformedDataError(f"{path}, line {lineno}: non-finite value in {line!r}")
    return values


def read_table(path: PathLike, ncols: int) -> tuple[np.ndarray, np.ndarray]:
    """Read a whitespace-separated numeric table, skipping blank and ``#`` lines.

    Parameters
    ----------
    path : path-like
        File to read.
    ncols : int
        Number of columns every data line must have.

    Returns
    -------
    rows : ndarray, shape (n, ncols)
        The values.
    lines : ndarray of int, shape (n,)
        1-based line number of each row in the file (for error messages).

    Raises
    ------
    MalformedDataError
        On a wrong column count, a non-number, a non-finite value or no data.
    """
    path = Path(path)
    rows: list[list[float]] = []
    linenos: list[int] = []
    for lineno, raw in enumerate(_read_lines(path), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        rows.append(_parse_row(path, lineno, line, ncols))
        linenos.append(lineno)
    if not rows:
        raise MalformedDataError(f"{path}: no data lines")
    return np.asarray(rows, dtype=float), np.asarray(linenos, dtype=int)


def _check_regular(path: Path, centres: np.ndarray, what: str, lines: np.ndarray) -> None:
    """Require strictly increasing, evenly spaced bin centres."""
    if centres.size < 2:
        return
    step = np.diff(centres)
    bad = np.nonzero(step <= 0)[0]
    if bad.size:
        i = int(bad[0]) + 1
        raise MalformedDataError(
            f"{path}, line {lines[i]}: {what} {centres[i]:g} does not increase "
            f"(previous {centres[i - 1]:g})"
        )
    irregular = np.nonzero(~np.isclose(step, step[0], rtol=1e-6, atol=1e-9))[0]
    if irregular.size:
        i = int(irregular[0]) + 1
        raise MalformedDataError(
            f"{path}, line {lines[i]}: {what} spacing {step[i - 1]:g} differs from "
            f"the first spacing {step[0]:g}: the grid is not regular"
        )


# ---------------------------------------------------------------------------
# CsI 2021
# ---------------------------------------------------------------------------
def load_csi_events(path: PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Load the selected CsI events (``dataBeamOnC.txt`` / ``dataBeamOnAC.txt``).

    Parameters
    ----------
    path : path-like
        The event list: two columns, reconstructed energy in PE and recoil time
        ``t_rec`` in µs; ``#`` lines are comments.

    Returns
    -------
    pe : ndarray
        Reconstructed energy of every event [PE].
    t : ndarray
        Recoil time of every event [µs].
    """
    rows, lines = read_table(path, 2)
    negative = np.nonzero(rows[:, 0] < 0)[0]
    if negative.size:
        raise MalformedDataError(
            f"{path}, line {lines[negative[0]]}: negative energy {rows[negative[0], 0]:g} PE"
        )
    return rows[:, 0].copy(), rows[:, 1].copy()


def load_csi_shape(path: PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Load a CsI background shape (``brnPE``, ``brnTrec``, ``ninPE``, ``ninTrec``).

    Parameters
    ----------
    path : path-like
        Two columns: bin centre (PE, 1-PE bins; or µs, 10-ns bins) and the
        shape's value in that bin.

    Returns
    -------
    centres : ndarray
        Bin centres, strictly increasing and evenly spaced.
    values : ndarray
        Non-negative shape values (not normalised here).
    """
    path = Path(path)
    rows, lines = read_table(path, 2)
    _check_regular(path, rows[:, 0], "bin centre", lines)
    negative = np.nonzero(rows[:, 1] < 0)[0]
    if negative.size:
        raise MalformedDataError(
            f"{path}, line {lines[negative[0]]}: negative shape value {rows[negative[0], 1]:g}"
        )
    return rows[:, 0].copy(), rows[:, 1].copy()


#: Row labels of the two coefficient files, in file order.
CSI_COEFFICIENT_LABELS = {
    "efficiency": ("nominal", "plus", "minus"),
    "scintillation": ("nominal", "syst0_plus", "syst0_minus", "syst1_plus", "syst1_minus"),
}

_SYST_COMMENT = re.compile(r"syst\s+model\s*(\d*)\s*,\s*([+-])\s*1\s*sigma", re.IGNORECASE)


def _coefficient_kind(path: Path, header: list[str]) -> str:
    text = " ".join(header).lower()
    if "efficiency" in text:
        return "efficiency"
    if "scintillation" in text:
        return "scintillation"
    raise MalformedDataError(
        f"{path}: the header comments name neither an efficiency nor a scintillation "
        "response curve; cannot tell which coefficients these are"
    )


def _check_row_comment(path: Path, lineno: int, comment: str, label: str, kind: str) -> None:
    """Check that the comment above a coefficient row agrees with the label it gets."""
    if label == "nominal":
        if "nominal" not in comment.lower():
            raise MalformedDataError(
                f"{path}, line {lineno}: expected the nominal row here, comment reads {comment!r}"
            )
        return
    match = _SYST_COMMENT.search(comment)
    if match is None:
        raise MalformedDataError(
            f"{path}, line {lineno}: expected a 'Syst model' row for {label!r}, "
            f"comment reads {comment!r}"
        )
    if kind == "efficiency":
        # The release labels both variants "+1 sigma"; the order (nominal, +1, -1)
        # decides, as the variants' thresholds c (9.85 < 10.86 < 11.88 PE) confirm.
        return
    model, sign = match.groups()
    expected = f"syst{model}_{'plus' if sign == '+' else 'minus'}"
    if expected != label:
        raise MalformedDataError(
            f"{path}, line {lineno}: comment {comment!r} announces {expected}, but rows "
            f"must come in the order {CSI_COEFFICIENT_LABELS[kind]}"
        )


def load_csi_coefficients(path: PathLike) -> dict[str, np.ndarray]:
    """Load ``effCoefficients.txt`` or ``scintRespCoefficients.txt``.

    Parameters
    ----------
    path : path-like
        A coefficient file: rows of four numbers ``a b c d``, each preceded by a
        comment naming the variant.

    Returns
    -------
    dict of str to ndarray
        For the efficiency ``eff(x) = a/(1+exp(-b(x-c)))+d`` (x in PE):
        ``{"nominal", "plus", "minus"}``. For the scintillation response
        ``Eee = aT + bT² + cT³ + dT⁴`` (T in MeVnr, Eee in MeVee):
        ``{"nominal", "syst0_plus", "syst0_minus", "syst1_plus", "syst1_minus"}``.
        Each value holds ``[a, b, c, d]``.

    Notes
    -----
    The release's ``effCoefficients.txt`` labels its third row "+1 sigma" like
    the second; rows are labelled by order (nominal, +1σ, −1σ).
    """
    path = Path(path)
    header: list[str] = []
    comment = ""
    rows: list[tuple[int, str, list[float]]] = []
    for lineno, raw in enumerate(_read_lines(path), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            comment = line.lstrip("#").strip()
            if not rows:
                header.append(comment)
            continue
        rows.append((lineno, comment, _parse_row(path, lineno, line, 4)))
    kind = _coefficient_kind(path, header)
    labels = CSI_COEFFICIENT_LABELS[kind]
    if len(rows) != len(labels):
        raise MalformedDataError(
            f"{path}: expected {len(labels)} coefficient rows {labels} for the {kind} "
            f"curve, found {len(rows)}"
        )
    result: dict[str, np.ndarray] = {}
    for label, (lineno, row_comment, values) in zip(labels, rows):
        _check_row_comment(path, lineno, row_comment, label, kind)
        result[label] = np.asarray(values, dtype=float)
    return result


# ---------------------------------------------------------------------------
# Ar 2020
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ArTable:
    """A 3-D table of the Ar release (counts or PDF in energy × F90 × time bins).

    Attributes
    ----------
    energy : ndarray, shape (12,)
        Energy bin centres [keVee].
    f90 : ndarray, shape (8,)
        F90 bin centres.
    time : ndarray, shape (10,)
        Time bin centres [µs].
    values : ndarray, shape (12, 8, 10)
        Value per bin, indexed ``[energy, f90, time]``.
    path : Path or None
        File the table was read from.
    """

    energy: np.ndarray
    f90: np.ndarray
    time: np.ndarray
    values: np.ndarray
    path: Path | None = None

    @property
    def total(self) -> float:
        """Sum over all bins."""
        return float(self.values.sum())

    def energy_time(self) -> np.ndarray:
        """Return the table summed over F90, shape (12, 10) (paper eq. 7-9)."""
        return self.values.sum(axis=1)


def _axis(path: Path, column: np.ndarray, lines: np.ndarray, name: str, size: int) -> np.ndarray:
    centres = np.unique(column)
    if centres.size != size:
        raise MalformedDataError(
            f"{path}: expected {size} distinct {name} bin centres, found {centres.size}"
        )
    first = np.asarray([lines[np.argmax(column == c)] for c in centres])
    _check_regular(path, centres, f"{name} bin centre", first)
    return centres


def load_ar_table(path: PathLike, shape: tuple[int, int, int] = AR_GRID_SHAPE) -> ArTable:
    """Load a 3-D Ar table (``datanobkgsub.txt``, ``cevnspdf.txt``, ``bkgpdf.txt`` …).

    Parameters
    ----------
    path : path-like
        Four columns: energy bin centre [keVee], F90 bin centre, time bin centre
        [µs], value. Every (energy, F90, time) cell must appear exactly once.
    shape : tuple of int
        Expected numbers of (energy, F90, time) bins.

    Returns
    -------
    ArTable

    Raises
    ------
    MalformedDataError
        On a bad line, a wrong number of rows, a duplicate or missing cell, or
        an irregular axis.
    """
    path = Path(path)
    rows, lines = read_table(path, 4)
    expected_rows = int(np.prod(shape))
    if rows.shape[0] != expected_rows:
        raise MalformedDataError(
            f"{path}: expected {expected_rows} rows ({shape[0]} energy × {shape[1]} F90 × "
            f"{shape[2]} time bins), found {rows.shape[0]}: the grid is incomplete"
        )
    axes = [
        _axis(path, rows[:, k], lines, name, n)
        for k, (name, n) in enumerate(zip(("energy", "F90", "time"), shape))
    ]
    index = [np.searchsorted(axes[k], rows[:, k]) for k in range(3)]
    values = np.full(shape, np.nan)
    seen = np.zeros(shape, dtype=bool)
    for i, j, k, value, lineno in zip(*index, rows[:, 3], lines):
        if seen[i, j, k]:
            raise MalformedDataError(
                f"{path}, line {lineno}: duplicate cell (energy {axes[0][i]:g}, "
                f"F90 {axes[1][j]:g}, time {axes[2][k]:g})"
            )
        seen[i, j, k] = True
        values[i, j, k] = value
    return ArTable(energy=axes[0], f90=axes[1], time=axes[2], values=values, path=path)


def load_ar_efficiency(path: PathLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Load ``CENNS10AnlAEfficiency.txt``.

    Parameters
    ----------
    path : path-like
        Three columns: bin centre [keVee], bin centre [keVnr], efficiency.

    Returns
    -------
    kevee : ndarray
        Electron-equivalent bin centres [keVee], evenly spaced.
    kevnr : ndarray
        Nuclear-recoil bin centres [keVnr], increasing.
    eff : ndarray
        Efficiency in [0, 1] (includes the F90 cuts, per the release companion).
    """
    path = Path(path)
    rows, lines = read_table(path, 3)
    _check_regular(path, rows[:, 0], "keVee bin centre", lines)
    step = np.diff(rows[:, 1])
    if np.any(step <= 0):
        i = int(np.argmax(step <= 0)) + 1
        raise MalformedDataError(f"{path}, line {lines[i]}: keVnr bin centre does not increase")
    out = np.nonzero((rows[:, 2] < 0) | (rows[:, 2] > 1))[0]
    if out.size:
        raise MalformedDataError(
            f"{path}, line {lines[out[0]]}: efficiency {rows[out[0], 2]:g} is outside [0, 1]"
        )
    return rows[:, 0].copy(), rows[:, 1].copy(), rows[:, 2].copy()


def _get(path: Path, tree: Any, *keys: Any) -> Any:
    """Walk a nested YAML structure; a missing key names the file and the key path."""
    node = tree
    walked: list[str] = []
    for key in keys:
        walked.append(str(key))
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            raise MalformedDataError(
                f"{path}: missing key {'.'.join(walked)!r} in the Ar parameter file"
            ) from None
    return node


def _param(path: Path, tree: Any, block: str, name: str) -> dict[str, Any]:
    """Return the entry called ``name`` of ``tree[block]["parameters"]``."""
    for item in _get(path, tree, block, "parameters"):
        if isinstance(item, dict) and item.get("name") == name:
            return item
    raise MalformedDataError(f"{path}: {block}.parameters has no parameter named {name!r}")


def _number(path: Path, value: Any, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise MalformedDataError(f"{path}: {where} = {value!r} is not a number") from None
    if not math.isfinite(number):
        raise MalformedDataError(f"{path}: {where} = {value!r} is not finite")
    return number


def _with_units(path: Path, tree: Any, key: str, units: str) -> float:
    actual = str(_get(path, tree, key, "units")).strip()
    if actual != units:
        raise MalformedDataError(f"{path}: {key}.units is {actual!r}, expected {units!r}")
    return _number(path, _get(path, tree, key, "value"), f"{key}.value")


def load_ar_parameters(path: PathLike) -> dict[str, Any]:
    """Load ``LArParametersAnlA.yaml``.

    Parameters
    ----------
    path : path-like
        The parameter file of the Ar release.

    Returns
    -------
    dict
        ``"raw"``: the nested dictionary as read by ``yaml.safe_load``; and the
        convenience values ``exposure_pot`` [POT] (13.8e22), ``distance_m`` [m],
        ``fiducial_mass_kg`` [kg], ``nu_per_pot`` [ν/flavour/POT], ``qf_a`` and
        ``qf_b`` [1/keVnr] (``QF = a + b T``), ``resolution_a`` [keVee^½]
        (``σ/E = a/√E``), ``pot_trace_mean_ns`` and ``pot_trace_sigma_ns`` [ns].

    Raises
    ------
    MalformedDataError
        If the file is not YAML, or a key or unit is missing or unexpected.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MalformedDataError(f"{path}: file does not exist") from None
    except yaml.YAMLError as exc:
        raise MalformedDataError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(raw, dict):
        raise MalformedDataError(f"{path}: expected a mapping at the top level")

    def value_of(block: str, name: str) -> float:
        return _number(path, _param(path, raw, block, name).get("value"), f"{block}.{name}")

    exposure_e22 = _with_units(path, raw, "beamExposure", "E22 POT")
    return {
        "raw": raw,
        # Decimal keeps 13.8 × 1e22 at exactly 1.38e23 (a float product rounds off).
        "exposure_pot": float(Decimal(repr(exposure_e22)) * Decimal("1e22")),
        "distance_m": _with_units(path, raw, "distanceToTarget", "m"),
        "fiducial_mass_kg": _with_units(path, raw, "fiducialMass", "kg"),
        "nu_per_pot": _number(
            path, _get(path, raw, "neutrinosPerProton", "value"), "neutrinosPerProton.value"
        ),
        "qf_a": value_of("larQF", "a"),
        "qf_b": value_of("larQF", "b"),
        "resolution_a": value_of("energyResolution", "a"),
        "pot_trace_mean_ns": value_of("snsPOTTraceTiming", "a"),
        "pot_trace_sigma_ns": value_of("snsPOTTraceTiming", "b"),
    }
