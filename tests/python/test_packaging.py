"""What the installed package promises beyond the physics: one version everywhere,
the data citations, and C++ consumers of the installed core (the GAMBIT-light
style plugin of ``examples/plugin``, checked against Python)."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cevns
from cevns.cli import main
from cevns.config import cmake_dir, include_dir
from cevns.data import citations, load_registry
from cevns.errors import InputError

REPO = Path(__file__).resolve().parents[2]


def test_one_version_source():
    """pyproject.toml reads the version from the project() line of CMakeLists.txt; the
    Python package, its metadata, the C++ header and the CMake package all carry it."""
    tomllib = pytest.importorskip("tomllib")
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "version" not in pyproject["project"]
    assert pyproject["project"]["dynamic"] == ["version"]
    provider = pyproject["tool"]["scikit-build"]["metadata"]["version"]
    source = (REPO / provider["input"]).read_text()
    version = re.search(provider["regex"], source)["value"]
    assert re.search(r"project\(cevns VERSION (\S+) ", source)[1] == version
    assert cevns.__version__ == version == importlib.metadata.version("cevns")
    assert cevns._core.__version__ == version  # the compiled core

    header = (include_dir() / "cevns" / "version.hpp").read_text()
    assert re.search(r'#define CEVNS_VERSION_STRING "([^"]+)"', header)[1] == version
    config = (cmake_dir() / "cevnsConfigVersion.cmake").read_text()
    assert re.search(r'set\(PACKAGE_VERSION "([^"]+)"\)', config)[1] == version


@pytest.mark.skipif(
    os.environ.get("CEVNS_TEST_INSTALLED") != "1", reason="set by .ci/run for the wheel's tests"
)
def test_the_installed_package_is_under_test():
    """.ci/run tests the installed wheel: `import cevns` must not find the source tree."""
    assert not Path(cevns.__file__).resolve().is_relative_to(REPO / "python")
    assert Path(cevns.__file__).resolve().parent.parent.name == "site-packages"


def test_changelog_names_this_version():
    assert f"## {cevns.__version__} " in (REPO / "CHANGELOG.md").read_text()


def test_citations_from_the_registry(capsys):
    """`cevns data cite` prints every dataset's citations, source and licence statement."""
    registry = load_registry()
    assert main(["data", "cite"]) == 0
    out = capsys.readouterr().out
    for name, ds in registry.datasets.items():
        assert f"{name}: {ds.title}" in out
        assert f"licence: {ds.licence}" in out
        for c in ds.citation:
            assert c in out
    assert "arXiv:2202.11002" in out
    assert main(["data", "cite", "--dataset", "ar2020"]) == 0
    out = capsys.readouterr().out
    assert "ar2020:" in out and "csi2021:" not in out
    # the registry, not a list in the CLI, knows the datasets: an unknown one is one line, exit 4
    assert main(["data", "cite", "--dataset", "ar2002"]) == 4
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "'ar2002'" in err[0] and "csi2021" in err[0]


def test_citations_unknown_dataset():
    with pytest.raises(InputError, match="unknown dataset"):
        citations(["xe2030"])


# -- C++ from the installed package ------------------------------------------
@pytest.fixture(scope="module")
def plugin(tmp_path_factory) -> tuple[Path, Path]:
    """examples/plugin built against the installed core (cevns config --cmakedir),
    with NLopt, libmd and OpenMP made unfindable: a consumer of the shared core needs
    none of their development files."""
    if shutil.which("cmake") is None:
        pytest.skip("cmake is not installed (needed to build a C++ consumer)")
    build = tmp_path_factory.mktemp("plugin")
    configure = [
        "cmake", "-S", str(REPO / "examples" / "plugin"), "-B", str(build),
        f"-Dcevns_DIR={cmake_dir()}", "-DCMAKE_BUILD_TYPE=Release",
        "-DCMAKE_DISABLE_FIND_PACKAGE_NLopt=ON", "-DCMAKE_DISABLE_FIND_PACKAGE_libmd=ON",
        "-DCMAKE_DISABLE_FIND_PACKAGE_OpenMP=ON",
    ]  # fmt: skip
    for cmd in (configure, ["cmake", "--build", str(build)]):
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return build / "plugin_host", build / "libcevns_plugin.so"


