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


# -- allowed intervals followed from mass to mass (the figures' boundaries) --------------
def interval_chains(intervals: Intervals, g_range: tuple[float, float]) -> list[list[tuple]]:
    """The allowed intervals of each mass linked into regions that run across masses.

    At each pair of neighbouring scan masses the intervals are matched in order
    (they never cross) by the nearest log-centre, one to one (an order-preserving
    matching of least total distance); an interval left unmatched starts or ends a
    region. A thin strip that moves in g by more than its own width from one mass
    to the next stays one region: a contour of a field interpolated at fixed g
    would break it into a string of small closed loops, one per mass (the loops
    near 40 MeV in 0.5.0's Fig. 4).

    Parameters
    ----------
    intervals : sequence of sequence of (lo, hi)
        Allowed intervals of g at each mass, ascending (``ScanResult.intervals``).
    g_range : (g_min, g_max)
        The coupling grid's range: 0 and inf edges are placed just outside it.

    Returns
    -------
    list of list of (mass_index, lo, hi)
        One list per region, masses ascending and consecutive.
    """
    g_min, g_max = float(g_range[0]), float(g_range[1])

    def centre(iv: tuple[float, float]) -> float:
        lo = max(float(iv[0]), g_min / 10.0)
        hi = min(float(iv[1]), g_max * 10.0)
        return 0.5 * (np.log(lo) + np.log(max(hi, lo)))

    chains: list[list[tuple]] = []
    open_: list[int] = []  # chain index of each interval at the previous mass
    prev: list[tuple[float, float]] = []
    for i, ivs in enumerate(intervals):
        cur = [(float(a), float(b)) for a, b in ivs]
        pairs = _match_in_order([centre(x) for x in prev], [centre(x) for x in cur])
        now: list[int] = []
        for j, iv in enumerate(cur):
            k = pairs.get(j)
            if k is None:
                chains.append([])
                idx = len(chains) - 1
            else:
                idx = open_[k]
            chains[idx].append((i, iv[0], iv[1]))
            now.append(idx)
        open_, prev = now, cur
    return chains


def _match_in_order(a: Sequence[float], b: Sequence[float]) -> dict[int, int]:
    """Order-preserving one-to-one matching of min(len(a), len(b)) pairs with the least
    total |a - b|: {index in b: index in a}."""
    n, k = len(a), len(b)
    if n == 0 or k == 0:
        return {}
    m = min(n, k)
    inf = float("inf")
    # cost[i][j][p]: too big; the DP over (i, j) with p pairs is small (a few intervals)
    best: dict[tuple[int, int, int], tuple[float, Any]] = {}

    def go(i: int, j: int, p: int) -> float:
        if p == m:
            return 0.0
        if i == n or j == k:
            return inf
        key = (i, j, p)
        if key in best:
            return best[key][0]
        options = [
            (abs(a[i] - b[j]) + go(i + 1, j + 1, p + 1), "pair"),
            (go(i + 1, j, p), "skip_a"),
            (go(i, j + 1, p), "skip_b"),
        ]
        best[key] = min(options, key=lambda o: o[0])
        return best[key][0]

    go(0, 0, 0)
    out: dict[int, int] = {}
    i = j = p = 0
    while p < m and i < n and j < k:
        move = best[(i, j, p)][1]
        if move == "pair":
            out[j] = i
            i, j, p = i + 1, j + 1, p + 1
        elif move == "skip_a":
            i += 1
        else:
            j += 1
    return out


def region_edges(
    masses: Iterable[float], intervals: Intervals, g_range: tuple[float, float]
) -> list[tuple[bool, np.ndarray]]:
    """Edges of the allowed regions as polylines [M (MeV), g], from :func:`interval_chains`.

    Each region gives its lower and upper edge (straight in log-log between scan
    masses) and, where it starts or ends inside the mass range, the vertical segment
    at that scan mass (resolved there, not guessed beyond). Edges at g = 0 or
    g = inf (outside the coupling grid) are not drawn.

    Returns
    -------
    list of (contains_zero, polyline)
        ``contains_zero``: the edge belongs to the region that contains g = 0 (the
        exclusion line); False for strips and islands apart from it.
    """
    m = np.asarray(list(masses), dtype=float)
    g_min, g_max = float(g_range[0]), float(g_range[1])
    out: list[tuple[bool, np.ndarray]] = []
    for chain in interval_chains(intervals, g_range):
        zero = all(lo <= 0.0 for _, lo, _ in chain)
        for col in (1, 2):
            run: list[tuple[float, float]] = []
            for step in chain:
                v = step[col]
                if g_min <= v <= g_max:
                    run.append((m[step[0]], v))
                    continue
                if len(run) > 1:
                    out.append((zero, np.asarray(run)))
                run = []
            if len(run) > 1:
                out.append((zero, np.asarray(run)))
        for end in {0, len(chain) - 1}:
            i, lo, hi = chain[end]
            if (end == 0 and i == 0) or (end == len(chain) - 1 and i == len(m) - 1):
                continue  # at the edge of the scanned masses: not an end of the region
            lo, hi = max(lo, g_min), min(hi, g_max)
            if lo < hi:
                out.append((zero, np.array([[m[i], lo], [m[i], hi]])))
    return out


def allowed_polygons(
    masses: Iterable[float], intervals: Intervals, g_range: tuple[float, float]
) -> list[np.ndarray]:
    """The allowed regions as quadrilaterals [M (MeV), g] between neighbouring scan
    masses (:func:`interval_chains`), 0 and inf edges placed just outside ``g_range``.
    Their union is what the figures leave unshaded."""
    m = np.asarray(list(masses), dtype=float)
    g_min, g_max = float(g_range[0]), float(g_range[1])

    def clip(v: float) -> float:
        return min(max(v, g_min / 10.0), g_max * 10.0)

    quads = []
    for chain in interval_chains(intervals, g_range):
        for (i, a, b), (j, c, d) in zip(chain[:-1], chain[1:]):
            quads.append(
                np.array([[m[i], clip(a)], [m[j], clip(c)], [m[j], clip(d)], [m[i], clip(b)]])
            )
    return quads
