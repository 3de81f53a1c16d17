"""The C++ loaders (cevns/experiment.hpp, via ``_core.load_experiment``) agree with the
Python builders (``cevns.experiment``): same bins, observed counts, backgrounds,
predictions and profiled chi2, to 1e-12 relative (they are in fact bit-identical)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import cevns
from cevns import _core
from cevns.errors import DataError, HashMismatchError, MissingDataError
from cevns.models import MODEL_NAMES, get_model

RTOL = 1e-12
POINTS = [
    ("B-L", 10.0, 5e-5),
    ("Lmu-Ltau", 10.0, 1e-3),
    ("scalar", 10.0, 1e-5),
    ("universal", 1.0, 2e-5),
    ("B-3Lmu", 300.0, 1e-3),
]


def assert_close(a, b, what: str) -> None:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, what
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=0, err_msg=what)


@pytest.fixture(scope="module", params=["csi2021", "ar2020"])
def pair(request, data_dir: Path):
    return _core.load_experiment(request.param, str(data_dir)), cevns.experiment(
        request.param, data_dir
    )


def test_bins_observed_backgrounds(pair) -> None:
    cpp, py = pair
    assert cpp.name == py.name and cpp.energy_unit == py.energy_unit
    assert_close(cpp.energy_edges, py.energy_edges, "energy edges")
    assert_close(cpp.time_edges, py.time_edges, "time edges")
    assert_close(cpp.observed, py.observed, "observed")
    assert sorted(cpp.backgrounds) == sorted(py.backgrounds)
    for name, bkg in py.backgrounds.items():
        assert_close(cpp.backgrounds[name], bkg, f"background {name}")
    assert sorted(cpp.shape_systematics) == sorted(py.shape_systematics)
    for name, frac in py.shape_systematics.items():
        assert_close(cpp.shape_systematics[name], frac, f"shape systematic {name}")
    assert cpp.nuisance_names == py.likelihood.nuisance_names
    for ign in py.ignored_events:
        assert (ign.file, ign.total, ign.inside) in cpp.ignored_events


def test_resolved_parameters(pair) -> None:
    cpp, py = pair
    for key, value in cpp.parameters.items():
        assert value == pytest.approx(float(py.settings[key]), rel=RTOL), key


def test_sm_prediction_and_chi2(pair) -> None:
    cpp, py = pair
    sm = _core.Mediator.standard_model()
    assert_close(cpp.predict(sm), py.predict(), "SM prediction")
    res_c, res_p = cpp.profile(py.predict()), py.chi2(py.predict())
    assert res_c.chi2 == pytest.approx(res_p.chi2, rel=RTOL, abs=0)
    assert_close(res_c.nuisances, list(res_p.nuisances.values()), "SM nuisances")


@pytest.mark.parametrize("model,mass,coupling", POINTS)
def test_model_predictions_and_chi2(pair, model: str, mass: float, coupling: float) -> None:
    cpp, py = pair
    med = _core.paper_model_mediator(model, mass)
    pred_c, pred_p = cpp.predict(med, coupling), py.predict(model, mass, coupling)
    assert_close(pred_c, pred_p, f"{model} prediction")
    for t_c, t_p in zip(cpp.templates(med), py.templates(model, mass)):
        assert_close(t_c, t_p, f"{model} templates")
    chi2_c = cpp.chi2(med, coupling)
    assert chi2_c == pytest.approx(py.chi2(pred_p).chi2, rel=RTOL, abs=0)


def test_paper_models_match_python() -> None:
    assert tuple(_core.PAPER_MODEL_NAMES) == tuple(MODEL_NAMES)
    for name in MODEL_NAMES:
        c, p = _core.paper_model_mediator(name, 3.0), get_model(name).mediator(3.0)
        assert c.kind == p.kind, name
        for q in ("u", "d", "e", "mu", "tau"):
            assert getattr(c.charges, q) == getattr(p.charges, q), (name, q)


def test_combined_chi2(data_dir: Path) -> None:
    csi, ar = (_core.load_experiment(n, str(data_dir)) for n in ("csi2021", "ar2020"))
    pcsi, par = cevns.experiment("csi2021", data_dir), cevns.experiment("ar2020", data_dir)
    med = _core.paper_model_mediator("B-L", 10.0)
    expected = (
        pcsi.chi2(pcsi.predict("B-L", 10.0, 5e-5)).chi2
        + par.chi2(par.predict("B-L", 10.0, 5e-5)).chi2
    )
    assert _core.combined_chi2([csi, ar], med, 5e-5) == pytest.approx(expected, rel=RTOL, abs=0)


def test_corrupted_file_names_it(data_copy: Path, corrupt_file) -> None:
    target = data_copy / "csi2021" / "brnPE.txt"
    corrupt_file(target)
    with pytest.raises(HashMismatchError) as info:
        _core.load_experiment("csi2021", str(data_copy))
    msg = str(info.value)
    assert str(target) in msg and "expected sha256" in msg and str(data_copy) in msg


def test_missing_file_and_directory(data_copy: Path, tmp_path: Path) -> None:
    (data_copy / "ar2020" / "bkgpdf.txt").unlink()
    with pytest.raises(MissingDataError, match="ar2020/bkgpdf.txt"):
        _core.load_experiment("ar2020", str(data_copy))
    missing = tmp_path / "nowhere"
    with pytest.raises(MissingDataError, match="nowhere"):
        _core.load_experiment("csi2021", str(missing))
    assert issubclass(MissingDataError, DataError)


def test_unknown_experiment() -> None:
    with pytest.raises(ValueError, match="csi2021, ar2020"):
        _core.load_experiment("xenon", "/nonexistent")
