"""The experiment registry from Python: definitions, data sets joined by '+',
the χ²'s components and auxiliary measurements, pickling of experiments."""

from __future__ import annotations

import json
import multiprocessing
import operator
import pickle
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import cevns
from cevns import _core
from cevns.cli import EXIT_OK, EXIT_USAGE, main
from cevns.datasets import EXPERIMENTS, LABELS, MEMBERS, label, members
from cevns.errors import InputError
from cevns.experiments import dataset, experiment


def test_definitions_come_from_the_core():
    assert EXPERIMENTS[:2] == ("csi2021", "ar2020")
    csi = _core.experiment_definition("csi2021")
    assert (csi.name, csi.label) == ("csi2021", "CsI")
    assert csi.components == ["cevns", "brn", "nin", "ss"]
    assert csi.auxiliary_measurements == ["ss"]
    assert [n.name for n in csi.nuisances] == ["eta_cevns", "eta_brn", "eta_nin", "eta_ss"]
    assert {o.name for o in csi.options} == {o.name for o in _core.option_table("csi2021")}
    ar = _core.experiment_definition("ar2020")
    assert ar.components == ["cevns", "ss", "prompt_brn", "delayed_brn"]
    with pytest.raises(InputError, match="accepted: csi2021, ar2020"):
        _core.experiment_definition("xenon")


def test_data_sets_by_composition():
    assert members("combined") == ("csi2021", "ar2020")
    assert members("ar2020+csi2021") == ("ar2020", "csi2021")
    assert MEMBERS["csi2021+ar2020"] == ("csi2021", "ar2020")
    assert label("combined") == "CsI+Ar" == LABELS["combined"]
    assert label("ar2020") == "Ar"
    for bad in ("", "+", "csi2021+", "csi2021+xenon", "xenon", 3):
        with pytest.raises(InputError, match="unknown data set") as err:
            members(bad)  # type: ignore[arg-type]
        assert str(err.value).count("accepted") == 1  # 0.7.0 said it twice
    with pytest.raises(InputError, match="experiment 'csi2021' given twice"):
        members("csi2021+csi2021")
    with pytest.raises(KeyError):
        LABELS["xenon"]


def test_dataset_builds_each_member(data_dir):
    d = dataset("ar2020+csi2021", data_dir, options={"csi2021": {"timing_efficiency": "none"}})
    assert list(d) == ["ar2020", "csi2021"]
    assert d["csi2021"].settings["timing_efficiency"] == "none"
    with pytest.raises(InputError, match="not in the data set"):
        dataset("csi2021", data_dir, options={"ar2020": {}})


def test_components_are_the_chi2s(data_dir):
    """Experiment.components: the χ²'s own eq. 6 / eq. 7-9 components; at zero nuisances
    the prediction and the backgrounds themselves (CsI with eq. 6's SS model, `paper`);
    summed, the χ²'s expectation (every SS model)."""
    measured = experiment("csi2021", data_dir, ss_model="measured")
    pred = measured.predict()
    fit = measured.chi2(pred)
    eta = np.array([fit.nuisances[k] for k in measured.likelihood.nuisance_names])
    total = measured.likelihood.core.expected(pred.ravel(), eta).reshape(measured.shape)
    fitted = measured.components(pred, fit.nuisances)
    np.testing.assert_allclose(sum(fitted.values()), total, rtol=1e-13, atol=1e-12)
    rows = fitted["ss"] / fitted["ss"].sum(axis=1, keepdims=True)  # flat in time x eps_T
    np.testing.assert_allclose(rows, np.broadcast_to(rows[0], rows.shape), rtol=1e-12)
    for name in ("csi2021", "ar2020"):
        # CsI's default measured SS model profiles a flat-in-time SS rate (not the AC
        # histogram): eq. 6's paper model has the AC histogram as its SS component
        exp = experiment(name, data_dir, **({"ss_model": "paper"} if name == "csi2021" else {}))
        pred = exp.predict()
        nominal = exp.components(pred)
        assert list(nominal) == list(exp.definition.components)
        np.testing.assert_array_equal(nominal["cevns"], pred)
        for k, b in exp.backgrounds.items():
            np.testing.assert_array_equal(nominal[k], b)
        fit = exp.chi2(pred)
        fitted = exp.components(pred, fit.nuisances)
        core = exp.likelihood.core
        eta = np.array([fit.nuisances[k] for k in exp.likelihood.nuisance_names])
        total = core.expected(pred.ravel(), eta).reshape(exp.shape)
        np.testing.assert_allclose(sum(fitted.values()), total, rtol=1e-13, atol=1e-12)
        s = fit.nuisances
        np.testing.assert_allclose(fitted["ss"], (1 + s["eta_ss"]) * exp.backgrounds["ss"])


