"""The command line: JSON keys scripts rely on, formats and exit codes."""

from __future__ import annotations

import json

import pytest
from cli_run import one_line, run

from cevns.cli import EXIT_DATA, EXIT_INPUT, EXIT_OK, main


def test_predict_json_keys(capsys, data_dir):
    rc, out, _ = run(capsys, "predict", "--experiment", "csi2021", "--data-dir", str(data_dir))
    assert rc == EXIT_OK
    d = json.loads(out)
    for key in (
        "experiment",
        "model",
        "energy_edges",
        "time_edges",
        "cevns",
        "cevns_total",
        "observed",
        "backgrounds",
        "provenance",
        "settings",
    ):
        assert key in d
    assert d["experiment"] == "csi2021" and d["model"] == "SM"
    assert len(d["cevns"]) == 9 and len(d["cevns"][0]) == 11
    assert set(d["backgrounds"]) == {"brn", "nin", "ss"}
    assert d["cevns_total"] == pytest.approx(sum(map(sum, d["cevns"])))


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_predict_tables(capsys, data_dir, fmt):
    rc, out, _ = run(
        capsys, "predict", "--experiment", "ar2020", "--format", fmt, "--data-dir", str(data_dir)
    )
    assert rc == EXIT_OK
    assert len(out.strip().splitlines()) == 120 + (1 if fmt == "csv" else 2)


def test_fit_and_limits_json(capsys, data_dir):
    rc, out, _ = run(
        capsys, "fit", "--experiment", "ar2020", "--format", "json", "--data-dir", str(data_dir)
    )
    assert rc == EXIT_OK
    d = json.loads(out)
    assert {"experiment", "chi2_min", "n_bins", "nuisances", "cevns_events"} <= set(d)
    assert {"predicted", "best", "lower", "upper"} <= set(d["cevns_events"])
    rc, out, _ = run(
        capsys,
        "limits",
        "--model",
        "B-L",
        "--experiment",
        "csi2021",
        "--format",
        "json",
        "--data-dir",
        str(data_dir),
    )
    assert rc == EXIT_OK
    d = json.loads(out)
    assert d["g_low"] > 0 and d["g_over_M_high"] > 0 and d["dof"] == 2


def test_scan_writes_grid_and_contours(capsys, data_dir, tmp_path):
    """`cevns scan --out`: the χ² grid, the allowed intervals, the exclusion line and
    the 2σ contours (polylines through the interval edges), with the settings."""
    out_file = tmp_path / "scan.json"
    args = ["scan", "--model", "universal", "--experiment", "csi2021"]
    grid = ["--masses", "1e-2:1e4:12", "--couplings", "1e-6:1e-1:80", "--data-dir", str(data_dir)]
    rc, _, err = run(capsys, *args, *grid, "--out", str(out_file))
    assert rc == EXIT_OK and "wrote" in err
    d = json.loads(out_file.read_text())
    assert len(d["masses_MeV"]) == 12 and len(d["couplings"]) == 80
    assert len(d["chi2"]) == 12 and len(d["chi2"][0]) == 80
    assert len(d["allowed_intervals"]) == 12 and len(d["exclusion_line"]) == 12
    assert d["contours"] and all(len(p) == 2 for line in d["contours"] for p in line)
    edges = {round(hi, 12) for iv in d["allowed_intervals"] for _, hi in iv}
    on_lines = {round(p[1], 12) for line in d["contours"] for p in line}
    assert edges <= on_lines
    assert d["experiments"]["csi2021"]["timing_efficiency"] == "exponential"
    assert "provenance" in d
    # the 0.2 flag is still accepted
    rc, out, _ = run(capsys, *args, *grid, "--contours")
    assert rc == EXIT_OK and json.loads(out)["contours"] == d["contours"]
    rc, _, err = run(capsys, "scan", "--model", "Z9", "--experiment", "csi2021", *grid)
    assert rc == EXIT_INPUT and "universal" in err


@pytest.mark.parametrize(
    "command",
    [
        ["predict", "--experiment", "ar2020", "--mass", "10", "--coupling", "1e-4"],
        ["limits", "--experiment", "csi2021"],
        ["scan", "--experiment", "combined"],
        ["gm2"],
    ],
    ids=lambda c: c[0],
)
def test_unknown_model_is_an_input_error_before_any_data(capsys, tmp_path, command):
    """A misspelt model is reported as such (exit 4, the accepted names listed) even
    where no data are installed (exit 3 would send the user after the wrong problem)."""
    rc, _, err = run(capsys, *command, "--model", "B-L2", "--data-dir", str(tmp_path))
    assert rc == EXIT_INPUT and "unknown model" in err and "Lmu-Ltau" in err


def test_exit_codes(capsys, data_dir, tmp_path):
    rc, _, err = run(
        capsys,
        "predict",
        "--experiment",
        "ar2020",
        "--model",
        "nope",
        "--mass",
        "10",
        "--data-dir",
        str(data_dir),
    )
    assert rc == EXIT_INPUT and "unknown model" in err
    rc, _, err = run(
        capsys,
        "predict",
        "--experiment",
        "ar2020",
        "--model",
        "B-L",
        "--mass",
        "-3",
        "--data-dir",
        str(data_dir),
    )
    assert rc == EXIT_INPUT and "mass" in err
    rc, _, err = run(capsys, "predict", "--experiment", "ar2020", "--data-dir", str(tmp_path))
    assert rc == EXIT_DATA and "ar2020" in err
    rc, out, _ = run(capsys, "data", "verify", str(tmp_path))
    assert rc == EXIT_DATA
    assert main(["predict"]) == 2  # argparse's usage error, returned (not raised)


