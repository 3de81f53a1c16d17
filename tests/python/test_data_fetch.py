"""fetch() over real HTTP from a loopback server, and import_dir() from nested and flat layouts."""

from __future__ import annotations

import dataclasses
import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from cevns.data import Registry, fetch, import_dir, load_registry, verify
from cevns.errors import DataError, HashMismatchError, MissingDataError


# ---------------------------------------------------------------------------
# A loopback HTTP server serving a directory
# ---------------------------------------------------------------------------
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests: list[str] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        type(self).requests.append(self.path)
        super().do_GET()


@contextmanager
def _serve(directory: Path) -> Iterator[tuple[str, list[str]]]:
    """Serve ``directory`` on 127.0.0.1 (free port); yield (base URL, request log)."""
    log: list[str] = []
    handler = type("Handler", (_QuietHandler,), {"requests": log})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}", log
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    """Keep loopback requests away from any configured HTTP proxy."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


COHERENT = ["ar2020", "csi2021"]


@pytest.fixture
def server(data_dir):
    """Serve the shared copy of the releases."""
    with _serve(data_dir) as served:
        yield served


# ---------------------------------------------------------------------------
# fetch
# ---------------------------------------------------------------------------
@pytest.mark.network
def test_fetch_over_http_then_verify(server, tmp_path):
    base_url, log = server
    target = tmp_path / "data"
    report = fetch(target, base_url=base_url, datasets=COHERENT)
    assert report.ok, report.problems()
    assert report.missing_optional == ()
    assert verify(target).ok
    assert len(log) == 31
    assert any("%2B" in path or "+" in path for path in log)
    # Already complete: nothing is downloaded again (the releases present by default).
    log.clear()
    assert fetch(target, base_url=base_url).ok
    assert log == []


@pytest.mark.network
def test_fetch_one_dataset_into_env_dir(server, tmp_path, monkeypatch):
    base_url, _ = server
    monkeypatch.setenv("CEVNS_DATA_DIR", str(tmp_path / "env"))
    report = fetch(base_url=base_url, datasets=["csi2021"])
    assert report.ok and report.checked == 8
    assert sorted(p.name for p in (tmp_path / "env" / "csi2021").iterdir()) == sorted(
        e.name for e in load_registry().select(["csi2021"])
    )
    assert not (tmp_path / "env" / "ar2020").exists()


@pytest.mark.network
def test_fetch_replaces_a_corrupted_local_file(server, tmp_path, copy_tree, data_dir, corrupt_file):
    base_url, log = server
    target = copy_tree(data_dir, tmp_path / "data")
    corrupt_file(target / "ar2020" / "bkgpdf.txt")
    report = fetch(target, base_url=base_url)
    assert report.ok
    assert log == ["/ar2020/bkgpdf.txt"]


@pytest.mark.network
def test_fetch_from_corrupted_server_names_the_file(data_dir, tmp_path, copy_tree, corrupt_file):
    mirror = copy_tree(data_dir, tmp_path / "mirror")
    corrupt_file(mirror / "csi2021" / "dataBeamOnAC.txt")
    target = tmp_path / "data"
    with _serve(mirror) as (base_url, _):
        with pytest.raises(HashMismatchError) as info:
            fetch(target, base_url=base_url, datasets=["csi2021"])
    assert "csi2021/dataBeamOnAC.txt" in str(info.value)
    # The bad download is not kept; every other file was fetched.
    assert not (target / "csi2021" / "dataBeamOnAC.txt").exists()
    report = verify(target, datasets=["csi2021"])
    assert report.missing == ("csi2021/dataBeamOnAC.txt",) and not report.mismatched


@pytest.mark.network
def test_fetch_reports_every_missing_file_on_the_mirror(data_dir, tmp_path, copy_tree):
    mirror = copy_tree(data_dir, tmp_path / "mirror")
    (mirror / "ar2020" / "cevnspdf.txt").unlink()
    (mirror / "ar2020" / "bkgpdf.txt").unlink()
    with _serve(mirror) as (base_url, _):
        with pytest.raises(DataError) as info:
            fetch(tmp_path / "data", base_url=base_url, datasets=["ar2020"])
    message = str(info.value)
    assert "ar2020/cevnspdf.txt" in message and "ar2020/bkgpdf.txt" in message


def _registry_with(**changes_by_path: dict) -> Registry:
    registry = load_registry()
    files = tuple(dataclasses.replace(f, **changes_by_path.get(f.path, {})) for f in registry.files)
    return Registry(files=files, datasets=registry.datasets)


def test_fetch_without_official_url_says_to_import(tmp_path, data_dir, copy_tree):
    # Everything present except one required file that has no official address:
    # no download is attempted, and the error says what to do.
    target = copy_tree(data_dir, tmp_path / "data")
    (target / "csi2021" / "ninPE.txt").unlink()
    registry = _registry_with(**{"csi2021/ninPE.txt": {"url": None}})
    with pytest.raises(DataError) as info:
        fetch(target, registry=registry)
    message = str(info.value)
    assert "csi2021/ninPE.txt" in message
    assert "cevns data import" in message


def test_fetch_skips_documentation_without_url(tmp_path, data_dir, copy_tree):
    target = copy_tree(data_dir, tmp_path / "data")
    (target / "ar2020" / "CENNS10DataReleaseCompanion.txt").unlink()
    report = fetch(target)  # nothing to download: no network needed
    assert report.ok
    assert report.missing_optional == ("ar2020/CENNS10DataReleaseCompanion.txt",)


# ---------------------------------------------------------------------------
# import_dir
# ---------------------------------------------------------------------------
def test_import_nested_layout(data_dir, tmp_path):
    target = tmp_path / "data"
    report = import_dir(data_dir, target)
    assert report.ok and report.checked == 31 and report.missing_optional == ()
    assert verify(target).ok


def _flatten(data_dir: Path, dst: Path, dataset: str) -> Path:
    dst.mkdir(parents=True)
    for path in (data_dir / dataset).iterdir():
        (dst / path.name).write_bytes(path.read_bytes())
    return dst


def test_import_flat_layout(data_dir, tmp_path):
    flat = _flatten(data_dir, tmp_path / "unpacked", "ar2020")
    (flat / "README.unrelated").write_text("not a registry file", encoding="utf-8")
    target = tmp_path / "data"
    report = import_dir(flat, target, datasets=["ar2020"])
    assert report.ok and report.checked == 23
    assert not (target / "ar2020" / "README.unrelated").exists()
    assert not (target / "csi2021").exists()


def test_import_flat_release_without_documentation(data_dir, tmp_path):
    # An official archive lacks the companion text and may ship another PDF build.
    flat = _flatten(data_dir, tmp_path / "zenodo", "ar2020")
    (flat / "CENNS10DataReleaseCompanion.txt").unlink()
    (flat / "CENNS10DataReleaseCompanion.pdf").write_bytes(b"%PDF-1.5 another build")
    report = import_dir(flat, tmp_path / "data", datasets="ar2020")
    assert report.ok
    assert set(report.missing_optional) == {
        "ar2020/CENNS10DataReleaseCompanion.txt",
        "ar2020/CENNS10DataReleaseCompanion.pdf",
    }


def test_import_reports_every_problem_and_copies_nothing(
    data_dir, tmp_path, copy_tree, corrupt_file
):
    src = copy_tree(data_dir, tmp_path / "src")
    (src / "csi2021" / "dataBeamOnC.txt").unlink()
    (src / "ar2020" / "brnpdf.txt").unlink()
    corrupt_file(src / "ar2020" / "cevnspdf.txt")
    corrupt_file(src / "csi2021" / "scintRespCoefficients.txt")
    target = tmp_path / "data"
    with pytest.raises(HashMismatchError) as info:
        import_dir(src, target)
    message = str(info.value)
    for name in (
        "csi2021/dataBeamOnC.txt",
        "ar2020/brnpdf.txt",
        "ar2020/cevnspdf.txt",
        "csi2021/scintRespCoefficients.txt",
    ):
        assert name in message
    assert "nothing was copied" in message
    assert not target.exists() or not any(p.is_file() for p in target.rglob("*"))


def test_import_missing_only_raises_missing(data_dir, tmp_path):
    flat = _flatten(data_dir, tmp_path / "unpacked", "csi2021")
    (flat / "brnTrec.txt").unlink()
    with pytest.raises(MissingDataError, match="csi2021/brnTrec.txt"):
        import_dir(flat, tmp_path / "data", datasets=["csi2021"])


def test_import_from_nonexistent_directory(tmp_path):
    with pytest.raises(MissingDataError, match="not a directory"):
        import_dir(tmp_path / "nope", tmp_path / "data")
