"""Physics parameters beyond the light mediators, through the same data and likelihoods.

The low-energy weak mixing angle, the neutron rms radii, heavy-mediator vector
NSI, neutrino magnetic moments and charge radii enter the core's binned rate as
one :class:`cevns._core.PhysicsParameters` (``src/cpp/include/cevns/parameters.hpp``
states every convention). Every parameter defaults to its Standard-Model value
(paper eq. 12-14), and every prediction with the defaults equals the SM
prediction of :meth:`cevns.experiments.Experiment.predict` bit for bit.

Names (keyword arguments of :func:`predict`, :func:`templates` and :func:`chi2`):

========================  ===================  ==========================================
name                      unit                 meaning (default)
========================  ===================  ==========================================
``sin2w``                 --                   sin²θ_W at q² → 0, MS-bar (0.23857)
``rn_cs``, ``rn_i``,      fm                   neutron rms radii of ¹³³Cs, ¹²⁷I, ⁴⁰Ar
``rn_ar``                                      (eq. 14: 5.09, 5.03, 3.55)
``rn_<isotope>``          fm                   every other row of the nuclei table
                                               (``_core.nuclei()``: rn_xe131, rn_ge74, ...)
``rn_xe``, ``rn_ge``      fm                   abundance-weighted mean of an element's
                                               radii; setting it shifts every isotope
``rn_csi``                fm                   sets rn_cs and rn_i together (no SM default)
``mu_nue``, ``mu_numu``,  1e-10 μ_B            neutrino magnetic moments (0; an antineutrino
``mu_nutau``                                   uses its lepton's)
``r2_nue``, ``r2_numu``,  1e-32 cm²            neutrino charge radii, total (SM: −0.83, −0.48,
``r2_nutau``                                   −0.30; an antineutrino uses its lepton's)
``eps_<q>_<ab>``          --                   vector NSI ε^{qV}_{ab}, q ∈ {u, d},
                                               ab ∈ {ee, emu, etau, mumu, mutau, tautau} (0)
========================  ===================  ==========================================

This module is the Python face of those parameters; it uses ``experiment.rate``
(the core ``BinnedRate``) and ``experiment.likelihood`` and nothing else of the
experiment, so it works with any experiment object that has those two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _core
from .errors import InputError

__all__ = [
    "PARAMETERS",
    "ParameterInfo",
    "check_used",
    "chi2",
    "default_value",
    "flux_averaged_cross_section",
    "parameters",
    "predict",
    "templates",
    "used_by",
]


@dataclass(frozen=True)
class ParameterInfo:
    """What a physics parameter is: unit, SM default and a default scan range."""

    name: str
    unit: str
    default: float | None  # None: no single SM value (rn_csi)
    scan_range: tuple[float, float]
    description: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "default": self.default,
            "scan_range": list(self.scan_range),
            "description": self.description,
        }


def _info_table() -> dict[str, ParameterInfo]:
    sm = _core.PhysicsParameters()
    isotopes = {i.rn_parameter: i for i in _core.nuclei()}
    out: dict[str, ParameterInfo] = {}
    for name in _core.PhysicsParameters.names():
        d = sm.get(name)
        if name == "sin2w":
            info = ("", (0.0, 0.5), "weak mixing angle sin^2 theta_W at q^2 -> 0 (MS-bar)")
        elif name.startswith("rn_"):
            lo = 2.0 if d < 4.0 else 3.0
            if name in isotopes:
                iso = isotopes[name]
                what = f"neutron rms radius of {iso.Z + iso.N}{iso.element}"
            else:  # an element with several isotopes in the table
                what = (
                    f"abundance-weighted mean neutron rms radius of natural {name[3:].title()} "
                    "(setting it shifts every isotope by the same amount)"
                )
            info = ("fm", (lo, lo + 6.0), what)
        elif name.startswith("mu_"):
            info = ("1e-10 mu_B", (0.0, 100.0), f"magnetic moment of {name[3:]}")
        elif name.startswith("r2_"):
            info = ("1e-32 cm^2", (-100.0, 100.0), f"charge radius <r^2> of {name[3:]}")
        else:
            q, ab = name.split("_")[1:]
            info = ("", (-1.0, 1.0), f"vector NSI epsilon^({q}V)_({ab})")
        out[name] = ParameterInfo(name, info[0], d, info[1], info[2])
        if name == "rn_i":  # one radius for both CsI nuclei, as the CsI analyses fit it
            out["rn_csi"] = ParameterInfo(
                "rn_csi",
                "fm",
                None,
                (3.0, 9.0),
                "common neutron rms radius of 133Cs and 127I (sets rn_cs and rn_i)",
            )
    return out


PARAMETERS: dict[str, ParameterInfo] = _info_table()


def default_value(name: str) -> float | None:
    """SM value of a parameter (None for rn_csi; InputError for unknown names)."""
    _check_name(name)
    return PARAMETERS[name].default


def _check_name(name: str) -> None:
    if name not in PARAMETERS:
        raise InputError(
            f"unknown physics parameter {name!r}; accepted: {', '.join(PARAMETERS)} "
            "(eps names are eps_<u|d>_<ee|emu|etau|mumu|mutau|tautau>)"
        )


def check_used(names: Iterable[str], experiments: Iterable[Any], option: str = "") -> None:
    """Refuse a physics parameter that none of ``experiments`` depends on.

    Which parameters an experiment depends on is the core's answer
    (``BinnedRate.parameter_names``: every parameter but the neutron radii of
    nuclei it does not contain); ``rn_csi`` counts as ``rn_cs`` and ``rn_i``.

    Raises
    ------
    InputError
        Naming the parameter, the experiments and the parameters they accept.
    """
    exps = list(experiments)
    used: list[str] = []
    for e in exps:
        used += [n for n in e.rate.parameter_names if n not in used]
    accepted = list(used)
    if "rn_cs" in used and "rn_i" in used:
        accepted.insert(accepted.index("rn_i") + 1, "rn_csi")
    for name in names:
        _check_name(name)
        if name not in accepted:
            which = " + ".join(e.name for e in exps)
            unused = [n for n in PARAMETERS if n not in accepted]
            raise InputError(
                f"{option + ' ' if option else ''}{name}: {which} does not depend on it "
                f"({PARAMETERS[name].description}); accepted: every physics parameter "
                f"but {', '.join(unused)}"
            )


def used_by(params: Mapping[str, float], experiment: Any) -> dict[str, float]:
    """The entries of ``params`` that ``experiment`` depends on (a combined fit gives
    each data set its own: CsI the CsI radii, Ar the Ar radius)."""
    own = set(experiment.rate.parameter_names)
    if {"rn_cs", "rn_i"} <= own:
        own.add("rn_csi")
    return {k: v for k, v in params.items() if k in own}


def parameters(values: Mapping[str, float] | None = None, **kwargs: float) -> Any:
    """A core ``PhysicsParameters`` from names (SM for every name not given).

    Raises
    ------
    InputError
        For an unknown name, a non-numeric or non-finite value, sin2w outside [0, 1]
        or a radius <= 0 (checked by the core's ``PhysicsParameters.set``).
    """
    merged = {**(values or {}), **kwargs}
    p = _core.PhysicsParameters()
    for name, value in merged.items():
        _check_name(name)
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise InputError(f"physics parameter {name} must be a number, got {value!r}") from None
        try:  # finiteness, sin2w in [0, 1] and radii > 0 are checked by the core's set()
            for target in ("rn_cs", "rn_i") if name == "rn_csi" else (name,):
                p.set(target, v)
        except ValueError as exc:  # e.g. a radius the form factor cannot take
            raise InputError(str(exc)) from None
    return p


def _mediator(model: Any, mass: float | None, coupling: Any = 0.0) -> Any:
    from .experiments.base import _mediator as to_mediator

    return to_mediator(model, mass, coupling)


def _coupling(coupling: Any) -> float:
    from .experiments.base import _coupling as to_coupling

    return to_coupling(coupling)


def predict(
    experiment: Any,
    model: Any = None,
    mass: float | None = None,
    coupling: float | None = None,
    **params: float,
) -> np.ndarray:
    """Binned CEvNS prediction (eq. 4) with physics parameters, shape (n_energy, n_time).

    ``predict(csi, sin2w=0.25)``; ``predict(ar, "B-L", 10.0, 5e-5, eps_u_ee=0.1)``.
    With no parameters it equals ``experiment.predict(model, mass, coupling)`` bit for bit.
    A parameter the experiment does not depend on (another detector's neutron
    radius) is refused (:func:`check_used`).
    """
    check_used(params, [experiment])
    return _predict(experiment, model, mass, coupling, params)


def _predict(
    experiment: Any,
    model: Any,
    mass: float | None,
    coupling: float | None,
    params: Mapping[str, float],
) -> np.ndarray:
    p = parameters(params)
    mediator = _mediator(model, mass, coupling)  # a model needs its coupling (None: not given)
    g = _coupling(coupling)
    try:
        return experiment.rate.predict_with(mediator, g, p)
    except ValueError as exc:  # a radius below what the form factor accepts
        raise InputError(str(exc)) from None


def flux_averaged_cross_section(
    experiment: Any,
    model: Any = None,
    mass: float | None = None,
    coupling: float | None = None,
    **params: float,
) -> float:
    """Flux-averaged total CEvNS cross section ⟨σ⟩_Φ [cm² per nucleus].

    The quantity COHERENT quotes (e.g. for CsI 2021: measured 165 +30/−25, SM
    189 ± 6, in 1e-40 cm²): all recoil energies (no threshold, efficiency or
    timing), averaged over the source's flux components weighted by their fluences
    (π-DAR: the beam's three flavours, eq. 1-3, equal numbers) and over the
    detector's nuclei. ``flux_averaged_cross_section(csi) / 1e-40``.
    Computed by the core (``BinnedRate::flux_averaged_cross_section``).

    Raises
    ------
    InputError
        For a bad parameter, a non-finite coupling, or a neutrino magnetic moment
        (its cross section grows like 1/T at T → 0: no total cross section).
    """
    mediator = _mediator(model, mass, coupling)
    g = _coupling(coupling)
    check_used(params, [experiment])
    p = parameters(params) if params else None  # None: the experiment's own radii
    try:
        return float(experiment.rate.flux_averaged_cross_section(mediator, g, p))
    except ValueError as exc:
        raise InputError(str(exc)) from None


def templates(
    experiment: Any, model: Any, mass: float, **params: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(N0, N1, N2) in the mediator coupling at fixed physics parameters."""
    check_used(params, [experiment])
    return experiment.rate.templates_with(_mediator(model, mass), parameters(params))


def chi2(
    experiments: Any,
    model: Any = None,
    mass: float | None = None,
    coupling: float | None = None,
    **params: float,
) -> Any:
    """Profiled χ² (−2 ln L + const, eq. 6-9) at a physics-parameter point.

    Parameters
    ----------
    experiments : Experiment or Mapping[str, Experiment]
        One data set, or several (their χ² are summed: ``CombinedLikelihood``).
    """
    if isinstance(experiments, Mapping):
        from .likelihood import CombinedLikelihood

        check_used(params, experiments.values())  # each parameter used by one of them
        lik = CombinedLikelihood(**{n: e.likelihood for n, e in experiments.items()})
        preds = {
            n: _predict(e, model, mass, coupling, used_by(params, e))
            for n, e in experiments.items()
        }
        return lik.chi2(preds)
    return experiments.likelihood.chi2(predict(experiments, model, mass, coupling, **params))
