"""cevns: coherent elastic neutrino-nucleus scattering phenomenology for COHERENT.

The heavy lifting (form factors, loop integrals, binned rate convolutions,
profiled chi2) is done by the C++ core ``cevns._core``; this package builds the
experiments from the COHERENT data releases and exposes a Python API and the
``cevns`` command line.
"""

from __future__ import annotations

__version__ = "0.3.0"

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


def __getattr__(name: str):
    # Lazy imports keep `import cevns` cheap and let the pure-Python parts
    # (data registry, loaders) work before the extension is built.
    if name == "experiment":
        from .experiments import experiment

        return experiment
    if name in ("models", "likelihood", "data"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'cevns' has no attribute {name!r}")