def test_table2_json_and_comparison(capsys, data_dir):
    from cevns.models import MODEL_NAMES

    rc, out, _ = run(capsys, "table2", "--format", "json", "--data-dir", str(data_dir))
    assert rc == EXIT_OK
    d = json.loads(out)
    assert set(d) == {"settings", "rows", "details"}
    for lim in d["details"]:  # both readings of the intervals beside the chosen one
        assert lim["g_low_lowest_edge"] <= lim["g_low"] <= lim["g_low_envelope_top"]
    assert d["settings"]["delta_chi2"] == pytest.approx(6.18, abs=0.01)
    assert d["settings"]["g_over_M_units"] == "GeV^-1"
    assert "cevns_version" in d["settings"]["provenance"]
    assert set(d["rows"]) == set(MODEL_NAMES)
    for row in d["rows"].values():
        assert set(row) == {"ar2020", "csi2021", "combined"}
        assert all(len(v) == 2 and all(x > 0 for x in v) for v in row.values())

    rc, out, _ = run(capsys, "table2", "--compare", "--format", "json", "--data-dir", str(data_dir))
    assert rc == EXIT_OK
    comp = json.loads(out)["comparison"]
    assert len(comp) == 12
    assert {c["model"] for c in comp} == {"universal", "B-L"}

    rc, out, _ = run(capsys, "table2", "--compare", "--data-dir", str(data_dir))
    assert rc == EXIT_OK
    lines = out.strip().splitlines()
    assert lines[0].startswith("# ours vs the paper") and len(lines) == 2 + 2 + 12
    # the conventions used are printed alongside; numbers only where not the default
    assert lines[1].startswith("# detector models: csi2021 [")
    assert "timing_efficiency=exponential" in lines[1] and "shape_templates=symmetric" in lines[1]
    assert "n_pot" not in lines[1]


def test_detector_options_from_the_command_line(capsys, data_dir):
    """--set EXPERIMENT.OPTION=VALUE reaches the detector model (and the printed settings)."""
    dd = ("--data-dir", str(data_dir))
    rc, out, _ = run(capsys, "predict", "--experiment", "csi2021", "--format", "json", *dd)
    base = json.loads(out)["cevns_total"]
    rc, out, _ = run(
        capsys,
        "predict",
        "--experiment",
        "csi2021",
        "--format",
        "json",
        "--set",
        "csi2021.timing_efficiency=none",
        *dd,
    )
    assert rc == EXIT_OK
    d = json.loads(out)
    assert d["settings"]["timing_efficiency"] == "none"
    assert d["cevns_total"] > 1.05 * base

    args = ("table2", "--compare", "--format", "json", "--set", "ar2020.shape_templates=plus")
    rc, out, _ = run(capsys, *args, *dd)
    assert rc == EXIT_OK
    d = json.loads(out)
    assert d["settings"]["experiments"]["ar2020"]["shape_templates"] == "plus"
    rc, out, _ = run(
        capsys, "fit", "--experiment", "ar2020", "--format", "json", "--set",
        "ar2020.exposure=release", *dd,
    )  # fmt: skip
    assert json.loads(out)["experiments"]["ar2020"]["exposure"] == "release"
    (c,) = [
        c
        for c in d["comparison"]
        if (c["model"], c["dataset"], c["bound"]) == ("universal", "ar2020", "g_over_M_high")
    ]
    # default shapes: -0.090
    assert c["relative_difference"] == pytest.approx(-0.121, abs=0.01)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("garbage", "EXPERIMENT.OPTION=VALUE"),
        ("xenon.mass=1", "unknown experiment"),
        ("csi2021.pot_mean_us=abc", "pot_mean_us: 'abc' is not accepted; expected a number in"),
        ("ar2020.panels_per_segment=99999999999999999999", "an integer in [1, 1000]"),
        ("ar2020.panels_per_segment=100000000", "panels_per_segment: '100000000'"),
        ("ar2020.panels_per_segment=2.5", "ar2020 option panels_per_segment: '2.5'"),
        ("ar2020.n_pot=nan", "ar2020 option n_pot: 'nan' is not accepted"),
        ("csi2021.bogus=1", "unknown csi2021 option"),
        ("ar2020.exposure=release", "does not use"),
    ],
)
def test_detector_options_bad_input(capsys, data_dir, setting, message):
    rc, _, err = run(
        capsys, "fit", "--experiment", "csi2021", "--set", setting, "--data-dir", str(data_dir)
    )
    assert rc == EXIT_INPUT
    assert message in one_line(err)


def test_detector_options_reach_figures_and_gm2(capsys, data_dir, tmp_path):
    pytest.importorskip("matplotlib")
    dd = ("--data-dir", str(data_dir))
    args = ("figures", "--out", str(tmp_path), "--only", "fig1_ar", "--format", "png")
    rc, _, _ = run(capsys, *args, "--set", "ar2020.exposure=release", *dd)
    assert rc == EXIT_OK and (tmp_path / "fig1_ar.png").exists()
    rc, _, err = run(capsys, "gm2", "--model", "B-L", "--set", "xenon.mass=1", *dd)
    assert rc == EXIT_INPUT and "unknown experiment" in err
