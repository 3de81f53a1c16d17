"""The numbers behind every figure of the paper (Figs. 1-8) and the data/prediction spectra.

Nothing here imports matplotlib: each ``*_data`` function returns plain numpy
arrays in a dict, which :mod:`cevns.plots` draws and tests check directly.

Scans for the exclusion plots (Figs. 4-8) are cached on disk by
:func:`cached_scan`, keyed by everything that determines them (model charges,
data set, grids, confidence level, package version, SHA-256 of the data files
and the detector settings).

Examples
--------
>>> from cevns.figure_data import fig2_data
>>> d = fig2_data([10.0, 100.0])
>>> sorted(d["epsilon"])
['Le-Lmu', 'Le-Ltau', 'Lmu-Ltau']
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__, _core
from .errors import InputError
from .models import Model, get_model

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

#: Default recoil-energy range [keV] of Figs. 1 and 3 (up to the kinematic endpoint of
#: the 52.8 MeV end of the muon-decay spectra).
T_MAX_KEV = {"ar2020": 160.0, "csi2021": 50.0}

#: Panels of the exclusion figures (Sec. IV): figure -> models.
EXCLUSION_FIGURES: dict[str, tuple[str, ...]] = {
    "fig4": ("universal",),
    "fig5": ("B-L", "By+Lmu+Ltau"),
    "fig6": ("B-3Le", "B-3Lmu"),
    "fig7": ("B-2Le-Lmu", "B-Le-2Lmu"),
    "fig8": ("Le-Ltau", "Le-Lmu", "Lmu-Ltau", "scalar"),
}

#: Data sets drawn in each exclusion panel (paper: red Ar, blue CsI, black CsI+Ar).
EXCLUSION_DATASETS = ("ar2020", "csi2021", "combined")

#: Default mass grid of the exclusion figures [MeV]: 10 per decade, 10 keV - 10 GeV.
DEFAULT_MASSES_MEV = np.geomspace(1e-2, 1e4, 61)
#: Number of couplings of the default (log) coupling grid.
DEFAULT_N_COUPLINGS = 200


def default_couplings(model: str | Model, n: int = DEFAULT_N_COUPLINGS) -> np.ndarray:
    """Log grid of couplings g for the exclusion plots of a model.

    Tree-level vector and scalar models: 1e-6 ... 1; kinetic-mixing (L_alpha - L_beta,
    one loop weaker, eq. 28): 1e-5 ... 10. Both cover the allowed strips at high mass.
    """
    kind = get_model(model).kind
    lo, hi = (1e-5, 10.0) if kind == "kinetic_mixing" else (1e-6, 1.0)
    return np.geomspace(lo, hi, int(n))


# -- Fig. 1 and 3: differential rates ------------------------------------------------
def _experiment(exp: Any, data_dir: Any = None) -> Any:
    if isinstance(exp, str):
        from .experiments import experiment

        return experiment(exp, data_dir)
    return exp


def _t_grid(exp: Any, T_keV: Iterable[float] | None, n: int = 600) -> np.ndarray:
    if T_keV is not None:
        return np.asarray(T_keV, dtype=float)
    t_max = T_MAX_KEV.get(exp.name, 160.0)
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
        :data:`T_MAX_KEV`).
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


# -- scan cache ----------------------------------------------------------------------
def resolve_cache_dir(path: Any = None) -> Path:
    """Directory of the scan cache: ``path``, ``$CEVNS_CACHE_DIR`` or the per-user cache.

    The per-user cache is ``platformdirs.user_cache_dir("cevns")`` (e.g.
    ``~/.cache/cevns`` on Linux).
    """
    if path is not None:
        return Path(path)
    env = os.environ.get("CEVNS_CACHE_DIR", "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("cevns"))


def _experiments_for(
    dataset: str, experiments: Mapping[str, Any] | None, data_dir: Any
) -> dict[str, Any]:
    from .experiments import experiment
    from .scan import dataset_members

    given = dict(experiments or {})
    return {n: given.get(n) or experiment(n, data_dir) for n in dataset_members(dataset)}


def scan_cache_key(
    model: str | Model,
    dataset: str,
    masses: Iterable[float],
    couplings: Iterable[float],
    dof: int = 2,
    cl: str | float = "2sigma",
    experiments: Mapping[str, Any] | None = None,
    data_dir: Any = None,
) -> str:
    """SHA-256 (hex) identifying a scan: everything its result depends on.

    The key covers the model (kind and charges), the data set, both grids (exact
    float64 bytes), dof and CL, ``cevns.__version__``, the SHA-256 of every data file
    read (:func:`cevns.provenance.provenance`) and the detector settings.
    """
    from .provenance import provenance

    mdl = get_model(model)
    exps = _experiments_for(dataset, experiments, data_dir)
    m = np.ascontiguousarray(masses, dtype=np.float64)
    g = np.ascontiguousarray(couplings, dtype=np.float64)
    key = {
        "model": {"kind": mdl.kind, "charges": mdl.charges.to_dict(), "name": mdl.name},
        "dataset": dataset,
        "masses_sha256": hashlib.sha256(m.tobytes()).hexdigest(),
        "couplings_sha256": hashlib.sha256(g.tobytes()).hexdigest(),
        "n": [int(m.size), int(g.size)],
        "dof": int(dof),
        "cl": str(cl),
        "cevns_version": __version__,
        "data_sha256": provenance(exps.values())["data_sha256"],
        "settings": {n: e.settings for n, e in sorted(exps.items())},
    }
    text = json.dumps(key, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def scan_from_dict(d: Mapping[str, Any]) -> Any:
    """Rebuild a :class:`cevns.scan.ScanResult` from its ``to_dict()``."""
    from .scan import ScanResult

    return ScanResult(
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


def cached_scan(
    model: str | Model,
    dataset: str,
    masses: Iterable[float] | None = None,
    couplings: Iterable[float] | None = None,
    dof: int = 2,
    cache_dir: Any = None,
    *,
    cl: str | float = "2sigma",
    experiments: Mapping[str, Any] | None = None,
    data_dir: Any = None,
    refresh: bool = False,
) -> Any:
    """:func:`cevns.scan.scan` with an on-disk JSON cache.

    Parameters
    ----------
    model : str or Model
    dataset : {"csi2021", "ar2020", "combined"}
    masses, couplings : array_like, optional
        Grids [MeV] and g (default: :data:`DEFAULT_MASSES_MEV`, :func:`default_couplings`).
    dof : {1, 2}
        Parameters of the Δχ² (2: 6.18 at 2σ, the package default).
    cache_dir : path-like, optional
        Cache directory (default: :func:`resolve_cache_dir`: ``$CEVNS_CACHE_DIR`` or the
        per-user cache directory). Files are ``scan-<sha256>.json``.
    cl : str or float
        Confidence level (default 2σ).
    experiments : mapping, optional
        Built experiments to reuse.
    refresh : bool
        Recompute and overwrite even if cached.

    Returns
    -------
    cevns.scan.ScanResult
        Identical (to the JSON round trip of float64) whether computed or read.
    """
    from . import scan as scan_mod

    m = DEFAULT_MASSES_MEV if masses is None else np.asarray(masses, dtype=float)
    g = default_couplings(model) if couplings is None else np.asarray(couplings, dtype=float)
    exps = _experiments_for(dataset, experiments, data_dir)
    key = scan_cache_key(model, dataset, m, g, dof, cl, exps)
    directory = resolve_cache_dir(cache_dir)
    path = directory / f"scan-{key}.json"
    if path.is_file() and not refresh:
        try:
            payload = json.loads(path.read_text())
            if payload.get("key") == key:
                log.info("scan cache hit %s", path)
                return scan_from_dict(payload["result"])
        except (OSError, ValueError, KeyError, TypeError) as exc:  # corrupt entry: recompute
            log.warning("ignoring unreadable cache file %s (%s)", path, exc)
    log.info("scanning %s %s (%d x %d)", get_model(model).name, dataset, m.size, g.size)
    res = scan_mod.scan(model, dataset, m, g, cl=cl, dof=dof, experiments=exps)
    payload = {"key": key, "cevns_version": __version__, "result": res.to_dict()}
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".scan-", suffix=".json", dir=directory)
        with os.fdopen(fd, "w") as f:
            json.dump(payload, f)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only cache must not break the computation
        log.warning("cannot write scan cache %s (%s)", path, exc)
    return scan_from_dict(json.loads(json.dumps(res.to_dict())))


# -- Figs. 4-8: exclusion regions ---------------------------------------------------
def allowed_mask(
    intervals: Sequence[Sequence[tuple[float, float]]], g: Iterable[float]
) -> np.ndarray:
    """Boolean map [mass, g] of the points inside the allowed intervals of each mass."""
    gg = np.asarray(g, dtype=float)
    out = np.zeros((len(intervals), gg.size), dtype=bool)
    for i, iv in enumerate(intervals):
        for lo, hi in iv:
            out[i] |= (gg >= lo) & (gg <= hi)
    return out


def allowed_field(
    intervals: Sequence[Sequence[tuple[float, float]]], g: Iterable[float]
) -> tuple[np.ndarray, np.ndarray]:
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
    log-log plot.
    """
    from contourpy import FillType, LineType, contour_generator

    return contour_generator(
        x=np.log10(np.asarray(m, dtype=float)),
        y=np.log10(np.asarray(g, dtype=float)),
        z=np.asarray(field).T,
        line_type=LineType.Separate,
        fill_type=FillType.OuterCode,
    )


