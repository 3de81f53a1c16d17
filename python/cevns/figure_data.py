"""The numbers behind every figure of the paper (Figs. 1-8) and the data/prediction spectra.

Nothing here imports matplotlib: each ``*_data`` function returns plain numpy
arrays in a dict, which :mod:`cevns.plots` draws and tests check directly.

Scans for the exclusion plots (Figs. 4-8) are cached on disk by
:func:`cevns.scan_cache.cached_scan`; the geometry of the allowed regions (masks,
contours) is :mod:`cevns.contours`.

Examples
--------
>>> from cevns.figure_data import fig2_data
>>> d = fig2_data([10.0, 100.0])
>>> sorted(d["epsilon"])
['Le-Lmu', 'Le-Ltau', 'Lmu-Ltau']
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from . import _core
from .datasets import PAPER_ORDER, experiments_for
from .errors import InputError
from .models import Model, get_model
from .scan_cache import DEFAULT_MASSES_MEV, DEFAULT_N_COUPLINGS, cached_scan, default_couplings

__all__ = [
    "ALL_DATA_FIGURES",
    "DEFAULT_MASSES_MEV",
    "DEFAULT_N_COUPLINGS",
    "EXCLUSION_DATASETS",
    "EXCLUSION_FIGURES",
    "default_couplings",
    "exclusion_data",
    "fig1_data",
    "fig2_data",
    "fig3_data",
    "garwood_interval",
    "spectra_data",
    "xenon_projections_data",
    "xenon_recoil_data",
    "xenon_runs",
]

log = logging.getLogger(__name__)

#: The rows of :meth:`cevns.experiments.Experiment.differential_rate` for COHERENT's
#: π-DAR beam (``Experiment.rate.components``; other sources have their own).
FLAVOURS = ("numu", "nue", "numubar")

#: Fig. 1 (a, b): tree-level vector models at g = 1e-4, M = 10 MeV.
FIG1_TREE_MODELS = ("universal", "B-L", "By+Lmu+Ltau", "B-3Le", "B-3Lmu", "B-2Le-Lmu", "B-Le-2Lmu")
#: Fig. 1 (c, d): L_alpha - L_beta models at g = 2e-3, M = 10 MeV (Sec. III.1).
FIG1_LOOP_MODELS = ("Le-Lmu", "Le-Ltau", "Lmu-Ltau")
FIG1_MASS_MEV = 10.0
FIG1_G_TREE = 1e-4
FIG1_G_LOOP = 2e-3

#: Fig. 3: universal scalar, g~_phi = 1e-4, M_phi = 50 MeV.
FIG3_MASS_MEV = 50.0
FIG3_COUPLING = 1e-4


#: Panels of the exclusion figures (Sec. IV): figure -> models.
EXCLUSION_FIGURES: dict[str, tuple[str, ...]] = {
    "fig4": ("universal",),
    "fig5": ("B-L", "By+Lmu+Ltau"),
    "fig6": ("B-3Le", "B-3Lmu"),
    "fig7": ("B-2Le-Lmu", "B-Le-2Lmu"),
    "fig8": ("Le-Ltau", "Le-Lmu", "Lmu-Ltau", "scalar"),
}

#: Data sets drawn in each exclusion panel (paper: red Ar, blue CsI, black CsI+Ar).
EXCLUSION_DATASETS = PAPER_ORDER


# -- Fig. 1 and 3: differential rates ------------------------------------------------
def _experiment(exp: Any, data_dir: Any = None) -> Any:
    if isinstance(exp, str):
        from .experiments import experiment

        return experiment(exp, data_dir)
    return exp


def _t_grid(exp: Any, T_keV: Iterable[float] | None, n: int = 600) -> np.ndarray:
    if T_keV is not None:
        return np.asarray(T_keV, dtype=float)
    # the definition's recoil range (COHERENT: the kinematic endpoint of the 52.8 MeV
    # end of the muon-decay spectra)
    t_max = float(exp.definition.recoil_max_keV) or 160.0
    return np.geomspace(t_max * 1e-3, t_max, n)


def fig1_data(
    experiment: Any, T_keV: Iterable[float] | None = None, *, data_dir: Any = None
) -> dict[str, Any]:
    """dN/dT_nr of the SM and of every vector model of Fig. 1 (true recoil energy).

    Parameters
    ----------
    experiment : str or Experiment
        ``"ar2020"`` (Fig. 1a, c) or ``"csi2021"`` (Fig. 1b, d).
    T_keV : array_like, optional
        Nuclear recoil energies [keV] (default: 600 log-spaced points over three decades up to
        the experiment definition's ``recoil_max_keV``).
    data_dir : path-like, optional
        Data directory when ``experiment`` is a name.

    Returns
    -------
    dict
        ``T_keV``; ``sm`` [events/keV] summed over (νμ, νe, ν̄μ); ``models``: name →
        dN/dT_nr [events/keV] of the model (SM + Z', eq. 16 or 28); ``panels``:
        ``{"tree": [...], "loop": [...]}`` (Fig. 1a/b and 1c/d); ``couplings`` and
        ``mass_MeV`` used (g = 1e-4 tree level, 2e-3 for L_α − L_β, M = 10 MeV).
    """
    exp = _experiment(experiment, data_dir)
    T = _t_grid(exp, T_keV)
    sm = exp.differential_rate(T).sum(axis=0)
    models: dict[str, np.ndarray] = {}
    couplings: dict[str, float] = {}
    for names, g in ((FIG1_TREE_MODELS, FIG1_G_TREE), (FIG1_LOOP_MODELS, FIG1_G_LOOP)):
        for name in names:
            models[name] = exp.differential_rate(T, name, FIG1_MASS_MEV, g).sum(axis=0)
            couplings[name] = g
    return {
        "experiment": exp.name,
        "T_keV": T,
        "sm": sm,
        "models": models,
        "couplings": couplings,
        "mass_MeV": FIG1_MASS_MEV,
        "panels": {"tree": list(FIG1_TREE_MODELS), "loop": list(FIG1_LOOP_MODELS)},
    }


def fig3_data(
    experiment: Any,
    T_keV: Iterable[float] | None = None,
    *,
    data_dir: Any = None,
    mass: float = FIG3_MASS_MEV,
    coupling: float = FIG3_COUPLING,
) -> dict[str, Any]:
    """dN/dT_nr with the universal scalar (Fig. 3, eq. 32-42): total, SM and the νμ part.

    Parameters
    ----------
    experiment : str or Experiment
        ``"ar2020"`` (Fig. 3a) or ``"csi2021"`` (Fig. 3b).
    T_keV : array_like, optional
        Recoil energies [keV].
    mass, coupling : float
        M_φ [MeV] and g̃_φ (paper: 50 MeV, 1e-4).

    Returns
    -------
    dict
        ``T_keV``; ``total`` (SM + scalar, all flavours), ``sm`` (SM, all flavours),
        ``numu`` (SM + scalar, prompt νμ only: it vanishes above
        T_max = 2E²/(M + 2E) with E = 29.8 MeV, the kinks at 47.7 keV (Ar) and ≈ 15 keV
        (CsI)), ``per_flavour`` (3, n) of the total [events/keV]; ``mass_MeV``,
        ``coupling``.
    """
    exp = _experiment(experiment, data_dir)
    T = _t_grid(exp, T_keV)
    per = exp.differential_rate(T, "scalar", mass, coupling)
    return {
        "experiment": exp.name,
        "T_keV": T,
        "total": per.sum(axis=0),
        "sm": exp.differential_rate(T).sum(axis=0),
        "numu": per[0],
        "per_flavour": per,
        "mass_MeV": float(mass),
        "coupling": float(coupling),
    }


# -- Fig. 2: one-loop kinetic mixing ----------------------------------------------------
def fig2_data(q_MeV: Iterable[float] | None = None) -> dict[str, Any]:
    """ε_βα(|q|) of eq. (29) for the three L_α − L_β symmetries (Fig. 2).

    As in the paper, the lepton of the scattering neutrino's flavour sits in the
    denominator of the logarithm, so every curve is positive: ε_μe (L_e − L_μ), ε_τe
    (L_e − L_τ) and ε_τμ (L_μ − L_τ). ε_τμ ≈ ln(m_τ²/m_μ²)/6 is almost constant over
    the COHERENT range; ε_μe and ε_τe fall with |q| because |q| ≫ m_e.

    Parameters
    ----------
    q_MeV : array_like, optional
        Momentum transfer |q| [MeV] (default: 300 log points, 1-120 MeV).

    Returns
    -------
    dict
        ``q_MeV``; ``epsilon``: model name → ε(|q|); ``labels``: model name →
        LaTeX label; ``eps_tau_mu_constant`` = ln(m_τ²/m_μ²)/6.
    """
    q = np.geomspace(1.0, 120.0, 300) if q_MeV is None else np.asarray(q_MeV, dtype=float)
    if q.ndim != 1 or q.size == 0 or not np.all(np.isfinite(q)) or np.any(q < 0):
        raise InputError("q_MeV must be a non-empty 1-D array of finite values >= 0 MeV")
    k = _core.constants
    m_e, m_mu, m_tau = k["m_e"], k["m_mu"], k["m_tau"]
    eps = {
        "Le-Lmu": np.asarray(_core.epsilon_loop(m_mu, m_e, q), dtype=float),
        "Le-Ltau": np.asarray(_core.epsilon_loop(m_tau, m_e, q), dtype=float),
        "Lmu-Ltau": np.asarray(_core.epsilon_loop(m_tau, m_mu, q), dtype=float),
    }
    labels = {
        "Le-Lmu": r"$\varepsilon_{\mu e}$ ($L_e-L_\mu$)",
        "Le-Ltau": r"$\varepsilon_{\tau e}$ ($L_e-L_\tau$)",
        "Lmu-Ltau": r"$\varepsilon_{\tau\mu}$ ($L_\mu-L_\tau$)",
    }
    return {
        "q_MeV": q,
        "epsilon": eps,
        "labels": labels,
        "eps_tau_mu_constant": float(np.log(m_tau**2 / m_mu**2) / 6.0),
    }


# -- Figs. 4-8: exclusion regions ---------------------------------------------------
def exclusion_data(
    model: str | Model,
    masses: Iterable[float] | None = None,
    couplings: Iterable[float] | None = None,
    dof: int = 2,
    *,
    cl: str | float = "2sigma",
    datasets: Sequence[str] = EXCLUSION_DATASETS,
    experiments: Mapping[str, Any] | None = None,
    data_dir: Any = None,
    cache: bool = True,
    cache_dir: Any = None,
    gm2_sigma: float = 2.0,
) -> dict[str, Any]:
    """Exclusion regions of one model (Figs. 4-8) for Ar, CsI and CsI+Ar (or any data sets),
    with the g−2 band.

    Parameters
    ----------
    model : str or Model
    masses, couplings : array_like, optional
        Scan grids [MeV] and g (defaults: :data:`DEFAULT_MASSES_MEV`,
        :func:`default_couplings`).
    dof, cl : Δχ² definition (default 2σ with two parameters, Δχ² = 6.18).
    datasets : sequence of str
        Data sets, each drawn as one line (default the paper's ``("ar2020", "csi2021",
        "combined")``; any others, e.g. :data:`ALL_DATA_FIGURES`' ``"xenonnt"`` and
        ``"csi2021+ar2020+xenonnt"``).
    cache : bool
        Use :func:`cached_scan` (else :func:`cevns.infer.scan.scan` directly).
    gm2_sigma : float
        Half-width of the (g−2)_μ band in σ (paper: 2).

    Returns
    -------
    dict
        ``model``, ``masses_MeV``, ``couplings``; ``scans``: data set →
        :class:`~cevns.infer.scan.ScanResult`; ``exclusion_line``: data set → upper edge
        of the lowest allowed region per mass (g above it excluded; NaN where
        nothing is allowed); ``intervals``: data set → allowed intervals per mass
        (thin strips included); ``gm2``: :class:`~cevns.gm2.Gm2Band` on the scan
        masses, or None when the model does not couple to the muon.
    """
    from .gm2 import gm2_band, has_gm2_band
    from .infer.scan import scan

    mdl = get_model(model)
    m = DEFAULT_MASSES_MEV if masses is None else np.asarray(masses, dtype=float)
    g = default_couplings(mdl) if couplings is None else np.asarray(couplings, dtype=float)
    exps = dict(experiments or {})
    for d in datasets:
        exps.update(experiments_for(d, data_dir, exps))
    scans = {}
    for d in datasets:
        if cache:
            scans[d] = cached_scan(mdl, d, m, g, dof, cache_dir, cl=cl, experiments=exps)
        else:
            scans[d] = scan(mdl, d, m, g, cl=cl, dof=dof, experiments=exps)
    band = gm2_band(mdl, m, gm2_sigma) if has_gm2_band(mdl) else None
    return {
        "model": mdl.name,
        "kind": mdl.kind,
        "masses_MeV": m,
        "couplings": g,
        "dof": dof,
        "cl": cl,
        "scans": scans,
        "exclusion_line": {d: s.lowest_edge() for d, s in scans.items()},
        "intervals": {d: s.intervals for d, s in scans.items()},
        "gm2": band,
    }


# -- data vs prediction ------------------------------------------------------------
def spectra_data(
    experiment: Any,
    model: Any = None,
    mass: float | None = None,
    coupling: float | None = None,
    *,
    data_dir: Any = None,
) -> dict[str, Any]:
    """Observed counts vs the prediction, projected on energy and on time.

    Parameters
    ----------
    experiment : str or Experiment
    model, mass, coupling
        The CEvNS model (default: SM), M [MeV] and g.

    Returns
    -------
    dict
        ``energy_edges`` (``energy_unit``: PE for CsI, keVee for Ar), ``time_edges`` [µs];
        ``observed``: {"energy", "time"} projections with ``observed_err`` (√N);
        ``nominal`` and ``fitted``: component name → {"energy", "time"} of the
        predicted CEvNS and backgrounds, without and with the best-fit nuisances of the
        χ² (eq. 6 for CsI, eq. 7-9 for Ar: η normalisations and the ε shape shifts);
        ``chi2`` (profiled) and ``nuisances``.
    """
    exp = _experiment(experiment, data_dir)
    cevns = exp.predict(model, mass, coupling)
    res = exp.chi2(cevns)

    def proj(a: np.ndarray) -> dict[str, np.ndarray]:
        return {"energy": a.sum(axis=1), "time": a.sum(axis=0)}

    # the chi2's own components (eq. 6; eq. 7-9), without and with the fitted nuisances
    nominal = exp.components(cevns)
    fitted = exp.components(cevns, res.nuisances)
    obs = proj(exp.observed)
    return {
        "experiment": exp.name,
        "model": "SM" if model is None else get_model(model).name,
        "mass_MeV": mass,
        "coupling": 0.0 if coupling is None else coupling,
        "energy_unit": exp.energy_unit,
        "energy_edges": np.asarray(exp.energy_edges, dtype=float),
        "time_edges": np.asarray(exp.time_edges, dtype=float),
        "observed": obs,
        "observed_err": {k: np.sqrt(v) for k, v in obs.items()},
        "nominal": {k: proj(v) for k, v in nominal.items()},
        "fitted": {k: proj(v) for k, v in fitted.items()},
        "fitted_2d": fitted,
        "chi2": float(res.chi2),
        "nuisances": dict(res.nuisances),
    }


# -- XENONnT solar 8B -----------------------------------------------------------------
#: Recoil spectrum figure: B-L at the Table 2 low mass, g near the xenon 2σ bound
#: (4.53e-5 at M = 10 keV, ``cevns limits --model B-L --experiment xenonnt``).
XENON_RECOIL_MODEL = ("B-L", 1e-2, 4.5e-5)
#: The four observables of the XENONnT release's binning (``binning/sr*.yaml``), in the
#: order of its templates (C order: cS2, S2 shadow quantile, S1 BDT, S2 BDT).
XENON_OBSERVABLES = (
    ("cs2", "cS2 [PE]"),
    ("s2_shadow_s2_time_shadow_quantile", "S2 shadow quantile"),
    ("s1_bdt_score", "S1 BDT score"),
    ("s2_bdt_score", "S2 BDT score"),
)
#: The runs' bins: 3 per observable, 81 per run.
XENON_RUN_SHAPE = (3, 3, 3, 3)
#: Exclusion figures beyond the paper: model -> data sets drawn (Ar, CsI, xenon, all).
ALL_DATA_FIGURES: dict[str, tuple[str, ...]] = {
    "B-L": ("ar2020", "csi2021", "xenonnt", "csi2021+ar2020+xenonnt"),
}


def xenon_runs(exp: Any) -> list[str]:
    """The science runs of a XENONnT experiment (``["sr0", "sr1"]`` for ``xenonnt``), in
    the order of its observed bins (81 each): those with an AC nuisance ``eta_ac_<run>``."""
    names = [n.name for n in exp.definition.nuisances]
    runs = [n[len("eta_ac_") :] for n in names if n.startswith("eta_ac_")]
    if not runs or np.size(exp.observed) != 81 * len(runs):
        raise InputError(f"{exp.name}: not a XENONnT experiment (no science runs of 81 bins)")
    return runs


def _per_run(values: np.ndarray, runs: Sequence[str]) -> dict[str, np.ndarray]:
    """Split a flat vector of 81 bins per run into run -> (3, 3, 3, 3)."""
    v = np.asarray(values, dtype=float).reshape(len(runs), -1)
    return {r: v[i].reshape(XENON_RUN_SHAPE) for i, r in enumerate(runs)}


def xenon_recoil_data(
    experiment: Any = "xenonnt",
    model: Any = XENON_RECOIL_MODEL[0],
    mass: float = XENON_RECOIL_MODEL[1],
    coupling: float = XENON_RECOIL_MODEL[2],
    T_keV: Iterable[float] | None = None,
    *,
    data_dir: Any = None,
) -> dict[str, Any]:
    """The solar ⁸B recoil spectrum on natural xenon, SM and one light mediator, and what
    each science run detects of it.

    Parameters
    ----------
    experiment : str or Experiment
        A XENONnT experiment (``"xenonnt"``: SR0+SR1).
    model, mass, coupling
        The mediator (default: B−L, M = 10 keV, g = 4.5e-5, near the xenon 2σ bound).
    T_keV : array_like, optional
        Nuclear recoil energies [keV] (default: 500 log points, 0.05-6 keV).

    Returns
    -------
    dict
        ``T_keV``; ``sm`` and ``model_rate``: dR/dE_R [events/(t·yr·keV)], all flavours,
        true recoil energy (no detector); ``nodes_keV``: the template energies (0.5-5
        keV); per run ``exposure_efficiency`` (exposure × the probability that a recoil
        at each node lands in any of the 81 bins, nominal yields: the χ²'s own fold, t·yr)
        and ``detected_sm`` / ``detected_model`` [events/keV]: the spectrum times the
        exposure × efficiency interpolated linearly between nodes (as the engine does; 0
        below the first node, where no template exists); ``expected_sm`` /
        ``expected_model``: the events per run of the χ² (`Experiment.expected_signal`),
        which the detected curves integrate to.
    """
    exp = _experiment(experiment, data_dir)
    runs = xenon_runs(exp)
    T = np.geomspace(0.05, 6.0, 500) if T_keV is None else np.asarray(T_keV, dtype=float)
    nodes = np.asarray(exp.energy_edges, dtype=float)[:-1]
    # exposure x efficiency per node: the chi2's cevns component of a unit node input
    unit = np.zeros(exp.shape)
    weight = {r: np.zeros(nodes.size) for r in runs}
    for k in range(nodes.size):
        unit.flat[:] = 0.0
        unit.flat[k] = 1.0
        for r, v in _per_run(exp.expected_signal(unit), runs).items():
            weight[r][k] = v.sum()
    sm = exp.differential_rate(T).sum(axis=0)
    bsm = exp.differential_rate(T, model, mass, coupling).sum(axis=0)
    out: dict[str, Any] = {
        "experiment": exp.name,
        "model": get_model(model).name,
        "mass_MeV": float(mass),
        "coupling": float(coupling),
        "T_keV": T,
        "sm": sm,
        "model_rate": bsm,
        "nodes_keV": nodes,
        "runs": runs,
        "exposure_efficiency": weight,
        "detected_sm": {},
        "detected_model": {},
        "expected_sm": {},
        "expected_model": {},
    }
    exp_sm = _per_run(exp.expected_signal(exp.predict()), runs)
    exp_bsm = _per_run(exp.expected_signal(exp.predict(model, mass, coupling)), runs)
    for r in runs:
        w = np.interp(T, nodes, weight[r], left=0.0, right=weight[r][-1])
        w[T < nodes[0]] = 0.0
        out["detected_sm"][r] = sm * w
        out["detected_model"][r] = bsm * w
        out["expected_sm"][r] = float(exp_sm[r].sum())
        out["expected_model"][r] = float(exp_bsm[r].sum())
    return out


def garwood_interval(n: Any, cl: float = 0.6827) -> tuple[np.ndarray, np.ndarray]:
    """Central Poisson interval of observed counts (Garwood 1936): the error bars of
    small counts (0 events: [0, 1.84] at 68.27 %)."""
    from scipy.stats import chi2

    n = np.asarray(n, dtype=float)
    a = (1.0 - cl) / 2.0
    low = np.where(n > 0, chi2.ppf(a, 2.0 * n) / 2.0, 0.0)
    high = chi2.ppf(1.0 - a, 2.0 * (n + 1.0)) / 2.0
    return low, high


def xenon_projections_data(
    experiment: Any = "xenonnt",
    model: Any = None,
    mass: float | None = None,
    coupling: float | None = None,
    *,
    data_dir: Any = None,
) -> dict[str, Any]:
    """Observed events vs the fitted components on each of the four observables, per run.

    The 81 bins of a run are 3 × 3 × 3 × 3 in (cS2, S2 shadow quantile, S1 BDT, S2 BDT);
    each projection sums the other three.

    Returns
    -------
    dict
        ``runs``; ``observables`` (name, axis label); ``edges``: run → the four edge
        arrays of the release's binning; ``observed``: run → four projections,
        ``observed_low`` / ``observed_high`` (Garwood 68.27 % intervals);
        ``fitted`` and ``nominal``: run → component (cevns, ac, er, neutron) → four
        projections, with the χ²'s best-fit nuisances (every nuisance profiled, shared
        by the runs) or at nominal; ``totals``: run → {"observed", component: events};
        ``chi2`` and ``nuisances``.
    """
    from pathlib import Path

    from .data.xenonnt import read_binning

    exp = _experiment(experiment, data_dir)
    runs = xenon_runs(exp)
    if exp.data_dir is None:
        raise InputError(f"{exp.name}: built without a data directory; the binning is unknown")
    pred = exp.predict(model, mass, coupling)
    res = exp.chi2(pred)

    def proj(a: np.ndarray) -> list[np.ndarray]:
        return [a.sum(axis=tuple(j for j in range(4) if j != i)) for i in range(4)]

    obs = _per_run(exp.observed, runs)
    comps = {
        kind: {c: _per_run(v, runs) for c, v in exp.components(pred, nuis).items()}
        for kind, nuis in (("fitted", res.nuisances), ("nominal", None))
    }
    out: dict[str, Any] = {
        "experiment": exp.name,
        "model": "SM" if model is None else get_model(model).name,
        "runs": runs,
        "observables": list(XENON_OBSERVABLES),
        "edges": {},
        "observed": {},
        "observed_low": {},
        "observed_high": {},
        "fitted": {},
        "nominal": {},
        "totals": {},
        "chi2": float(res.chi2),
        "nuisances": dict(res.nuisances),
    }
    for r in runs:
        out["edges"][r] = [
            np.asarray(e, dtype=float)
            for e in read_binning(Path(exp.data_dir) / "xenonnt" / "binning" / f"{r}.yaml")
        ]
        out["observed"][r] = proj(obs[r])
        lo_hi = [garwood_interval(p) for p in out["observed"][r]]
        out["observed_low"][r] = [x[0] for x in lo_hi]
        out["observed_high"][r] = [x[1] for x in lo_hi]
        for kind in ("fitted", "nominal"):
            out[kind][r] = {c: proj(v[r]) for c, v in comps[kind].items()}
        out["totals"][r] = {
            "observed": float(obs[r].sum()),
            **{c: float(v[r].sum()) for c, v in comps["fitted"].items()},
        }
    return out
