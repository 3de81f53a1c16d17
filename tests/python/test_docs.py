"""The documentation cannot miss a public name or a published number.

* Every public name of every public module is on its API page. The names are found
  here from the package itself (``__all__``, else what a module defines), not from the
  generator ``docs/_ext/apigen.py`` that writes the pages, so a generator that skips a
  module, a name or a kind of object fails this test.
* Every entry of ``cevns.reference.PUBLISHED`` (the validation page) names a test that
  exists and asks the ``published`` fixture for that entry.

Runs from the source tree only (the documentation is not in the wheel).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

import pytest

import cevns
from cevns.reference import PUBLISHED

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"

pytestmark = pytest.mark.skipif(
    not (DOCS / "_ext" / "apigen.py").is_file(), reason="the docs/ sources are not here"
)


def _package_modules() -> list[str]:
    """Public modules: no '_' component; of the CLI only ``cevns.cli`` itself; not the
    doctests' pytest set-up ``cevns.conftest``."""
    out = ["cevns"]
    for info in pkgutil.walk_packages(cevns.__path__, prefix="cevns."):
        if any(p.startswith("_") for p in info.name.split(".")):
            continue
        if info.name.startswith("cevns.cli.") or info.name == "cevns.conftest":
            continue
        out.append(info.name)
    return out


def _expected_names(module) -> set[str]:
    if hasattr(module, "__all__"):
        return set(module.__all__)
    tree = ast.parse(inspect.getsource(module))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            names.add(node.name)
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for t in targets:
            if (
                isinstance(t, ast.Name)
                and t.id.isupper()
                and not t.id.startswith("_")
                and t.id != "LOG"
            ):
                names.add(t.id)
    return names


@pytest.fixture(scope="module")
def api_pages(tmp_path_factory):
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        apigen = importlib.import_module("apigen")
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    out = tmp_path_factory.mktemp("api")
    apigen.generate(out)
    return {p.stem: p.read_text() for p in out.glob("*.rst")}


def test_every_public_module_has_a_page(api_pages):
    modules = _package_modules()
    assert "cevns.infer.limits" in modules and "cevns.data.store" in modules  # the walk works
    missing = [m for m in modules if m not in api_pages]
    assert not missing, f"public modules without an API page: {missing}"
    for m in modules:
        assert m in api_pages["index"], f"{m} is not in the API index"


@pytest.mark.parametrize("modname", _package_modules())
def test_every_public_name_is_documented(api_pages, modname):
    module = importlib.import_module(modname)
    page = api_pages[modname]
    documented = set(re.findall(rf"^\.\. auto\w+:: {re.escape(modname)}\.(\w+)$", page, re.M))
    # a submodule named in __all__ is a link to its own page (which must exist)
    for sub in re.findall(
        rf"^\* ``{re.escape(modname)}\.(\w+)``: the module :mod:`([\w.]+)`$", page, re.M
    ):
        assert sub[1] in api_pages, f"{modname}.{sub[0]}: no page for {sub[1]}"
        documented.add(sub[0])
    missing = _expected_names(module) - documented
    assert not missing, f"{modname}: public names missing from the API reference: {missing}"
    for name in documented:
        obj = getattr(module, name)
        if inspect.ismodule(obj):
            continue
        if inspect.isclass(obj) or inspect.isroutine(obj):
            assert inspect.getdoc(obj), f"{modname}.{name} has no docstring"


def test_published_entries_name_tests_that_check_them():
    keys = [e.key for e in PUBLISHED]
    assert len(keys) == len(set(keys)), "duplicate keys in cevns.reference.PUBLISHED"
    for entry in PUBLISHED:
        path, func = entry.test.split("::")
        source = (REPO / path).read_text()
        tree = ast.parse(source)
        fn = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == func]
        assert fn, f"{entry.key}: no test {entry.test}"
        body = ast.get_source_segment(source, fn[0])
        assert "published" in [a.arg for a in fn[0].args.args], f"{entry.test} has no fixture"
        # the key, or the f-string prefix that builds it, is in the test
        prefix = entry.key.split(".")[0] + "."
        assert entry.key in body or f'f"{prefix}' in body, f"{entry.test} never checks {entry.key}"
