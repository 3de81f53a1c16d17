"""The data sets of the analysis, named once: ``csi2021``, ``ar2020`` and ``combined``.

A *data set* is what a fit, a limit or a scan is made of: one COHERENT experiment
(``csi2021``, ``ar2020``) or their combination (``combined`` = CsI + Ar, the χ²
summed, Sec. IV). The CLI's ``--experiment`` and the API's ``dataset`` take these
names.

Examples
--------
>>> from cevns.datasets import members
>>> members("combined")
('csi2021', 'ar2020')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import _core
from .errors import InputError

#: The single COHERENT experiments (each built by :func:`cevns.experiment`), as the
#: C++ core names them (the one place experiments are defined).
EXPERIMENTS: tuple[str, ...] = tuple(_core.experiment_names())
#: Every data set: the experiments and their combination.
DATASETS: tuple[str, ...] = (
    "csi2021",
    "ar2020",
    "combined",
    "xenonnt",
    "xenonnt_sr0",
    "xenonnt_sr1",
    "xenonnt_sr2",
    "csi2021+ar2020+xenonnt",
)
#: The paper's experiments and data sets (Table 2's columns): COHERENT only.
COHERENT_EXPERIMENTS: tuple[str, ...] = ("csi2021", "ar2020")
COHERENT_DATASETS: tuple[str, ...] = ("csi2021", "ar2020", "combined")

#: The experiments each data set is made of.
MEMBERS: dict[str, tuple[str, ...]] = {
    "csi2021": ("csi2021",),
    "ar2020": ("ar2020",),
    "combined": ("csi2021", "ar2020"),
    # XENONnT solar 8B: SR0+SR1 (the published analysis), one run each; SR2 is not yet
    # validated against a publication
    "xenonnt": ("xenonnt",),
    "xenonnt_sr0": ("xenonnt_sr0",),
    "xenonnt_sr1": ("xenonnt_sr1",),
    "xenonnt_sr2": ("xenonnt_sr2",),
    # all data (until experiments compose with '+' in general: the registry work)
    "csi2021+ar2020+xenonnt": ("csi2021", "ar2020", "xenonnt"),
}
#: Short labels used in tables and figure legends (paper: Ar, CsI, CsI+Ar).
LABELS: dict[str, str] = {
    "ar2020": "Ar",
    "csi2021": "CsI",
    "combined": "CsI+Ar",
    "xenonnt": "Xe (SR0+SR1)",
    "xenonnt_sr0": "Xe SR0",
    "xenonnt_sr1": "Xe SR1",
    "xenonnt_sr2": "Xe SR2",
    "csi2021+ar2020+xenonnt": "CsI+Ar+Xe",
}
#: The order of the paper's tables and figures (Table 2 columns, Figs. 4-8 legends).
PAPER_ORDER: tuple[str, ...] = ("ar2020", "csi2021", "combined")


def members(dataset: str) -> tuple[str, ...]:
    """The experiments of a data set.

    Raises
    ------
    InputError
        If ``dataset`` is not one of :data:`DATASETS`.
    """
    try:
        return MEMBERS[dataset]
    except (KeyError, TypeError):
        raise InputError(f"unknown data set {dataset!r}; accepted: {', '.join(DATASETS)}") from None


def experiments_for(
    dataset: str, data_dir: Any = None, given: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The experiments of ``dataset`` by name: those in ``given``, the others built.

    Parameters
    ----------
    dataset : {"csi2021", "ar2020", "combined"}
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
