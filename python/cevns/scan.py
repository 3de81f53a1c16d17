"""χ²(M, g) of a model for a data set, coupling scans, allowed regions and limits.

At fixed mediator mass the binned prediction of every data set is exactly
N0 + g² N1 + g⁴ N2 (vector, kinetic mixing) or N0 + g⁴ N2 (scalar): the
templates are computed once per mass in the C++ core and any coupling costs one
polynomial evaluation plus one profiled χ² (C++, threads).

Thin allowed strips (models with a cancellation, eq. 44-49) are found by
refining every local minimum of χ²(g) on a coarse grid with a bounded Brent
search and every crossing of the Δχ² level with a root finder, instead of a
brute-force fine grid.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from .errors import InputError
from .experiments import experiment
from .models import Model, get_model

DATASETS = ("csi2021", "ar2020", "combined")
_G_F = 1.1663788e-11  # [MeV^-2], as in the C++ constants (only sets the search scale)


def dataset_members(dataset: str) -> list[str]:
    if dataset == "combined":
        return ["csi2021", "ar2020"]
    if dataset in ("csi2021", "ar2020"):
        return [dataset]
    raise InputError(f"unknown data set {dataset!r}; accepted: {', '.join(DATASETS)}")


def check_masses(masses: Iterable[float]) -> np.ndarray:
    m = np.atleast_1d(np.asarray(masses, dtype=float))
    if m.ndim != 1 or m.size == 0 or not np.all(np.isfinite(m)) or np.any(m <= 0):
        raise InputError("masses must be a non-empty 1-D array of finite values > 0 MeV")
    return m


def check_couplings(g: Iterable[float]) -> np.ndarray:
    a = np.atleast_1d(np.asarray(g, dtype=float))
    if a.ndim != 1 or not np.all(np.isfinite(a)) or np.any(a < 0):
        raise InputError("couplings must be a 1-D array of finite values >= 0")
    return a


class ModelFit:
    """Profiled χ² of a model for one data set (``csi2021``, ``ar2020`` or ``combined``).

    Parameters
    ----------
    model : str or Model
    dataset : {"csi2021", "ar2020", "combined"}
    experiments : mapping, optional
        Already built experiments to reuse (by name).
    data_dir : path-like, optional
    n_threads : int
        Threads of the C++ χ² (0: OpenMP default).
    """

    def __init__(self, model: str | Model, dataset: str, *,
                 experiments: Mapping[str, Any] | None = None, data_dir: Any = None,
                 n_threads: int = 0) -> None:
        self.model = get_model(model)
        self.dataset = dataset
        self.members = dataset_members(dataset)
        experiments = dict(experiments or {})
        self.experiments = {n: experiments.get(n) or experiment(n, data_dir)
                            for n in self.members}
        self.n_threads = n_threads
        self._sm = {n: e.predict() for n, e in self.experiments.items()}
        self.chi2_sm = float(sum(e.likelihood.chi2(self._sm[n]).chi2
                                 for n, e in self.experiments.items()))

    # -- templates --------------------------------------------------------
    def templates(self, masses: Iterable[float]) -> dict[str, np.ndarray]:
        """Templates per data set, arrays [n_mass, 3, n_energy, n_time]."""
        m = check_masses(masses)
        med = self.model.mediator(float(m[0]))
        return {n: e.rate.templates_for_masses(med, m.tolist())
                for n, e in self.experiments.items()}

    def chi2_from_templates(self, tmpl: Mapping[str, np.ndarray], g: Iterable[float]) -> np.ndarray:
        """Profiled χ² for couplings g at one mass; ``tmpl[name]`` has shape (3, nE, nT)."""
        g = check_couplings(g)
        g2 = (g * g)[:, None, None]
        total = np.zeros(g.size)
        for n, t in tmpl.items():
            pred = t[0][None] + g2 * t[1][None] + (g2 * g2) * t[2][None]
            # N0 + g²N1 + g⁴N2 is a sum of squares (>= 0); negatives are round-off only
            np.maximum(pred, 0.0, out=pred)
            total += self.experiments[n].likelihood.chi2_many(pred, n_threads=self.n_threads)
        return total

    def chi2(self, mass: float, g: Iterable[float]) -> np.ndarray:
        """Profiled χ² at one mass [MeV] for couplings g."""
        t = self.templates([mass])
        return self.chi2_from_templates({n: v[0] for n, v in t.items()}, g)

    # -- search scale -----------------------------------------------------
    def coupling_grid(self, mass: float, per_decade: int = 40) -> np.ndarray:
        """Log grid of g around the scale where the new term rivals the SM charge."""
        q_ref = 30.0  # typical |q| of COHERENT recoils [MeV]
        scale = math.sqrt(math.sqrt(2.0) * _G_F * (q_ref**2 + mass**2))
        lo, hi = scale * 1e-3, scale * 3e2
        if self.model.kind == "kinetic_mixing":
            hi *= 1e2  # one-loop suppression alpha*eps/pi
        n = int(round(per_decade * math.log10(hi / lo))) + 1
        return np.geomspace(lo, hi, n)


@dataclass(frozen=True)
class CouplingProfile:
    """χ²(g) at one mass with its refined minima and the allowed intervals."""

    mass_MeV: float
    g: np.ndarray
    chi2: np.ndarray
    minima: list[tuple[float, float]]
    intervals: list[tuple[float, float]] = field(default_factory=list)

    @property
    def chi2_min(self) -> float:
        return min([float(self.chi2.min())] + [c for _, c in self.minima])


def profile_coupling(fit: ModelFit, mass: float, tmpl: Mapping[str, np.ndarray] | None = None,
                     g: np.ndarray | None = None) -> CouplingProfile:
    """χ²(g) on a log grid (plus g = 0), every local minimum refined by Brent in log g."""
    if tmpl is None:
        tmpl = {n: v[0] for n, v in fit.templates([mass]).items()}
    grid = fit.coupling_grid(mass) if g is None else check_couplings(g)
    if grid[0] != 0.0:
        grid = np.concatenate(([0.0], grid))
    c = fit.chi2_from_templates(tmpl, grid)

    def f_log(lg: float) -> float:
        return float(fit.chi2_from_templates(tmpl, [10.0**lg])[0])

    minima = []
    for i in range(1, len(grid) - 1):
        if c[i] <= c[i - 1] and c[i] <= c[i + 1]:
            lo = math.log10(grid[i - 1]) if grid[i - 1] > 0 else math.log10(grid[i]) - 0.1
            res = minimize_scalar(f_log, bounds=(lo, math.log10(grid[i + 1])), method="bounded",
                                  options={"xatol": 1e-6})
            minima.append((10.0**res.x, float(res.fun)))
    return CouplingProfile(mass, grid, c, minima)


def allowed_intervals(fit: ModelFit, prof: CouplingProfile, level: float,
                      tmpl: Mapping[str, np.ndarray]) -> list[tuple[float, float]]:
    """Intervals of g with χ² ≤ level, edges found by root finding."""
    pts = sorted([(float(x), float(y)) for x, y in zip(prof.g, prof.chi2)] + prof.minima)
    xs = np.array([p[0] for p in pts])
    ys = np.array([p[1] for p in pts])
    ok = ys <= level

    def f(g: float) -> float:
        return float(fit.chi2_from_templates(tmpl, [g])[0]) - level

    def edge(a: float, b: float) -> float:
        return brentq(f, a, b, xtol=1e-14 * max(b, 1e-30), rtol=1e-10)

    intervals = []
    i = 0
    while i < len(xs):
        if not ok[i]:
            i += 1
            continue
        lo = xs[i] if i == 0 else edge(xs[i - 1], xs[i])
        j = i
        while j + 1 < len(xs) and ok[j + 1]:
            j += 1
        hi = edge(xs[j], xs[j + 1]) if j + 1 < len(xs) else math.inf
        intervals.append((lo, hi))
        i = j + 1
    return intervals


def global_minimum(fit: ModelFit, masses: Iterable[float] | None = None) -> dict[str, float]:
    """Minimum of χ² over the (M, g) plane (g = 0 is the SM)."""
    m = check_masses(np.geomspace(1e-2, 1e5, 29) if masses is None else masses)
    tmpl_all = fit.templates(m)
    best = {"chi2": fit.chi2_sm, "mass_MeV": math.nan, "g": 0.0}
    for k, mass in enumerate(m):
        tmpl = {n: v[k] for n, v in tmpl_all.items()}
        prof = profile_coupling(fit, float(mass), tmpl)
        for g, c in [(float(x), float(y)) for x, y in zip(prof.g, prof.chi2)] + prof.minima:
            if c < best["chi2"]:
                best = {"chi2": c, "mass_MeV": float(mass), "g": g}
    return best


@dataclass(frozen=True)
class ScanResult:
    """Profiled χ² on an (M, g) grid with the refined allowed intervals per mass."""

    model: str
    dataset: str
    masses_MeV: np.ndarray
    couplings: np.ndarray
    chi2: np.ndarray  #: shape (n_mass, n_coupling)
    chi2_min: float  #: minimum over the plane, refined (the Δχ² reference)
    best: dict[str, float]
    delta_chi2_level: float
    intervals: list[list[tuple[float, float]]]  #: allowed g intervals per mass

    @property
    def delta_chi2(self) -> np.ndarray:
        return self.chi2 - self.chi2_min

    @property
    def allowed(self) -> np.ndarray:
        """Boolean map of the grid points inside the allowed region."""
        return self.delta_chi2 <= self.delta_chi2_level

    def lowest_edge(self) -> np.ndarray:
        """Upper edge of the lowest allowed region per mass (the exclusion line)."""
        return np.array([iv[0][1] if iv else np.nan for iv in self.intervals])

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "dataset": self.dataset,
            "masses_MeV": self.masses_MeV.tolist(),
            "couplings": self.couplings.tolist(),
            "chi2": self.chi2.tolist(),
            "chi2_min": self.chi2_min,
            "best": self.best,
            "delta_chi2_level": self.delta_chi2_level,
            "allowed_intervals": [[list(x) for x in iv] for iv in self.intervals],
            "exclusion_line": self.lowest_edge().tolist(),
        }


def scan(model: str | Model, dataset: str, masses: Iterable[float], couplings: Iterable[float],
         *, cl: str | float = "2sigma", dof: int = 2, experiments: Mapping[str, Any] | None = None,
         data_dir: Any = None, progress: bool = False, fit: ModelFit | None = None) -> ScanResult:
    """Profiled χ² on the grid ``masses × couplings`` and the allowed regions.

    The Δχ² reference is the minimum over the plane, with every local minimum
    along g refined (so thin strips count); the allowed intervals per mass have
    root-found edges.
    """
    from .stats import delta_chi2_threshold

    m = check_masses(masses)
    g = check_couplings(couplings)
    if g.size < 3:
        raise InputError("need at least 3 couplings")
    thr = delta_chi2_threshold(cl, dof)
    fit = fit or ModelFit(model, dataset, experiments=experiments, data_dir=data_dir)
    tmpl_all = fit.templates(m)
    it: Any = range(m.size)
    if progress:
        from tqdm import tqdm

        it = tqdm(it, desc=f"scan {fit.model.name} {dataset}", unit="mass")
    profiles, grid = [], np.empty((m.size, g.size))
    for k in it:
        tmpl = {n: v[k] for n, v in tmpl_all.items()}
        prof = profile_coupling(fit, float(m[k]), tmpl, g)
        profiles.append((prof, tmpl))
        # the profile prepends g = 0 to the grid when the grid does not start at 0
        grid[k] = prof.chi2[1:] if prof.g.size == g.size + 1 else prof.chi2
    best = {"chi2": fit.chi2_sm, "mass_MeV": math.nan, "g": 0.0}
    for prof, _ in profiles:
        for gg, c in [(float(x), float(y)) for x, y in zip(prof.g, prof.chi2)] + prof.minima:
            if c < best["chi2"]:
                best = {"chi2": c, "mass_MeV": prof.mass_MeV, "g": gg}
    level = best["chi2"] + thr
    intervals = [allowed_intervals(fit, prof, level, tmpl) for prof, tmpl in profiles]
    return ScanResult(fit.model.name, dataset, m, g, grid, best["chi2"], best, thr, intervals)
