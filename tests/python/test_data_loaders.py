"""The release files as the C++ core reads them (cevns/release_io.hpp), seen through
the experiments it builds. Malformed files are tested in tests/cpp/test_experiment.cpp
(a malformed copy of a registered file fails its hash check before it is parsed)."""

from __future__ import annotations

import numpy as np
import pytest

import cevns

# Sums of the released Ar tables over all 960 cells. The PDFs are normalised to
# the collaboration's initial predictions (128 CEvNS, 3152 SS, 497 prompt BRN,
# 33 delayed BRN).
AR_TOTALS = {"ss": 3152.0, "prompt_brn": 497.0, "delayed_brn": 33.0}
#: Absolute tolerance on those totals (the files carry about 6 significant digits).
AR_TOTAL_TOL = 1e-3


@pytest.fixture(scope="module")
def csi(data_dir):
    return cevns.experiment("csi2021", data_dir)


@pytest.fixture(scope="module")
def ar_release(data_dir):
    return cevns.experiment("ar2020", data_dir, exposure="release")


def test_csi_event_counts(csi):
    counts = {e.file: (e.total, e.inside) for e in csi.ignored_events}
    assert counts == {
        "csi2021/dataBeamOnC.txt": (5142, 1578),
        "csi2021/dataBeamOnAC.txt": (4890, 1295),
    }
    assert csi.observed.sum() == 1578 and csi.backgrounds["ss"].sum() == 1295
    np.testing.assert_array_equal(csi.observed, np.round(csi.observed))


def test_csi_background_shapes_are_normalised(csi):
    for name, total in (("brn", 18.4), ("nin", 5.6)):
        bkg = csi.backgrounds[name]
        assert bkg.shape == (9, 11) and np.all(bkg >= 0)
        assert bkg.sum() == pytest.approx(total, rel=1e-12)


def test_ar_tables(ar_release):
    assert ar_release.observed.shape == (12, 10)
    assert ar_release.observed.sum() == 3752.0
    np.testing.assert_array_equal(ar_release.observed, np.round(ar_release.observed))
    assert ar_release.reference["cevns_sm"].sum() == pytest.approx(128.0, abs=AR_TOTAL_TOL)
    for name, total in AR_TOTALS.items():
        assert ar_release.backgrounds[name].sum() == pytest.approx(total, abs=AR_TOTAL_TOL)


def test_ar_parameters_from_the_release(ar_release):
    s = ar_release.settings
    assert s["n_pot"] == 1.38e23  # 13.8 E22 POT, rounded once
    assert s["baseline_m"] == 27.5 and s["detector_mass_kg"] == 24.4
    assert s["nu_per_pot"] == 0.09
    assert s["qf_a"] == 0.246 and s["qf_b_per_keVnr"] == 0.00078
    assert s["resolution_a"] == 0.58
    assert s["pot_mean_us"] == 0.44 and s["pot_sigma_us"] == 0.15


def test_data_files_are_named_by_role(csi, ar_release):
    assert csi.data_files["brn_pe"] == "csi2021/brnPE.txt"
    assert len(csi.data_files) == 8
    assert ar_release.data_files["parameters"] == "ar2020/LArParametersAnlA.yaml"
    assert len(ar_release.data_files) == 15
