"""Pieces shared by the detector builders: target counts, flux, timing."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import _core
from ..errors import InputError

#: Time conventions for the CEvNS prediction in a finite time window.
#: ``"window"``: events arriving outside the analysis time window are lost.
#: ``"all"``: each flavour's time distribution is renormalised inside the window,
#: so the energy axis counts every CEvNS event whenever it arrives (the
#: convention of the released Ar ``cevnspdf.txt``).
TIME_CONVENTIONS = ("window", "all")

FLAVOURS = (_core.Flavour.numu, _core.Flavour.nue, _core.Flavour.numubar)
FLAVOUR_NAMES = ("numu", "nue", "numubar")


def number_of_nuclei(mass_kg: float, molar_mass_g_per_mol: float, per_molecule: int = 1) -> float:
    """N(𝒩) = N_A M_det / M_𝒩 (eq. 4), times the atoms of this species per molecule."""
    if not (mass_kg > 0 and molar_mass_g_per_mol > 0):
        raise InputError("detector mass and molar mass must be > 0")
    return _core.constants["N_A"] * mass_kg * 1e3 / molar_mass_g_per_mol * per_molecule


def time_fractions(
    edges_us: Sequence[float],
    timing: object,
    convention: str,
    eff_t0_us: float = 0.0,
    eff_rate_per_us: float = 0.0,
) -> np.ndarray:
    """Fraction of each flavour's events per time bin, shape (3, n_time)."""
    if convention not in TIME_CONVENTIONS:
        raise InputError(
            f"unknown time convention {convention!r}; accepted: {', '.join(TIME_CONVENTIONS)}"
        )
    fr = np.array(
        [
            _core.time_bin_fractions(f, list(edges_us), timing, eff_t0_us, eff_rate_per_us)
            for f in FLAVOURS
        ]
    )
    if convention == "all":
        fr = fr / fr.sum(axis=1, keepdims=True)
    return fr
