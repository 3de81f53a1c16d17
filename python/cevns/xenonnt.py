"""The XENONnT solar ⁸B flux measurement: the ⁸B flux free, profiled over every nuisance.

The likelihood is the core's (``XenonChi2``, built by :func:`cevns.experiment` for
``xenonnt``, ``xenonnt_sr0`` … with ``flux_constraint="free"``); here only the
one-dimensional profile in the ⁸B flux is read off it, as PRL 133 (2024) 191002 does:
the best fit, the Δχ² = 1 interval (Wilks), the background-only rejection √q₀
(asymptotic) and the flux-weighted CEvNS cross section ⟨σ⟩ = ⟨σ⟩_SM × Φ/Φ_SNO.

Examples
--------
>>> from cevns.xenonnt import b8_flux_fit        # doctest: +SKIP
>>> b8_flux_fit(cevns.experiment("xenonnt", flux_constraint="free"))  # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from . import _core
from .errors import InputError

#: The SNO NC flux the prediction is normalised to [cm^-2 s^-1] (option ``b8_flux``).
SNO_FLUX = 5.25e6


@dataclass(frozen=True)
class B8FluxFit:
    """Result of :func:`b8_flux_fit` (fluxes in cm⁻² s⁻¹, cross sections in cm²)."""

    experiment: str
    flux: float
    flux_low: float
    flux_high: float
    chi2_min: float
    sqrt_q0: float
    cevns_expected: float
    background_expected: float
    observed: float
    sigma_sm: float
    sigma: float
    sigma_low: float
    sigma_high: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def _profile(chi2: Any, x: np.ndarray, multiplier: float) -> float:
    n = chi2.nuisance_count
    fixed = [k == 1 for k in range(n)]
    values = [multiplier - 1.0 if k == 1 else 0.0 for k in range(n)]
    return float(chi2.profile_fixed(x, fixed, values).chi2)


def b8_flux_fit(exp: Any) -> B8FluxFit:
    """The ⁸B flux measured by a XENONnT experiment built with ``flux_constraint="free"``.

    Raises
    ------
    InputError
        If ``exp`` is not a XENONnT experiment with the flux free.
    """
    from scipy.optimize import brentq

    if exp.settings.get("flux_constraint") != "free":  # the experiments with a 8B flux option
        raise InputError(
            "the 8B flux fit needs a XENONnT experiment with --set flux_constraint=free "
            f"(got {exp.name!r}, flux_constraint={exp.settings.get('flux_constraint')!r})"
        )
    chi2 = exp.core.binned_chi2
    x = np.ascontiguousarray(exp.predict(), dtype=float).ravel()
    nominal = float(exp.settings.get("b8_flux", SNO_FLUX))
    best = chi2.profile(x)
    m = 1.0 + float(best.nuisances[1])

    def excess(mult: float) -> float:
        return _profile(chi2, x, mult) - best.chi2 - 1.0

    low = brentq(excess, 0.0, m) if excess(0.0) > 0 else 0.0
    high = brentq(excess, m, 50.0)
    q0 = max(_profile(chi2, x, 0.0) - best.chi2, 0.0)
    sigma_sm = float(exp.rate.flux_averaged_cross_section(_core.Mediator.standard_model(), 0.0))
    return B8FluxFit(
        experiment=exp.name,
        flux=nominal * m,
        flux_low=nominal * low,
        flux_high=nominal * high,
        chi2_min=float(best.chi2),
        sqrt_q0=math.sqrt(q0),
        cevns_expected=float(exp.expected_signal(exp.predict()).sum()),
        background_expected=float(sum(v.sum() for v in exp.backgrounds.values())),
        observed=float(exp.observed.sum()),
        sigma_sm=sigma_sm,
        sigma=sigma_sm * m,
        sigma_low=sigma_sm * low,
        sigma_high=sigma_sm * high,
    )
