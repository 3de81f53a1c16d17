"""cevns: coherent elastic neutrino-nucleus scattering phenomenology.

The C++ core ``cevns._core`` builds the registered experiments (COHERENT CsI 2021
and Ar 2020, ...) from their data releases and does the heavy lifting (form
factors, loop integrals, binned rate convolutions, profiled chi2); this package
wraps it in a Python API and the ``cevns`` command line (ARCHITECTURE.md).

The face of the package is small: :func:`experiment` and :func:`dataset` build
experiments, :mod:`cevns.models` names the models, :mod:`cevns.likelihood` the
χ², :mod:`cevns.data` the data releases; the errors derive from
:class:`CevnsError`. Fits, scans, limits and toys are in their modules
(:mod:`cevns.infer.scan`, :mod:`cevns.infer.limits`, :mod:`cevns.infer.fc`, ...).
"""

from __future__ import annotations

import os as _os
from typing import Any

# The core's OpenMP threads would spin between its parallel loops: on a shared or
# busy machine that steals the cores other work needs (`cevns table2` took 11.8 s
# instead of 2.9 s beside a 2-process job on 2 cores). They sleep instead, unless you
# chose a policy (the variable is read when the core is first loaded).
_os.environ.setdefault("OMP_WAIT_POLICY", "passive")

try:  # the compiled core's, from project(cevns VERSION ...) in CMakeLists.txt
    from ._core import __version__  # (an editable install's metadata can be stale)
except ImportError:  # the source tree, not built (pure-Python parts only)
    try:
        from ._version import __version__  # type: ignore[no-redef]
    except ModuleNotFoundError:
        __version__ = "0+unknown"

from .errors import (  # noqa: F401
    CevnsError,
    DataError,
    HashMismatchError,
    InputError,
    MalformedDataError,
    MissingDataError,
    ModelError,
    UnreadableDataError,
    UsageError,
)

__all__ = [
    "CevnsError",
    "DataError",
    "InputError",
    "ModelError",
    "__version__",
    "data",
    "dataset",
    "experiment",
    "likelihood",
    "models",
]


def __getattr__(name: str) -> Any:
    # Lazy imports keep `import cevns` cheap and let the pure-Python parts
    # (data registry) work before the extension is built.
    if name in ("experiment", "dataset"):
        from . import experiments

        return getattr(experiments, name)
    if name in ("models", "likelihood", "data", "experiments"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'cevns' has no attribute {name!r}")


def __dir__() -> list[str]:
    # the API (and the error classes, loaded submodules), not this file's own imports
    own = {"Any", "annotations"}
    return sorted({n for n in globals() if not n.startswith("_")} - own | set(__all__))
