"""Confidence levels and Δχ² thresholds.

The Δχ² of a coverage p for one or two parameters has a closed form (Wilks), so no
statistics library is imported for it: dof = 1, Δχ² = z² with z the two-sided
Gaussian quantile, Φ⁻¹((1 + p)/2) (:class:`statistics.NormalDist`); dof = 2,
Δχ² = −2 ln(1 − p).
"""

from __future__ import annotations

import math
from statistics import NormalDist

from .errors import InputError

__all__ = ["cl_from_sigma", "delta_chi2_threshold", "parse_cl"]


def cl_from_sigma(n_sigma: float) -> float:
    """Two-sided Gaussian coverage of ±n σ (2σ: 0.9545)."""
    return math.erf(n_sigma / math.sqrt(2.0))


def parse_cl(cl: str | float) -> float:
    """'2sigma', '95%', '0.9545' or a number in (0, 1) → coverage probability."""
    if isinstance(cl, (int, float)):
        p = float(cl)
    else:
        s = cl.strip().lower()
        try:
            if s.endswith("sigma"):
                n = float(s[:-5])
                if not (math.isfinite(n) and n > 0):
                    raise ValueError(n)
                p = cl_from_sigma(n)
            elif s.endswith("%"):
                p = float(s[:-1]) / 100.0
            else:
                p = float(s)
        except ValueError:
            raise InputError(
                f"cannot read confidence level {cl!r}; use e.g. 2sigma, 95%, 0.9545"
            ) from None
    if not 0.0 < p < 1.0:
        hint = ""
        if isinstance(cl, str) and cl.strip().lower().endswith("sigma"):
            hint = " (that many sigma round to a coverage of 1 in double precision)"
        elif p > 1.0 and math.isfinite(p) and p == int(p) and p <= 8:
            hint = f" (did you mean {int(p)}sigma?)"
        raise InputError(
            f"confidence level {cl!r} is not a coverage in (0, 1){hint}; accepted: a "
            "probability (0.9545), a percentage (95%) or Nsigma (2sigma)"
        )
    return p


def delta_chi2_threshold(cl: str | float = "2sigma", dof: int = 1) -> float:
    """Δχ² for a coverage and number of parameters (2σ: 4.0 for dof=1, 6.18 for dof=2)."""
    if dof not in (1, 2):
        raise InputError(f"dof must be 1 or 2, got {dof!r}")
    p = parse_cl(cl)
    thr = NormalDist().inv_cdf(0.5 + 0.5 * p) ** 2 if dof == 1 else -2.0 * math.log1p(-p)
    if not (thr > 0 and math.isfinite(thr)):  # a coverage so close to 0 that Δχ² underflows
        raise InputError(f"confidence level {cl!r} gives Delta chi2 = {thr:g}; use e.g. 1sigma")
    return thr
