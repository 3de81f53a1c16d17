"""Table 2 of the paper: upper bounds on g at low mass and on g/M at high mass.

Definition (Sec. IV): the upper edge of the lowest allowed region in g, where
allowed means χ²(M, g) − χ²_min ≤ Δχ²(CL, dof) and χ²_min is the minimum over
the (M, g) plane. At low mass (M ≪ |q|) the bound on g is flat; at high mass
(M ≫ |q|) only g/M matters. The paper quotes 2σ (95.45 % C.L.) without saying
whether Δχ² = 4 (dof = 1) or 6.18 (dof = 2): both are supported.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .models import MODEL_NAMES
from .reference import PAPER_TABLE2
from .scan import DATASETS, ModelFit, global_minimum, profile_coupling
from .stats import delta_chi2_threshold

#: Masses where the bounds are evaluated [MeV]: far below and far above |q| ~ 10-100 MeV.
M_LOW_MEV = 1e-2
M_HIGH_MEV = 1e5


@dataclass(frozen=True)
class Limit:
    """Table 2 entry of one model and data set."""

    model: str
    dataset: str
    g_low: float  #: bound on g at M = M_LOW_MEV
    g_over_M_high: float  #: bound on g/M at M = M_HIGH_MEV [GeV^-1]
    chi2_min: float
    best_mass_MeV: float
    best_g: float
    delta_chi2: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _first_edge(fit: ModelFit, mass: float, level: float) -> float:
    c, prof = profile_coupling(fit, mass)
    intervals = c.allowed(prof, level)
    return intervals[0][1] if intervals else math.nan


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
) -> Limit:
    """Table 2 bounds for one model and data set."""
    fit = ModelFit(model, dataset, experiments=experiments, data_dir=data_dir)
    return _limit_of(fit, dataset, cl, dof, m_low, m_high)


def _limit_of(
    fit: ModelFit, dataset: str, cl: str | float, dof: int, m_low: float, m_high: float
) -> Limit:
    thr = delta_chi2_threshold(cl, dof)
    best = global_minimum(fit)
    level = best["chi2"] + thr
    g_low = _first_edge(fit, m_low, level)
    g_high = _first_edge(fit, m_high, level)
    return Limit(
        fit.model.name,
        dataset,
        g_low,
        g_high / (m_high * 1e-3),
        best["chi2"],
        best["mass_MeV"],
        best["g"],
        thr,
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


def table2(
    models: Iterable[str] = MODEL_NAMES,
    datasets: Iterable[str] = DATASETS,
    *,
    cl: str | float = "2sigma",
    dof: int = 2,
    data_dir: Any = None,
    progress: bool = False,
    compare_paper: bool = False,
    experiments: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """All Table 2 rows: ``{"settings": ..., "rows": {model: {dataset: [g_low, g/M_high]}}}``.

    With ``compare_paper`` also ``"comparison"``: `compare_with_paper` as dicts.
    ``experiments`` (by name) are used where given, e.g. with non-default
    detector options; the others are built with the defaults.
    """
    from .datasets import experiments_for
    from .provenance import provenance

    exps = experiments_for("combined", data_dir, experiments)
    models, datasets = list(models), list(datasets)
    jobs = [(m, d) for m in models for d in datasets]
    it: Any = jobs
    if progress:
        from tqdm import tqdm

        it = tqdm(jobs, desc="table2", unit="limit")
    rows: dict[str, dict[str, list[float]]] = {}
    limits: dict[tuple[str, str], Limit] = {}
    for m, d in it:
        lim = limit(m, d, cl=cl, dof=dof, experiments=exps)
        rows.setdefault(m, {})[d] = [lim.g_low, lim.g_over_M_high]
        limits[(m, d)] = lim
    out = {
        "settings": {
            "cl": cl,
            "dof": dof,
            "delta_chi2": delta_chi2_threshold(cl, dof),
            "m_low_MeV": M_LOW_MEV,
            "m_high_MeV": M_HIGH_MEV,
            "g_over_M_units": "GeV^-1",
            "definition": "upper edge of the lowest allowed region, Delta chi2 relative to the "
            "minimum over the (M, g) plane",
            "experiments": {n: e.settings for n, e in exps.items()},
            "provenance": provenance(exps.values()),
        },
        "rows": rows,
        "details": [lim.to_dict() for lim in limits.values()],
    }
    if compare_paper:
        out["comparison"] = [
            c.to_dict() for c in compare_with_paper(limits, cl=cl, dof=dof, experiments=exps)
        ]
    return out
