"""COHERENT experiments: ``experiment("csi2021")`` and ``experiment("ar2020")``."""

from __future__ import annotations

from typing import Any

from ..datasets import EXPERIMENTS
from ..errors import InputError
from .base import Experiment, IgnoredEvents


def experiment(name: str, data_dir: Any = None, **options: Any) -> Experiment:
    """Build a COHERENT experiment from the data release.

    Parameters
    ----------
    name : {"csi2021", "ar2020"}
    data_dir : path-like, optional
        Data directory (default: ``$CEVNS_DATA_DIR`` or the per-user directory).
    **options
        Detector-model options (see ``cevns.experiments.csi2021.DEFAULTS`` and
        ``cevns.experiments.ar2020.DEFAULTS``).
    """
    if name == "csi2021":
        from .csi2021 import build
    elif name == "ar2020":
        from .ar2020 import build
    else:
        raise InputError(f"unknown experiment {name!r}; accepted: {', '.join(EXPERIMENTS)}")
    return build(data_dir, **options)


__all__ = ["EXPERIMENTS", "Experiment", "IgnoredEvents", "experiment"]
