"""Sphinx configuration of the cevns documentation.

Build (offline, warnings as errors; the tutorials need the COHERENT data, found as the
tests find it: ``$CEVNS_DATA_DIR``, else ``../shared/data/coherent``, else the per-user
data directory, and the XENONnT release and solar tables there or beside it, see
``_data_dir``)::

    pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html

Generated at build time, never edited by hand (and not committed):

* ``api/python/*.rst`` — one page per public module, every public name
  (``_ext/apigen.py``; ``tests/python/test_docs.py`` checks that none is missing);
* ``api/cpp.md`` — the C++ headers and the C facade from their comments
  (``_ext/cppref.py``);
* ``validation/published.md`` — every published number the tests compare against
  (``_ext/validation.py``, from ``cevns.reference``).
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "_ext"))
# an editable install (pip install -e) rebuilds the core on import and says so on stdout:
# keep that out of the build log and the tutorials (a wheel install prints nothing anyway)
os.environ.setdefault("SKBUILD_EDITABLE_VERBOSE", "0")

import cevns  # noqa: E402


def _data_dir() -> Path:
    """The data directory every tutorial reads, found as the tests find it.

    The COHERENT directory is ``$CEVNS_DATA_DIR``, else ``../shared/data/coherent``, else
    the per-user data directory. The XENONnT tutorials also need ``xenonnt/`` (converted)
    and ``solar/`` there: a directory that lacks them is completed as the tests' fixture
    ``data_root`` does (``tests/python/data_root.py``: links to the releases beside it in
    ``build/test-data-root``, the templates converted once; nothing to do after the tests).
    """
    import importlib.util

    from cevns.data import resolve_data_dir

    shared = ROOT.parent / "shared" / "data" / "coherent"
    given = os.environ.get("CEVNS_DATA_DIR", "").strip()
    coherent = resolve_data_dir(given or (shared if shared.is_dir() else None))
    spec = importlib.util.spec_from_file_location(
        "cevns_docs_data_root", ROOT / "tests" / "python" / "data_root.py"
    )
    assert spec is not None and spec.loader is not None
    data_root = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(data_root)
    # The published-number tests (docs/_ext/validation.py) look for the raw releases beside
    # $CEVNS_DATA_DIR, which becomes the assembled root below: name them where they are.
    for var, name in (("CEVNS_XENONNT_DIR", "xenonnt"), ("CEVNS_SOLAR_DIR", "solar"),
                      ("CEVNS_XENONNT_2024_DIR", "xenonnt-2024")):  # fmt: skip
        if (Path(coherent).parent / name).is_dir():
            os.environ.setdefault(var, str(Path(coherent).parent / name))
    try:
        return data_root.assemble(coherent)
    except FileNotFoundError:  # no XENONnT data: the XENONnT tutorial will name what is missing
        return coherent


os.environ["CEVNS_DATA_DIR"] = str(_data_dir())  # read by the tutorials' kernels and the tests

project = "cevns"
author = "The cevns developers"
copyright = "the cevns developers, BSD-3-Clause"
release = cevns.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "apigen",
    "cppref",
    "validation",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints", "jupyter_execute"]

# -- MyST / notebooks -----------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "force"  # every tutorial runs at every build: they cannot rot
nb_execution_raise_on_error = True  # a failing cell fails the build
nb_execution_timeout = 180  # seconds per cell (each tutorial is < 1 min on 2 cores)
nb_execution_show_tb = True
nb_merge_streams = True
nb_render_markdown_format = "myst"  # Markdown outputs (tables) parsed as the pages are

# -- autodoc ----------------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"show-inheritance": True}
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
napoleon_use_ivar = True
# Type names in docstrings are prose for a physicist ("array (9, 11)", "dict of str to
# float"), not cross-reference targets.
nitpicky = False


_BARS = re.compile(r"(``.*?``)|\|")


def _escape_bars(line: str) -> str:
    """|q|, |U_e4|² ... are absolute values in the physicists' docstrings, not rST
    substitutions: escape every '|' outside inline literals."""
    return _BARS.sub(lambda m: m.group(1) or r"\|", line)


def _process_docstring(app, what, name, obj, options, lines):  # noqa: ARG001
    # a constant without a doc comment would show its type's docstring (dict's, list's)
    type_doc = (inspect.getdoc(type(obj)) or "") + (getattr(obj, "__doc__", None) or "")
    first = next((line.strip() for line in lines if line.strip()), "")
    if what in ("data", "attribute") and first and first in type_doc:
        lines[:] = []
        return
    lines[:] = [_escape_bars(line) for line in lines]


def setup(app):
    app.connect("autodoc-process-docstring", _process_docstring)


# -- HTML ---------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"cevns {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
