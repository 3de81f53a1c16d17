"""The `Experiment` object: bins, observed counts, backgrounds and predictions.

An experiment is built once, by the C++ core, from the data release (response
matrices, time fractions, backgrounds); predictions for any model are then cheap
(eq. 4). This class gives the core's experiment a numpy face.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .. import _core
from .._validate import real_number
from ..errors import InputError

__all__ = ["Experiment", "IgnoredEvents"]


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
    """A data set ready for predictions and fits (built by the C++ core).

    An experiment pickles as what rebuilds it: its definition's name, the data
    directory and the options it was built with (``__reduce__``), so it can be
    shipped to ``multiprocessing``, joblib or Dask workers that see the same data
    directory.

    Attributes
    ----------
    name : str
        The registered name, e.g. ``"csi2021"`` or ``"ar2020"``.
    definition : cevns._core.ExperimentDefinition
        Its registered definition (labels, option and nuisance tables, component names).
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
    data_dir : str or None
        The data directory it was built from (None: built from a core object).
    options : dict
        The options it was built with (only those given; ``settings`` has them all).

    Examples
    --------
    >>> import pickle, cevns
    >>> csi = cevns.experiment("csi2021", timing_efficiency="none")
    >>> csi.shape, csi.definition.label
    ((9, 11), 'CsI')
    >>> again = pickle.loads(pickle.dumps(csi))
    >>> again.settings == csi.settings and again.options
    {'timing_efficiency': 'none'}
    >>> list(csi.components(csi.predict()))
    ['cevns', 'brn', 'nin', 'ss']
    """

    def __init__(
        self,
        core: Any,
        options: dict[str, Any],
        *,
        data_dir: str | None = None,
        given: dict[str, Any] | None = None,
    ) -> None:
        from . import _typed

        self.core = core
        self.data_dir = data_dir
        self.options: dict[str, Any] = dict(given or {})
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

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle as (definition name, data directory, options): rebuilt on unpickling."""
        if self.data_dir is None:
            import pickle

            raise pickle.PicklingError(
                f"{self.name}: only experiments built by cevns.experiment() can be pickled"
            )
        return (_rebuild, (self.name, self.data_dir, dict(self.options)))

    @property
    def definition(self) -> Any:
        """The registered definition (``cevns._core.ExperimentDefinition``)."""
        return _core.experiment_definition(self.name)

    @property
    def shape(self) -> tuple[int, int]:
        """(number of energy bins, number of time bins)."""
        return (len(self.energy_edges) - 1, len(self.time_edges) - 1)

    @property
    def n_bins(self) -> int:
        return self.shape[0] * self.shape[1]

    # -- predictions ------------------------------------------------------
    def predict(
        self, model: Any = None, mass: float | None = None, coupling: float | None = None
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
            Coupling g (g~_phi for the scalar); required with a model, as ``cevns
            predict`` requires ``--coupling`` with ``--model`` (``coupling=0`` is the SM).

        Raises
        ------
        InputError
            A model without its mass or coupling, a mass or coupling without a model,
            a non-finite number, or a prediction beyond the core's limit on events.
        """
        mediator = _mediator(model, mass, coupling)
        g = _coupling(coupling)
        with _core_errors():
            return self.rate.predict(mediator, g)

    def templates(self, model: Any, mass: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(N0, N1, N2) with prediction = N0 + g² N1 + g⁴ N2 at this mass [MeV]."""
        return self.rate.templates(_mediator(model, mass))

    def energy_spectrum(
        self, model: Any = None, mass: float | None = None, coupling: float | None = None
    ) -> np.ndarray:
        """Reconstructed-energy spectrum per flux component, shape (n_components, n_energy).

        Row i is the experiment's flux component ``self.rate.components[i]`` (its
        ``name`` and ``species``): (νμ, νe, ν̄μ) for COHERENT's π-DAR beam, (νe, νμ, ντ)
        of ⁸B at Earth for XENONnT (more rows with ``xenonnt.hep=on``).
        """
        mediator = _mediator(model, mass, coupling)
        g = _coupling(coupling)
        with _core_errors():
            return self.rate.energy_spectrum(mediator, g)

    def differential_rate(
        self,
        T_keV: np.ndarray,
        model: Any = None,
        mass: float | None = None,
        coupling: float | None = None,
    ) -> np.ndarray:
        """True-recoil dN/dT_nr [events/keV] per flux component, shape (n_components, len(T)).

        Row i is the experiment's flux component ``self.rate.components[i]`` (its
        ``name`` and ``species``), in that order: (νμ, νe, ν̄μ) for COHERENT's π-DAR
        beam, (νe, νμ, ντ) of ⁸B at Earth for XENONnT (more rows with
        ``xenonnt.hep=on``); ``.sum(axis=0)`` is the total. No detector effect
        (quenching, resolution, efficiency): what Fig. 1 plots.
        """
        T = np.asarray(T_keV, dtype=float)
        if T.ndim != 1 or not np.all(np.isfinite(T)) or np.any(T < 0):
            raise InputError("T_keV must be a 1-D array of finite recoil energies >= 0 keV")
        mediator = _mediator(model, mass, coupling)
        g = _coupling(coupling)
        with _core_errors():
            per_mev = self.rate.differential_rate(mediator, g, T * 1e-3)
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

    def expected_signal(self, prediction: np.ndarray) -> np.ndarray:
        """The CEvNS events per observed bin of a prediction at nominal nuisances: the
        χ²'s ``cevns`` component (the prediction itself for COHERENT; for XENONnT the
        node inputs folded with exposure x mono templates at (t_ly, t_qy) = (0, 0))."""
        return self.components(prediction)["cevns"]

    def components(self, prediction: np.ndarray, nuisances: Any = None) -> dict[str, np.ndarray]:
        """The named components of the expected counts (``cevns`` first, then the
        backgrounds), each of shape ``self.shape``, at the given nuisances (a mapping
        by name, missing ones 0; None: all 0), as the χ² defines them (eq. 6; eq. 7-9)."""
        return self.likelihood.components(prediction, nuisances or {})

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


class _CoreErrors:
    """The core's refusals (e.g. more events than kMaxPredictionEvents) as InputError.

    A plain context manager, not ``contextlib.contextmanager``: it wraps calls of a
    few microseconds (an SM prediction), where a generator's set-up would show.
    """

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> Literal[False]:
        if kind is not None and issubclass(kind, ValueError) and not issubclass(kind, InputError):
            raise InputError(str(exc)) from None
        return False


_CORE_ERRORS = _CoreErrors()


def _core_errors() -> _CoreErrors:
    return _CORE_ERRORS


def _check_finite(name: str, value: float) -> None:
    real_number(name, value)


def _coupling(coupling: Any) -> float:
    """The coupling g as a finite float; ``None`` (not given: the SM) is 0."""
    return 0.0 if coupling is None else real_number("coupling", coupling)


def _mediator(model: Any, mass: float | None, coupling: Any = 0.0) -> Any:
    """Translate a model (None, name, Model) and mass into a core Mediator.

    The Standard Model takes neither a mass nor a coupling: giving one without a
    model is refused (as the CLI refuses ``--mass`` without ``--model``), never
    silently ignored. A model needs its mass and, where a coupling is asked for
    (``coupling=None``: the caller's coupling was not given), its coupling: 0.7.0
    returned the SM for ``predict("B-L", 10.0)``, the coupling's default being 0. An
    explicit ``coupling=0`` is accepted (it is the SM); the templates pass 0.
    """
    if model is None or (isinstance(model, str) and model.upper() == "SM"):
        if mass is None and (
            coupling is None or (type(coupling) in (int, float) and coupling == 0)
        ):
            return _core.Mediator.standard_model()  # the common call, without the list below
        given = [
            f"{k}={v!r}"
            for k, v in (("mass", mass), ("coupling", coupling))
            if v is not None and not (k == "coupling" and isinstance(v, (int, float)) and v == 0)
        ]
        if given:
            raise InputError(
                f"{', '.join(given)} given without a model; name the model (e.g. "
                "predict('B-L', mass=10.0, coupling=5e-5)), or drop them for the Standard Model"
            )
        return _core.Mediator.standard_model()
    from ..models import get_model

    m = get_model(model)
    if mass is None or coupling is None:
        needs = (("a mediator mass (MeV)", mass), ("a coupling g", coupling))
        missing = [what for what, given in needs if given is None]
        raise InputError(
            f"model {m.name!r} needs {' and '.join(missing)}, e.g. predict({m.name!r}, "
            "mass=10.0, coupling=5e-5) (coupling=0 is the Standard Model)"
        )
    _check_finite("mass", mass)
    if mass <= 0:
        raise InputError(f"mediator mass must be > 0 MeV, got {mass!r}")
    with _core_errors():  # e.g. above the core's kMaxMediatorMassMeV
        return m.mediator(float(mass))


def _likelihood_of(exp: Experiment) -> Any:
    """The experiment's own χ² (built by the core) with the Python likelihood API
    (the class that matches its core χ², :func:`cevns.likelihood.likelihood_class`)."""
    from ..likelihood import likelihood_class

    core = exp.core.binned_chi2
    return likelihood_class(core)._of_experiment(exp, core)


def _rebuild(name: str, data_dir: str, options: dict[str, Any]) -> Experiment:
    """Unpickle an Experiment: build it again from its definition, data and options."""
    from . import experiment

    return experiment(name, data_dir, **options)
