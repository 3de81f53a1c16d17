"""Simple fits on top of the profiled likelihoods: a free CEvNS normalisation
and nuisance pulls.

``chi2`` is -2 ln L up to a constant (eq. 6 for CsI, eq. 7 for Ar, their sum
for the combination), minimised over the nuisance parameters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from .errors import InputError
from .likelihood import ArLikelihood, Chi2Result, CombinedLikelihood, CsiLikelihood

__all__ = ["NormalisationFit", "fit_normalisation", "pulls", "sm_fit"]

Likelihood = Union[CsiLikelihood, ArLikelihood, CombinedLikelihood]


@dataclass(frozen=True)
class NormalisationFit:
    """Result of :func:`fit_normalisation` (all event numbers summed over bins).

    Attributes
    ----------
    predicted : float
        Total predicted CEvNS events (scale s = 1).
    best : float
        Best-fit number of CEvNS events, ``s_best * predicted``.
    lower, upper : float
        Interval edges (events) where ``chi2 - chi2_min = cl_delta_chi2``;
        ``lower`` is 0 when the interval reaches s = 0.
    chi2_min : float
        Profiled chi2 at the best fit.
    nuisances : Mapping[str, float]
        Nuisances at the best fit (``eta_cevns`` is fixed at 0 there).
    cl_delta_chi2 : float
        The Delta chi2 that defines the interval.
    """

    predicted: float
    best: float
    lower: float
    upper: float
    chi2_min: float
    nuisances: Mapping[str, float]
    cl_delta_chi2: float = 1.0

    @property
    def scale(self) -> float:
        """Best-fit scale factor ``best / predicted``."""
        return self.best / self.predicted

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "predicted": float(self.predicted),
            "best": float(self.best),
            "lower": float(self.lower),
            "upper": float(self.upper),
            "chi2_min": float(self.chi2_min),
            "nuisances": {k: float(v) for k, v in self.nuisances.items()},
            "cl_delta_chi2": float(self.cl_delta_chi2),
        }


def _scaled(prediction: Any, s: float) -> Any:
    if isinstance(prediction, Mapping):
        return {k: s * v for k, v in prediction.items()}
    return s * prediction


def fit_normalisation(
    likelihood: Likelihood,
    prediction: np.ndarray | Mapping[str, np.ndarray],
    *,
    cl_delta_chi2: float = 1.0,
) -> NormalisationFit:
    """Fit a free normalisation ``s >= 0`` of the CEvNS prediction.

    The predicted events are ``s * prediction`` in every bin; chi2(s) is the
    profiled chi2 of eq. (6) / eq. (7) (the sum for a combined likelihood).
    While ``s`` is free the CEvNS normalisation nuisance ``eta_cevns`` is fixed
    at 0 (its sigma set to 0): the free normalisation replaces it, otherwise the
    two would be degenerate. All other nuisances are profiled.

    The best fit minimises chi2(s) (bounded Brent search, chi2 is convex in s);
    the interval edges solve ``chi2(s) - chi2_min = cl_delta_chi2`` (Brent root
    finding), e.g. 1 for 68.27% C.L. and 4 for 95.45% C.L. in one parameter.

    Parameters
    ----------
    likelihood : CsiLikelihood, ArLikelihood or CombinedLikelihood
    prediction : numpy.ndarray or Mapping[str, numpy.ndarray]
        CEvNS prediction (events per [energy, time] bin); a mapping data set ->
        array for a combined likelihood (one common scale for all data sets).
    cl_delta_chi2 : float
        Delta chi2 defining the interval (> 0).

    Returns
    -------
    NormalisationFit
        Event numbers summed over all bins (and data sets).
    """
    if not (math.isfinite(cl_delta_chi2) and cl_delta_chi2 > 0):
        raise InputError(f"cl_delta_chi2 must be finite and > 0, got {cl_delta_chi2}")
    if isinstance(likelihood, CombinedLikelihood):
        if not isinstance(prediction, Mapping):
            raise InputError(
                "fit_normalisation: a combined likelihood needs a mapping data set -> prediction"
            )
        prediction = {k: np.asarray(v, dtype=np.float64) for k, v in prediction.items()}
        predicted = float(sum(np.sum(v) for v in prediction.values()))
    else:
        prediction = np.asarray(prediction, dtype=np.float64)
        predicted = float(np.sum(prediction))
    if not (math.isfinite(predicted) and predicted > 0):
        raise InputError(
            f"fit_normalisation: the prediction must have a positive finite total, got {predicted}"
        )
    free = likelihood.with_sigmas(eta_cevns=0.0)

    def chi2(s: float) -> float:
        return free.chi2(_scaled(prediction, max(s, 0.0))).chi2

    # upper bracket: chi2 convex in s, grow until clearly above the minimum
    s_hi = 2.0
    f_ref = min(chi2(0.0), chi2(1.0))
    for _ in range(60):
        if chi2(s_hi) > f_ref + cl_delta_chi2 + 1.0:
            break
        s_hi *= 2.0
    else:
        raise InputError("fit_normalisation: chi2 does not grow with the scale; no upper edge")

    opt = minimize_scalar(chi2, bounds=(0.0, s_hi), method="bounded", options={"xatol": 1e-10})
    s_best = float(opt.x)
    f_min = float(opt.fun)
    f0 = chi2(0.0)
    if f0 <= f_min:  # minimum on the boundary s = 0
        s_best, f_min = 0.0, f0
    target = f_min + cl_delta_chi2

    if chi2(0.0) <= target:
        s_lo = 0.0
    else:
        s_lo = brentq(lambda s: chi2(s) - target, 0.0, s_best, xtol=1e-12, rtol=1e-12)
    s_up = brentq(lambda s: chi2(s) - target, s_best, s_hi, xtol=1e-12, rtol=1e-12)

    best = free.chi2(_scaled(prediction, s_best))
    return NormalisationFit(
        predicted=predicted,
        best=s_best * predicted,
        lower=s_lo * predicted,
        upper=s_up * predicted,
        chi2_min=best.chi2,
        nuisances=dict(best.nuisances),
        cl_delta_chi2=float(cl_delta_chi2),
    )


def pulls(
    result: Chi2Result | NormalisationFit | Mapping[str, float],
    sigmas: Mapping[str, float] | Any,
) -> dict[str, float]:
    """Nuisance pulls ``value / sigma`` (in units of the prior width).

    Parameters
    ----------
    result : Chi2Result, NormalisationFit or Mapping[str, float]
        Anything with ``.nuisances`` (or the nuisances themselves).
    sigmas : Mapping[str, float] or a likelihood
        Prior widths by nuisance name, e.g. ``likelihood.sigmas`` (``eps_*``
        shape nuisances have width 1). A likelihood object is accepted too.

    Returns
    -------
    dict
        Pull of every nuisance; nuisances with sigma 0 (fixed) are left out.
    """
    nuisances = result if isinstance(result, Mapping) else getattr(result, "nuisances", None)
    if nuisances is None:
        raise InputError(f"pulls: {type(result).__name__} has no nuisances")
    if not isinstance(sigmas, Mapping):
        sigmas = getattr(sigmas, "sigmas", None)
        if not isinstance(sigmas, Mapping):
            raise InputError("pulls: sigmas must be a mapping name -> sigma or a likelihood")
    missing = [k for k in nuisances if k not in sigmas]
    if missing:
        raise InputError(f"pulls: no sigma for nuisance(s) {missing}")
    return {k: float(v) / float(sigmas[k]) for k, v in nuisances.items() if float(sigmas[k]) > 0}


def sm_fit(
    dataset: str,
    data_dir: Any = None,
    experiments: Mapping[str, Any] | None = None,
    params: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The Standard-Model fit of a data set, as ``cevns fit`` prints it.

    Two fits are reported. ``chi2_min``, ``nuisances`` and ``pulls`` are those of the
    SM fit of the whole data set: χ² of eq. 6 (CsI), eq. 7-9 (Ar) or their sum
    (``combined``), every nuisance profiled, the CEvNS normalisation constrained by
    its σ. ``cevns_events`` are the CEvNS events of :func:`fit_normalisation`: a free
    normalisation of each experiment alone, with its 1σ interval.

    Parameters
    ----------
    dataset : str
        A data set (:func:`cevns.datasets.members`): ``"csi2021"``, ``"csi2021+ar2020"``...
    data_dir : path-like, optional
    experiments : mapping, optional
        Already built experiments by name (built with the defaults where missing).
    params : mapping, optional
        Physics parameters away from their SM values (:mod:`cevns.phenomenology`,
        e.g. ``{"rn_csi": 4.86}``): the fit of that prediction instead of the SM's.

    Returns
    -------
    dict
        JSON-ready: ``experiment``, ``chi2_min``, ``n_bins``, ``nuisances``, ``pulls``,
        ``cevns_events`` (one entry per experiment for ``combined``, each with the
        flux-averaged cross section ``cross_section_1e40_cm2`` predicted and fitted:
        the fitted normalisation times the predicted ⟨σ⟩_Φ), ``fits`` (what each part
        is), ``fixed`` (the params), ``convention``, ``experiments`` (settings) and
        ``provenance``.
    """
    from .datasets import experiments_for
    from .phenomenology import check_used, flux_averaged_cross_section, parameters, used_by
    from .phenomenology import predict as predict_with
    from .provenance import provenance

    params = dict(params or {})
    parameters(params)  # InputError for a bad name or value, before any work
    exps = experiments_for(dataset, data_dir, experiments)
    check_used(params, exps.values())  # a parameter none of them depends on is refused
    own = {n: used_by(params, e) for n, e in exps.items()}
    preds = {n: predict_with(e, **own[n]) if own[n] else e.predict() for n, e in exps.items()}
    composite = len(exps) > 1  # a '+' list of experiments (e.g. combined)
    if composite:
        lik: Any = CombinedLikelihood(**{n: e.likelihood for n, e in exps.items()})
        res = lik.chi2(preds)
    else:
        (only,) = exps
        lik = exps[only].likelihood
        res = lik.chi2(preds[only])
    sigmas = lik.sigmas
    nuisances = dict(res.nuisances)
    pulls_ = {k: (v / sigmas[k] if sigmas.get(k) else None) for k, v in nuisances.items()}
    events: dict[str, Any] = {}
    for n, e in exps.items():
        f = fit_normalisation(e.likelihood, preds[n])
        events[n] = {"predicted": f.predicted, "best": f.best, "lower": f.lower, "upper": f.upper}
        try:
            sigma = flux_averaged_cross_section(e, **own[n]) / 1e-40
        except InputError:  # a magnetic moment: no total cross section (the core's rule)
            continue
        # <sigma>_Phi scales with the CEvNS normalisation: fitted = s * predicted
        events[n]["cross_section_1e40_cm2"] = {
            k: sigma * events[n][k] / f.predicted for k in ("predicted", "best", "lower", "upper")
        }
    return {
        "experiment": dataset,
        "chi2_min": res.chi2,
        "n_bins": res.n_bins,
        "nuisances": nuisances,
        "pulls": pulls_,
        "cevns_events": events if composite else events[next(iter(exps))],
        "fits": {
            "chi2_min, nuisances, pulls": f"SM fit of {dataset}: CEvNS normalisation "
            "constrained by its sigma, every nuisance profiled",
            "cevns_events": "free CEvNS normalisation of each experiment alone "
            "(best and 1 sigma interval); cross_section_1e40_cm2: the flux-averaged "
            "cross section <sigma>_Phi per nucleus, predicted and times that normalisation",
        },
        "fixed": params,
        "convention": "chi2 = -2 ln L up to a constant, nuisances profiled (eq. 6, 7-9)",
        "experiments": {n: e.settings for n, e in exps.items()},
        "provenance": provenance(exps.values()),
    }
