"""Shared pytest fixtures.

``data_dir`` points the tests at the shared copy of the COHERENT releases:
``$CEVNS_DATA_DIR`` if set, else ``<repo>/../shared/data/coherent``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

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
