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

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _core
from ..datasets import DATASETS, experiments_for
from ..datasets import members as dataset_members
from ..errors import InputError
from ..models import Model, get_model

__all__ = ["DATASETS", "ModelFit", "ScanResult", "dataset_members", "global_minimum", "scan"]


#: Heaviest mediator a scan takes [MeV] (1 PeV). Far above it the coupling grid
#: (g ∝ M) overflows; physically such a mediator is a contact interaction: the NSI
#: parameters ``eps_*`` of `cevns.phenomenology` describe it.
MAX_MASS_MEV: float = _core.constants["max_mediator_mass_MeV"]  # the core's kMaxMediatorMassMeV


def check_masses(masses: Iterable[float]) -> np.ndarray:
    m = np.atleast_1d(np.asarray(masses, dtype=float))
    if (
        m.ndim != 1
        or m.size == 0
        or not np.all(np.isfinite(m))
        or np.any(m <= 0)
        or np.any(m > MAX_MASS_MEV)
    ):
        raise InputError(
            f"masses out of range; accepted: a non-empty 1-D array of finite values in "
            f"(0, {MAX_MASS_MEV:g}] MeV (heavier mediators act as contact interactions: use "
            "the NSI parameters eps_* of cevns.phenomenology)"
        )
    return m


def check_couplings(g: Iterable[float]) -> np.ndarray:
    a = np.atleast_1d(np.asarray(g, dtype=float))
    if a.ndim != 1 or not np.all(np.isfinite(a)) or np.any(a < 0):
        raise InputError("couplings must be a 1-D array of finite values >= 0")
    return a


#: Typical |q| of COHERENT recoils [MeV] (sets the search scale of the couplings).
Q_REF_MEV = 30.0


