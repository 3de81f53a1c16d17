"""The χ² of each experiment built from its observed counts and backgrounds."""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from ..likelihood import ArLikelihood, CsiLikelihood


def build_likelihood(exp: Any) -> Any:
    """CsI: eq. (6) with BRN, NIN, SS; Ar: eq. (7)-(9) with SS, prompt/delayed BRN and
    the five shape systematics (eq. 9) of the release."""
    b = exp.backgrounds
    if exp.name == "csi2021":
        return CsiLikelihood(exp.observed, b["brn"], b["nin"], b["ss"], name="csi2021")
    if exp.name == "ar2020":
        s = exp.shape_systematics
        return ArLikelihood(
            exp.observed,
            b["ss"],
            b["prompt_brn"],
            b["delayed_brn"],
            cevns_shape={"f90": s["cevns_f90"], "ttrig_mean": s["cevns_ttrig_mean"]},
            brn_shape={
                "energy": s["brn_energy"],
                "ttrig_mean": s["brn_ttrig_mean"],
                "ttrig_width": s["brn_ttrig_width"],
            },
            name="ar2020",
        )
    raise InputError(f"no likelihood for experiment {exp.name!r}")
