"""The import paths of 0.5.0 that moved (one version): ``cevns.scan`` is
``cevns.infer.scan``, and so on. An import finder on ``sys.meta_path`` answers the
old names with the new modules themselves (the same objects), after a
``DeprecationWarning``; the old paths go away in 0.8.0 (CHANGELOG.md).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from types import ModuleType
from typing import Any

__all__ = ["MOVED", "install"]

#: Old module name -> new module name.
MOVED = {
    f"cevns.{m}": f"cevns.infer.{m}"
    for m in ("scan", "regions", "limits", "profiles", "toys", "fc", "distributed")
}


#: The moved modules' own specs, kept while the import system rewrites them.
_OWN_SPECS: dict[str, importlib.machinery.ModuleSpec] = {}


class _MovedFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the old names only; loads them as the new modules."""

    def find_spec(
        self, fullname: str, path: Any = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        new = MOVED[spec.name]
        warnings.warn(
            f"{spec.name} moved to {new}; the old path goes away in 0.8.0",
            DeprecationWarning,
            stacklevel=2,
        )
        module = importlib.import_module(new)
        if module.__spec__ is not None:
            _OWN_SPECS[spec.name] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the new module is already executed. The import system has just
        set its ``__spec__`` to the old name's; put its own back, or the relative imports
        inside it (e.g. in ``cevns.infer.distributed.engine``) fail, as ``__package__``
        no longer matches ``__spec__.parent``."""
        own = _OWN_SPECS.get(module.__spec__.name) if module.__spec__ is not None else None
        if own is not None:
            module.__spec__ = own


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once): it claims only the old names,
    which another finder (an editable install's file map) may still list."""
    if not any(isinstance(f, _MovedFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _MovedFinder())
