"""The `Experiment` object: bins, observed counts, backgrounds and predictions.

An experiment is built once, by the C++ core, from the data release (response
matrices, time fractions, backgrounds); predictions for any model are then cheap
(eq. 4). This class gives the core's experiment a numpy face.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _core
from ..errors import InputError


@dataclass(frozen=True)
class IgnoredEvents:
    """Events of a data file that lie outside the analysis region (not dropped silently)."""

    file: str
    total: int
    inside: int

    @property
    def outside(self) -> int:
        return self.total - self.inside

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "total": self.total,
            "inside": self.inside,
            "outside": self.outside,
        }


class Experiment:
    """A COHERENT data set ready for predictions and fits (built by the C++ core).

    Attributes
    ----------
    name : str
        ``"csi2021"`` or ``"ar2020"``.
    energy_unit : str
        ``"PE"`` for CsI, ``"keVee"`` for Ar.
    energy_edges : ndarray
        Reconstructed-energy bin edges, in ``energy_unit``.
    time_edges : ndarray
        Time bin edges [µs].
    observed : ndarray, shape (n_energy, n_time)
        Observed counts N_ij^exp (eq. 6-7).
    backgrounds : dict of str to ndarray
        Background predictions, same shape, by name.
    shape_systematics : dict of str to ndarray
        Fractions (N_sys − N_CV)/N_CV of eq. (9) (Ar; empty for CsI).
    reference : dict of str to ndarray
        Released reference predictions (Ar: ``cevns_sm``).
    settings : dict
        Every option used to build the experiment, resolved (provenance).
    data_files : dict of str to str
        Role of every data file read (e.g. ``"brn_pe"``) -> its registered path.
    ignored_events : list of IgnoredEvents
        Events of a data file outside the analysis region.
    rate : cevns._core.BinnedRate
        The C++ rate engine (response matrices built once).
    core : cevns._core.Experiment
        The core's experiment.
    """

    def __init__(self, core: Any, options: dict[str, Any]) -> None:
        from . import _typed

        self.core = core
        self.name: str = core.name
        self.energy_unit: str = core.energy_unit
        self.energy_edges: np.ndarray = core.energy_edges
        self.time_edges: np.ndarray = core.time_edges
        self.observed: np.ndarray = core.observed
        self.backgrounds: dict[str, np.ndarray] = core.backgrounds
        self.shape_systematics: dict[str, np.ndarray] = core.shape_systematics
        self.reference: dict[str, np.ndarray] = core.reference
        self.rate = core.rate
        got = core.settings
        self.settings: dict[str, Any] = {
            k: _typed(o, got[k]) for k, o in options.items() if k in got
        }
        self.data_files: dict[str, str] = dict(core.data_file_roles)
        self.ignored_events = [IgnoredEvents(*i) for i in core.ignored_events]
        self._likelihood: Any = None

    def __repr__(self) -> str:
        return f"Experiment(name={self.name!r}, shape={self.shape})"

    @property
    def shape(self) -> tuple[int, int]:
        """(number of energy bins, number of time bins)."""
        return (len(self.energy_edges) - 1, len(self.time_edges) - 1)

    @property
    def n_bins(self) -> int:
        return self.shape[0] * self.shape[1]

    # -- predictions ------------------------------------------------------
    def predict(
        self, model: Any = None, mass: float | None = None, coupling: float = 0.0
    ) -> np.ndarray:
        """Binned CEvNS prediction N_ij (eq. 4), shape (n_energy, n_time).

        Parameters
        ----------
        model : None, str or cevns.models.Model
            ``None`` (or ``"SM"``) for the Standard Model, otherwise a model
            name or object (see :mod:`cevns.models`).
        mass : float
            Mediator mass [MeV] (required with a model).
        coupling : float
            Coupling g (g~_phi for the scalar).
        """
        mediator = _mediator(model, mass)
        _check_finite("coupling", coupling)
        return self.rate.predict(mediator, float(coupling))

    def templates(self, model: Any, mass: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(N0, N1, N2) with prediction = N0 + g² N1 + g⁴ N2 at this mass [MeV]."""
        return self.rate.templates(_mediator(model, mass))

    def energy_spectrum(
        self, model: Any = None, mass: float | None = None, coupling: float = 0.0
    ) -> np.ndarray:
        """Reconstructed-energy spectrum per flavour (νμ, νe, ν̄μ), shape (3, n_energy)."""
        _check_finite("coupling", coupling)
        return self.rate.energy_spectrum(_mediator(model, mass), float(coupling))

    def differential_rate(
        self, T_keV: np.ndarray, model: Any = None, mass: float | None = None, coupling: float = 0.0
    ) -> np.ndarray:
        """True-recoil dN/dT_nr [events/keV] per flavour (νμ, νe, ν̄μ), shape (3, len(T)).

        No detector effect (quenching, resolution, efficiency): what Fig. 1 plots.
        """
        T = np.asarray(T_keV, dtype=float)
        if T.ndim != 1 or not np.all(np.isfinite(T)) or np.any(T < 0):
            raise InputError("T_keV must be a 1-D array of finite recoil energies >= 0 keV")
        _check_finite("coupling", coupling)
        per_mev = self.rate.differential_rate(_mediator(model, mass), float(coupling), T * 1e-3)
        return per_mev * 1e-3

    # -- statistics -------------------------------------------------------
    @property
    def likelihood(self) -> Any:
        """The data set's χ² object (eq. 6 for CsI, eq. 7-9 for Ar)."""
        if self._likelihood is None:
            self._likelihood = _likelihood_of(self)
        return self._likelihood

    def chi2(self, prediction: np.ndarray) -> Any:
        """χ² (= −2 ln L up to a constant) with every nuisance profiled."""
        return self.likelihood.chi2(prediction)

    def summary(self) -> dict[str, Any]:
        """Bins, observed counts and backgrounds as plain Python (JSON-ready)."""
        return {
            "experiment": self.name,
            "energy_unit": self.energy_unit,
            "energy_edges": self.energy_edges.tolist(),
            "time_edges": self.time_edges.tolist(),
            "observed": self.observed.tolist(),
            "observed_total": float(self.observed.sum()),
            "backgrounds": {k: v.tolist() for k, v in self.backgrounds.items()},
            "background_totals": {k: float(v.sum()) for k, v in self.backgrounds.items()},
            "ignored_events": [e.to_dict() for e in self.ignored_events],
            "settings": self.settings,
            "data_files": self.data_files,
        }