def coupling_scale(mass: float) -> float:
    """s(M) = √(√2 G_F (q_ref² + M²)): the g at which a Z′ of mass M [MeV] rivals G_F."""
    return math.sqrt(math.sqrt(2.0) * _core.constants["G_F"] * (Q_REF_MEV**2 + mass**2))


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
    params : mapping of str to float, optional
        Physics parameters under the mediator (`cevns.phenomenology.PARAMETERS`, e.g.
        ``{"sin2w": 0.24, "rn_cs": 5.3}``); the others, and all by default, at their SM
        values. g = 0 is then this non-standard "SM".
    """

    def __init__(
        self,
        model: str | Model,
        dataset: str,
        *,
        experiments: Mapping[str, Any] | None = None,
        data_dir: Any = None,
        n_threads: int = 0,
        params: Mapping[str, float] | None = None,
    ) -> None:
        self.model = get_model(model)
        self.dataset = dataset
        self.members = dataset_members(dataset)
        self.experiments = experiments_for(dataset, data_dir, experiments)
        self.n_threads = n_threads
        self._plane_profiles: Any = None  # `plane_profiles`, computed on first use
        self._plane_minimum: dict[str, float] | None = None  # `global_minimum`, likewise
        self.params = dict(params or {})
        self._core_params = None
        if self.params:
            from ..phenomenology import parameters

            self._core_params = parameters(self.params)
        self._sm = {
            n: e.predict()
            if self._core_params is None
            else e.rate.predict_with(_core.Mediator.standard_model(), 0.0, self._core_params)
            for n, e in self.experiments.items()
        }
        self.chi2_sm = float(
            sum(e.likelihood.chi2(self._sm[n]).chi2 for n, e in self.experiments.items())
        )

    # -- templates --------------------------------------------------------
    def templates(self, masses: Iterable[float]) -> dict[str, np.ndarray]:
        """Templates per data set, arrays [n_mass, 3, n_energy, n_time]."""
        m = check_masses(masses).tolist()
        core = self.model.core
        return {
            n: e.rate.templates_for_masses(core.kind, core.charges, m, self._core_params)
            for n, e in self.experiments.items()
        }

    def coupling_chi2(self, tmpl: Mapping[str, np.ndarray]) -> Any:
        """The C++ χ²(g) of one mass from its templates ``tmpl[name]`` of shape (3, nE, nT)."""
        c = _core.CouplingChi2()
        for n, t in tmpl.items():
            c.add(self.experiments[n].core.binned_chi2, t[0], t[1], t[2])
        return c

    def chi2_from_templates(self, tmpl: Mapping[str, np.ndarray], g: Iterable[float]) -> np.ndarray:
        """Profiled χ² for couplings g at one mass; ``tmpl[name]`` has shape (3, nE, nT)."""
        c = self.coupling_chi2(tmpl)
        return np.array([c(float(x)) for x in check_couplings(g)])

    def chi2(self, mass: float, g: Iterable[float]) -> np.ndarray:
        """Profiled χ² at one mass [MeV] for couplings g."""
        t = self.templates([mass])
        return self.chi2_from_templates({n: v[0] for n, v in t.items()}, g)

    def per_mass(self, masses: np.ndarray) -> list[Any]:
        """C++ χ²(g) objects, one per mass (templates computed and kept in the core)."""
        core = self.model.core
        return _core.coupling_chi2_per_mass(
            [e.core for e in self.experiments.values()],
            core.kind,
            core.charges,
            check_masses(masses).tolist(),
            self._core_params,
        )

    # -- search scale -----------------------------------------------------
    def coupling_grid(self, mass: float, per_decade: int = 40) -> np.ndarray:
        """Log grid of g around the scale where the new term rivals the SM charge."""
        (mass,) = check_masses([mass])
        kinetic = self.model.kind == "kinetic_mixing"
        return np.array(_coupling_grid(float(mass), kinetic, per_decade))

    def coupling_grids(self, masses: Iterable[float], per_decade: int) -> list[list[float]]:
        """`coupling_grid` with g = 0 in front, per mass, as lists (the core's argument);
        the same grids bit for bit, kept between calls (a Table 2 asks for the 211
        masses of the plane 33 times)."""
        kinetic = self.model.kind == "kinetic_mixing"
        return [list(_coupling_grid(float(x), kinetic, per_decade, True)) for x in masses]


@functools.lru_cache(maxsize=4096)
def _coupling_grid(
    mass: float, kinetic: bool, per_decade: int, with_zero: bool = False
) -> tuple[float, ...]:
    """`ModelFit.coupling_grid` of a checked mass (with g = 0 in front if asked)."""
    scale = coupling_scale(mass)
    lo, hi = scale * 1e-3, scale * 3e2
    if kinetic:
        hi *= 1e2  # one-loop suppression alpha*eps/pi
    n = int(round(per_decade * math.log10(hi / lo))) + 1
    grid = np.geomspace(lo, hi, n)
    return tuple((_with_zero(grid) if with_zero else grid).tolist())


def _with_zero(grid: np.ndarray) -> np.ndarray:
    return grid if grid[0] == 0.0 else np.concatenate(([0.0], grid))


def profile_coupling(fit: ModelFit, mass: float, g: np.ndarray | None = None) -> tuple[Any, Any]:
    """(χ²(g) object, profile) at one mass: the grid (plus g = 0) and its refined minima."""
    grid = _with_zero(fit.coupling_grid(mass) if g is None else check_couplings(g))
    c = fit.per_mass(np.array([mass]))[0]
    return c, c.profile(grid.tolist())


#: The plane of `global_minimum`: 3 masses per decade from 10 keV to 100 GeV (the
#: coarse pass, whose profiles the limits and regions reuse), and couplings per
#: decade along g (every local minimum refined).
PLANE_MASSES_MEV = np.geomspace(1e-2, 1e5, 22)
PLANE_PER_DECADE = 20
#: Refinement of the plane minimum in mass: wherever the curve dips below a coarse
#: interval's lower end next to one of its ends (every coarse local minimum, and a
#: valley between coarse masses that fall monotonically), a descent follows it down a grid
#: `PLANE_REFINE` times finer (30 masses per decade), for the data
#: (`global_minimum`) and for every toy (`cevns.infer.toys`) by the same C++ rule.
PLANE_REFINE = 10


def plane_fine_masses() -> np.ndarray:
    """The fine mass grid of the plane minimum [MeV]: `PLANE_MASSES_MEV` `PLANE_REFINE`
    times finer (every `PLANE_REFINE`-th mass is a coarse one)."""
    lo, hi = PLANE_MASSES_MEV[0], PLANE_MASSES_MEV[-1]
    fine = np.geomspace(lo, hi, (PLANE_MASSES_MEV.size - 1) * PLANE_REFINE + 1)
    fine[::PLANE_REFINE] = PLANE_MASSES_MEV  # the coarse masses bit for bit (not 1 ulp off)
    return fine


def profiles_at(fit: ModelFit, masses: Iterable[float], per_decade: int = PLANE_PER_DECADE) -> Any:
    """(masses, per-mass χ²(g) objects, profiles) on `fit.coupling_grid` at each mass."""
    m = check_masses(masses)
    per_mass = fit.per_mass(m)
    grids = fit.coupling_grids(m, per_decade)
    return m, per_mass, _core.profile_many(per_mass, grids, fit.n_threads)


def plane_profiles(fit: ModelFit) -> Any:
    """`profiles_at` on the plane of `global_minimum`, computed once per ModelFit."""
    if fit._plane_profiles is None:
        fit._plane_profiles = profiles_at(fit, PLANE_MASSES_MEV)
    return fit._plane_profiles


def global_minimum(
    fit: ModelFit, masses: Iterable[float] | None = None, per_decade: int = PLANE_PER_DECADE
) -> dict[str, float]:
    """Minimum of χ² over the (M, g) plane (g = 0 is the SM), refined along g and in mass.

    By default a coarse pass over 3 masses per decade from 10 keV to 100 GeV
    (`PLANE_MASSES_MEV`), then a descent along a grid of 30 masses per decade
    (`PLANE_REFINE`) wherever the curve dips below a coarse interval's lower end next
    to one of its ends (each coarse local minimum on both sides), the rule of the
    toys' plane minimum
    (the core's ``refined_mass_minimum``). Along g every local minimum of the
    coupling grid is refined, so narrow valleys (strips) are found without a fine grid.
    Given ``masses``, the minimum over exactly those masses (no refinement in mass).

    Returns
    -------
    dict
        ``chi2``, ``mass_MeV`` (NaN when the SM is the minimum) and ``g``.
    """
    default = masses is None and per_decade == PLANE_PER_DECADE
    if default and fit._plane_minimum is not None:
        return dict(fit._plane_minimum)
    core = fit.model.core
    exps = [e.core for e in fit.experiments.values()]
    if masses is None:
        m = plane_fine_masses()
        stride = PLANE_REFINE
        coarse = (
            plane_profiles(fit) if default else profiles_at(fit, PLANE_MASSES_MEV, per_decade)
        )[2]
    else:
        m, stride, coarse = check_masses(masses), 1, []
    grids = fit.coupling_grids(m, per_decade)
    mass, g, c = _core.plane_minimum(
        exps,
        core.kind,
        core.charges,
        m.tolist(),
        grids,
        stride,
        list(coarse),
        fit._core_params,
        fit.n_threads,
    )
    best = {"chi2": fit.chi2_sm, "mass_MeV": math.nan, "g": 0.0}
    if c < best["chi2"]:
        best = {"chi2": float(c), "mass_MeV": float(mass), "g": float(g)}
    if default:
        fit._plane_minimum = dict(best)
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

    def contours(self) -> list[np.ndarray]:
        """The Δχ² = level contours: boundary of the allowed region as polylines.

        Each an (n, 2) array [M (MeV), g], through the root-found interval edges at
        every scan mass (thin strips included), straight in (log M, log g) between
        masses. Empty for a scan of one mass (no 2-D contour; see ``intervals``).
        """
        from ..contours import boundary_lines

        return boundary_lines(self.masses_MeV, self.couplings, self.intervals)

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

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ScanResult:
        """The inverse of :meth:`to_dict` (e.g. from a JSON file or the scan cache)."""
        return cls(
            d["model"],
            d["dataset"],
            np.asarray(d["masses_MeV"], dtype=float),
            np.asarray(d["couplings"], dtype=float),
            np.asarray(d["chi2"], dtype=float),
            float(d["chi2_min"]),
            {k: float(v) for k, v in d["best"].items()},
            float(d["delta_chi2_level"]),
            [[(float(a), float(b)) for a, b in iv] for iv in d["allowed_intervals"]],
        )


def scan(
    model: str | Model,
    dataset: str,
    masses: Iterable[float],
    couplings: Iterable[float],
    *,
    cl: str | float = "2sigma",
    dof: int = 2,
    experiments: Mapping[str, Any] | None = None,
    data_dir: Any = None,
    progress: bool = False,
    fit: ModelFit | None = None,
    params: Mapping[str, float] | None = None,
) -> ScanResult:
    """Profiled χ² on the grid ``masses × couplings`` and the allowed regions.

    The Δχ² reference is the minimum over the (M, g) plane (this grid and
    `global_minimum`'s wide mass range), with every local minimum along g refined
    (so thin strips count); the allowed intervals per mass have root-found edges.
    The masses may come in any order: the result is on the ascending grid.
    """
    from ..stats import delta_chi2_threshold

    m = np.sort(check_masses(masses))  # a grid is a set: any order gives the same scan
    g = np.sort(check_couplings(couplings))
    if g.size < 3 or np.any(np.diff(g) <= 0):
        raise InputError("need at least 3 distinct couplings")
    thr = delta_chi2_threshold(cl, dof)
    fit = fit or ModelFit(model, dataset, experiments=experiments, data_dir=data_dir, params=params)
    per_mass = fit.per_mass(m)
    grid = _with_zero(g)
    profiles = []
    chunks = np.array_split(np.arange(m.size), max(1, min(m.size, 20)))
    it: Any = chunks
    if progress:
        from tqdm import tqdm

        it = tqdm(chunks, desc=f"scan {fit.model.name} {dataset}", unit="chunk")
    for idx in it:
        profiles += _core.profile_many(
            [per_mass[i] for i in idx], [grid.tolist()] * len(idx), fit.n_threads
        )
    chi2 = np.array([p.chi2 for p in profiles])[:, grid.size - g.size :]
    best = {"chi2": fit.chi2_sm, "mass_MeV": math.nan, "g": 0.0}
    for mass, prof in zip(m, profiles):
        gb, cb = prof.best()
        if cb < best["chi2"]:
            best = {"chi2": float(cb), "mass_MeV": float(mass), "g": float(gb)}
    # the Δχ² reference is the minimum over the whole plane, not just this grid,
    # so that contours do not depend on the mass range scanned (and agree with Table 2)
    glob = global_minimum(fit)
    if glob["chi2"] < best["chi2"]:
        best = glob
    level = best["chi2"] + thr
    intervals = _core.allowed_many(per_mass, profiles, level, fit.n_threads)
    return ScanResult(
        fit.model.name,
        dataset,
        m,
        g,
        chi2,
        best["chi2"],
        best,
        thr,
        [[(float(x[0]), float(x[1])) for x in iv] for iv in intervals],
    )