def run_host(plugin, data_dir: Path, name: str, *points: tuple[float, float]):
    host, lib = plugin
    args = [str(host), str(lib), name]
    for mass, g in points:
        args += [f"M_MeV={mass!r}", f"g={g!r}"]
    env = dict(os.environ, CEVNS_DATA_DIR=str(data_dir))
    return subprocess.run(args, capture_output=True, text=True, env=env)


@pytest.mark.parametrize(
    "model,points",
    [("B-L", [(10.0, 5e-5), (300.0, 1e-3)]), ("Lmu-Ltau", [(10.0, 1e-3)])],
)
def test_plugin_loglike_matches_python(plugin, data_dir, model, points):
    """The plugin's ln L = -chi2/2 of CsI+Ar equals Python's, point by point."""
    proc = run_host(plugin, data_dir, f"coherent:{model}", *points)
    assert proc.returncode == 0, proc.stderr
    values = [float(v) for v in re.findall(r"^loglike .*: (\S+)$", proc.stdout, re.M)]
    csi, ar = cevns.experiment("csi2021", data_dir), cevns.experiment("ar2020", data_dir)
    assert len(values) == len(points)
    for value, (mass, g) in zip(values, points):
        py = sum(e.chi2(e.predict(model, mass, g)).chi2 for e in (csi, ar))
        assert value == pytest.approx(-0.5 * py, rel=1e-10, abs=0)
    parts = [float(v) for v in re.findall(r"^  chi2_\w+ = (\S+)$", proc.stdout, re.M)]
    assert sum(parts[:2]) == pytest.approx(-2 * values[0], rel=1e-12)


@pytest.fixture(scope="module")
def python_pair(data_dir):
    return cevns.experiment("csi2021", data_dir), cevns.experiment("ar2020", data_dir)


@settings(max_examples=6, deadline=None, database=None)
@given(
    model=st.sampled_from(["universal", "B-3Lmu", "Le-Ltau", "scalar"]),
    log_mass=st.floats(-2.0, 4.0),
    log_g=st.floats(-6.0, -2.0),
)
def test_plugin_anywhere_in_the_plane(plugin, data_dir, python_pair, model, log_mass, log_g):
    """Any model at any (M, g) of the scan range: plugin ln L = -chi2/2 of Python."""
    mass, g = 10.0**log_mass, 10.0**log_g
    proc = run_host(plugin, data_dir, f"fit:{model}", (mass, g))
    assert proc.returncode == 0, proc.stderr
    value = float(re.search(r"^loglike .*: (\S+)$", proc.stdout, re.M)[1])
    py = sum(e.chi2(e.predict(model, mass, g)).chi2 for e in python_pair)
    assert value == pytest.approx(-0.5 * py, rel=1e-10, abs=0)


def test_plugin_errors(plugin, data_dir):
    """An unknown model registers nothing (one line from the plugin); a point without
    a parameter is an error naming it."""
    proc = run_host(plugin, data_dir, "coherent:B-X", (10.0, 5e-5))
    assert proc.returncode == 1
    assert "cevns plugin: coherent:B-X:" in proc.stderr and "registered no function" in proc.stderr
    host, lib = plugin
    env = dict(os.environ, CEVNS_DATA_DIR=str(data_dir))
    proc = subprocess.run(
        [str(host), str(lib), "coherent:B-L", "M_MeV=10", "G=1e-5"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 1 and "no parameter 'g'" in proc.stderr


def test_missing_extra_is_one_clear_error(monkeypatch, tmp_path, capsys):
    """Without matplotlib (the `plot` extra) `cevns figures` says how to install it."""
    from cevns.errors import MissingExtraError
    from cevns.extras import require

    for name in [m for m in list(sys.modules) if m.split(".")[0] == "matplotlib"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'cevns\[plot\]'"):
        require("matplotlib.pyplot", "plot", "plotting")
    rc = main(["figures", "--out", str(tmp_path), "--only", "fig2"])
    err = capsys.readouterr().err
    assert rc != 0 and "pip install 'cevns[plot]'" in err and "Traceback" not in err


@pytest.mark.parametrize("given, expected", [(None, "passive"), ("active", "active")])
def test_openmp_threads_sleep_between_loops_unless_told_otherwise(given, expected):
    """`import cevns` makes the core's OpenMP threads wait passively (spinning threads took
    4x the wall time of `cevns table2` on a busy 2-core machine); a user's choice stays."""
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if given is not None:
        env["OMP_WAIT_POLICY"] = given
    code = "import os, cevns; print(os.environ['OMP_WAIT_POLICY'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == expected