def _check_finite(name: str, value: float) -> None:
    from .._validate import real_number

    real_number(name, value)


def _mediator(model: Any, mass: float | None) -> Any:
    """Translate a model (None, name, Model) and mass into a core Mediator."""
    if model is None or (isinstance(model, str) and model.upper() == "SM"):
        return _core.Mediator.standard_model()
    from ..models import get_model

    m = get_model(model)
    if mass is None:
        raise InputError(f"model {m.name!r} needs a mediator mass (MeV)")
    _check_finite("mass", mass)
    if mass <= 0:
        raise InputError(f"mediator mass must be > 0 MeV, got {mass!r}")
    return m.mediator(float(mass))


def _likelihood_of(exp: Experiment) -> Any:
    """The experiment's own χ² (built by the core) with the Python likelihood API.

    CsI: eq. (6) with BRN, NIN, SS; Ar: eq. (7)-(9) with SS, prompt/delayed BRN and
    the five shape systematics (eq. 9) of the release."""
    from ..likelihood import AR_BRN_SHAPES, AR_CEVNS_SHAPES, ArLikelihood, CsiLikelihood

    b, s = exp.backgrounds, exp.shape_systematics
    if exp.name == "csi2021":
        inputs: dict[str, Any] = {
            "observed": exp.observed,
            "brn": b["brn"],
            "nin": b["nin"],
            "ss": b["ss"],
        }
        core = exp.core.binned_chi2
        if core.ss_model == "measured":  # kept by with_sigmas
            inputs["ss_model"] = "measured"
            inputs["time_widths"] = np.asarray(core.ss_time_weights)
            inputs["ac_exposure"] = float(exp.settings["ss_ac_exposure"])
        return CsiLikelihood._of_core(core, inputs, exp.name)
    inputs = {
        "observed": exp.observed,
        "ss": b["ss"],
        "prompt_brn": b["prompt_brn"],
        "delayed_brn": b["delayed_brn"],
        "cevns_shape": {k: s[f"cevns_{k}"] for k in AR_CEVNS_SHAPES},
        "brn_shape": {k: s[f"brn_{k}"] for k in AR_BRN_SHAPES},
    }
    return ArLikelihood._of_core(exp.core.binned_chi2, inputs, exp.name)
