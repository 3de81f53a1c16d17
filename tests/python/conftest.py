"""Shared pytest fixtures.

``data_dir`` points the tests at the shared copy of the COHERENT releases:
``$CEVNS_DATA_DIR`` if set, else ``<repo>/../shared/data/coherent``.

``data_root`` is a data directory with every release (ar2020/, csi2021/, xenonnt/,
solar/): ``$CEVNS_DATA_DIR`` itself when it holds all four (with the converted
XENONnT templates), else one assembled from symbolic links in
``<repo>/build/test-data-root``: the COHERENT releases of ``data_dir``, the XENONnT
release of ``$CEVNS_XENONNT_DIR`` and the solar tables of ``$CEVNS_SOLAR_DIR``,
read in place (defaults: ``xenonnt/`` and ``solar/`` beside the COHERENT directory,
as in ``../shared/data/{coherent,xenonnt,solar}``); the XENONnT HDF5 templates are
converted there once (h5py) and kept. ``xenonnt_2024_dir`` is the 2024 analysis'
templates (validation only): ``$CEVNS_XENONNT_2024_DIR``, default ``xenonnt-2024/``
beside the COHERENT directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The tests' helper modules (xenonnt_2024.py) import by name under any import mode
# (.ci/run tests the installed wheel with --import-mode=importlib).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from data_root import TEST_ROOT, release_dir, xenonnt_release  # noqa: E402
from data_root import assemble as assemble_data_root  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA_DIR = REPO.parent / "shared" / "data" / "coherent"

# Generated-input tests (hypothesis): a small random sample locally, the same
# derandomised sample in CI (selected when $CI is set), never a deadline (commands
# build experiments and run scans).
_HYPOTHESIS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("dev", max_examples=20, **_HYPOTHESIS)
settings.register_profile("ci", max_examples=20, derandomize=True, print_blob=True, **_HYPOTHESIS)
settings.register_profile(
    "thorough", max_examples=300, **_HYPOTHESIS
)  # HYPOTHESIS_PROFILE=thorough
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Directory holding ``ar2020/`` and ``csi2021/`` (skips the test if absent)."""
    env = os.environ.get("CEVNS_DATA_DIR", "").strip()
    path = Path(env).expanduser() if env else DEFAULT_DATA_DIR
    if not ((path / "ar2020").is_dir() and (path / "csi2021").is_dir()):
        pytest.skip(
            f"COHERENT data not found in {path} (needs ar2020/ and csi2021/); set "
            "CEVNS_DATA_DIR to a copy of the releases, or run `cevns data fetch`"
        )
    return path


@pytest.fixture(scope="session")
def xenonnt_dirs(data_dir: Path) -> tuple[Path, Path]:
    """(2024 templates, 2026 release) directories; skips the test if either is absent."""
    pytest.importorskip("h5py")
    old = release_dir("CEVNS_XENONNT_2024_DIR", data_dir.resolve().parent / "xenonnt-2024")
    new = xenonnt_release(data_dir)
    if not (old / "b8").is_dir() or not (new / "data").is_dir():
        pytest.skip(f"XENONnT data not found ({old}, {new})")
    return old, new


@pytest.fixture(scope="session")
def data_root(data_dir: Path) -> Path:
    """Directory holding ar2020/, csi2021/, xenonnt/ (converted) and solar/ (skips if absent):
    ``data_dir`` itself, or one assembled in build/test-data-root (``data_root.assemble``)."""
    try:
        return assemble_data_root(data_dir, TEST_ROOT)
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    except ImportError:
        pytest.skip("converting the XENONnT templates needs h5py")


def copy_release(src: Path, dst: Path) -> Path:
    """Copy a data directory file by file, leaving the copies writable.

    ``shutil.copytree`` would carry over the read-only modes of the shared copy.
    """
    for path in sorted(src.rglob("*")):
        if path.is_file():
            target = dst / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return dst


def corrupt(path: Path) -> None:
    """Change one byte in the middle of a file (keeping its size)."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] = ord("7") if data[middle] != ord("7") else ord("3")
    path.write_bytes(bytes(data))


@pytest.fixture
def data_copy(data_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of the shared data directory in ``tmp_path``."""
    return copy_release(data_dir, tmp_path / "copy")


@pytest.fixture
def corrupt_file():
    """The :func:`corrupt` helper, as a fixture."""
    return corrupt


@pytest.fixture
def copy_tree():
    """The :func:`copy_release` helper, as a fixture."""
    return copy_release


class PublishedChecks:
    """Compare our numbers with ``cevns.reference.PUBLISHED`` (value and tolerance there).

    ``check(key, ours)`` asserts that the entry accepts ``ours``. With
    ``$CEVNS_PUBLISHED_RECORD`` set to a file, every checked value is also written there
    (JSON, key -> our value) at the end of the session: the documentation's validation
    page (``docs/_ext/validation.py``) runs the tests named in ``PUBLISHED`` that way.
    """

    def __init__(self) -> None:
        self.recorded: dict[str, float] = {}

    def __call__(self, key: str):
        """The entry ``key`` of ``cevns.reference.PUBLISHED``."""
        from cevns.reference import published

        return published(key)

    def check(self, key: str, ours: float) -> None:
        from cevns.reference import published

        entry = published(key)
        self.recorded[key] = float(ours)
        assert entry.accepts(float(ours)), (
            f"{entry.quantity}: ours {ours:.6g}, published {entry.value:g} "
            f"(-{entry.minus:g} +{entry.plus:g}), tolerance {entry.describe_tolerance()}"
        )


@pytest.fixture(scope="session")
def published():
    """The checker of published numbers (see :class:`PublishedChecks`)."""
    checks = PublishedChecks()
    yield checks
    record = os.environ.get("CEVNS_PUBLISHED_RECORD", "").strip()
    if record and checks.recorded:
        import json

        path = Path(record)
        old = json.loads(path.read_text()) if path.is_file() and path.stat().st_size else {}
        path.write_text(json.dumps({**old, **checks.recorded}, indent=1, sort_keys=True))
