"""The muon g−2 anomaly and the light-mediator couplings that explain it (paper Appendix B).

A neutral boson B of mass M_B coupled to the muon with strength g_B adds (eq. 58-59)

    δa_μ = g_B² / (8π²) ∫_0^1 dx Q(x) / (x² + (1 − x) M_B²/m_μ²),
    Q(x) = x²(2 − x) (scalar),  2x²(1 − x) (vector),

to a_μ = (g − 2)_μ / 2; the loop integral is computed by the C++ core
(``cevns._core.gm2_loop_integral``). The measured excess is Δa_μ = (25.1 ± 5.9) × 10⁻¹⁰
(eq. 57). In a model the muon coupling is g_B = g Q'_μ (g̃_φ itself for the scalar
of eq. 42), so the band of g explaining Δa_μ within ± n σ (Figs. 4-8) is

    g = sqrt(δa / (δa_μ per g_B²)) / |Q'_μ|,   δa = Δa_μ ∓ n σ.

Kinetic-mixing models (L_α − L_β) couple to the muon at tree level: their loop is the
vector one. Models with Q'_μ = 0 (B − 3L_e, L_e − L_τ) have no band.

Examples
--------
>>> from cevns.gm2 import gm2_band
>>> band = gm2_band("Lmu-Ltau", [10.0, 100.0])
>>> bool(band.g_lower[0] < band.g_upper[0])
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _core
from .errors import InputError, ModelError
from .models import Model, get_model

__all__ = [
    "DELTA_A_MU",
    "REPORT_DEFAULT_MASSES",
    "REPORT_MASSES_MEV",
    "SIGMA_A_MU",
    "Gm2Band",
    "band_exclusion",
    "coupling_for",
    "delta_a_mu",
    "gm2_band",
    "gm2_report",
    "has_gm2_band",
    "loop_integral",
]


#: Δa_μ = a_μ(exp) − a_μ(SM), central value (eq. 57; BNL E821 + FNAL 2021 combination).
DELTA_A_MU = 25.1e-10
#: One-standard-deviation uncertainty of Δa_μ (eq. 57).
SIGMA_A_MU = 5.9e-10

#: Loop function used for each model kind (``Model.kind``) and for the plain boson names.
_BOSON_OF_KIND = {
    "scalar": _core.GM2Boson.scalar,
    "vector": _core.GM2Boson.vector,
    "kinetic_mixing": _core.GM2Boson.vector,
}


def _boson(kind: Any) -> Any:
    if isinstance(kind, _core.GM2Boson):
        return kind
    if isinstance(kind, str) and kind in _BOSON_OF_KIND:
        return _BOSON_OF_KIND[kind]
    raise InputError(
        f"unknown boson kind {kind!r}; accepted: {', '.join(_BOSON_OF_KIND)} "
        "(kinetic_mixing uses the vector loop)"
    )


def _masses(mass_MeV: Any, name: str = "mass_MeV") -> np.ndarray:
    try:
        m = np.asarray(mass_MeV, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            f"{name} must be a number or an array of numbers, got {mass_MeV!r}"
        ) from None
    if m.size == 0:
        raise InputError(f"{name} is empty")
    if not (np.all(np.isfinite(m)) and np.all(m > 0)):
        raise InputError(f"{name} must be finite and > 0 MeV, got {mass_MeV!r}")
    return m


def _out(values: np.ndarray, *inputs: Any) -> Any:
    """A float when every input was a scalar, else the array."""
    if all(np.ndim(x) == 0 for x in inputs):
        return float(np.asarray(values).reshape(()))
    return np.asarray(values)


def loop_integral(kind: Any, mass_MeV: ArrayLike) -> Any:
    """The loop integral ∫_0^1 Q(x)/(x² + (1 − x) M²/m_μ²) dx of eq. (58)-(59).

    Parameters
    ----------
    kind : {"vector", "scalar", "kinetic_mixing"} or cevns._core.GM2Boson
        Boson type (kinetic_mixing = vector).
    mass_MeV : float or array_like
        Boson mass M [MeV], finite and > 0.

    Returns
    -------
    float or numpy.ndarray
        Dimensionless; → 1 (vector) or 3/2 (scalar) for M ≪ m_μ.
    """
    m = _masses(mass_MeV)
    return _out(_core.gm2_loop_integral(_boson(kind), m), mass_MeV)


def delta_a_mu(kind: Any, mass_MeV: ArrayLike, g: ArrayLike) -> Any:
    """Contribution δa_μ of a boson of mass M and muon coupling g (eq. 58-59).

    Parameters
    ----------
    kind : {"vector", "scalar", "kinetic_mixing"} or cevns._core.GM2Boson
    mass_MeV : float or array_like
        Boson mass M [MeV], finite and > 0.
    g : float or array_like
        Coupling of the boson to the muon (g Q'_μ in a U(1)' model), broadcast with M.

    Returns
    -------
    float or numpy.ndarray
        δa_μ (dimensionless), g²/(8π²) times :func:`loop_integral`.
    """
    m = _masses(mass_MeV)
    gg = np.asarray(g, dtype=float)
    if not np.all(np.isfinite(gg)):
        raise InputError(f"coupling g must be finite, got {g!r}")
    return _out(_core.delta_a_mu(_boson(kind), m, gg), mass_MeV, g)


def coupling_for(delta_a: ArrayLike, kind: Any, mass_MeV: ArrayLike) -> Any:
    """Muon coupling g_B ≥ 0 that gives δa_μ = ``delta_a`` (inverse of eq. 58).

    g_B = sqrt(δa / (δa_μ per g_B²)) = sqrt(8π² δa / I(M)).

    Parameters
    ----------
    delta_a : float or array_like
        Target δa_μ, ≥ 0 (a scalar or vector loop only adds to a_μ).
    kind : {"vector", "scalar", "kinetic_mixing"} or cevns._core.GM2Boson
    mass_MeV : float or array_like
        Boson mass M [MeV], broadcast with ``delta_a``.
    """
    d = np.asarray(delta_a, dtype=float)
    if not (np.all(np.isfinite(d)) and np.all(d >= 0)):
        raise InputError(
            f"delta_a must be finite and >= 0 (a scalar or vector boson cannot lower a_mu), "
            f"got {delta_a!r}"
        )
    per_g2 = np.asarray(delta_a_mu(kind, mass_MeV, 1.0))
    return _out(np.sqrt(d / per_g2), delta_a, mass_MeV)


def has_gm2_band(model: str | Model) -> bool:
    """True when the model's boson couples to the muon (Q'_μ ≠ 0, or the scalar)."""
    return get_model(model).muon_coupling_factor != 0.0


@dataclass(frozen=True)
class Gm2Band:
    """Couplings g of a model that explain Δa_μ within ± n_sigma σ (Figs. 4-8).

    Attributes
    ----------
    model : str
        Model name.
    boson : {"vector", "scalar"}
        Loop function used (eq. 59).
    muon_coupling_factor : float
        Q'_μ (1 for the scalar): the muon coupling is g × Q'_μ.
    n_sigma : float
    masses_MeV : numpy.ndarray
        Boson masses [MeV], increasing.
    g_lower, g_upper : numpy.ndarray
        Band edges in the model's coupling g, from Δa_μ − nσ and Δa_μ + nσ
        (g_lower = 0 where Δa_μ − nσ ≤ 0).
    delta_a_mu, sigma_a_mu : float
        Central value and uncertainty used (eq. 57 by default).
    """

    model: str
    boson: str
    muon_coupling_factor: float
    n_sigma: float
    masses_MeV: np.ndarray
    g_lower: np.ndarray
    g_upper: np.ndarray
    delta_a_mu: float = DELTA_A_MU
    sigma_a_mu: float = SIGMA_A_MU

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "boson": self.boson,
            "muon_coupling_factor": self.muon_coupling_factor,
            "n_sigma": self.n_sigma,
            "delta_a_mu": self.delta_a_mu,
            "sigma_a_mu": self.sigma_a_mu,
            "masses_MeV": self.masses_MeV.tolist(),
            "g_lower": self.g_lower.tolist(),
            "g_upper": self.g_upper.tolist(),
        }


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float)
    a.setflags(write=False)
    return a


def gm2_band(
    model: str | Model,
    masses_MeV: ArrayLike,
    n_sigma: float = 2.0,
    *,
    delta_a: float = DELTA_A_MU,
    sigma: float = SIGMA_A_MU,
) -> Gm2Band:
    """The (g−2)_μ band of a model: g with |g Q'_μ| explaining Δa_μ ± n_sigma σ (eq. 57-59).

    Parameters
    ----------
    model : str or Model
        A model of :mod:`cevns.models` (``"vector"`` and ``"kinetic_mixing"`` kinds use
        the vector loop, ``"scalar"`` the scalar loop with g = g̃_φ).
    masses_MeV : array_like
        Boson masses [MeV], finite and > 0; sorted and de-duplicated in the result.
    n_sigma : float
        Half-width of the band in units of σ (the paper's figures use 2).
    delta_a, sigma : float
        Δa_μ and its σ (default: eq. 57).

    Raises
    ------
    ModelError
        The model does not couple to the muon (Q'_μ = 0: B−3Le, Le−Ltau).
    InputError
        Invalid masses, n_sigma < 0 or non-finite, or invalid delta_a / sigma.
    """
    mdl = get_model(model)
    q_mu = mdl.muon_coupling_factor
    if q_mu == 0.0:
        raise ModelError(f"model {mdl.name} does not couple to the muon (Q'_mu = 0): no g-2 band")
    if not (isinstance(n_sigma, (int, float)) and math.isfinite(n_sigma) and n_sigma >= 0):
        raise InputError(f"n_sigma must be a finite number >= 0, got {n_sigma!r}")
    if not (math.isfinite(delta_a) and delta_a > 0 and math.isfinite(sigma) and sigma >= 0):
        raise InputError(f"need finite delta_a > 0 and sigma >= 0, got {delta_a!r}, {sigma!r}")
    m = np.unique(_masses(masses_MeV, "masses_MeV").ravel())
    boson = _boson(mdl.kind)
    lo = max(delta_a - n_sigma * sigma, 0.0)
    hi = delta_a + n_sigma * sigma
    scale = 1.0 / abs(q_mu)
    g_lower = np.asarray(coupling_for(np.full(m.shape, lo), boson, m)) * scale
    g_upper = np.asarray(coupling_for(np.full(m.shape, hi), boson, m)) * scale
    return Gm2Band(
        mdl.name,
        boson.name,
        float(q_mu),
        float(n_sigma),
        _readonly(m),
        _readonly(g_lower),
        _readonly(g_upper),
        float(delta_a),
        float(sigma),
    )


def _runs(masses: np.ndarray, flags: np.ndarray) -> list[list[float]]:
    """[[first, last], ...] mass of each maximal run of consecutive True flags."""
    runs: list[list[float]] = []
    start = None
    for i, f in enumerate(flags):
        if f and start is None:
            start = i
        if start is not None and (not f or i == len(flags) - 1):
            end = i if f else i - 1
            runs.append([float(masses[start]), float(masses[end])])
            start = None
    return runs


def band_exclusion(
    band: Gm2Band, limit_masses: ArrayLike, limit_g_upper: ArrayLike
) -> dict[str, Any]:
    """Where a CEvNS exclusion curve rules out the (g−2)_μ band (Section IV, Figs. 4-8).

    The CEvNS limit excludes, at each mass, every g above ``limit_g_upper`` (the upper
    edge of the lowest allowed region in g, as in :mod:`cevns.infer.limits`). The band is
    *excluded* at a mass when its lower edge lies above the limit (g_lower > limit), and
    *(partly) allowed* otherwise. The limit is interpolated linearly in (ln M, ln g) onto
    the band masses; outside the mass range of the curve, or next to a limit point that
    is NaN or +inf (no exclusion found), nothing is excluded.

    Parameters
    ----------
    band : Gm2Band
        From :func:`gm2_band`.
    limit_masses : array_like
        Masses of the exclusion curve [MeV], finite and > 0.
    limit_g_upper : array_like
        Lowest excluded coupling g at each of those masses (> 0; NaN or inf: none).

    Returns
    -------
    dict
        ``excluded_below_MeV``: the largest band mass M* such that the band is excluded
        at every band mass ≤ M* (None if it is allowed at the lowest band mass);
        ``allowed_ranges_MeV`` and ``excluded_ranges_MeV``: [[lo, hi], ...] runs of band
        masses where the band is (partly) allowed / excluded, at the resolution of the
        band's mass grid; ``fully_excluded``: bool; ``model`` and ``n_sigma`` of the band.
    """
    lm = _masses(limit_masses, "limit_masses").ravel()
    lg = np.asarray(limit_g_upper, dtype=float).ravel()
    if lg.shape != lm.shape:
        raise InputError(
            f"limit_masses and limit_g_upper have different lengths ({lm.size}, {lg.size})"
        )
    if np.any(lg[~np.isnan(lg)] <= 0):
        raise InputError("limit_g_upper must be > 0 (NaN or inf where nothing is excluded)")
    order = np.argsort(lm)
    lm, lg = lm[order], lg[order]
    with np.errstate(invalid="ignore"):
        log_g = np.where(np.isfinite(lg), np.log(np.where(np.isfinite(lg), lg, 1.0)), np.nan)
        m = band.masses_MeV
        inside = (m >= lm[0]) & (m <= lm[-1])
        lim = np.exp(np.interp(np.log(m), np.log(lm), log_g))
        excluded = inside & np.isfinite(lim) & (band.g_lower > lim)
    n_first_allowed = int(np.argmin(excluded)) if not excluded.all() else excluded.size
    return {
        "model": band.model,
        "n_sigma": band.n_sigma,
        "excluded_below_MeV": float(m[n_first_allowed - 1]) if n_first_allowed > 0 else None,
        "allowed_ranges_MeV": _runs(m, ~excluded),
        "excluded_ranges_MeV": _runs(m, excluded),
        "fully_excluded": bool(excluded.all()),
    }


# -- the CEvNS exclusion vs the band (``cevns gm2``) ------------------------------------
#: Masses [MeV] at which :func:`gm2_report` lists the band.
REPORT_MASSES_MEV = (0.1, 1.0, 10.0, 100.0, 1000.0)
#: Default mass grid of :func:`gm2_report`: 20 per decade, 10 keV - 10 GeV [MeV].
REPORT_DEFAULT_MASSES = (1e-2, 1e4, 121)


def _strip_overlap(band: Gm2Band, intervals: list[list[tuple[float, float]]]) -> np.ndarray:
    """Masses where the band misses the lowest allowed interval but meets a higher one."""
    out = np.zeros(band.masses_MeV.size, dtype=bool)
    for i, iv in enumerate(intervals):
        lo, hi = band.g_lower[i], band.g_upper[i]
        if iv and lo <= iv[0][1]:
            continue
        out[i] = any(a <= hi and b >= lo for a, b in iv[1:])
    return out


def gm2_report(
    model: str | Model,
    masses: ArrayLike | None = None,
    couplings: ArrayLike | None = None,
    *,
    dof: int = 2,
    cl: str | float = "2sigma",
    data_dir: Any = None,
    cache_dir: Any = None,
    experiments: Any = None,
) -> dict[str, Any]:
    """Does the COHERENT exclusion cover the (g−2)_μ band of a model? (Sec. IV, Figs. 4-8)

    For each data set (Ar, CsI, CsI+Ar) the exclusion line of an (M, g) scan (upper
    edge of the lowest allowed region; :func:`cevns.scan_cache.cached_scan`) is
    compared with the 2σ band of g explaining Δa_μ (eq. 57-59) by
    :func:`band_exclusion`, at the scan's masses.

    Parameters
    ----------
    model : str or Model
        A model with a muon coupling (else :class:`~cevns.errors.ModelError`).
    masses : array_like, optional
        Scan masses [MeV], any order (sorted here; default 121 log points 10 keV-10 GeV).
    couplings : array_like, optional
        Scan couplings (default: :func:`cevns.scan_cache.default_couplings`).
    dof, cl
        The Δχ² of the allowed regions (default 2σ, two parameters: 6.18).
    data_dir, cache_dir : path-like, optional
    experiments : mapping, optional
        Already built experiments by name (e.g. with detector options).

    Returns
    -------
    dict
        JSON-ready: ``band`` at :data:`REPORT_MASSES_MEV`, the band and ``datasets``
        (per data set: :func:`band_exclusion`'s summary, ``limit_g`` on the masses,
        ``strip_overlap_ranges_MeV`` and the extreme ratios band edge / limit),
        ``settings`` and ``provenance``.
    """
    from .datasets import PAPER_ORDER, experiments_for
    from .provenance import provenance
    from .scan_cache import cached_scan, default_couplings
    from .stats import delta_chi2_threshold

    mdl = get_model(model)
    gm2_band(mdl, [1.0])  # ModelError before any scan if there is no muon coupling
    m = np.geomspace(*REPORT_DEFAULT_MASSES) if masses is None else _masses(masses).ravel()
    m = np.sort(m)
    g = default_couplings(mdl) if couplings is None else np.asarray(couplings, dtype=float)
    g = np.sort(g)
    exps = experiments_for("combined", data_dir, experiments)
    band = gm2_band(mdl, m)
    few = gm2_band(mdl, REPORT_MASSES_MEV)
    results = {}
    for d in PAPER_ORDER:
        res = cached_scan(mdl, d, m, g, dof, cache_dir, cl=cl, experiments=exps)
        line = res.lowest_edge()
        ok = np.isfinite(line) & (line > 0)
        summary = band_exclusion(band, res.masses_MeV[ok], line[ok]) if ok.any() else None
        if summary is None:
            none = np.zeros(m.size, dtype=bool)
            summary = {
                "excluded_below_MeV": None,
                "allowed_ranges_MeV": _runs(m, ~none),
                "excluded_ranges_MeV": [],
                "fully_excluded": False,
            }
        summary.pop("model", None)
        summary.pop("n_sigma", None)
        summary["strip_overlap_ranges_MeV"] = _runs(
            band.masses_MeV, _strip_overlap(band, res.intervals)
        )
        lim = (
            np.exp(np.interp(np.log(band.masses_MeV), np.log(res.masses_MeV[ok]), np.log(line[ok])))
            if ok.any()
            else np.full(m.size, np.nan)
        )
        summary["limit_g"] = lim.tolist()
        with np.errstate(invalid="ignore", divide="ignore"):
            lo_ratio = band.g_lower / lim
            hi_ratio = band.g_upper / lim
        good = np.isfinite(lo_ratio) & np.isfinite(hi_ratio)
        if good.any():
            i_lo = int(np.nanargmin(np.where(good, lo_ratio, np.nan)))
            i_hi = int(np.nanargmax(np.where(good, hi_ratio, np.nan)))
            summary["min_band_lower_over_limit"] = [
                float(lo_ratio[i_lo]),
                float(band.masses_MeV[i_lo]),
            ]
            summary["max_band_upper_over_limit"] = [
                float(hi_ratio[i_hi]),
                float(band.masses_MeV[i_hi]),
            ]
        else:
            summary["min_band_lower_over_limit"] = summary["max_band_upper_over_limit"] = None
        results[d] = summary
    return {
        "model": mdl.name,
        "muon_coupling_factor": band.muon_coupling_factor,
        "n_sigma": band.n_sigma,
        "delta_a_mu": band.delta_a_mu,
        "sigma_a_mu": band.sigma_a_mu,
        "band": [
            {"mass_MeV": float(x), "g_lower": float(lo), "g_upper": float(hi)}
            for x, lo, hi in zip(few.masses_MeV, few.g_lower, few.g_upper)
        ],
        "masses_MeV": band.masses_MeV.tolist(),
        "g_lower": band.g_lower.tolist(),
        "g_upper": band.g_upper.tolist(),
        "datasets": results,
        "settings": {
            "cl": cl,
            "dof": dof,
            "delta_chi2": delta_chi2_threshold(cl, dof),
            "n_masses": int(m.size),
            "mass_range_MeV": [float(m[0]), float(m[-1])],
            "n_couplings": int(g.size),
            "coupling_range": [float(g[0]), float(g[-1])],
            "criterion": "band excluded at a mass when its lower edge lies above the "
            "exclusion line (upper edge of the lowest allowed region)",
        },
        "provenance": provenance(exps.values()),
    }
