"""Strict loaders of the release files, on the shared copy and on malformed copies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cevns.data import (
    ArTable,
    data_path,
    load_ar_efficiency,
    load_ar_parameters,
    load_ar_table,
    load_csi_coefficients,
    load_csi_events,
    load_csi_shape,
)
from cevns.errors import MalformedDataError

# Sums of the released Ar tables over all 960 cells, as read from the files.
# The PDFs are normalised to the collaboration's initial predictions (128 CEvNS,
# 3152 SS, 497 prompt BRN, 33 delayed BRN); the +1σ BRN timing-mean variant is
# the one table that is not (523.67).
AR_TOTALS = {
    "cevnspdf.txt": 128.0,
    "cevnspdf+1sigF90.txt": 128.0,
    "cevnspdf-1sigF90.txt": 128.0,
    "cevnspdfCEvNSTimingMeanSyst.txt": 128.0,
    "bkgpdf.txt": 3152.0,
    "brnpdf.txt": 497.0,
    "brnpdf+1sigEnergy.txt": 497.0,
    "brnpdf-1sigEnergy.txt": 497.0,
    "brnpdf-1sigBRNTimingMean.txt": 497.0,
    "brnpdfBRNTimingWidthSyst.txt": 497.0,
    "brnpdf+1sigBRNTimingMean.txt": 523.6713,
    "delbrnpdf.txt": 33.0,
    "datanobkgsub.txt": 3752.0,
}
#: Absolute tolerance on those totals (the files carry about 6 significant digits).
AR_TOTAL_TOL = 1e-3


def _csi(data_dir: Path, name: str) -> Path:
    return data_path(f"csi2021/{name}", data_dir)


def _ar(data_dir: Path, name: str) -> Path:
    return data_path(f"ar2020/{name}", data_dir)


# ---------------------------------------------------------------------------
# CsI on the release
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "total", "in_region"),
    [("dataBeamOnC.txt", 5142, 1578), ("dataBeamOnAC.txt", 4890, 1295)],
)
def test_csi_event_counts(data_dir, name, total, in_region):
    pe, t = load_csi_events(_csi(data_dir, name))
    assert pe.shape == t.shape == (total,)
    assert pe.dtype == t.dtype == np.float64
    assert np.all((pe >= 0) & (pe < 250))
    assert np.all((t >= 0) & (t < 12))
    region = (pe < 60) & (t >= 0) & (t < 6)
    assert int(region.sum()) == in_region


@pytest.mark.parametrize(
    ("name", "n", "first", "last"),
    [
        ("brnPE.txt", 250, 0.5, 249.5),
        ("ninPE.txt", 250, 0.5, 249.5),
        ("brnTrec.txt", 650, -0.245, 6.245),
        ("ninTrec.txt", 650, -0.245, 6.245),
    ],
)
def test_csi_shapes(data_dir, name, n, first, last):
    centres, values = load_csi_shape(_csi(data_dir, name))
    assert centres.shape == values.shape == (n,)
    assert centres[0] == pytest.approx(first) and centres[-1] == pytest.approx(last)
    assert np.all(values >= 0) and values.sum() > 0


def test_csi_efficiency_coefficients(data_dir):
    coeffs = load_csi_coefficients(_csi(data_dir, "effCoefficients.txt"))
    assert list(coeffs) == ["nominal", "plus", "minus"]
    np.testing.assert_array_equal(coeffs["nominal"], [1.32045, 0.285979, 10.8646, -0.333322])
    np.testing.assert_array_equal(coeffs["plus"], [1.3439, 0.285366, 9.84596, -0.356364])
    np.testing.assert_array_equal(coeffs["minus"], [1.297, 0.286592, 11.8832, -0.31028])


def test_csi_scintillation_coefficients(data_dir):
    coeffs = load_csi_coefficients(_csi(data_dir, "scintRespCoefficients.txt"))
    assert list(coeffs) == ["nominal", "syst0_plus", "syst0_minus", "syst1_plus", "syst1_minus"]
    np.testing.assert_array_equal(coeffs["nominal"], [0.0554628, 4.30681, -111.707, 840.384])
    np.testing.assert_array_equal(coeffs["syst1_minus"], [0.0555126, 4.67765, -130.309, 1050.68])
    for value in coeffs.values():
        assert value.shape == (4,)


# ---------------------------------------------------------------------------
# Ar on the release
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "total"), sorted(AR_TOTALS.items()))
def test_ar_table_totals(data_dir, name, total):
    table = load_ar_table(_ar(data_dir, name))
    assert isinstance(table, ArTable)
    assert table.values.shape == (12, 8, 10)
    assert np.all(np.isfinite(table.values)) and np.all(table.values >= 0)
    assert table.total == pytest.approx(total, abs=AR_TOTAL_TOL)


def test_ar_table_axes_and_order(data_dir):
    table = load_ar_table(_ar(data_dir, "cevnspdf.txt"))
    np.testing.assert_allclose(table.energy, np.arange(5.0, 120.0, 10.0))
    np.testing.assert_allclose(table.f90, 0.525 + 0.05 * np.arange(8))
    np.testing.assert_allclose(table.time, 0.15 + 0.5 * np.arange(10))
    # First lines of the file: (5, 0.525, 0.15) 1.0338 and (5, 0.525, 0.65) 3.71085.
    assert table.values[0, 0, 0] == 1.0338
    assert table.values[0, 0, 1] == 3.71085
    assert table.energy_time().shape == (12, 10)
    assert table.energy_time().sum() == pytest.approx(table.total)


def test_ar_observed_counts_are_integers(data_dir):
    table = load_ar_table(_ar(data_dir, "datanobkgsub.txt"))
    np.testing.assert_array_equal(table.values, np.round(table.values))


def test_ar_efficiency(data_dir):
    kevee, kevnr, eff = load_ar_efficiency(_ar(data_dir, "CENNS10AnlAEfficiency.txt"))
    assert kevee.shape == kevnr.shape == eff.shape == (80,)
    assert kevee[0] == 0.25 and kevee[-1] == 39.75
    assert np.all(np.diff(kevnr) > 0)
    assert eff[0] == 0.0 and eff[-1] == pytest.approx(0.96345)


def test_ar_parameters(data_dir):
    params = load_ar_parameters(_ar(data_dir, "LArParametersAnlA.yaml"))
    assert params["exposure_pot"] == 1.38e23
    assert params["distance_m"] == 27.5
    assert params["fiducial_mass_kg"] == 24.4
    assert params["nu_per_pot"] == 0.09
    assert params["qf_a"] == 0.246 and params["qf_b"] == 0.00078
    assert params["resolution_a"] == 0.58
    assert params["pot_trace_mean_ns"] == 440.0 and params["pot_trace_sigma_ns"] == 150.0
    assert params["raw"]["cevnsPredictionNormalization"]["value"] == 128


# ---------------------------------------------------------------------------
# Malformed files
# ---------------------------------------------------------------------------
def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_events_three_columns(tmp_path):
    path = _write(tmp_path, "events3.txt", "# header\n10.0 1.0\n12.0 2.0 3.0\n")
    with pytest.raises(MalformedDataError, match=r"events3\.txt, line 3: expected 2 columns"):
        load_csi_events(path)


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", "abc"])
def test_events_non_finite(tmp_path, bad):
    path = _write(tmp_path, "eventsnan.txt", f"10.0 1.0\n{bad} 2.0\n")
    with pytest.raises(MalformedDataError, match=r"eventsnan\.txt, line 2"):
        load_csi_events(path)


def test_events_empty(tmp_path):
    path = _write(tmp_path, "empty.txt", "# only a comment\n")
    with pytest.raises(MalformedDataError, match=r"empty\.txt: no data lines"):
        load_csi_events(path)


def test_shape_irregular_grid(tmp_path):
    path = _write(tmp_path, "shape.txt", "0.5 0\n1.5 0.1\n2.5 0.2\n4.5 0.1\n")
    with pytest.raises(MalformedDataError, match=r"shape\.txt, line 4: .*not regular"):
        load_csi_shape(path)


def test_shape_not_increasing(tmp_path):
    path = _write(tmp_path, "shape.txt", "0.5 0\n1.5 0.1\n1.5 0.2\n")
    with pytest.raises(MalformedDataError, match=r"shape\.txt, line 3: .*does not increase"):
        load_csi_shape(path)


def test_shape_negative_value(tmp_path):
    path = _write(tmp_path, "shape.txt", "0.5 0\n1.5 -0.1\n")
    with pytest.raises(MalformedDataError, match=r"shape\.txt, line 2: negative"):
        load_csi_shape(path)


def test_coefficients_missing_row(tmp_path, data_dir):
    text = _csi(data_dir, "scintRespCoefficients.txt").read_text(encoding="utf-8")
    path = _write(tmp_path, "scint.txt", "\n".join(text.splitlines()[:-1]) + "\n")
    with pytest.raises(MalformedDataError, match=r"scint\.txt: expected 5 coefficient rows"):
        load_csi_coefficients(path)


def test_coefficients_rows_out_of_order(tmp_path, data_dir):
    text = _csi(data_dir, "scintRespCoefficients.txt").read_text(encoding="utf-8")
    text = text.replace("Syst model 0, -1 sigma", "Syst model 1, -1 sigma", 1)
    path = _write(tmp_path, "scint.txt", text)
    with pytest.raises(MalformedDataError, match=r"scint\.txt, line \d+: comment"):
        load_csi_coefficients(path)


def test_coefficients_unknown_kind(tmp_path):
    path = _write(tmp_path, "coef.txt", "# something else\n1 2 3 4\n")
    with pytest.raises(MalformedDataError, match=r"coef\.txt: the header comments"):
        load_csi_coefficients(path)


def test_coefficients_wrong_column_count(tmp_path, data_dir):
    text = _csi(data_dir, "effCoefficients.txt").read_text(encoding="utf-8")
    text = text.replace("1.3439  0.285366 9.84596 -0.356364", "1.3439  0.285366 9.84596")
    path = _write(tmp_path, "eff.txt", text)
    with pytest.raises(MalformedDataError, match=r"eff\.txt, line 10: expected 4 columns"):
        load_csi_coefficients(path)


def test_ar_truncated_grid(tmp_path, data_dir):
    lines = _ar(data_dir, "cevnspdf.txt").read_text(encoding="utf-8").splitlines()
    path = _write(tmp_path, "cevnspdf.txt", "\n".join(lines[:-1]) + "\n")
    with pytest.raises(MalformedDataError, match=r"cevnspdf\.txt: expected 960 rows.*incomplete"):
        load_ar_table(path)


def test_ar_duplicate_cell(tmp_path, data_dir):
    lines = _ar(data_dir, "bkgpdf.txt").read_text(encoding="utf-8").splitlines()
    lines[5] = lines[4]
    path = _write(tmp_path, "bkgpdf.txt", "\n".join(lines) + "\n")
    with pytest.raises(MalformedDataError, match=r"bkgpdf\.txt, line \d+: duplicate cell"):
        load_ar_table(path)


def test_ar_irregular_axis(tmp_path, data_dir):
    lines = _ar(data_dir, "brnpdf.txt").read_text(encoding="utf-8").splitlines()
    lines = [
        line.replace("0.875", "0.900", 1) if line.split()[1] == "0.875" else line for line in lines
    ]
    path = _write(tmp_path, "brnpdf.txt", "\n".join(lines) + "\n")
    with pytest.raises(MalformedDataError, match=r"brnpdf\.txt, line \d+: F90 .*not regular"):
        load_ar_table(path)


def test_ar_nan_value(tmp_path, data_dir):
    lines = _ar(data_dir, "delbrnpdf.txt").read_text(encoding="utf-8").splitlines()
    lines[10] = " ".join(lines[10].split()[:3] + ["nan"])
    path = _write(tmp_path, "delbrnpdf.txt", "\n".join(lines) + "\n")
    with pytest.raises(MalformedDataError, match=r"delbrnpdf\.txt, line 11: non-finite"):
        load_ar_table(path)


def test_ar_efficiency_out_of_range(tmp_path):
    path = _write(tmp_path, "eff.txt", "0.25 1.0 0.0\n0.75 3.0 1.2\n")
    with pytest.raises(MalformedDataError, match=r"eff\.txt, line 2: efficiency 1.2"):
        load_ar_efficiency(path)


def test_ar_parameters_missing_key(tmp_path, data_dir):
    text = _ar(data_dir, "LArParametersAnlA.yaml").read_text(encoding="utf-8")
    path = _write(tmp_path, "params.yaml", text.replace("fiducialMass:", "fiducialMassX:"))
    with pytest.raises(MalformedDataError, match=r"params\.yaml: missing key 'fiducialMass"):
        load_ar_parameters(path)


def test_ar_parameters_missing_parameter(tmp_path, data_dir):
    text = _ar(data_dir, "LArParametersAnlA.yaml").read_text(encoding="utf-8")
    text = text.replace("- name: b\n      value: 150", "- name: c\n      value: 150")
    path = _write(tmp_path, "params.yaml", text)
    with pytest.raises(MalformedDataError, match=r"params\.yaml: snsPOTTraceTiming"):
        load_ar_parameters(path)


def test_ar_parameters_wrong_units(tmp_path, data_dir):
    text = _ar(data_dir, "LArParametersAnlA.yaml").read_text(encoding="utf-8")
    path = _write(tmp_path, "params.yaml", text.replace("units: E22 POT", "units: POT"))
    with pytest.raises(MalformedDataError, match=r"params\.yaml: beamExposure\.units"):
        load_ar_parameters(path)


def test_ar_parameters_not_yaml(tmp_path):
    path = _write(tmp_path, "params.yaml", "a: [1, 2\n")
    with pytest.raises(MalformedDataError, match=r"params\.yaml: not valid YAML"):
        load_ar_parameters(path)
