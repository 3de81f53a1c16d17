"""``cevns gm2``: the CEvNS exclusion vs the (g−2)_μ band (Sec. IV, App. B)."""

from __future__ import annotations

import json

import pytest

from cevns.cli import main

SMALL = ["--masses", "1:1e3:13", "--couplings", "1e-5:10:80"]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CEVNS_CACHE_DIR", str(tmp_path / "cache"))


def test_gm2_json_lmu_ltau(data_dir, capsys):
    rc = main(
        ["gm2", "--model", "Lmu-Ltau", "--format", "json", "--data-dir", str(data_dir), *SMALL]
    )
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert {
        "model",
        "band",
        "datasets",
        "settings",
        "provenance",
        "masses_MeV",
        "g_lower",
        "g_upper",
        "muon_coupling_factor",
    } <= set(out)
    assert out["model"] == "Lmu-Ltau"
    assert set(out["datasets"]) == {"ar2020", "csi2021", "combined"}
    for name, ds in out["datasets"].items():
        assert {
            "excluded_below_MeV",
            "allowed_ranges_MeV",
            "excluded_ranges_MeV",
            "fully_excluded",
            "strip_overlap_ranges_MeV",
        } <= set(ds), name
        # Sec. IV.9: the COHERENT bounds do not reach the L_mu - L_tau band
        assert ds["excluded_below_MeV"] is None and not ds["fully_excluded"]
        assert ds["allowed_ranges_MeV"] == [[1.0, 1000.0]]
        assert ds["max_band_upper_over_limit"][0] < 1.0
    for b in out["band"]:
        assert 0 < b["g_lower"] < b["g_upper"]
    assert out["provenance"]["data_sha256"]


def test_gm2_universal_band_excluded(data_dir, capsys):
    rc = main(
        [
            "gm2",
            "--model",
            "universal",
            "--format",
            "json",
            "--data-dir",
            str(data_dir),
            "--masses",
            "1:1e3:7",
            "--couplings",
            "1e-6:1:80",
        ]
    )
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    for ds in out["datasets"].values():  # Sec. IV.1: excluded by COHERENT alone
        assert ds["fully_excluded"] and ds["excluded_below_MeV"] == pytest.approx(1000.0)
        assert ds["min_band_lower_over_limit"][0] > 1.0


@pytest.mark.parametrize("fmt", ["markdown", "csv"])
def test_gm2_text_formats(data_dir, capsys, fmt):
    rc = main(
        [
            "gm2",
            "--model",
            "scalar",
            "--format",
            fmt,
            "--data-dir",
            str(data_dir),
            "--masses",
            "1:100:3",
            "--couplings",
            "1e-6:1:60",
        ]
    )
    assert rc == 0
    text = capsys.readouterr().out
    if fmt == "csv":
        lines = text.strip().splitlines()
        assert lines[0].startswith("# CEvNS exclusion at CL 2sigma") and "wilks" in lines[0]
        assert lines[1].startswith("mass_MeV,g_lower,g_upper,limit_g_ar2020,excluded_ar2020")
        assert len(lines) == 5
    else:
        assert "excluded_below_MeV" in text and "CsI+Ar" in text


@pytest.mark.parametrize("model", ["B-3Le", "Le-Ltau"])
def test_gm2_no_muon_coupling(data_dir, capsys, model):
    assert main(["gm2", "--model", model, "--data-dir", str(data_dir)]) == 4
    assert "does not couple to the muon" in capsys.readouterr().err


def test_gm2_unknown_model(capsys):
    assert main(["gm2", "--model", "nope"]) == 4
    assert "unknown model" in capsys.readouterr().err
