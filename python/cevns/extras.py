"""Optional dependencies, declared as pip extras in pyproject.toml (``plot``, ``test``;
``distributed`` for the statistics on a cluster): a missing one is one clear error."""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MissingExtraError

__all__ = ["require"]


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import an optional dependency or say which extra installs it.

    Parameters
    ----------
    module : str
        Module to import, e.g. ``"matplotlib"``.
    extra : str
        The extra of cevns that installs it, e.g. ``"plot"``.
    what : str
        What needs it, for the message, e.g. ``"cevns figures"``.

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    cevns.errors.MissingExtraError
        If the module (or its top-level package) is not installed.
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is None or exc.name.split(".")[0] != module.split(".")[0]:
            raise  # the module is there but something it imports is not
        raise MissingExtraError(
            f"{what} needs {module.split('.')[0]}, which is not installed: "
            f"pip install 'cevns[{extra}]'"
        ) from None
