"""Solar ⁸B neutrinos at Earth: their flavour content, from the core's adiabatic LMA-MSW.

P_ee(E_ν) is the ν_e survival probability of adiabatic large-mixing-angle MSW conversion
averaged over the ⁸B production region of the B16 standard solar model (NuFIT 5.2,
normal ordering; no Earth-matter regeneration); the remainder is ν_μ and ν_τ in the
ratio cos²θ₂₃ : sin²θ₂₃ (``cevns/solar.hpp``). The XENONnT experiments fold it into
their ⁸B source; here it is for tables and plots (``cevns predict --p-ee``).

Examples
--------
>>> from cevns.solar import flavour_at_earth                  # doctest: +SKIP
>>> flavour_at_earth([0.1, 1.0, 10.0])["P_ee"].round(3)      # doctest: +SKIP
array([0.55 , 0.522, 0.323])
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from . import _core
from .errors import InputError

__all__ = ["flavour_at_earth"]


def flavour_at_earth(
    energies_MeV: Iterable[float] | float, *, solar_model: str = "gs98", data_dir: Any = None
) -> dict[str, np.ndarray]:
    """Flavour fractions of the solar ⁸B neutrinos at Earth at these energies.

    Parameters
    ----------
    energies_MeV : float or 1-D array
        Neutrino energies E_ν [MeV], finite and > 0.
    solar_model : {"gs98", "agss09"}
        The B16 production profile (the ``solar_model`` option of the XENONnT experiments).
    data_dir : path-like, optional
        Data directory holding ``solar/`` (default: ``$CEVNS_DATA_DIR`` or the per-user one).

    Returns
    -------
    dict of str to ndarray
        ``P_ee``, ``P_emu``, ``P_etau`` at each energy (they sum to 1).

    Raises
    ------
    InputError
        Energies not finite and positive, or an unknown ``solar_model``.
    MissingDataError, HashMismatchError
        The solar table is absent or corrupted (the message says how to get it).
    """
    from .data import data_path
    from .experiments import parse_option

    e = np.atleast_1d(np.asarray(energies_MeV, dtype=float))
    if e.ndim != 1 or e.size == 0 or not np.all(np.isfinite(e)) or np.any(e <= 0):
        raise InputError("energies_MeV: expected a non-empty 1-D array of finite energies > 0 MeV")
    model = parse_option("xenonnt", "solar_model", solar_model)  # the core's choices
    table = data_path(f"solar/nudistr_b16_{model}.dat", data_dir)
    profile = _core.read_solar_profile(str(table), "8B")
    osc = _core.OscillationParameters()
    p_ee = np.asarray(_core.survival_probability(e, profile, osc))
    return {
        "P_ee": p_ee,
        "P_emu": (1.0 - p_ee) * (1.0 - osc.sin2_theta23),
        "P_etau": (1.0 - p_ee) * osc.sin2_theta23,
    }
