"""Geometry of the allowed regions in the (M, g) plane: masks, fields and 2σ contours.

A scan (:func:`cevns.infer.scan.scan`) gives, at each mass, the allowed intervals of g
with root-found edges (thin strips included). This module turns them into a
boolean map on a grid (:func:`allowed_mask`), a signed distance whose zero line is
the boundary (:func:`allowed_field`) and that boundary as polylines
(:func:`boundary_lines`) or as a filled region (:func:`boundary_and_excluded`),
computed in (log10 M, log10 g) with contourpy. Used by :mod:`cevns.infer.scan`
(``ScanResult.contours``) and :mod:`cevns.plots` (Figs. 4-8).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "Intervals",
    "allowed_field",
    "allowed_mask",
    "boundary_and_excluded",
    "boundary_lines",
    "log_contour_generator",
]


Intervals = Sequence[Sequence[tuple[float, float]]]


def allowed_mask(intervals: Intervals, g: Iterable[float]) -> np.ndarray:
    """Boolean map [mass, g] of the points inside the allowed intervals of each mass."""
    gg = np.asarray(g, dtype=float)
    out = np.zeros((len(intervals), gg.size), dtype=bool)
    for i, iv in enumerate(intervals):
        for lo, hi in iv:
            out[i] |= (gg >= lo) & (gg <= hi)
    return out


def allowed_field(intervals: Intervals, g: Iterable[float]) -> tuple[np.ndarray, np.ndarray]:
    """Signed distance in ln g to the nearest edge of the allowed intervals, per mass.

    Positive inside an allowed interval, negative outside, zero on the edges found by
    the scan's root finder; its zero contour is the boundary of the allowed region,
    exact at every scan mass and linearly interpolated between masses. The coupling
    grid is ``g`` plus every finite edge and the log-midpoint of every interval, so
    that no interval, however thin, falls between two grid points.

    Returns
    -------
    (g_grid, field)
        The coupling grid (ascending) and the field, shape (n_mass, n_g).
    """
    gg = np.asarray(g, dtype=float)
    lo_g, hi_g = float(gg.min()), float(gg.max())
    extra = []
    for iv in intervals:
        for a, b in iv:
            for x in (a, b):
                if np.isfinite(x) and lo_g < x < hi_g:
                    extra.append(x)
            if a > 0 and np.isfinite(b) and lo_g < np.sqrt(a * b) < hi_g:
                extra.append(float(np.sqrt(a * b)))
    grid = np.unique(np.concatenate([gg, np.asarray(extra, dtype=float)]))
    lg = np.log(grid)
    field = np.empty((len(intervals), grid.size))
    big = float(lg[-1] - lg[0]) + 1.0
    for i, iv in enumerate(intervals):
        inside = np.zeros(grid.size, dtype=bool)
        dist = np.full(grid.size, big)
        for a, b in iv:
            inside |= (grid >= a) & (grid <= b)
            for x in (a, b):
                if np.isfinite(x) and x > 0:
                    dist = np.minimum(dist, np.abs(lg - np.log(x)))
        field[i] = np.where(inside, dist, -dist)
    return grid, field


def log_contour_generator(m: Iterable[float], g: Iterable[float], field: np.ndarray) -> Any:
    """contourpy generator of ``field`` [mass, g] in (log10 M, log10 g).

    Contours computed in log coordinates are straight between grid points on a
    log-log plot. Needs at least two masses and two couplings.
    """
    from contourpy import FillType, LineType, contour_generator

    return contour_generator(
        x=np.log10(np.asarray(m, dtype=float)),
        y=np.log10(np.asarray(g, dtype=float)),
        z=np.asarray(field).T,
        line_type=LineType.Separate,
        fill_type=FillType.OuterCode,
    )


def _is_2d(m: Any, g: Any) -> bool:
    return np.asarray(m).size >= 2 and np.asarray(g).size >= 2


def boundary_lines(
    masses: Iterable[float], couplings: Iterable[float], intervals: Intervals
) -> list[np.ndarray]:
    """The boundary of the allowed region as polylines, each an (n, 2) array [M (MeV), g].

    From the scan's root-found interval edges (:func:`allowed_field`), so the lines
    pass through the exact edges at every scan mass, thin strips included. A single
    mass has no 2-D boundary: the list is empty (its intervals say what is allowed).
    """
    m = np.asarray(list(masses), dtype=float)
    if m.size < 2:
        return []
    g_grid, field = allowed_field(intervals, couplings)
    return boundary_and_excluded(m, g_grid, field)[0]


def boundary_and_excluded(
    m: np.ndarray, g: np.ndarray, field: np.ndarray
) -> tuple[list[np.ndarray], list[tuple[np.ndarray, np.ndarray]]]:
    """Zero lines of ``field`` [mass, g] and the filled region field < 0 (the excluded one).

    Returns
    -------
    (lines, filled)
        ``lines``: (n, 2) arrays [M (MeV), g]; ``filled``: (points, codes) pairs of
        matplotlib path pieces in (log10 M, log10 g). Both empty with fewer than two
        masses or couplings.
    """
    if not _is_2d(m, g):
        return [], []
    cg = log_contour_generator(m, g, field)
    lines = [10.0 ** np.asarray(seg) for seg in cg.lines(0.0) if len(seg) > 1]
    # the excluded region is field < 0; below the lowest value (at most 0: a grid
    # allowed everywhere has an empty excluded region, not an inverted level pair)
    pts, codes = cg.filled(min(float(np.min(field)), 0.0) - 1.0, 0.0)
    return lines, list(zip(pts, codes))
