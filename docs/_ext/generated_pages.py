"""What the page-generating extensions (apigen, cppref) share: run when the build starts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def setup_generator(app: Any, generate: Callable[[], Any]) -> dict[str, Any]:
    """Register ``generate()`` to write its pages before Sphinx reads the sources."""
    app.connect("builder-inited", lambda _app: generate())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
