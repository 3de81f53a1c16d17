"""Profiled likelihood in one or two physics parameters (``cevns fit --param``).

χ² is −2 ln L up to a constant with every nuisance profiled (eq. 6 for CsI,
eq. 7-9 for Ar, their sum for ``combined``); the scanned parameters are those
of :mod:`cevns.phenomenology` and every other one stays at its SM value.
One parameter: best fit and the allowed intervals at 1σ, 90 % and 2σ
(Δχ² = 1, 2.71, 4). Two: best fit and the contours at Δχ² = 2.30, 4.61, 6.18.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError
from ..phenomenology import PARAMETERS, check_used, default_value, parameters

__all__ = ["ProfileResult", "delta_chi2_levels", "profile_parameters"]

CONFIDENCE_LEVELS = ("1sigma", "90%", "2sigma")


def delta_chi2_levels(dof: int) -> dict[str, float]:
    """Δχ² of the 1σ, 90 % and 2σ regions for ``dof`` parameters (Wilks)."""
    from scipy.stats import chi2

    p = {"1sigma": math.erf(1 / math.sqrt(2)), "90%": 0.90, "2sigma": math.erf(2 / math.sqrt(2))}
    return {k: float(chi2.ppf(v, dof)) for k, v in p.items()}


@dataclass(frozen=True)
class ProfileResult:
    """A profiled-likelihood scan in one or two physics parameters.

    Attributes
    ----------
    experiment : str
        Data set (``csi2021``, ``ar2020`` or ``combined``).
    names : tuple of str
        Scanned parameters.
    best_fit : dict
        Parameter values at the minimum.
    chi2_min, chi2_sm : float
        χ² at the best fit and at the SM point.
    levels : dict
        Δχ² of each confidence level.
    intervals : dict
        One parameter: allowed intervals ``[[lo, hi], ...]`` per level.
    contours : dict
        Two parameters: polylines ``[[[x, y], ...], ...]`` per level.
    grid : dict
        The scanned axes and χ² on them.
    """

    experiment: str
    names: tuple[str, ...]
    best_fit: dict[str, float]
    chi2_min: float
    chi2_sm: float
    levels: dict[str, float]
    grid: dict[str, Any]
    intervals: dict[str, list[list[float]]] = field(default_factory=dict)
    contours: dict[str, list[list[list[float]]]] = field(default_factory=dict)
    ranges: dict[str, list[float]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "experiment": self.experiment,
            "parameters": list(self.names),
            "units": {n: PARAMETERS[n].unit for n in self.best_fit},
            "sm_values": {n: PARAMETERS[n].default for n in self.best_fit},
            "scan_ranges": self.ranges,
            "best_fit": self.best_fit,
            "chi2_min": self.chi2_min,
            "chi2_sm": self.chi2_sm,
            "delta_chi2_sm": self.chi2_sm - self.chi2_min,
            "delta_chi2_levels": self.levels,
            "grid": self.grid,
            "profiled": list(self.extra.get("profiled", [])),
            "fixed": dict(self.extra.get("fixed", {})),
            "others": "every parameter not scanned, profiled or fixed at its SM value",
            "convention": "chi2 = -2 ln L up to a constant, nuisances profiled (eq. 6, 7-9)",
        }
        if self.intervals:
            out["intervals"] = self.intervals
            (name,) = self.names
            lo, hi = self.ranges[name]
            # an edge on the scan range is the range, not a Delta chi2 crossing
            out["interval_edges_at_scan_range"] = {
                k: [[a == lo, b == hi] for a, b in v] for k, v in self.intervals.items()
            }
        if self.contours:
            out["contours"] = self.contours
        return out


class _Objective:
    """χ²(parameter values) for one or several data sets (SM elsewhere)."""

    def __init__(
        self,
        experiments: Mapping[str, Any],
        names: Sequence[str],
        fixed: Mapping[str, float] | None = None,
    ) -> None:
        self.experiments = dict(experiments)
        self.names = list(names)
        self.fixed = dict(fixed or {})  # held at these values, not scanned
        self.n_eval = 0

    def predictions(self, point: Sequence[float]) -> dict[str, np.ndarray]:
        from ..experiments.base import _mediator

        p = parameters({**self.fixed, **dict(zip(self.names, (float(v) for v in point)))})
        sm = _mediator(None, None)
        return {n: e.rate.predict_with(sm, 0.0, p) for n, e in self.experiments.items()}

    def sm(self) -> float:
        """χ² with every parameter at its SM value (the fixed ones too)."""
        return _Objective(self.experiments, [])([])

    def __call__(self, point: Sequence[float]) -> float:
        self.n_eval += 1
        preds = self.predictions(point)
        return float(sum(e.likelihood.chi2(preds[n]).chi2 for n, e in self.experiments.items()))

    def many(self, points: np.ndarray) -> np.ndarray:
        """χ² at many points: predictions, then χ² with the threaded core.

        The rate is exactly a polynomial of degree 2 in sin2w, r2_*, mu_* and eps_*
        jointly (Q is linear in each, the magnetic term is linear in mu²), so without
        a neutron radius the predictions are 3 (one parameter) or 6 (two) core
        evaluations and a least-squares-free exact solve; radii need one per point.
        """
        points = np.asarray(points, dtype=float)
        if any(n.startswith("rn_") for n in self.names):
            per: dict[str, list[Any]] = {n: [] for n in self.experiments}
            for pt in points:
                for n, v in self.predictions(pt).items():
                    per[n].append(v)
            stacked = {n: np.asarray(v) for n, v in per.items()}
        else:
            stacked = self._polynomial_predictions(points)
        self.n_eval += len(points)
        total = np.zeros(len(points))
        for n, e in self.experiments.items():
            total += e.likelihood.chi2_many(stacked[n])
        return total

    def _polynomial_predictions(self, points: np.ndarray) -> dict[str, np.ndarray]:
        dim = points.shape[1]
        lo, hi = points.min(axis=0), points.max(axis=0)
        mid, half = 0.5 * (lo + hi), np.maximum(0.5 * (hi - lo), 1e-3)
        # unisolvent nodes for the full quadratic: 0, ±e_i, e_i + e_j (i < j)
        eye = np.eye(dim)
        unit = [np.zeros(dim), *eye, *(-eye)]
        unit += [eye[i] + eye[j] for i in range(dim) for j in range(i + 1, dim)]
        nodes = mid + half * np.asarray(unit)

        def basis(x: np.ndarray) -> np.ndarray:
            u = (x - mid) / half
            cols = [np.ones(len(u))] + [u[:, i] for i in range(dim)]
            cols += [u[:, i] * u[:, j] for i in range(dim) for j in range(i, dim)]
            return np.column_stack(cols)

        coef_map = np.linalg.inv(basis(nodes))  # exact interpolation on the nodes
        at_nodes = [self.predictions(x) for x in nodes]
        out = {}
        for n in self.experiments:
            y = np.stack([p[n].ravel() for p in at_nodes])  # [nodes, bins]
            coef = coef_map @ y
            shape = at_nodes[0][n].shape
            out[n] = (basis(points) @ coef).reshape((len(points), *shape))
        return out


class _Profiled:
    """χ² as a function of the scanned parameters, the profiled ones minimised.

    Without profiled parameters it is the objective itself. With them, a grid of
    ``n_prof`` points per profiled parameter gives the starting point and a bounded
    minimisation with the exact core the value.
    """

    def __init__(
        self, f: _Objective, n_scan: int, prof_ranges: Sequence[Sequence[float]], n_prof: int
    ) -> None:
        self.f = f
        self.n_scan = n_scan
        self.ranges = [tuple(r) for r in prof_ranges]
        self.axes = [np.linspace(lo, hi, n_prof) for lo, hi in self.ranges]

    @property
    def active(self) -> bool:
        return bool(self.ranges)

    def grid(self, scan_points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """χ² minimised over the profiled grid, and the profiled values there."""
        scan_points = np.atleast_2d(scan_points)
        if not self.active:
            return self.f.many(scan_points), np.zeros((len(scan_points), 0))
        prof = np.stack(np.meshgrid(*self.axes, indexing="ij"), axis=-1).reshape(-1, len(self.axes))
        combos = np.concatenate(
            [np.repeat(scan_points, len(prof), axis=0), np.tile(prof, (len(scan_points), 1))],
            axis=1,
        )
        chi = self.f.many(combos).reshape(len(scan_points), len(prof))
        k = np.argmin(chi, axis=1)
        return chi[np.arange(len(scan_points)), k], prof[k]

    def refine(self, xs: Sequence[float], start: Sequence[float]) -> tuple[float, np.ndarray]:
        """Exact minimum over the profiled parameters from a start (bounded)."""
        from scipy.optimize import minimize, minimize_scalar

        xs = [float(v) for v in xs]
        if not self.active:
            return self.f(xs), np.zeros(0)
        if len(self.ranges) == 1:
            lo, hi = self.ranges[0]
            step = (hi - lo) / (len(self.axes[0]) - 1)
            a, b = max(lo, start[0] - step), min(hi, start[0] + step)
            r = minimize_scalar(
                lambda v: self.f([*xs, v]),
                bounds=(a, b),
                method="bounded",
                options={"xatol": 1e-8 * max(1.0, abs(b))},
            )
            best = (float(r.fun), np.array([r.x]))
        else:
            r = minimize(
                lambda v: self.f([*xs, *v]),
                x0=np.asarray(start, dtype=float),
                method="Nelder-Mead",
                bounds=self.ranges,
                options={"xatol": 1e-8, "fatol": 1e-9, "maxiter": 1000},
            )
            best = (float(r.fun), np.asarray(r.x, dtype=float))
        at_start = self.f([*xs, *start])
        return best if best[0] <= at_start else (at_start, np.asarray(start, dtype=float))

    def __call__(self, xs: Sequence[float]) -> float:
        if not self.active:
            return self.f(list(xs))
        chi, prof = self.grid(np.asarray([xs], dtype=float))
        return self.refine(xs, prof[0])[0]


def _expand_aliases(names: Sequence[str]) -> list[str]:
    """``names`` with ``rn_csi`` standing for ``rn_cs`` and ``rn_i`` (duplicates kept)."""
    out: list[str] = []
    for n in names:
        out += ["rn_cs", "rn_i"] if n == "rn_csi" else [n]
    return out


def _ranges(names: Sequence[str], ranges: Mapping[str, Sequence[float]] | None) -> dict:
    out = {}
    for n in names:
        lo, hi = (ranges or {}).get(n, PARAMETERS[n].scan_range)
        lo, hi = float(lo), float(hi)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise InputError(f"scan range of {n} must be finite with lo < hi, got {lo}:{hi}")
        if n.startswith("rn_") and lo <= 0:
            raise InputError(f"scan range of {n} must stay above 0 fm, got {lo}:{hi}")
        out[n] = [lo, hi]
    return out


def _intervals_1d(f: Any, x: np.ndarray, dchi: np.ndarray, level: float) -> list[list[float]]:
    """Allowed intervals Δχ² <= level, edges root-found between grid points."""
    from scipy.optimize import brentq

    ok = dchi <= level
    out: list[list[float]] = []
    start: float | None = float(x[0]) if ok[0] else None
    for i in range(len(x) - 1):
        if ok[i] != ok[i + 1]:
            edge = brentq(lambda v: f(v) - level, x[i], x[i + 1], xtol=1e-12, rtol=1e-10)
            if ok[i]:
                assert start is not None  # set where the allowed run began
                out.append([start, float(edge)])
                start = None
            else:
                start = float(edge)
    if start is not None:
        out.append([start, float(x[-1])])
    return out


def _check_request(
    names: list[str],
    profiled: list[str],
    fixed: dict[str, float],
    ranges: Mapping[str, Sequence[float]] | None,
    experiments: Mapping[str, Any],
) -> dict:
    """Check the parameters of a profile (one clear InputError each); their ranges."""
    if not 1 <= len(names) <= 2:
        raise InputError(f"--param takes one or two parameter names, got {len(names)}")
    if len(profiled) > 2:
        raise InputError(f"--profile takes at most two parameter names, got {len(profiled)}")
    every = _expand_aliases(names + profiled) + _expand_aliases(list(fixed))
    if len(set(every)) != len(every):
        raise InputError(f"--param, --profile and --fix names must all differ, got {every}")
    for n in names + profiled:
        default_value(n)  # InputError for an unknown name
    parameters(fixed)  # InputError for an unknown name or a bad value
    for option, given in (("--param", names), ("--profile", profiled), ("--fix", fixed)):
        check_used(given, experiments.values(), option)  # none of them depends on it
    unknown = set(ranges or {}) - set(names + profiled)
    if unknown:
        raise InputError(f"ranges given for {sorted(unknown)}, which are not scanned or profiled")
    return _ranges(names + profiled, ranges)


def profile_parameters(
    experiments: Mapping[str, Any],
    names: Sequence[str],
    *,
    profiled: Sequence[str] = (),
    fixed: Mapping[str, float] | None = None,
    label: str | None = None,
    ranges: Mapping[str, Sequence[float]] | None = None,
    points: int | None = None,
    profiled_points: int = 21,
) -> ProfileResult:
    """Profile the χ² of the data sets in one or two physics parameters.

    Parameters
    ----------
    experiments : Mapping[str, Experiment]
        The data sets whose χ² are summed (one for ``csi2021``/``ar2020``).
    names : sequence of str
        One or two names of :data:`cevns.phenomenology.PARAMETERS`.
    profiled : sequence of str
        At most two further parameters minimised at every scanned point (within
        their ranges); every parameter in none of the lists stays at its SM value.
    fixed : Mapping[str, float], optional
        Parameters held at these values instead of their SM ones (e.g.
        ``{"rn_cs": 4.86}``: sin²θ_W with a measured neutron radius).
    label : str, optional
        Name of the data set in the result (default: the names joined by ``+``).
    ranges : Mapping[str, (lo, hi)], optional
        Scan ranges (default: ``PARAMETERS[name].scan_range``), also of the profiled ones.
    points : int, optional
        Grid points per scanned axis (default 201 for one parameter, 41 for two).
    profiled_points : int
        Starting grid per profiled parameter (then a bounded exact minimisation;
        in 2-D scans the grid values are the starting-grid minimum, the best fit
        is refined).

    Returns
    -------
    ProfileResult
    """
    names = list(names)
    profiled = list(profiled)
    fixed = dict(fixed or {})
    rng = _check_request(names, profiled, fixed, ranges, experiments)
    npts = int(points) if points is not None else (201 if len(names) == 1 else 41)
    if npts < 5 or profiled_points < 3:
        raise InputError(f"need at least 5 grid points per axis, got {npts}")
    f = _Objective(experiments, names + profiled, fixed)
    P = _Profiled(f, len(names), [rng[n] for n in profiled], int(profiled_points))
    chi2_sm = f.sm()
    dof = len(names)
    levels = delta_chi2_levels(dof)
    label = label or "+".join(experiments)
    extra: dict[str, Any] = {"profiled": profiled, "fixed": fixed}

    common: dict[str, Any] = {
        "experiment": label,
        "chi2_sm": chi2_sm,
        "ranges": rng,
        "extra": extra,
    }
    grids = [np.linspace(rng[n][0], rng[n][1], npts) for n in names]
    if dof == 1:
        return _profile_1d(P, names[0], profiled, grids[0], levels, common)
    return _profile_2d(P, names, profiled, (grids[0], grids[1]), rng, levels, common)


def _profile_1d(
    P: _Profiled,
    n: str,
    profiled: list[str],
    x: np.ndarray,
    levels: dict[str, float],
    common: dict[str, Any],
) -> ProfileResult:
    """The profile along one parameter on the grid ``x``: the grid, its lowest two
    local minima refined (bounded Brent), the intervals at every level."""
    from scipy.optimize import minimize_scalar

    exact = P.refine  # the exact (bounded) minimum over the profiled parameters
    npts = len(x)
    chi, prof = P.grid(x[:, None])
    if P.active:  # the grid values themselves are minimised exactly
        for i in range(npts):
            chi[i], prof[i] = exact([x[i]], prof[i])
    # refine the lowest two local minima of the grid; keep the lower
    idx = [
        i
        for i in range(npts)
        if chi[i] <= chi[max(i - 1, 0)] and chi[i] <= chi[min(i + 1, npts - 1)]
    ]
    idx = sorted(idx, key=lambda i: chi[i])[:2]
    best_x = float(x[idx[0]])
    best, best_prof = exact([best_x], prof[idx[0]])  # exact, not the grid's
    for i in idx:
        lo, hi = x[max(i - 1, 0)], x[min(i + 1, npts - 1)]
        r = minimize_scalar(
            lambda v: P([v]),
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": 1e-10 * max(1.0, abs(hi))},
        )
        if r.fun < best:
            best_x = float(r.x)
            best, best_prof = exact([best_x], prof[i])
    f1 = lambda v: P([v]) - best  # noqa: E731
    dchi = chi - best
    intervals = {k: _intervals_1d(f1, x, dchi, lv) for k, lv in levels.items()}
    grid = {n: x.tolist(), "chi2": chi.tolist()}
    grid.update({p: prof[:, k].tolist() for k, p in enumerate(profiled)})
    return ProfileResult(
        names=(n,),
        best_fit={n: best_x, **{p: float(v) for p, v in zip(profiled, best_prof)}},
        chi2_min=best,
        levels=levels,
        grid=grid,
        intervals=intervals,
        **common,
    )


def _profile_2d(
    P: _Profiled,
    names: list[str],
    profiled: list[str],
    axes: tuple[np.ndarray, np.ndarray],
    rng: dict,
    levels: dict[str, float],
    common: dict[str, Any],
) -> ProfileResult:
    """The profile over two parameters on the grid ``axes``: the grid, its minimum
    refined (Nelder-Mead), the contours at every level."""
    from contourpy import contour_generator
    from scipy.optimize import minimize

    exact = P.refine  # the exact (bounded) minimum over the profiled parameters
    xa, ya = axes
    X, Y = np.meshgrid(xa, ya, indexing="ij")
    flat, prof = P.grid(np.column_stack([X.ravel(), Y.ravel()]))
    chi = flat.reshape(X.shape)
    k = int(np.argmin(flat))
    i, j = np.unravel_index(k, chi.shape)
    bounds = [tuple(rng[names[0]]), tuple(rng[names[1]])]
    r = minimize(
        lambda v: P(v),
        x0=[xa[i], ya[j]],
        method="Nelder-Mead",
        bounds=bounds,
        options={"xatol": 1e-9, "fatol": 1e-10, "maxiter": 2000},
    )
    best_pt = [float(xa[i]), float(ya[j])]
    best, best_prof = exact(best_pt, prof[k])
    if r.fun < best:
        best_pt = [float(v) for v in r.x]
        best, best_prof = exact(best_pt, prof[k])
    gen: Any = contour_generator(x=xa, y=ya, z=(chi - best).T)
    contours = {
        lv_name: [[[float(p[0]), float(p[1])] for p in line] for line in gen.lines(lv)]
        for lv_name, lv in levels.items()
    }
    grid = {names[0]: xa.tolist(), names[1]: ya.tolist(), "chi2": chi.tolist()}
    grid.update({p: prof[:, q].reshape(X.shape).tolist() for q, p in enumerate(profiled)})
    return ProfileResult(
        names=tuple(names),
        best_fit={
            **dict(zip(names, best_pt)),
            **{p: float(v) for p, v in zip(profiled, best_prof)},
        },
        chi2_min=best,
        levels=levels,
        grid=grid,
        contours=contours,
        **common,
    )
