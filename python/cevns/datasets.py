"""The data sets of an analysis: registered experiments and their combinations.

A *data set* is what a fit, a limit or a scan is made of: one registered
experiment (``csi2021``, ``ar2020``, ...; each defined once, in the C++ core's
registry) or a ``+``-joined list of them (``csi2021+ar2020``: the χ² summed, each
experiment with its own nuisances, Sec. IV). ``combined`` is the alias of
``csi2021+ar2020``. The CLI's ``--experiment`` and the API's ``dataset`` take
these names.

Examples
--------
>>> from cevns.datasets import label, members
>>> members("combined")
('csi2021', 'ar2020')
>>> members("ar2020+csi2021")
('ar2020', 'csi2021')
>>> label("combined")
'CsI+Ar'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from . import _core
from .errors import CevnsError, InputError

__all__ = [
    "DATASETS",
    "EXPERIMENTS",
    "LABELS",
    "MEMBERS",
    "PAPER_DATASETS",
    "PAPER_EXPERIMENTS",
    "PAPER_ORDER",
    "check_dataset",
    "experiments_for",
    "label",
    "members",
]

#: The registered experiments (each built by :func:`cevns.experiment`), in registry
#: order, as the C++ core names them (the one place experiments are defined).
EXPERIMENTS: tuple[str, ...] = tuple(_core.experiment_names())
#: The named data sets: every experiment and the alias ``combined``. Any ``+``-joined
#: list of experiments is a data set too (:func:`members`).
DATASETS: tuple[str, ...] = (*EXPERIMENTS, "combined")
#: The data sets of the paper (Table 2 rows, in this order).
PAPER_DATASETS: tuple[str, ...] = ("csi2021", "ar2020", "combined")
#: The paper's experiments (COHERENT; Table 2, the figures and the g-2 comparison).
PAPER_EXPERIMENTS: tuple[str, ...] = ("csi2021", "ar2020")
#: The order of the paper's tables and figures (Table 2 columns, Figs. 4-8 legends).
PAPER_ORDER: tuple[str, ...] = ("ar2020", "csi2021", "combined")


def members(dataset: str) -> tuple[str, ...]:
    """The experiments of a data set: a registered name, a ``+`` list or ``combined``.

    Raises
    ------
    InputError
        If ``dataset`` is empty, names an unregistered experiment or one twice.
    """
    if not isinstance(dataset, str):
        raise InputError(f"unknown data set {dataset!r}; accepted: {', '.join(DATASETS)}")
    try:
        return tuple(_core.dataset_members(dataset))
    except CevnsError as exc:  # one line from the core: the bad name and the accepted ones
        raise InputError(str(exc)) from None


def check_dataset(dataset: str) -> str:
    """``dataset`` itself once :func:`members` accepts it (the CLI's ``--experiment`` type)."""
    members(dataset)
    return dataset


def label(dataset: str) -> str:
    """Short label of tables and legends: the members' labels joined by ``+`` (``CsI+Ar``)."""
    return "+".join(_core.experiment_definition(n).label for n in members(dataset))


class _ByDataset(Mapping[str, Any]):
    """A read-only mapping computed for any data set (the named ones when iterated)."""

    def __init__(self, of: Any) -> None:
        self._of = of

    def __getitem__(self, dataset: str) -> Any:
        try:
            return self._of(dataset)
        except InputError:
            raise KeyError(dataset) from None

    def __iter__(self) -> Iterator[str]:
        return iter(DATASETS)

    def __len__(self) -> int:
        return len(DATASETS)


#: The experiments each data set is made of (any data set; iterates the named ones).
MEMBERS: Mapping[str, tuple[str, ...]] = _ByDataset(members)
#: Short labels used in tables and figure legends (paper: Ar, CsI, CsI+Ar).
LABELS: Mapping[str, str] = _ByDataset(label)


def experiments_for(
    dataset: str, data_dir: Any = None, given: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The experiments of ``dataset`` by name: those in ``given``, the others built.

    Parameters
    ----------
    dataset : str
        A data set (:func:`members`): ``"csi2021"``, ``"csi2021+ar2020"``, ``"combined"``...
    data_dir : path-like, optional
        Data directory of the experiments built here (default: ``$CEVNS_DATA_DIR`` or
        the per-user data directory).
    given : mapping, optional
        Already built experiments by name (e.g. with non-default detector options).

    Returns
    -------
    dict
        name → :class:`cevns.experiments.Experiment`, in the order of :func:`members`.
    """
    names = members(dataset)
    given = dict(given or {})
    out: dict[str, Any] = {}
    for n in names:
        exp = given.get(n)
        if exp is None:
            from .experiments import experiment

            exp = experiment(n, data_dir)
        out[n] = exp
    return out
