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
    "DEFAULT_MASSES_MEV",
    "DEFAULT_N_COUPLINGS",
    "EXCLUSION_DATASETS",
    "EXCLUSION_FIGURES",
    "default_couplings",
    "exclusion_data",
    "fig1_data",
    "fig2_data",
    "fig3_data",
    "spectra_data",
]

log = logging.getLogger(__name__)

#: Flavour order of :meth:`cevns.experiments.Experiment.differential_rate`.
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
    """Exclusion regions of one model (Figs. 4-8) for Ar, CsI and CsI+Ar, with the g−2 band.

    Parameters
    ----------
    model : str or Model
    masses, couplings : array_like, optional
        Scan grids [MeV] and g (defaults: :data:`DEFAULT_MASSES_MEV`,
        :func:`default_couplings`).
    dof, cl : Δχ² definition (default 2σ with two parameters, Δχ² = 6.18).
    datasets : sequence of str
        Subset of ``("ar2020", "csi2021", "combined")``.
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
    coupling: float = 0.0,
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
        "coupling": coupling,
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


def __getattr__(name: str) -> Any:
    if name == "T_MAX_KEV":  # deprecated (0.6.0): the experiment definitions' recoil range
        import warnings

        from . import _core

        warnings.warn(
            "cevns.figure_data.T_MAX_KEV is Experiment.definition.recoil_max_keV",
            DeprecationWarning,
            stacklevel=2,
        )
        return {n: _core.experiment_definition(n).recoil_max_keV for n in _core.experiment_names()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
