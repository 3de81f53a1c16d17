"""Table 2 of the paper: upper bounds on g at low mass and on g/M at high mass.

Allowed means χ²(M, g) − χ²_min ≤ Δχ²(CL, dof), χ²_min the minimum over the
(M, g) plane. At low mass (M ≪ |q|) the bound on g is flat; at high mass
(M ≫ |q|) only g/M matters. The paper quotes 2σ (95.45 % C.L.) without saying
whether Δχ² = 4 (dof = 1) or 6.18 (dof = 2): both are supported.

Which edge is the bound (`table2_bound`)
-----------------------------------------
Along g at fixed M the allowed set is one or more intervals: the region around
the SM (g = 0) and, in the models with a cancellation (eq. 44-49), a strip where
the Z′ flips the sign of the weak charge. The paper reads its figures in two
ways: "a thin allowed strip" above an excluded band, which the bound ignores
(Sec. IV.1, with the Ar universal strip "delimited by the two red-dashed lines
above" the bound; IV.3 for CsI and the combined fit; IV.9, IV.10), and "the
allowed region below the upper line, with the exception of the excluded thin
strip that corresponds to the cancellation condition" (Sec. IV.3, Ar), where the
bound is the top of the allowed region. Both are one rule once "the 2σ allowed
region" is read as a region of the (M, g) plane, the connected one that contains
the SM:

    the bound at a mass is the top of the allowed intervals that belong to the
    connected allowed region of the (M, g) plane containing the SM (g = 0).

A strip that never joins the SM's region is a separate allowed region and does not
count; an excluded strip that the SM's region goes around (it joins above and
below the strip at other masses) does not stop it. Connectivity comes from a scan
of the plane (`cevns.infer.regions`), made only where a Table 2 mass has more than one
allowed interval. The same rule for every model, data set and method (for
Feldman-Cousins the connectivity of the Wilks scan is kept, `regions.flags_from`);
the lowest edge and the top of the allowed envelope are reported beside it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..datasets import PAPER_DATASETS
from ..models import MODEL_NAMES
from ..reference import PAPER_TABLE2
from ..stats import delta_chi2_threshold
from .scan import ModelFit, global_minimum, profile_coupling

__all__ = [
    "CRITERION",
    "M_HIGH_MEV",
    "M_LOW_MEV",
    "Bound",
    "Limit",
    "PaperComparison",
    "Table2",
    "bounds_at",
    "compare_with_paper",
    "limit",
    "table2",
    "table2_bound",
]


#: Masses where the bounds are evaluated [MeV]: far below and far above |q| ~ 10-100 MeV.
M_LOW_MEV = 1e-2
M_HIGH_MEV = 1e5


#: One-line statement of `table2_bound`'s criterion (for JSON outputs).
CRITERION = (
    "top of the allowed intervals in the connected allowed region of the (M, g) plane that "
    "contains the SM (g = 0): a separate allowed strip does not count (Sec. IV.1), an excluded "
    "strip inside the region does not stop it (Sec. IV.3)"
)


@dataclass(frozen=True)
class Bound:
    """The Table 2 reading of the allowed intervals at one mass (`table2_bound`)."""

    value: float  #: the bound chosen by the criterion
    lowest_edge: float  #: upper edge of the lowest allowed interval
    envelope_top: float  #: upper edge of the highest allowed interval
    in_region: int  #: allowed intervals at this mass inside the SM's region


def table2_bound(intervals: Iterable[tuple[float, float]], in_region: Iterable[bool]) -> Bound:
    """Apply the Table 2 criterion (module docstring) to allowed intervals [lo, hi] in g.

    Parameters
    ----------
    intervals : iterable of (lo, hi)
        Allowed intervals of g at one mass, ascending and disjoint.
    in_region : iterable of bool
        For each interval, whether it belongs to the SM's connected allowed region
        (`cevns.infer.regions.sm_region_flags`).

    Returns
    -------
    Bound
        All NaN when nothing is allowed; value NaN when no interval is in the region.
    """
    iv = [(float(a), float(b)) for a, b in intervals]
    flags = [bool(f) for f in in_region]
    if len(flags) != len(iv):
        raise ValueError("one region flag per interval is needed")
    if not iv:
        return Bound(math.nan, math.nan, math.nan, 0)
    tops = [b for (_, b), f in zip(iv, flags) if f]
    return Bound(max(tops) if tops else math.nan, iv[0][1], iv[-1][1], len(tops))


def bounds_at(fit: ModelFit, masses: Iterable[float], level: float) -> list[Bound]:
    """`table2_bound` at each mass; the plane is scanned for connectivity only when needed."""
    from .. import _core
    from .regions import flags_from, sm_region_flags
    from .scan import plane_profiles

    masses = [float(m) for m in masses]
    grid, per_mass, profiles = plane_profiles(fit)  # computed once for χ²_min already
    found = []
    for m in masses:
        hit = np.flatnonzero(grid == m)
        if hit.size:  # a mass of the plane: its profile is there
            i = int(hit[0])
            ivs = _core.allowed_many([per_mass[i]], [profiles[i]], level, fit.n_threads)[0]
        else:
            c, prof = profile_coupling(fit, m)
            ivs = c.allowed(prof, level)
        found.append([(float(a), float(b)) for a, b in ivs])
    if all(len(iv) <= 1 for iv in found):
        return [table2_bound(iv, [True] * len(iv)) for iv in found]
    regions = sm_region_flags(fit, level, masses)
    return [table2_bound(iv, flags_from(r, f, iv)) for iv, (r, f) in zip(found, regions)]


@dataclass(frozen=True)
class Limit:
    """Table 2 entry of one model and data set (bounds chosen by `table2_bound`)."""

    model: str
    dataset: str
    g_low: float  #: bound on g at M = M_LOW_MEV
    g_over_M_high: float  #: bound on g/M at M = M_HIGH_MEV [GeV^-1]
    chi2_min: float
    best_mass_MeV: float
    best_g: float
    delta_chi2: float
    g_low_lowest_edge: float = math.nan  #: upper edge of the lowest allowed interval
    g_low_envelope_top: float = math.nan  #: top of the highest allowed interval
    g_over_M_high_lowest_edge: float = math.nan
    g_over_M_high_envelope_top: float = math.nan

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def limit(
    model: str,
    dataset: str,
    *,
    cl: str | float = "2sigma",
    dof: int = 2,
    experiments: Mapping[str, Any] | None = None,
    data_dir: Any = None,
    m_low: float = M_LOW_MEV,
    m_high: float = M_HIGH_MEV,
    params: Mapping[str, float] | None = None,
) -> Limit:
    """Table 2 bounds for one model and data set (on top of physics ``params``, if given:
    `cevns.phenomenology.PARAMETERS`, the others at their SM values)."""
    fit = ModelFit(model, dataset, experiments=experiments, data_dir=data_dir, params=params)
    return _limit_of(fit, dataset, cl, dof, m_low, m_high)


def _limit_of(
    fit: ModelFit, dataset: str, cl: str | float, dof: int, m_low: float, m_high: float
) -> Limit:
    thr = delta_chi2_threshold(cl, dof)
    best = global_minimum(fit)
    level = best["chi2"] + thr
    low, high = bounds_at(fit, (m_low, m_high), level)
    gev = m_high * 1e-3
    return Limit(
        fit.model.name,
        dataset,
        low.value,
        high.value / gev,
        best["chi2"],
        best["mass_MeV"],
        best["g"],
        thr,
        low.lowest_edge,
        low.envelope_top,
        high.lowest_edge / gev,
        high.envelope_top / gev,
    )


@dataclass(frozen=True)
class PaperComparison:
    """One published Table 2 number against ours, in g and in likelihood units."""

    model: str
    dataset: str
    bound: str  #: "g_low" or "g_over_M_high"
    published: float
    ours: float
    relative_difference: float  #: ours / published − 1
    #: our Δχ² (relative to χ²_min of the plane) at the published bound; equals
    #: ``delta_chi2_level`` where the two analyses agree exactly
    delta_chi2_at_published: float
    delta_chi2_level: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def compare_with_paper(
    limits: Mapping[tuple[str, str], Limit] | None = None,
    *,
    cl: str | float = "2sigma",
    dof: int = 2,
    experiments: Mapping[str, Any] | None = None,
    data_dir: Any = None,
) -> list[PaperComparison]:
    """Our bounds against the published rows of Table 2 (`reference.PAPER_TABLE2`).

    Besides the relative difference in the coupling, reports our Δχ² at the
    published bound: where χ²(g) is flat (destructive interference, a ridge
    between allowed regions) a small difference in the likelihood moves the
    bound a lot, and Δχ² says how far apart the two analyses really are.

    Parameters
    ----------
    limits : mapping (model, dataset) -> Limit, optional
        Already computed limits (computed here where missing).
    """
    limits = dict(limits or {})
    out = []
    for (model, dataset), published in PAPER_TABLE2.items():
        fit = ModelFit(model, dataset, experiments=experiments, data_dir=data_dir)
        lim = limits.get((model, dataset)) or _limit_of(
            fit, dataset, cl, dof, M_LOW_MEV, M_HIGH_MEV
        )
        at_low = fit.chi2(M_LOW_MEV, [published[0]])[0] - lim.chi2_min
        at_high = fit.chi2(M_HIGH_MEV, [published[1] * M_HIGH_MEV * 1e-3])[0] - lim.chi2_min
        for bound, ours, pub, dchi2 in (
            ("g_low", lim.g_low, published[0], at_low),
            ("g_over_M_high", lim.g_over_M_high, published[1], at_high),
        ):
            out.append(
                PaperComparison(
                    model, dataset, bound, pub, ours, ours / pub - 1.0, float(dchi2), lim.delta_chi2
                )
            )
    return out


@dataclass(frozen=True)
class Table2:
    """The paper's Table 2 computed: one `Limit` per (model, data set), with the settings.

    ``table[("B-L", "combined")]`` is a `Limit`; `rows` the table itself; `to_dict` the
    JSON of ``cevns table2 --format json``.
    """

    settings: dict[str, Any]  #: CL, Δχ², masses, criterion, detector settings, provenance
    limits: dict[tuple[str, str], Limit]  #: (model, data set) -> Limit, in table order
    comparison: list[PaperComparison] | None = None  #: vs the published rows, if asked

    def __getitem__(self, key: tuple[str, str]) -> Limit:
        return self.limits[key]

    @property
    def rows(self) -> dict[str, dict[str, list[float]]]:
        """``{model: {dataset: [g_low, g_over_M_high]}}`` (g/M in GeV⁻¹)."""
        out: dict[str, dict[str, list[float]]] = {}
        for (m, d), lim in self.limits.items():
            out.setdefault(m, {})[d] = [lim.g_low, lim.g_over_M_high]
        return out

    def to_dict(self) -> dict[str, Any]:
        out = {
            "settings": self.settings,
            "rows": self.rows,
            "details": [lim.to_dict() for lim in self.limits.values()],
        }
        if self.comparison is not None:
            out["comparison"] = [c.to_dict() for c in self.comparison]
        return out


def table2(
    models: Iterable[str] = MODEL_NAMES,
    datasets: Iterable[str] = PAPER_DATASETS,
    *,
    cl: str | float = "2sigma",
    dof: int = 2,
    data_dir: Any = None,
    progress: bool = False,
    compare_paper: bool = False,
    experiments: Mapping[str, Any] | None = None,
) -> Table2:
    """All Table 2 entries (`Table2`): every model × data set, by `limit`.

    ``datasets`` are any data sets (`cevns.datasets.members`: ``"xenonnt"``,
    ``"csi2021+ar2020+xenonnt"``, ...); the default is the paper's three. With
    ``compare_paper`` also the comparison with the published rows
    (`compare_with_paper`, always on the paper's data sets). ``experiments`` (by name)
    are used where given, e.g. with non-default detector options; the others are built
    with the defaults.
    """
    from ..datasets import experiments_for
    from ..provenance import provenance

    models, datasets = list(models), list(dict.fromkeys(datasets))
    given: dict[str, Any] = dict(experiments or {})
    exps: dict[str, Any] = {}
    needed = [*datasets, "combined"] if compare_paper else datasets
    for d in needed:  # every member built once, shared by the limits
        exps.update(experiments_for(d, data_dir, {**given, **exps}))
    jobs = [(m, d) for m in models for d in datasets]
    it: Any = jobs
    if progress:
        from tqdm import tqdm

        it = tqdm(jobs, desc="table2", unit="limit")
    limits = {(m, d): limit(m, d, cl=cl, dof=dof, experiments=exps) for m, d in it}
    settings = {
        "cl": cl,
        "dof": dof,
        "delta_chi2": delta_chi2_threshold(cl, dof),
        "m_low_MeV": M_LOW_MEV,
        "m_high_MeV": M_HIGH_MEV,
        "g_over_M_units": "GeV^-1",
        "definition": CRITERION + "; Delta chi2 relative to the minimum over the (M, g) plane",
        "experiments": {n: e.settings for n, e in exps.items()},
        "provenance": provenance(exps.values()),
    }
    comparison = (
        compare_with_paper(limits, cl=cl, dof=dof, experiments=exps) if compare_paper else None
    )
    return Table2(settings, limits, comparison)