def boundary_lines(
    masses: Iterable[float],
    couplings: Iterable[float],
    intervals: Sequence[Sequence[tuple[float, float]]],
) -> list[np.ndarray]:
    """The boundary of the allowed region as polylines, each an (n, 2) array [M (MeV), g].

    From the scan's root-found interval edges (:func:`allowed_field`), so the lines
    pass through the exact edges at every scan mass, thin strips included.
    """
    g_grid, field = allowed_field(intervals, couplings)
    cg = log_contour_generator(masses, g_grid, field)
    return [10.0 ** np.asarray(seg) for seg in cg.lines(0.0) if len(seg) > 1]


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
        Use :func:`cached_scan` (else :func:`cevns.scan.scan` directly).
    gm2_sigma : float
        Half-width of the (g−2)_μ band in σ (paper: 2).

    Returns
    -------
    dict
        ``model``, ``masses_MeV``, ``couplings``; ``scans``: data set →
        :class:`~cevns.scan.ScanResult`; ``exclusion_line``: data set → upper edge
        of the lowest allowed region per mass (g above it excluded; NaN where
        nothing is allowed); ``intervals``: data set → allowed intervals per mass
        (thin strips included); ``gm2``: :class:`~cevns.gm2.Gm2Band` on the scan
        masses, or None when the model does not couple to the muon.
    """
    from .gm2 import gm2_band, has_gm2_band
    from .scan import scan

    mdl = get_model(model)
    m = DEFAULT_MASSES_MEV if masses is None else np.asarray(masses, dtype=float)
    g = default_couplings(mdl) if couplings is None else np.asarray(couplings, dtype=float)
    exps = dict(experiments or {})
    for d in datasets:
        exps.update(_experiments_for(d, exps, data_dir))
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
def _fitted_components(exp: Any, cevns: np.ndarray, nuis: Mapping[str, float]) -> dict[str, Any]:
    """Predicted components with the best-fit nuisances applied (eq. 6; eq. 7-9)."""
    b = exp.backgrounds
    if exp.name == "csi2021":
        out = {"cevns": (1 + nuis.get("eta_cevns", 0.0)) * cevns}
        for k in b:
            out[k] = (1 + nuis.get(f"eta_{k}", 0.0)) * b[k]
        return out
    s = exp.shape_systematics
    f_cevns = sum(nuis.get(f"eps_{k}", 0.0) * s[k] for k in s if k.startswith("cevns_"))
    f_brn = sum(nuis.get(f"eps_{k}", 0.0) * s[k] for k in s if k.startswith("brn_"))
    out = {"cevns": (1 + nuis.get("eta_cevns", 0.0) + f_cevns) * cevns}
    for k in b:
        shape = f_brn if k == "prompt_brn" else 0.0
        out[k] = (1 + nuis.get(f"eta_{k}", 0.0) + shape) * b[k]
    return out


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

    nominal = {"cevns": cevns, **exp.backgrounds}
    fitted = _fitted_components(exp, cevns, res.nuisances)
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
