"""Binned likelihoods of the COHERENT CsI and Ar data with profiled nuisances.

Convention: ``chi2`` is -2 ln L up to a constant that depends neither on the
model nor on the nuisance parameters, minimised over the nuisances
("profiled"):

* CsI, eq. (6): Poisson (Baker-Cousins) least squares over the energy-time
  bins, with normalisation nuisances ``eta_cevns, eta_brn, eta_nin, eta_ss``.
* Ar, eq. (7)-(9): Gaussian least squares with ``sigma_ij^2 = N_exp + N_SS/5``
  (eq. 8), normalisation nuisances ``eta_cevns, eta_ss, eta_prompt_brn,
  eta_delayed_brn`` and the shape nuisances ``eps_*`` of eq. (9) (in units of
  their 1-sigma shifts).
* Combined: the sum, each data set with its own nuisances.

All arrays are event numbers per bin with shape ``[energy, time]``; the fits
themselves run in the C++ core (``cevns._core.CsiChi2`` / ``ArChi2``).

Examples
--------
>>> import numpy as np
>>> from cevns.likelihood import CsiLikelihood
>>> brn, nin, ss = np.full((9, 11), 1.0), np.full((9, 11), 0.5), np.full((9, 11), 2.0)
>>> cevns = np.full((9, 11), 3.0)
>>> lik = CsiLikelihood(cevns + brn + nin + ss, brn, nin, ss)
>>> round(lik.chi2(cevns).chi2, 12)
0.0
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar, Union

import numpy as np

from . import _core
from ._validate import check_counts
from .errors import InputError

__all__ = [
    "AR_BRN_SHAPES",
    "AR_CEVNS_SHAPES",
    "AR_SIGMAS",
    "CSI_SIGMAS",
    "ArLikelihood",
    "AuxiliaryMeasurement",
    "BinnedLikelihood",
    "Chi2Result",
    "CombinedLikelihood",
    "CsiLikelihood",
    "likelihood_class",
]


def _nuisances(experiment: str, kind: str) -> list[Any]:
    """The core's nuisance table (``cevns/nuisances.hpp``) rows of one kind."""
    return [n for n in _core.nuisance_table(experiment) if n.kind == kind]


#: Normalisation uncertainties of eq. (6) (fractions): CEvNS, BRN, NIN, SS.
CSI_SIGMAS: Mapping[str, float] = MappingProxyType(
    {n.name: n.sigma for n in _nuisances("csi2021", "normalisation")}
)
#: Normalisation uncertainties of eq. (7) (fractions): CEvNS, SS, prompt and delayed BRN.
AR_SIGMAS: Mapping[str, float] = MappingProxyType(
    {n.name: n.sigma for n in _nuisances("ar2020", "normalisation")}
)
#: Keys of ``cevns_shape`` for ArLikelihood (eq. 9, z = CEvNS): F90 energy
#: dependence and mean time to trigger (nuisances ``eps_cevns_<key>``).
AR_CEVNS_SHAPES: tuple[str, ...] = tuple(
    n.name[len("eps_cevns_") :]
    for n in _nuisances("ar2020", "shape")
    if n.name.startswith("eps_cevns_")
)
#: Keys of ``brn_shape`` for ArLikelihood (eq. 9, z = prompt BRN): energy,
#: t_trig mean and t_trig width (nuisances ``eps_brn_<key>``).
AR_BRN_SHAPES: tuple[str, ...] = tuple(
    n.name[len("eps_brn_") :]
    for n in _nuisances("ar2020", "shape")
    if n.name.startswith("eps_brn_")
)

ArrayLike = Union[np.ndarray, Iterable[Any]]