def test_auxiliary_measurements(data_dir):
    csi, ar = experiment("csi2021", data_dir), experiment("ar2020", data_dir)
    (a,) = csi.likelihood.auxiliary_measurements()
    assert (a.name, a.exposure) == ("ss", 1.0)
    np.testing.assert_array_equal(a.values, csi.backgrounds["ss"].ravel())
    (b,) = ar.likelihood.auxiliary_measurements()
    assert (b.name, b.exposure) == ("ss", 5.0)  # eq. (8): variance N_SS / 5
    widths = ar.likelihood.core.constraint_widths
    assert widths.tolist() == [0.13, 0.0079, 0.32, 1.0, 1, 1, 1, 1, 1]


def _sm_chi2(exp: cevns.experiments.Experiment) -> float:
    return float(exp.chi2(exp.predict()).chi2)


def test_experiment_pickles_by_definition(data_dir):
    exp = experiment("ar2020", data_dir, shape_templates="plus")
    blob = pickle.dumps(exp)
    assert len(blob) < 1000  # the name, the directory and the options: not the arrays
    again = pickle.loads(blob)
    assert again.settings == exp.settings and again.options == {"shape_templates": "plus"}
    np.testing.assert_array_equal(again.predict(), exp.predict())
    assert _sm_chi2(again) == _sm_chi2(exp)


def test_experiment_ships_to_other_processes(data_dir):
    exps = [experiment("csi2021", data_dir), experiment("ar2020", data_dir)]
    ctx = multiprocessing.get_context("spawn")  # nothing inherited: all by pickle
    # a stdlib callable, importable in the child whatever pytest's import mode
    predict = operator.methodcaller("predict")
    with ProcessPoolExecutor(2, mp_context=ctx) as pool:
        got = list(pool.map(predict, exps))
    for g, e in zip(got, exps):
        np.testing.assert_array_equal(g, e.predict())


def test_cli_takes_a_plus_list(capsys, data_dir):
    dd = ("--data-dir", str(data_dir))
    rc = main(["fit", "--experiment", "ar2020+csi2021", "--format", "json", *dd])
    joined = json.loads(capsys.readouterr().out)
    assert rc == EXIT_OK
    assert main(["fit", "--experiment", "combined", "--format", "json", *dd]) == EXIT_OK
    combined = json.loads(capsys.readouterr().out)
    assert joined["chi2_min"] == pytest.approx(combined["chi2_min"], rel=1e-12)
    assert set(joined["cevns_events"]) == {"csi2021", "ar2020"}
    assert main(["fit", "--experiment", "csi2021+nope", *dd]) == EXIT_USAGE
    assert "unknown data set" in capsys.readouterr().err


@pytest.mark.parametrize(
    "name", ["scan", "regions", "limits", "profiles", "toys", "fc", "distributed"]
)
def test_old_inference_paths_are_gone(name):
    """cevns.<name> (0.5.0) was removed in 0.8.0 as announced: only cevns.infer.<name> imports."""
    import importlib
    import sys

    from cevns.infer import __all__ as infer_modules

    assert name in infer_modules
    sys.modules.pop(f"cevns.{name}", None)
    with pytest.raises(ModuleNotFoundError, match=f"cevns.{name}"):
        importlib.import_module(f"cevns.{name}")
    assert importlib.import_module(f"cevns.infer.{name}").__name__ == f"cevns.infer.{name}"
