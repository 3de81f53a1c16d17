"""Registry, data-directory resolution, verify() and data_path()."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

from cevns.data import (
    clear_hash_cache,
    data_path,
    load_registry,
    resolve_data_dir,
    verify,
)
from cevns.data import store as store_module
from cevns.errors import DataError, HashMismatchError, InputError, MissingDataError

REPO = Path(__file__).resolve().parents[2]
# the repository's registry (the installed package carries a copy)
REPO_REGISTRY = REPO / "data" / "registry.json"


def _make_registry_module():
    spec = importlib.util.spec_from_file_location(
        "make_registry", REPO / "data" / "make_registry.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------
def test_registry_loads_with_both_datasets():
    registry = load_registry()
    assert set(registry.datasets) == {"ar2020", "csi2021", "solar", "xenonnt"}
    assert len(registry.select(["ar2020", "csi2021"])) == 31
    # 9 files in registry.json (one of them derived), 6,915 HDF5 templates in the manifest
    assert len(registry.select(["xenonnt"])) == 9 + 6915
    assert len(registry.select(["solar"])) == 6
    assert registry.datasets["xenonnt"].licence.startswith("CC-BY-4.0")
    for dataset in registry.datasets.values():
        assert dataset.source.startswith("https://")
        assert dataset.citation and dataset.licence
    assert registry.datasets["ar2020"].doi == "10.5281/zenodo.3903810"


def test_registry_entry_lookup():
    registry = load_registry()
    entry = registry.entry("ar2020/cevnspdf.txt")
    assert entry.dataset == "ar2020"
    assert entry.size == 18857
    assert entry.sha256 == "3b1d5b25749e8d8e1cfdf5c32e48f026ce4aafec0a80632b3a63273e6e0e1f37"
    assert entry.url is not None and "zenodo.org/records/3903810/files/" in entry.url
    plus = registry.entry("ar2020/brnpdf+1sigEnergy.txt")
    assert plus.url is not None and "brnpdf%2B1sigEnergy.txt" in plus.url
    with pytest.raises(InputError, match="not a file of the cevns data registry"):
        registry.entry("ar2020/nope.txt")


def test_registry_every_required_file_has_an_official_url():
    registry = load_registry()
    for entry in registry.files:
        if entry.path == "xenonnt/cevns-templates-v1.bin":  # written by `cevns data import`
            assert entry.url is None and entry.note and "cevns data import" in entry.note
        elif entry.required:
            assert entry.url, entry.path
        elif entry.path in ("xenonnt/README.md", "xenonnt/LICENSE"):  # documentation
            assert entry.url, entry.path
        else:
            assert entry.url is None and entry.note, entry.path


def test_registry_select_rejects_unknown_dataset():
    with pytest.raises(InputError, match="unknown dataset"):
        load_registry().select(["xe2030"])


def test_registry_lists_exactly_the_shared_files(data_root):
    registry = load_registry()
    on_disk = {
        str(Path(top, name).relative_to(data_root).as_posix())
        for top, _, names in os.walk(data_root, followlinks=True)
        for name in names
    }
    assert on_disk == {f.path for f in registry.files}


def test_registry_json_is_reproducible(data_root):
    make_registry = _make_registry_module()
    committed = REPO_REGISTRY.read_text(encoding="utf-8")
    assert make_registry.dumps(make_registry.build(data_root)) == committed
    manifest = (REPO_REGISTRY.parent / "xenonnt-templates.tsv").read_text(encoding="utf-8")
    assert make_registry.manifest(data_root, "xenonnt") == manifest


def test_load_registry_from_explicit_file_and_errors(tmp_path):
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"datasets": {}, "files": []}), encoding="utf-8")
    assert load_registry(path).files == ()
    path.write_text("{", encoding="utf-8")
    with pytest.raises(DataError, match="not valid JSON"):
        load_registry(path)
    path.write_text(json.dumps({"files": []}), encoding="utf-8")
    with pytest.raises(DataError, match="datasets"):
        load_registry(path)


# ---------------------------------------------------------------------------
# data directory resolution
# ---------------------------------------------------------------------------
def test_resolve_data_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("CEVNS_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert resolve_data_dir() == tmp_path / "env"
    monkeypatch.delenv("CEVNS_DATA_DIR")
    default = resolve_data_dir()
    assert default.name == "coherent" and "cevns" in str(default)


# ---------------------------------------------------------------------------
# verify
# ---------------------------------------------------------------------------
def test_verify_passes_on_shared_copy(data_dir):
    report = verify(data_dir)
    assert report.ok, report.problems()
    assert report.checked == 31
    assert report.missing == () and report.mismatched == ()
    as_dict = report.to_dict()
    assert as_dict["ok"] is True and as_dict["checked"] == 31
    json.dumps(as_dict)


def test_verify_uses_env_var(data_dir, monkeypatch):
    monkeypatch.setenv("CEVNS_DATA_DIR", str(data_dir))
    assert verify(datasets=["csi2021"]).checked == 8


def test_verify_reports_corrupted_file(data_copy, corrupt_file):
    corrupt_file(data_copy / "ar2020" / "cevnspdf.txt")
    report = verify(data_copy)
    assert not report.ok
    assert [m.path for m in report.mismatched] == ["ar2020/cevnspdf.txt"]
    mismatch = report.mismatched[0]
    assert mismatch.expected == load_registry().entry("ar2020/cevnspdf.txt").sha256
    assert mismatch.actual != mismatch.expected
    assert "ar2020/cevnspdf.txt" in "\n".join(report.problems())


def test_verify_reports_missing_file(data_copy):
    (data_copy / "csi2021" / "dataBeamOnC.txt").unlink()
    report = verify(data_copy)
    assert not report.ok
    assert report.missing == ("csi2021/dataBeamOnC.txt",)


def test_verify_reports_every_problem_at_once(data_copy, corrupt_file):
    (data_copy / "csi2021" / "dataBeamOnC.txt").unlink()
    (data_copy / "ar2020" / "bkgpdf.txt").unlink()
    corrupt_file(data_copy / "csi2021" / "effCoefficients.txt")
    corrupt_file(data_copy / "ar2020" / "LArParametersAnlA.yaml")
    (data_copy / "ar2020" / "CENNS10DataReleaseCompanion.txt").unlink()
    report = verify(data_copy)
    assert not report.ok
    assert set(report.missing) == {"csi2021/dataBeamOnC.txt", "ar2020/bkgpdf.txt"}
    assert {m.path for m in report.mismatched} == {
        "csi2021/effCoefficients.txt",
        "ar2020/LArParametersAnlA.yaml",
    }
    assert report.missing_optional == ("ar2020/CENNS10DataReleaseCompanion.txt",)
    assert report.checked == 31


def test_verify_missing_documentation_alone_is_ok(data_copy):
    (data_copy / "ar2020" / "CENNS10DataReleaseCompanion.pdf").unlink()
    report = verify(data_copy)
    assert report.ok
    assert report.missing_optional == ("ar2020/CENNS10DataReleaseCompanion.pdf",)


def test_verify_empty_directory_reports_everything(tmp_path):
    report = verify(tmp_path / "nothing-here")
    assert not report.ok  # no release installed: every dataset is checked
    assert len(report.missing) + len(report.missing_optional) == len(load_registry().files)
    coherent_only = verify(tmp_path / "nothing-here", ["ar2020", "csi2021"])
    assert len(coherent_only.missing) + len(coherent_only.missing_optional) == 31


# ---------------------------------------------------------------------------
# data_path
# ---------------------------------------------------------------------------
def test_data_path_returns_verified_path(data_dir):
    path = data_path("csi2021/dataBeamOnC.txt", data_dir)
    assert path == data_dir / "csi2021" / "dataBeamOnC.txt"


def test_data_path_missing_file_message(tmp_path):
    with pytest.raises(MissingDataError) as info:
        data_path("ar2020/cevnspdf.txt", tmp_path)
    message = str(info.value)
    assert "ar2020/cevnspdf.txt" in message
    assert str(tmp_path) in message
    assert "cevns data fetch" in message and "cevns data import" in message
    assert "CEVNS_DATA_DIR" in message
    assert isinstance(info.value, FileNotFoundError)


def test_data_path_mismatch_message(data_copy, corrupt_file):
    target = data_copy / "csi2021" / "brnPE.txt"
    corrupt_file(target)
    entry = load_registry().entry("csi2021/brnPE.txt")
    with pytest.raises(HashMismatchError) as info:
        data_path("csi2021/brnPE.txt", data_copy)
    message = str(info.value)
    assert str(target) in message
    assert entry.sha256 in message
    assert store_module.sha256_file(target) in message
    assert "cevns data fetch" in message


def test_data_path_unknown_file():
    with pytest.raises(InputError):
        data_path("csi2021/unknown.txt")


def test_data_path_hash_check_is_cached(data_dir, monkeypatch):
    clear_hash_cache()
    calls = []
    real = store_module.sha256_file

    def counting(path, *args, **kwargs):
        calls.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(store_module, "sha256_file", counting)
    for _ in range(5):
        data_path("ar2020/bkgpdf.txt", data_dir)
    assert len(calls) == 1


def test_data_path_cache_notices_modification(data_copy, corrupt_file):
    target = data_copy / "ar2020" / "delbrnpdf.txt"
    data_path("ar2020/delbrnpdf.txt", data_copy)
    original = target.read_bytes()
    corrupt_file(target)
    stat = target.stat()
    # Make sure the mtime changes even on coarse-grained file systems.
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    with pytest.raises(HashMismatchError):
        data_path("ar2020/delbrnpdf.txt", data_copy)
    target.write_bytes(original)
    assert data_path("ar2020/delbrnpdf.txt", data_copy) == target
