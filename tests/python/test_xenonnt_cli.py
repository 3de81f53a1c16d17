"""The XENONnT experiments through cevns.experiment and the CLI (data_root fixture)."""

from __future__ import annotations

import json

import pytest

from cevns.cli import main


@pytest.fixture
def root_env(data_root, monkeypatch):
    monkeypatch.setenv("CEVNS_DATA_DIR", str(data_root))
    return data_root


def run_json(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_predict_json_reports_cevns_and_backgrounds(root_env, capsys):
    out = run_json(capsys, "predict", "--experiment", "xenonnt_sr0", "--format", "json")
    # 8B CEvNS at nominal yields (2026 mono templates); the 2024 templates give 4.25 in SR0
    assert 3.0 < out["cevns_total"] < 4.25
    assert set(out["background_totals"]) == {"ac", "er", "neutron"}
    assert out["observed_total"] == 9
    assert out["flux_averaged_cross_section_cm2"] == pytest.approx(1.24e-39, rel=0.02)


def test_fit_b8_flux(root_env, capsys):
    out = run_json(
        capsys, "fit", "--experiment", "xenonnt", "--param", "b8_flux", "--format", "json"
    )
    assert out["observed"] == 37
    # the 2026 physics route expects fewer 8B events than 2024's templates (9.7 vs 11.9),
    # so the fitted flux is above the published 4.7e6 by about their ratio
    assert out["flux"] == pytest.approx(4.7e6 * 11.92 / out["cevns_expected"], rel=0.05)
    assert out["flux_low"] < out["flux"] < out["flux_high"]
    assert out["sqrt_q0"] == pytest.approx(2.73, abs=0.15)


def test_p_ee_table(root_env, capsys):
    assert main(["predict", "--experiment", "xenonnt", "--p-ee", "10", "--format", "csv"]) == 0
    text = capsys.readouterr().out
    value = float(text.splitlines()[1].split(",")[1])
    assert value == pytest.approx(0.317, abs=0.025)  # SNO, PRC 88 (2013) 025501


def test_b8_flux_needs_xenon(root_env, capsys):
    assert main(["fit", "--experiment", "csi2021", "--param", "b8_flux"]) != 0
    err = capsys.readouterr().err
    assert "free 8B flux" in err and "xenonnt, xenonnt_sr0" in err  # the registry's list
    assert main(["predict", "--experiment", "csi2021", "--p-ee", "10"]) != 0
    assert "solar-neutrino experiment (xenonnt" in capsys.readouterr().err
