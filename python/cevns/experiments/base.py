"""The `Experiment` object: bins, observed counts, backgrounds and predictions.

An experiment is built once from the data release (response matrices, time
fractions, backgrounds); predictions for any model are then cheap (eq. 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass
class Experiment:
    """A COHERENT data set ready for predictions and fits.

    Attributes
    ----------
    name : str
        ``"csi2021"`` or ``"ar2020"``.
    energy_edges : ndarray
        Reconstructed-energy bin edges, in ``energy_unit`` (PE for CsI, keVee for Ar).
    time_edges : ndarray
        Time bin edges [µs].
    observed : ndarray, shape (n_energy, n_time)
        Observed counts N_ij^exp (eq. 6-7).
    backgrounds : dict of str to ndarray
        Background predictions, same shape, by name.
    rate : cevns._core.BinnedRate
        The C++ rate engine (response matrices built once).
    settings : dict
        Every input and option used to build the experiment (for provenance).
    """

    name: str
    energy_unit: str
    energy_edges: np.ndarray
    time_edges: np.ndarray
    observed: np.ndarray
    backgrounds: dict[str, np.ndarray]
    rate: Any
    settings: dict[str, Any]
    data_files: dict[str, str] = field(default_factory=dict)
    ignored_events: list[IgnoredEvents] = field(default_factory=list)
    shape_systematics: dict[str, np.ndarray] = field(default_factory=dict)
    reference: dict[str, np.ndarray] = field(default_factory=dict)
    _likelihood: Any = field(default=None, repr=False)

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
            from .likelihoods import build_likelihood

            self._likelihood = build_likelihood(self)
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


def histogram2d(x: np.ndarray, y: np.ndarray, xedges: np.ndarray, yedges: np.ndarray) -> np.ndarray:
    """Counts in [x_i, x_{i+1}) × [y_j, y_{j+1}) (right edges open, like the analysis cuts)."""
    ix = np.searchsorted(xedges, x, side="right") - 1
    iy = np.searchsorted(yedges, y, side="right") - 1
    ok = (ix >= 0) & (ix < len(xedges) - 1) & (iy >= 0) & (iy < len(yedges) - 1)
    out = np.zeros((len(xedges) - 1, len(yedges) - 1))
    np.add.at(out, (ix[ok], iy[ok]), 1.0)
    return out
