"""Connected allowed regions in the (M, g) plane: which allowed intervals belong to the SM's.

At fixed mass the allowed set (Δχ² ≤ level) is one or more intervals in g. Across
masses these intervals join into regions of the plane. The paper's 2σ "allowed
region" is the region that contains the Standard Model (g = 0, the same physical
point at every mass): a separate allowed strip that never joins it is not part of
it (Sec. IV.1: for Ar "the two red-dashed lines above delimit the strip"), while an
excluded strip inside it does not split it (Sec. IV.3: "the 2σ allowed region in
Fig. 5 is that below the upper red-dashed line, with the exception of the excluded
thin strip"). `sm_region_flags` tells, interval by interval, which is which.

Connectivity is decided on a log mass grid: intervals at neighbouring masses are
joined when they overlap in u = g / s(M), s(M) = √(√2 G_F (q_ref² + M²)) (the scale
at which the Z′ term rivals the SM charge, `scan.coupling_scale`). In u the diagonal
bands of the high-mass regime (g ∝ M, eq. 44-49) and the flat low-mass bands keep
their position from one mass to the next, so a grid of a few masses per decade
follows even thin strips (the flags of all 33 Table 2 cases are the same with 3 and
with 16 masses per decade).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .. import _core
from .scan import ModelFit, check_masses, coupling_scale, plane_profiles, profiles_at

#: Masses per decade of the connectivity grid and its range [MeV]. The default, 3, is
#: the plane of `scan.global_minimum`, whose profiles are reused; on all 33 Table 2
#: cases the flags are the same with 3, 4, 8 and 16 per decade.
PER_DECADE = 3
M_RANGE_MEV = (1e-2, 1e5)

Interval = tuple[float, float]


class _Components:
    """Union-find over (mass index, interval index)."""

    def __init__(self) -> None:
        self.parent: dict[tuple[int, int], tuple[int, int]] = {}

    def add(self, x: tuple[int, int]) -> None:
        self.parent.setdefault(x, x)

    def find(self, x: tuple[int, int]) -> tuple[int, int]:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: tuple[int, int], b: tuple[int, int]) -> None:
        self.parent[self.find(a)] = self.find(b)


def _overlap(a: Interval, b: Interval) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def sm_region_flags(
    fit: ModelFit,
    level: float,
    masses: Iterable[float],
    *,
    per_decade: int = PER_DECADE,
) -> list[tuple[list[Interval], list[bool]]]:
    """Allowed intervals at each of ``masses`` and whether each lies in the SM's region.

    Parameters
    ----------
    fit : ModelFit
        The model and data set.
    level : float
        χ² level of the allowed region (χ²_min of the plane + Δχ²).
    masses : iterable of float
        Masses [MeV] at which the answer is wanted.
    per_decade : int
        Masses per decade of the connectivity grid.

    Returns
    -------
    list of (intervals, flags)
        One entry per requested mass: its allowed g intervals (ascending) and, for
        each, True when it belongs to the connected region containing g = 0. Where
        g = 0 is allowed at no mass, the region of the lowest interval at that mass
        stands in for it (the SM itself is then excluded).
    """
    wanted = check_masses(masses)
    if per_decade == PER_DECADE:  # the plane of global_minimum (its profiles are reused)
        grid, per_mass, profiles = plane_profiles(fit)
        extra = np.setdiff1d(wanted, grid)
    else:
        lo = min(M_RANGE_MEV[0], float(wanted.min()))
        hi = max(M_RANGE_MEV[1], float(wanted.max()))
        n = int(math.ceil(per_decade * math.log10(hi / lo))) + 1
        grid, per_mass, profiles = profiles_at(fit, np.geomspace(lo, hi, n))
        extra = np.setdiff1d(wanted, grid)
    if extra.size:
        m2, pm2, pr2 = profiles_at(fit, extra)
        order = np.argsort(np.concatenate((grid, m2)), kind="stable")
        grid = np.concatenate((grid, m2))[order]
        all_chi2, all_prof = list(per_mass) + list(pm2), list(profiles) + list(pr2)
        per_mass = [all_chi2[i] for i in order]
        profiles = [all_prof[i] for i in order]
    intervals: list[list[Interval]] = [
        [(float(a), float(b)) for a, b in iv]
        for iv in _core.allowed_many(list(per_mass), list(profiles), level, fit.n_threads)
    ]
    uf = _Components()
    sm: list[tuple[int, int]] = []
    scaled: list[list[Interval]] = []
    for i, (m, ivs) in enumerate(zip(grid, intervals)):
        s = coupling_scale(float(m))
        scaled.append([(a / s, b / s) for a, b in ivs])
        for k, (a, _) in enumerate(ivs):
            uf.add((i, k))
            if a == 0.0:
                sm.append((i, k))
    for i in range(len(grid) - 1):
        for k, here in enumerate(scaled[i]):
            for j, there in enumerate(scaled[i + 1]):
                if _overlap(here, there):
                    uf.union((i, k), (i + 1, j))
    for x in sm[1:]:  # g = 0 is one point of parameter space, whatever M
        uf.union(x, sm[0])
    out = []
    for m in wanted:
        i = int(np.searchsorted(grid, m))
        ivs = intervals[i]
        if sm:
            root = uf.find(sm[0])
        elif ivs:
            root = uf.find((i, 0))
        else:
            root = None
        out.append((ivs, [uf.find((i, k)) == root for k in range(len(ivs))]))
    return out


def flags_from(
    reference: Sequence[Interval], flags: Sequence[bool], intervals: Iterable[Interval]
) -> list[bool]:
    """Carry region membership over to other intervals at the same mass (e.g. FC ones).

    An interval belongs to the SM's region when it overlaps a ``reference`` interval
    that does (their connectivity in the plane is taken from the reference scan).
    """
    inside = [iv for iv, f in zip(reference, flags) if f]
    return [any(_overlap(iv, r) for r in inside) for iv in intervals]


__all__: list[Any] = ["PER_DECADE", "flags_from", "sm_region_flags"]