@dataclass(frozen=True)
class AuxiliaryMeasurement:
    """A measurement a χ² uses besides the counts (e.g. the steady-state histogram).

    Pseudo-experiments fluctuate it: per bin Poisson(exposure × mean) / exposure, the
    mean at the toy's nuisances from the χ² (``auxiliary_expected``).
    """

    name: str
    doc: str
    values: np.ndarray  #: the measured values the χ² uses (flattened)
    exposure: float  #: its exposure relative to the counts'


@dataclass(frozen=True)
class Chi2Result:
    """Profiled chi2 at one model point.

    Attributes
    ----------
    chi2 : float
        min over the nuisances of -2 ln L (+ const), eq. (6) / eq. (7).
    nuisances : Mapping[str, float]
        Nuisances at the minimum: ``eta_*`` are fractional normalisation
        shifts, ``eps_*`` are shape shifts in units of their 1-sigma template.
    n_bins : int
        Number of bins that entered the chi2.
    converged : bool
        Whether the minimiser reached its tolerance (always true for Ar, whose
        profile is exact).
    n_eval : int
        Evaluations of the chi2 used by the minimiser.
    parts : Mapping[str, Chi2Result]
        Per data set results for a combined likelihood (empty otherwise).
    """

    chi2: float
    nuisances: Mapping[str, float]
    n_bins: int
    converged: bool = True
    n_eval: int = 0
    parts: Mapping[str, Chi2Result] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (nested results included)."""
        out: dict[str, Any] = {
            "chi2": float(self.chi2),
            "nuisances": {k: float(v) for k, v in self.nuisances.items()},
            "n_bins": int(self.n_bins),
            "converged": bool(self.converged),
            "n_eval": int(self.n_eval),
        }
        if self.parts:
            out["parts"] = {k: v.to_dict() for k, v in self.parts.items()}
        return out


def _as_array(
    value: ArrayLike,
    *,
    dataset: str,
    what: str,
    shape: tuple[int, ...] | None,
    non_negative: bool = True,
) -> np.ndarray:
    """Float64 C-contiguous copy of ``value``, checked for shape, NaN/inf and sign."""
    try:
        arr = np.array(value, dtype=np.float64, order="C")
    except (TypeError, ValueError) as exc:
        raise InputError(f"{dataset}: {what} is not a numeric array ({exc})") from exc
    if shape is None:
        if arr.ndim != 2 or arr.size == 0:
            raise InputError(
                f"{dataset}: {what} must be a non-empty 2-D array [energy, time], "
                f"got shape {arr.shape}"
            )
    elif arr.shape != shape:
        raise InputError(
            f"{dataset}: {what} has shape {arr.shape}, expected {shape} [energy, time]"
            + ("" if "prediction" in what else " like observed")
        )
    if not np.all(np.isfinite(arr)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise InputError(f"{dataset}: {what} has a non-finite value (NaN or inf) at bin {bad}")
    if non_negative and np.any(arr < 0):
        bad = tuple(int(i) for i in np.argwhere(arr < 0)[0])
        raise InputError(
            f"{dataset}: {what} has a negative value {arr[bad]:g} at bin {bad}; "
            "event numbers must be >= 0"
        )
    return arr


def _merge_sigmas(
    defaults: Mapping[str, float],
    sigmas: Mapping[str, float] | Iterable[float] | None,
    dataset: str,
) -> dict[str, float]:
    out = dict(defaults)
    if sigmas is None:
        return out
    if isinstance(sigmas, Mapping):
        unknown = set(sigmas) - set(defaults)
        if unknown:
            raise InputError(
                f"{dataset}: unknown sigma name(s) {sorted(unknown)}; expected {list(defaults)}"
            )
        out.update({k: float(v) for k, v in sigmas.items()})
    else:
        values = [float(v) for v in sigmas]
        if len(values) != len(defaults):
            raise InputError(
                f"{dataset}: sigmas needs {len(defaults)} values {list(defaults)}, "
                f"got {len(values)}"
            )
        out = dict(zip(defaults, values))
    for k, v in out.items():
        if not math.isfinite(v) or v < 0:
            raise InputError(f"{dataset}: sigma {k} must be finite and >= 0, got {v}")
    return out


class _BinnedLikelihood:
    """Common part of the likelihoods (wraps a ``_core`` chi2)."""

    name: str
    _core_chi2: Any
    _shape: tuple[int, ...]
    _norm_sigmas: dict[str, float]
    _inputs: dict[str, Any]
    _names: list[str] | None = None
    _observed_shape: tuple[int, ...]
    #: The core χ² class this likelihood wraps (None: any, see likelihood_class).
    _core_type: ClassVar[Any] = None

    @property
    def shape(self) -> tuple[int, ...]:
        """Bin layout ``(n_energy, n_time)``."""
        return self._shape

    @property
    def core(self) -> Any:
        """The C++ chi2 object (``cevns._core.CsiChi2`` / ``ArChi2``), e.g. for scans."""
        return self._core_chi2

    @property
    def n_bins(self) -> int:
        """Number of energy x time bins."""
        return int(np.prod(self._shape))

    @property
    def nuisance_names(self) -> list[str]:
        """Nuisance names in the order used by the C++ core."""
        if self._names is not None:
            return list(self._names)
        return list(type(self._core_chi2).nuisance_names)

    @property
    def sigmas(self) -> dict[str, float]:
        """Prior width of every nuisance (``eps_*`` shape nuisances: 1, in sigma units).

        A width of 0 means the nuisance is fixed at 0.
        """
        out = {k: 1.0 for k in self.nuisance_names}
        out.update(self._norm_sigmas)
        return out

    @classmethod
    def _of_experiment(cls, exp: Any, core_chi2: Any) -> Any:
        """Wrap the chi2 the core has built for an experiment: nuisance names from its
        definition, widths from the chi2, the constructor's keyword inputs (for
        :meth:`with_sigmas`) from :meth:`_inputs_of`."""
        self = cls.__new__(cls)
        self.name = exp.name
        self._shape = tuple(exp.shape)
        self._observed_shape = tuple(np.shape(exp.observed))
        self._core_chi2 = core_chi2
        table = exp.definition.nuisances
        self._names = [n.name for n in table]
        widths = dict(zip(self._names, (float(v) for v in core_chi2.constraint_widths)))
        self._norm_sigmas = {n.name: widths[n.name] for n in table if n.kind == "normalisation"}
        self._inputs = cls._inputs_of(exp)
        return self

    @classmethod
    def _inputs_of(cls, exp: Any) -> dict[str, Any]:
        """The constructor's keyword inputs for an experiment (none: no with_sigmas)."""
        return {}

    def components(
        self, prediction: ArrayLike, nuisances: Mapping[str, float] | ArrayLike
    ) -> dict[str, np.ndarray]:
        """The named components of the expected counts at given nuisances, each of
        the observed counts' shape (``cevns`` first; their sum is their mean),
        as the χ² defines them (the core's ``BinnedChi2::components``)."""
        comps = self._call_core("components", prediction, self._nuisance_vector(nuisances))
        shape = getattr(self, "_observed_shape", self._shape)  # the observed counts' layout
        return {k: np.asarray(v).reshape(shape) for k, v in comps.items()}

    def auxiliary_measurements(self) -> list[AuxiliaryMeasurement]:
        """The measurements besides the counts that pseudo-experiments fluctuate."""
        return [
            AuxiliaryMeasurement(n, d, np.asarray(v, dtype=float), float(e))
            for n, d, v, e in self._core_chi2.auxiliary_measurements()
        ]

    def _prediction(self, prediction: ArrayLike) -> np.ndarray:
        # Fast path: the shape is checked here, finiteness and sign in C++ (a
        # failure there is re-checked by _as_array for a message naming the bin).
        check_counts(prediction, dataset=self.name, what="CEvNS prediction")
        if isinstance(prediction, np.ndarray) and prediction.shape == self._shape:
            return np.ascontiguousarray(prediction, dtype=np.float64).ravel()
        return _as_array(
            prediction, dataset=self.name, what="CEvNS prediction", shape=self._shape
        ).ravel()

    def _call_core(self, method: str, prediction: ArrayLike, *args: Any) -> Any:
        pred = self._prediction(prediction)
        try:
            return getattr(self._core_chi2, method)(pred, *args)
        except ValueError as exc:
            _as_array(
                pred.reshape(self._shape),
                dataset=self.name,
                what="CEvNS prediction",
                shape=self._shape,
            )
            raise InputError(f"{self.name}: {exc}") from exc

    def _nuisance_vector(self, nuisances: Mapping[str, float] | ArrayLike) -> np.ndarray:
        names = self.nuisance_names
        if isinstance(nuisances, Mapping):
            unknown = set(nuisances) - set(names)
            if unknown:
                raise InputError(
                    f"{self.name}: unknown nuisance(s) {sorted(unknown)}; expected {names}"
                )
            vec = np.array([float(nuisances.get(k, 0.0)) for k in names])
        else:
            vec = np.asarray(nuisances, dtype=np.float64).ravel()
            if vec.size != len(names):
                raise InputError(
                    f"{self.name}: nuisances need {len(names)} values {names}, got {vec.size}"
                )
        if np.any(np.isnan(vec)):
            raise InputError(f"{self.name}: nuisances contain NaN")
        return vec

    def chi2(self, prediction: ArrayLike) -> Chi2Result:
        """Profiled chi2 (-2 ln L + const, nuisances minimised) for a CEvNS prediction.

        Parameters
        ----------
        prediction : array_like, shape ``self.shape``
            Predicted CEvNS events per [energy, time] bin.

        Returns
        -------
        Chi2Result
        """
        res = self._call_core("profile", prediction)
        return Chi2Result(
            chi2=float(res.chi2),
            nuisances=dict(zip(self.nuisance_names, res.nuisances.tolist())),
            n_bins=self.n_bins,
            converged=bool(res.converged),
            n_eval=int(res.n_eval),
        )

    def chi2_many(self, predictions: ArrayLike, *, n_threads: int = 0) -> np.ndarray:
        """Profiled chi2 of many predictions at once (C++ threads, GIL released).

        Parameters
        ----------
        predictions : array_like, shape ``(n_points, *self.shape)``
            CEvNS predictions (events per bin).
        n_threads : int
            Threads to use (0: the OpenMP default).

        Returns
        -------
        numpy.ndarray, shape ``(n_points,)``
        """
        check_counts(predictions, dataset=self.name, what="CEvNS predictions")
        arr = np.array(predictions, dtype=np.float64, order="C")
        if arr.ndim != 3 or arr.shape[1:] != self._shape:
            raise InputError(
                f"{self.name}: predictions have shape {arr.shape}, expected "
                f"(n_points, {self._shape[0]}, {self._shape[1]})"
            )
        if not np.all(np.isfinite(arr)) or np.any(arr < 0):
            raise InputError(f"{self.name}: predictions must be finite and >= 0")
        chi2, _ = self._core_chi2.profile_many(arr.reshape(arr.shape[0], -1), n_threads)
        return np.asarray(chi2)

    def chi2_at(self, prediction: ArrayLike, nuisances: Mapping[str, float] | ArrayLike) -> float:
        """chi2 at fixed nuisances (no profiling).

        Parameters
        ----------
        prediction : array_like, shape ``self.shape``
            Predicted CEvNS events per bin.
        nuisances : Mapping[str, float] or array_like
            By name (missing names are 0) or all of them in ``nuisance_names`` order.
        """
        return float(self._call_core("chi2_at", prediction, self._nuisance_vector(nuisances)))

    def with_sigmas(self, **sigmas: float) -> _BinnedLikelihood:
        """Copy with some normalisation sigmas changed (0 fixes that nuisance at 0)."""
        raise InputError(f"{self.name}: its likelihood cannot change its sigmas")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, shape={self._shape})"


