"""The one path from the C++ core to Python: ``cevns.experiment`` wraps
``_core.load_experiment`` (cevns/experiment.hpp), the models and nuisances come
from the core's tables, and data errors keep their Python classes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import cevns
from cevns import _core
from cevns.errors import DataError, HashMismatchError, InputError, MissingDataError
from cevns.likelihood import AR_SIGMAS, CSI_SIGMAS
from cevns.models import MODEL_NAMES, from_charges, get_model

POINTS = [("B-L", 10.0, 5e-5), ("Lmu-Ltau", 10.0, 1e-3), ("scalar", 10.0, 1e-5)]


@pytest.fixture(scope="module", params=["csi2021", "ar2020"])
def exp(request, data_dir: Path):
    return cevns.experiment(request.param, data_dir)


def test_the_python_experiment_is_the_core_experiment(exp) -> None:
    core = exp.core
    assert isinstance(core, _core.Experiment)
    for attr in ("energy_edges", "time_edges", "observed"):
        np.testing.assert_array_equal(getattr(exp, attr), getattr(core, attr))
    assert exp.backgrounds.keys() == core.backgrounds.keys()
    assert exp.likelihood.nuisance_names == core.nuisance_names
    assert exp.data_files == core.data_file_roles
    assert sorted(core.data_files) == sorted(exp.data_files.values())


@pytest.mark.parametrize("model,mass,coupling", POINTS)
def test_predictions_and_chi2_through_either_face(exp, model, mass, coupling) -> None:
    med = _core.paper_model(model).mediator(mass)
    pred = exp.predict(model, mass, coupling)
    np.testing.assert_array_equal(pred, exp.core.predict(med, coupling))
    assert exp.chi2(pred).chi2 == pytest.approx(exp.core.chi2(med, coupling), rel=1e-12)


def test_paper_models_come_from_the_core() -> None:
    assert tuple(m.name for m in _core.paper_models()) == tuple(MODEL_NAMES)
    assert len(MODEL_NAMES) == 11
    for m in _core.paper_models():
        py = get_model(m.name)
        assert py.kind == m.kind.name and py.anomalous == m.anomalous
        assert py.description == m.description
        # every paper model with generation-universal quarks passes the anomaly
        # checks it claims to (By+Lmu+Ltau, eq. 17, has different quark charges per generation)
        if py.kind != "scalar" and "eq. 17" not in m.description:
            c = py.charges
            rebuilt = from_charges(m.name, c.u, c.d, c.e, c.mu, c.tau, anomalous=m.anomalous)
            assert rebuilt.charges == c and rebuilt.kind == py.kind


def test_nuisances_come_from_the_core() -> None:
    for name, sigmas in (("csi2021", CSI_SIGMAS), ("ar2020", AR_SIGMAS)):
        table = _core.nuisance_table(name)
        norm = {n.name: n.sigma for n in table if n.kind == "normalisation"}
        assert dict(sigmas) == norm
        assert all(n.equation for n in table)
    assert dict(CSI_SIGMAS) == {
        "eta_cevns": 0.12,
        "eta_brn": 0.25,
        "eta_nin": 0.35,
        "eta_ss": 0.021,
    }


def test_combined_chi2(data_dir: Path) -> None:
    csi, ar = (cevns.experiment(n, data_dir) for n in ("csi2021", "ar2020"))
    med = _core.paper_model("B-L").mediator(10.0)
    expected = sum(e.chi2(e.predict("B-L", 10.0, 5e-5)).chi2 for e in (csi, ar))
    got = _core.combined_chi2([csi.core, ar.core], med, 5e-5)
    assert got == pytest.approx(expected, rel=1e-12, abs=0)


def test_corrupted_file_names_it(data_copy: Path, corrupt_file) -> None:
    target = data_copy / "csi2021" / "brnPE.txt"
    corrupt_file(target)
    with pytest.raises(HashMismatchError) as info:
        cevns.experiment("csi2021", data_copy)
    msg = str(info.value)
    assert str(target) in msg and "expected sha256" in msg and str(data_copy) in msg


def test_missing_file_and_directory(data_copy: Path, tmp_path: Path) -> None:
    (data_copy / "ar2020" / "bkgpdf.txt").unlink()
    with pytest.raises(MissingDataError, match="ar2020/bkgpdf.txt"):
        cevns.experiment("ar2020", data_copy)
    missing = tmp_path / "nowhere"
    with pytest.raises(MissingDataError, match="nowhere"):
        cevns.experiment("csi2021", missing)
    assert issubclass(MissingDataError, DataError)


def test_unknown_experiment_and_option() -> None:
    with pytest.raises(InputError, match="csi2021, ar2020"):
        _core.load_experiment("xenon", "/nonexistent")
    with pytest.raises(InputError, match="unknown csi2021 option 'mass'"):
        _core.load_experiment("csi2021", "/nonexistent", {"mass": "1"})
