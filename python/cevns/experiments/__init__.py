"""Experiments by name: ``experiment("csi2021")``, ``experiment("ar2020")``, ...

Every experiment is one definition registered in the C++ core
(``cevns/experiment.hpp``, ``src/cpp/lib/experiments/<name>.cpp``): it parses and
hash-checks the release files, builds the response matrices, backgrounds and the
χ². Its options are defined once, in its option table; :func:`option_table` shows
it, and :func:`experiment` passes options to the core as given, which checks type
and range. :func:`dataset` builds the experiments of a ``+``-joined data set.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .. import _core
from ..datasets import EXPERIMENTS
from ..errors import CevnsError, InputError
from .base import Experiment, IgnoredEvents


def _check_name(name: str) -> None:
    if name not in _core.experiment_names():  # the registry (user experiments included)
        raise InputError(
            f"unknown experiment {name!r}; accepted: {', '.join(_core.experiment_names())}"
        )


def option_table(name: str) -> dict[str, Any]:
    """The option table of an experiment, by option name.

    Each value has ``name``, ``type`` (``"number"``, ``"integer"`` or ``"choice"``),
    ``default`` (text, or None when resolved at load time from the release or a
    preset), ``choices``, ``min``/``max``/``min_exclusive``, ``unit``, ``doc`` and
    ``accepted()`` (what the option accepts, in words).
    """
    _check_name(name)
    return {o.name: o for o in _core.option_table(name)}


def _typed(spec: Any, text: str | None) -> Any:
    """An option's canonical text as a Python value of its type."""
    if text is None or spec.type == "choice":
        return text
    return int(text) if spec.type == "integer" else float(text)


def defaults(name: str) -> Mapping[str, Any]:
    """Read-only mapping of every option of ``name`` to its default (None: resolved at load)."""
    return MappingProxyType({k: _typed(o, o.default) for k, o in option_table(name).items()})


def _as_text(name: str, option: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        v = float(value)
        return repr(v) if math.isfinite(v) else str(v)
    spec = option_table(name).get(option)
    accepted = spec.accepted() if spec is not None else "a known option"
    raise InputError(f"{name} option {option}: {value!r} is not accepted; expected {accepted}")


def parse_option(name: str, option: str, value: Any) -> Any:
    """Check one option value (text or number) in the core; return it typed.

    Raises
    ------
    InputError
        Naming the experiment, the option, the value and what is accepted.
    """
    _check_name(name)
    return _typed(
        option_table(name).get(option),
        _core.check_option(name, option, _as_text(name, option, value)),
    )


def parse_setting(item: str) -> tuple[str, str, Any]:
    """``"EXPERIMENT.OPTION=VALUE"`` (the CLI's ``--set``) checked and typed.

    Returns
    -------
    (experiment, option, value)

    Raises
    ------
    InputError
        Bad syntax, an unknown experiment or option, or a value outside what the
        option accepts (the message names them and what is accepted).
    """
    from .._validate import quote

    name, dot, rest = item.partition(".")
    key, eq, text = rest.partition("=")
    if not (dot and eq and key and text):
        raise InputError(f"--set expects EXPERIMENT.OPTION=VALUE, got {quote(item)}")
    if name not in _core.experiment_names():
        raise InputError(
            f"--set {quote(item)}: unknown experiment {quote(name)}; "
            f"accepted: {', '.join(_core.experiment_names())}"
        )
    if key not in option_table(name):
        raise InputError(
            f"--set {quote(item)}: unknown {name} option {quote(key)}; accepted: "
            f"{', '.join(option_table(name))}"
        )
    try:
        return name, key, parse_option(name, key, text)
    except InputError:
        if len(text) <= 60:
            raise
        raise InputError(
            f"--set {name}.{key}={quote(text)}: not accepted; expected "
            f"{option_table(name)[key].accepted()}"
        ) from None


def experiment(name: str, data_dir: Any = None, **options: Any) -> Experiment:
    """Build a registered experiment from the data release (in the C++ core).

    Parameters
    ----------
    name : str
        A registered experiment (:data:`EXPERIMENTS`): ``"csi2021"``, ``"ar2020"``...
    data_dir : path-like, optional
        Data directory (default: ``$CEVNS_DATA_DIR`` or the per-user directory).
    **options
        Detector-model options (see :func:`option_table`, or
        ``cevns.experiments.csi2021.DEFAULTS`` and ``cevns.experiments.ar2020.DEFAULTS``).
        An option left out keeps its default; None is refused (it is not a value).

    Raises
    ------
    InputError
        Unknown experiment, option or value (the message says what is accepted).
    MissingDataError, HashMismatchError, MalformedDataError
        A data file is missing, corrupted or malformed (the message names it).
    """
    from ..data import resolve_data_dir
    from ..data.store import nearby_release
    from ..errors import MissingDataError

    _check_name(name)
    for k, v in options.items():
        if v is None:
            spec = option_table(name).get(k)
            accepted = spec.accepted() if spec is not None else "a known option"
            raise InputError(
                f"{name} option {k}: None is not a value; leave the option out for its "
                f"default, or give {accepted}"
            )
    given = dict(options)
    text = {k: _as_text(name, k, v) for k, v in given.items()}
    root = resolve_data_dir(data_dir)
    directory = str(root)
    try:
        core = _core.load_experiment(name, directory, text)
    except MissingDataError as exc:
        near = nearby_release(root)
        if near is None:
            raise
        raise MissingDataError(
            f"{exc} The releases are in {near}: use --data-dir {near} (data_dir=...)"
        ) from None
    except CevnsError:
        raise
    except ValueError as exc:  # options each in range, but together out of reach (overflow)
        raise InputError(f"{name}: {exc}") from None
    return Experiment(core, option_table(name), data_dir=directory, given=given)


def dataset(
    name: str, data_dir: Any = None, options: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Experiment]:
    """The experiments of a data set, built: ``dataset("csi2021+ar2020")``.

    Parameters
    ----------
    name : str
        A registered experiment, a ``+``-joined list of them or ``"combined"``
        (:func:`cevns.datasets.members`).
    data_dir : path-like, optional
    options : mapping, optional
        Detector options per experiment, e.g. ``{"csi2021": {"timing_efficiency": "none"}}``.

    Returns
    -------
    dict
        name → :class:`Experiment`, in the order of the data set (each picklable).

    Raises
    ------
    InputError
        An unknown data set, options for an experiment outside it, or a bad option.

    Examples
    --------
    >>> from cevns.experiments import dataset
    >>> list(dataset("ar2020+csi2021"))
    ['ar2020', 'csi2021']
    >>> dataset("combined", options={"csi2021": {"efficiency": "plus"}})["csi2021"].options
    {'efficiency': 'plus'}
    """
    from ..datasets import members

    names = members(name)
    extra = set(options or {}) - set(names)
    if extra:
        raise InputError(f"options for {sorted(extra)}, which are not in the data set {name!r}")
    opts = dict(options or {})
    return {n: experiment(n, data_dir, **dict(opts.get(n, {}))) for n in names}


def __getattr__(name: str) -> Any:
    # ``cevns.experiments.csi2021.DEFAULTS`` without importing the submodule first
    if name in EXPERIMENTS:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "EXPERIMENTS",
    "Experiment",
    "IgnoredEvents",
    "dataset",
    "defaults",
    "experiment",
    "option_table",
    "parse_option",
    "parse_setting",
]