class BinnedLikelihood(_BinnedLikelihood):
    """The χ² of any registered experiment, as its definition builds it in the core.

    What :attr:`cevns.experiments.Experiment.likelihood` gives for an experiment whose
    χ² has no dedicated class here; it has the whole likelihood API but
    :meth:`with_sigmas` (the χ²'s inputs are the core's).
    """


class CsiLikelihood(_BinnedLikelihood):
    """CsI Poisson (Baker-Cousins) likelihood, eq. (6), nuisances profiled.

    ``chi2 = 2 sum_ij [mu_ij - N_exp + N_exp ln(N_exp / mu_ij)] + sum_z (eta_z/sigma_z)^2``
    with ``mu_ij = sum_z (1 + eta_z) N_z,ij`` for z = CEvNS, BRN, NIN, SS. This is
    -2 ln L (Poisson) up to a model-independent constant. The nuisances are
    profiled in C++ (Newton steps with the analytic Hessian, NLopt LD_LBFGS as
    fallback) with ``eta > -1`` so that every expectation stays positive.

    Parameters
    ----------
    observed : array_like, shape (n_energy, n_time)
        Observed events per [energy, time] bin (9 x 11 in the paper).
    brn, nin, ss : array_like, same shape
        Beam-related neutron, neutrino-induced neutron and steady-state
        background templates (events per bin).
    sigmas : Mapping[str, float] or sequence of 4 floats, optional
        Normalisation uncertainties (fractions), default :data:`CSI_SIGMAS`
        (0.12, 0.25, 0.35, 0.021). A value of 0 fixes that nuisance at 0.
    name : str
        Data-set name used in error messages and in combined results.
    ss_model : {"paper", "measured"}
        ``paper``: eq. (6), ``ss`` is the template. ``measured``: ``ss`` is the
        anti-coincidence histogram, a Poisson measurement of a flat-in-time SS
        rate per energy row, profiled exactly (docs/statistics.md); the SS sigma
        is then unused.
    time_widths : sequence of float, optional
        ``measured``: widths of the time bins (n_time values).
    ac_exposure : float
        ``measured``: exposure of the AC window relative to the C window.
    """

    def __init__(
        self,
        observed: ArrayLike,
        brn: ArrayLike,
        nin: ArrayLike,
        ss: ArrayLike,
        sigmas: Mapping[str, float] | Iterable[float] | None = None,
        *,
        name: str = "csi",
        ss_model: str = "paper",
        time_widths: Iterable[float] | None = None,
        ac_exposure: float = 1.0,
    ) -> None:
        self.name = name
        obs = _as_array(observed, dataset=name, what="observed", shape=None)
        self._shape = obs.shape
        self._inputs = {
            "observed": obs,
            "brn": _as_array(brn, dataset=name, what="brn", shape=obs.shape),
            "nin": _as_array(nin, dataset=name, what="nin", shape=obs.shape),
            "ss": _as_array(ss, dataset=name, what="ss", shape=obs.shape),
        }
        self._norm_sigmas = _merge_sigmas(CSI_SIGMAS, sigmas, name)
        widths = [] if time_widths is None else [float(v) for v in time_widths]
        try:
            inp = self._inputs
            self._core_chi2 = _core.CsiChi2(
                inp["observed"].ravel(),
                inp["brn"].ravel(),
                inp["nin"].ravel(),
                inp["ss"].ravel(),
                np.array(list(self._norm_sigmas.values())),
                ss_model,
                widths,
                float(ac_exposure),
            )
        except ValueError as exc:
            raise InputError(f"{name}: {exc}") from exc
        if ss_model == "measured":
            self._inputs.update(ss_model=ss_model, time_widths=widths, ac_exposure=ac_exposure)

    _core_type: ClassVar[Any] = _core.CsiChi2

    @classmethod
    def _inputs_of(cls, exp: Any) -> dict[str, Any]:
        b = exp.backgrounds
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
        return inputs

    def gradient(
        self, prediction: ArrayLike, nuisances: Mapping[str, float] | ArrayLike
    ) -> dict[str, float]:
        """Analytic gradient d chi2 / d eta of eq. (6) at given nuisances."""
        g = self._call_core("gradient", prediction, self._nuisance_vector(nuisances))
        return dict(zip(self.nuisance_names, (float(v) for v in g)))

    def with_sigmas(self, **sigmas: float) -> CsiLikelihood:
        """Copy with some normalisation sigmas changed (0 fixes that nuisance at 0)."""
        merged = _merge_sigmas(self._norm_sigmas, sigmas, self.name)
        return CsiLikelihood(**self._inputs, sigmas=merged, name=self.name)


