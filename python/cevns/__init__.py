"""cevns: coherent elastic neutrino-nucleus scattering phenomenology for COHERENT.

The C++ core ``cevns._core`` builds the experiments from the COHERENT data
releases and does the heavy lifting (form factors, loop integrals, binned rate
convolutions, profiled chi2); this package wraps it in a Python API and the
``cevns`` command line (ARCHITECTURE.md).
"""

from __future__ import annotations

try:  # written into the wheel at build time from project(cevns VERSION ...) in CMakeLists.txt
    from ._version import __version__
except ModuleNotFoundError:  # the source tree, not built (pure-Python parts only)
    from importlib.metadata import PackageNotFoundError, version

    try:
        __version__ = version("cevns")
    except PackageNotFoundError:
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


def __getattr__(name: str):
    # Lazy imports keep `import cevns` cheap and let the pure-Python parts
    # (data registry) work before the extension is built.
    if name == "experiment":
        from .experiments import experiment

        return experiment
    if name in ("models", "likelihood", "data", "experiments"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'cevns' has no attribute {name!r}")