class ArLikelihood(_BinnedLikelihood):
    """Ar Gaussian likelihood, eq. (7)-(9), nuisances profiled exactly.

    ``chi2 = sum_ij [(N_exp - sum_z (1 + eta_z + sum_l eps_zl f_zl,ij) N_z,ij) / sigma_ij]^2
    + sum_z (eta_z/sigma_z)^2 + sum_zl eps_zl^2`` with ``sigma_ij^2 = N_exp + N_SS/5``
    (eq. 8) and the shape fractions ``f = (N_sys - N_CV)/N_CV`` of eq. (9). This is
    -2 ln L of a Gaussian approximation up to a constant. The chi2 is quadratic in
    the 9 nuisances, which are therefore profiled exactly (normal equations).
    Bins with ``sigma_ij^2 = 0`` (no observed and no SS events) use ``sigma^2 = 1``:
    they contribute 0 when nothing is predicted there and prediction^2 otherwise.

    Parameters
    ----------
    observed : array_like, shape (n_energy, n_time)
        Observed events per [energy, time] bin (12 x 10 in the paper).
    ss, prompt_brn, delayed_brn : array_like, same shape
        Steady-state, prompt and delayed beam-related neutron templates (events).
    cevns_shape : Mapping[str, array_like]
        CEvNS shape fractions ``(N_sys - N_CV)/N_CV`` (0 where N_CV = 0) with keys
        :data:`AR_CEVNS_SHAPES` = ``("f90", "ttrig_mean")``.
    brn_shape : Mapping[str, array_like]
        Prompt-BRN shape fractions with keys :data:`AR_BRN_SHAPES` =
        ``("energy", "ttrig_mean", "ttrig_width")``.
    sigmas : Mapping[str, float] or sequence of 4 floats, optional
        Normalisation uncertainties (fractions), default :data:`AR_SIGMAS`
        (0.13, 0.0079, 0.32, 1.0). A value of 0 fixes that nuisance at 0.
    name : str
        Data-set name used in error messages and in combined results.
    """

    def __init__(
        self,
        observed: ArrayLike,
        ss: ArrayLike,
        prompt_brn: ArrayLike,
        delayed_brn: ArrayLike,
        cevns_shape: Mapping[str, ArrayLike],
        brn_shape: Mapping[str, ArrayLike],
        sigmas: Mapping[str, float] | Iterable[float] | None = None,
        *,
        name: str = "ar",
    ) -> None:
        self.name = name
        obs = _as_array(observed, dataset=name, what="observed", shape=None)
        self._shape = obs.shape
        shapes = {}
        for label, mapping, keys in (
            ("cevns_shape", cevns_shape, AR_CEVNS_SHAPES),
            ("brn_shape", brn_shape, AR_BRN_SHAPES),
        ):
            if not isinstance(mapping, Mapping) or set(mapping) != set(keys):
                got = sorted(mapping) if isinstance(mapping, Mapping) else type(mapping).__name__
                raise InputError(f"{name}: {label} needs exactly the keys {list(keys)}, got {got}")
            shapes[label] = {
                k: _as_array(
                    mapping[k],
                    dataset=name,
                    what=f"{label}[{k!r}]",
                    shape=obs.shape,
                    non_negative=False,
                )
                for k in keys
            }
        self._inputs: dict[str, Any] = {
            "observed": obs,
            "ss": _as_array(ss, dataset=name, what="ss", shape=obs.shape),
            "prompt_brn": _as_array(prompt_brn, dataset=name, what="prompt_brn", shape=obs.shape),
            "delayed_brn": _as_array(
                delayed_brn, dataset=name, what="delayed_brn", shape=obs.shape
            ),
            **shapes,
        }
        self._norm_sigmas = _merge_sigmas(AR_SIGMAS, sigmas, name)
        try:
            self._core_chi2 = _core.ArChi2(
                obs.ravel(),
                self._inputs["ss"].ravel(),
                self._inputs["prompt_brn"].ravel(),
                self._inputs["delayed_brn"].ravel(),
                np.stack([shapes["cevns_shape"][k].ravel() for k in AR_CEVNS_SHAPES]),
                np.stack([shapes["brn_shape"][k].ravel() for k in AR_BRN_SHAPES]),
                np.array(list(self._norm_sigmas.values())),
            )
        except ValueError as exc:
            raise InputError(f"{name}: {exc}") from exc

    _core_type: ClassVar[Any] = _core.ArChi2

    @classmethod
    def _inputs_of(cls, exp: Any) -> dict[str, Any]:
        b, s = exp.backgrounds, exp.shape_systematics
        return {
            "observed": exp.observed,
            "ss": b["ss"],
            "prompt_brn": b["prompt_brn"],
            "delayed_brn": b["delayed_brn"],
            "cevns_shape": {k: s[f"cevns_{k}"] for k in AR_CEVNS_SHAPES},
            "brn_shape": {k: s[f"brn_{k}"] for k in AR_BRN_SHAPES},
        }

    def with_sigmas(self, **sigmas: float) -> ArLikelihood:
        """Copy with some normalisation sigmas changed (0 fixes that nuisance at 0)."""
        merged = _merge_sigmas(self._norm_sigmas, sigmas, self.name)
        return ArLikelihood(**self._inputs, sigmas=merged, name=self.name)


def likelihood_class(core_chi2: Any) -> type[_BinnedLikelihood]:
    """The likelihood class of a core χ²: CsiLikelihood (eq. 6), ArLikelihood (eq. 7-9),
    or the generic :class:`BinnedLikelihood` for any other ``BinnedChi2``."""
    for cls in (CsiLikelihood, ArLikelihood):
        if isinstance(core_chi2, cls._core_type):
            return cls
    return BinnedLikelihood


class CombinedLikelihood:
    """Sum of independent likelihoods, e.g. ``chi2_CsI + chi2_Ar``.

    Each data set keeps its own nuisances; combined nuisance names are
    ``"<dataset>.<nuisance>"``. This is the one ``CombinedLikelihood``: it sums the
    likelihoods of *given predictions*. (The C++ core's ``cevns::CombinedExperiments``
    evaluates model points; its former alias ``cevns::CombinedLikelihood`` was removed
    in 0.7.0.)

    Parameters
    ----------
    **likelihoods : CsiLikelihood, ArLikelihood or BinnedLikelihood
        The data sets by name, e.g. ``CombinedLikelihood(csi=lik_csi, ar=lik_ar)``.
    """

    def __init__(self, **likelihoods: _BinnedLikelihood) -> None:
        if not likelihoods:
            raise InputError("CombinedLikelihood needs at least one likelihood")
        for key, lik in likelihoods.items():
            if not isinstance(lik, _BinnedLikelihood):
                raise InputError(
                    f"CombinedLikelihood: {key!r} is a {type(lik).__name__}, "
                    "expected CsiLikelihood or ArLikelihood"
                )
        self.likelihoods: dict[str, _BinnedLikelihood] = dict(likelihoods)

    @property
    def names(self) -> list[str]:
        """Data-set names."""
        return list(self.likelihoods)

    @property
    def n_bins(self) -> int:
        """Total number of bins."""
        return sum(lik.n_bins for lik in self.likelihoods.values())

    @property
    def nuisance_names(self) -> list[str]:
        """``"<dataset>.<nuisance>"`` for every nuisance of every data set."""
        return [f"{k}.{n}" for k, lik in self.likelihoods.items() for n in lik.nuisance_names]

    @property
    def sigmas(self) -> dict[str, float]:
        """Prior widths by combined nuisance name."""
        return {f"{k}.{n}": s for k, lik in self.likelihoods.items() for n, s in lik.sigmas.items()}

    def _check_keys(self, predictions: Mapping[str, Any], what: str) -> None:
        if not isinstance(predictions, Mapping) or set(predictions) != set(self.likelihoods):
            got = sorted(predictions) if isinstance(predictions, Mapping) else type(predictions)
            raise InputError(
                f"combined likelihood: {what} must map exactly the data sets "
                f"{self.names} to arrays, got {got}"
            )

    def chi2(self, predictions: Mapping[str, ArrayLike]) -> Chi2Result:
        """Sum of the profiled chi2 of every data set.

        Parameters
        ----------
        predictions : Mapping[str, array_like]
            CEvNS prediction (events per [energy, time] bin) of every data set.
        """
        self._check_keys(predictions, "predictions")
        parts = {k: lik.chi2(predictions[k]) for k, lik in self.likelihoods.items()}
        return Chi2Result(
            chi2=float(sum(p.chi2 for p in parts.values())),
            nuisances={f"{k}.{n}": v for k, p in parts.items() for n, v in p.nuisances.items()},
            n_bins=self.n_bins,
            converged=all(p.converged for p in parts.values()),
            n_eval=sum(p.n_eval for p in parts.values()),
            parts=parts,
        )

    def chi2_at(
        self,
        predictions: Mapping[str, ArrayLike],
        nuisances: Mapping[str, Mapping[str, float] | ArrayLike] | Mapping[str, float],
    ) -> float:
        """Sum of chi2 at fixed nuisances.

        ``nuisances`` maps each data set to its nuisances, or combined names
        ``"<dataset>.<nuisance>"`` to values (missing ones are 0).
        """
        self._check_keys(predictions, "predictions")
        per: dict[str, Any] = {k: {} for k in self.likelihoods}
        for key, value in nuisances.items():
            if key in self.likelihoods:
                per[key] = value
            else:
                ds, _, nuis = key.partition(".")
                if ds not in self.likelihoods or not nuis:
                    raise InputError(f"combined likelihood: unknown nuisance {key!r}")
                per[ds][nuis] = value
        return float(
            sum(lik.chi2_at(predictions[k], per[k]) for k, lik in self.likelihoods.items())
        )

    def with_sigmas(self, **sigmas: float) -> CombinedLikelihood:
        """Copy with the named normalisation sigmas changed in every data set that has them."""
        known = {n for lik in self.likelihoods.values() for n in lik._norm_sigmas}
        unknown = set(sigmas) - known
        if unknown:
            raise InputError(
                f"combined likelihood: unknown sigma name(s) {sorted(unknown)}; "
                f"expected some of {sorted(known)}"
            )
        out = {}
        for k, lik in self.likelihoods.items():
            mine = {n: v for n, v in sigmas.items() if n in lik._norm_sigmas}
            out[k] = lik.with_sigmas(**mine) if mine else lik
        return CombinedLikelihood(**out)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={lik!r}" for k, lik in self.likelihoods.items())
        return f"CombinedLikelihood({inner})"
