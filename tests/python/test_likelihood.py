"""Tests of cevns.likelihood and cevns.fit on synthetic arrays (no data files)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.optimize import minimize

from cevns.errors import InputError
from cevns.fit import NormalisationFit, fit_normalisation, pulls
from cevns.likelihood import (
    AR_BRN_SHAPES,
    AR_CEVNS_SHAPES,
    ArLikelihood,
    Chi2Result,
    CombinedLikelihood,
    CsiLikelihood,
)

CSI_SHAPE = (9, 11)
AR_SHAPE = (12, 10)


def csi_templates(seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    cevns = rng.uniform(0, 20, CSI_SHAPE)
    cevns[:, 6:] = 0.0  # late time bins: no signal
    return {
        "cevns": cevns,
        "brn": rng.uniform(0, 3, CSI_SHAPE),
        "nin": rng.uniform(0, 1, CSI_SHAPE),
        "ss": rng.uniform(0, 12, CSI_SHAPE),
    }


def ar_templates(seed: int = 2) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    return {
        "cevns": rng.uniform(0, 8, AR_SHAPE),
        "ss": rng.uniform(0, 60, AR_SHAPE),
        "prompt_brn": rng.uniform(0, 5, AR_SHAPE),
        "delayed_brn": rng.uniform(0, 0.5, AR_SHAPE),
        "cevns_shape": {k: rng.uniform(-0.2, 0.2, AR_SHAPE) for k in AR_CEVNS_SHAPES},
        "brn_shape": {k: rng.uniform(-0.3, 0.3, AR_SHAPE) for k in AR_BRN_SHAPES},
    }


def csi_lik(t: dict[str, np.ndarray], observed: np.ndarray, **kw) -> CsiLikelihood:
    return CsiLikelihood(observed, t["brn"], t["nin"], t["ss"], **kw)


def ar_lik(t: dict[str, object], observed: np.ndarray, **kw) -> ArLikelihood:
    return ArLikelihood(
        observed,
        t["ss"],
        t["prompt_brn"],
        t["delayed_brn"],
        t["cevns_shape"],
        t["brn_shape"],
        **kw,
    )


def csi_asimov(t) -> np.ndarray:
    return t["cevns"] + t["brn"] + t["nin"] + t["ss"]


def ar_asimov(t) -> np.ndarray:
    return t["cevns"] + t["ss"] + t["prompt_brn"] + t["delayed_brn"]


# --------------------------------------------------------------------------- Asimov


def test_csi_asimov_gives_zero():
    t = csi_templates()
    lik = csi_lik(t, csi_asimov(t))
    res = lik.chi2(t["cevns"])
    assert isinstance(res, Chi2Result)
    assert res.chi2 == pytest.approx(0.0, abs=1e-9)
    assert res.converged
    assert res.n_bins == 99 == lik.n_bins
    assert (
        list(res.nuisances) == lik.nuisance_names == ["eta_cevns", "eta_brn", "eta_nin", "eta_ss"]
    )
    for v in res.nuisances.values():
        assert v == pytest.approx(0.0, abs=1e-7)
    assert lik.chi2_at(t["cevns"], {}) == pytest.approx(0.0, abs=1e-10)


def test_ar_asimov_gives_zero():
    t = ar_templates()
    lik = ar_lik(t, ar_asimov(t))
    res = lik.chi2(t["cevns"])
    assert res.chi2 == pytest.approx(0.0, abs=1e-9)
    assert res.n_bins == 120 == lik.n_bins
    assert len(res.nuisances) == 9
    assert lik.nuisance_names[:4] == ["eta_cevns", "eta_ss", "eta_prompt_brn", "eta_delayed_brn"]
    for v in res.nuisances.values():
        assert v == pytest.approx(0.0, abs=1e-10)


# ------------------------------------------------------------- injected shifts


def test_csi_recovers_injected_background_normalisation():
    t = csi_templates(3)
    observed = t["cevns"] + 1.1 * t["brn"] + t["nin"] + t["ss"]
    lik = csi_lik(t, observed, sigmas={"eta_brn": 100.0})
    res = lik.chi2(t["cevns"])
    assert res.nuisances["eta_brn"] == pytest.approx(0.1, abs=1e-6)
    assert res.chi2 == pytest.approx((0.1 / 100.0) ** 2, rel=1e-4)  # only the prior term


def test_ar_recovers_injected_normalisations():
    t = ar_templates(4)
    observed = 0.9 * t["cevns"] + t["ss"] + 1.1 * t["prompt_brn"] + t["delayed_brn"]
    lik = ar_lik(t, observed, sigmas={"eta_cevns": 100.0, "eta_prompt_brn": 100.0})
    res = lik.chi2(t["cevns"])
    assert res.nuisances["eta_cevns"] == pytest.approx(-0.1, abs=1e-3)
    assert res.nuisances["eta_prompt_brn"] == pytest.approx(0.1, abs=1e-3)
    assert res.chi2 < 1e-3


def test_csi_deficit_pulls_signal_down():
    t = csi_templates(5)
    lik = csi_lik(t, 0.8 * csi_asimov(t))
    res = lik.chi2(t["cevns"])
    assert res.nuisances["eta_cevns"] < 0
    assert res.chi2 > 0


# ------------------------------------------- profile vs numerical minimisation


def test_ar_exact_profile_matches_numerical_minimum():
    t = ar_templates(6)
    rng = np.random.default_rng(60)
    observed = rng.poisson(1.05 * ar_asimov(t)).astype(float)
    lik = ar_lik(t, observed)
    res = lik.chi2(t["cevns"])
    x_profile = np.array(list(res.nuisances.values()))
    num = minimize(
        lambda x: lik.chi2_at(t["cevns"], x),
        np.zeros(9),
        method="BFGS",
        options={"gtol": 1e-9},
    )
    assert res.chi2 <= num.fun + 1e-9
    assert res.chi2 == pytest.approx(num.fun, rel=1e-7)
    np.testing.assert_allclose(x_profile, num.x, atol=2e-4)
    assert lik.chi2_at(t["cevns"], res.nuisances) == pytest.approx(res.chi2, rel=1e-12)


def test_csi_profile_matches_numerical_minimum():
    t = csi_templates(7)
    rng = np.random.default_rng(70)
    observed = rng.poisson(0.9 * csi_asimov(t)).astype(float)
    lik = csi_lik(t, observed)
    res = lik.chi2(t["cevns"])
    assert res.converged
    num = minimize(
        lambda x: lik.chi2_at(t["cevns"], x),
        np.zeros(4),
        jac=lambda x: np.array(list(lik.gradient(t["cevns"], x).values())),
        method="L-BFGS-B",
        bounds=[(-1 + 1e-9, None)] * 4,
        options={"ftol": 1e-15, "gtol": 1e-10},
    )
    assert res.chi2 <= num.fun + 1e-8
    assert res.chi2 == pytest.approx(num.fun, rel=1e-8)
    np.testing.assert_allclose(list(res.nuisances.values()), num.x, atol=1e-4)
    grad = lik.gradient(t["cevns"], res.nuisances)
    assert max(abs(g) for g in grad.values()) < 1e-4


def test_csi_gradient_matches_finite_differences():
    t = csi_templates(8)
    lik = csi_lik(t, np.round(csi_asimov(t)))
    eta = np.array([0.05, -0.1, 0.2, 0.01])
    g = np.array(list(lik.gradient(t["cevns"], eta).values()))
    h = 1e-6
    fd = [
        (lik.chi2_at(t["cevns"], eta + h * e) - lik.chi2_at(t["cevns"], eta - h * e)) / (2 * h)
        for e in np.eye(4)
    ]
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-6)


def test_chi2_many_matches_chi2():
    t = csi_templates(9)
    lik = csi_lik(t, np.round(csi_asimov(t)))
    scales = np.linspace(0.2, 2.0, 7)
    preds = scales[:, None, None] * t["cevns"][None]
    many = lik.chi2_many(preds, n_threads=2)
    np.testing.assert_array_equal(many, [lik.chi2(p).chi2 for p in preds])


# --------------------------------------------------------------- bad input


@pytest.mark.parametrize("which", ["observed", "brn", "nin", "ss"])
def test_csi_wrong_shape_raises(which):
    t = csi_templates()
    args = {"observed": csi_asimov(t), "brn": t["brn"], "nin": t["nin"], "ss": t["ss"]}
    args[which] = args[which][:, :10]
    expected = r"\(9, 10\).*like observed" if which == "observed" else r"expected \(9, 11\)"
    with pytest.raises(InputError, match=rf"^csi: .*{expected}"):
        CsiLikelihood(**args)


def test_wrong_prediction_shape_names_dataset_and_shape():
    t = ar_templates()
    lik = ar_lik(t, ar_asimov(t))
    with pytest.raises(
        InputError, match=r"ar: CEvNS prediction has shape \(10, 12\), expected \(12, 10\)"
    ):
        lik.chi2(t["cevns"].T)
    with pytest.raises(InputError, match="expected"):
        lik.chi2(t["cevns"].ravel())


def test_nan_and_negative_raise():
    t = csi_templates()
    obs = csi_asimov(t)
    bad = obs.copy()
    bad[2, 3] = np.nan
    with pytest.raises(InputError, match=r"csi: observed has a non-finite value.*\(2, 3\)"):
        csi_lik(t, bad)
    neg = t["ss"].copy()
    neg[0, 1] = -1.0
    with pytest.raises(InputError, match=r"csi: ss has a negative value"):
        CsiLikelihood(obs, t["brn"], t["nin"], neg)
    lik = csi_lik(t, obs)
    pred = t["cevns"].copy()
    pred[4, 4] = -0.5
    with pytest.raises(InputError, match="CEvNS prediction has a negative value"):
        lik.chi2(pred)
    pred[4, 4] = np.inf
    with pytest.raises(InputError, match="non-finite"):
        lik.chi2(pred)
    with pytest.raises(InputError, match="sigma eta_brn"):
        csi_lik(t, obs, sigmas={"eta_brn": -0.1})
    with pytest.raises(InputError, match="unknown sigma"):
        csi_lik(t, obs, sigmas={"eta_foo": 0.1})
    with pytest.raises(InputError, match="unknown nuisance"):
        lik.chi2_at(t["cevns"], {"eta_foo": 0.1})


def test_ar_shape_fraction_errors():
    t = ar_templates()
    obs = ar_asimov(t)
    with pytest.raises(InputError, match="cevns_shape needs exactly the keys"):
        ArLikelihood(obs, t["ss"], t["prompt_brn"], t["delayed_brn"], {}, t["brn_shape"])
    shapes = dict(t["brn_shape"])
    shapes["energy"] = np.full(AR_SHAPE, np.nan)
    with pytest.raises(InputError, match=r"ar: brn_shape\['energy'\] has a non-finite"):
        ArLikelihood(obs, t["ss"], t["prompt_brn"], t["delayed_brn"], t["cevns_shape"], shapes)
    # negative shape fractions are fine
    shapes["energy"] = -np.full(AR_SHAPE, 0.1)
    ArLikelihood(obs, t["ss"], t["prompt_brn"], t["delayed_brn"], t["cevns_shape"], shapes)


# -------------------------------------------------- combined, fits, pulls


def test_combined_is_the_sum():
    tc, ta = csi_templates(10), ar_templates(11)
    rng = np.random.default_rng(12)
    csi = csi_lik(tc, rng.poisson(csi_asimov(tc)).astype(float))
    ar = ar_lik(ta, rng.poisson(ar_asimov(ta)).astype(float))
    comb = CombinedLikelihood(csi=csi, ar=ar)
    res = comb.chi2({"csi": tc["cevns"], "ar": ta["cevns"]})
    assert res.chi2 == pytest.approx(csi.chi2(tc["cevns"]).chi2 + ar.chi2(ta["cevns"]).chi2)
    assert res.n_bins == 99 + 120
    assert "csi.eta_cevns" in res.nuisances and "ar.eps_brn_energy" in res.nuisances
    assert set(res.parts) == {"csi", "ar"}
    d = json.loads(json.dumps(res.to_dict()))
    assert d["parts"]["ar"]["n_bins"] == 120
    with pytest.raises(InputError, match="data sets"):
        comb.chi2({"csi": tc["cevns"]})
    at = comb.chi2_at({"csi": tc["cevns"], "ar": ta["cevns"]}, res.nuisances)
    assert at == pytest.approx(res.chi2, rel=1e-10)


def test_fit_normalisation_asimov():
    t = ar_templates(13)
    lik = ar_lik(t, ar_asimov(t))
    fit = fit_normalisation(lik, t["cevns"])
    assert isinstance(fit, NormalisationFit)
    assert fit.predicted == pytest.approx(t["cevns"].sum())
    assert fit.best == pytest.approx(fit.predicted, rel=1e-6)
    assert fit.lower < fit.best < fit.upper
    assert fit.chi2_min == pytest.approx(0.0, abs=1e-8)
    assert fit.nuisances["eta_cevns"] == 0.0
    # the interval edges sit at Delta chi2 = 1
    free = lik.with_sigmas(eta_cevns=0.0)
    for edge in (fit.lower, fit.upper):
        pred = t["cevns"] * edge / fit.predicted
        assert free.chi2(pred).chi2 == pytest.approx(1.0, abs=1e-6)
    json.dumps(fit.to_dict())


def test_fit_normalisation_csi_and_combined():
    tc, ta = csi_templates(14), ar_templates(15)
    csi = csi_lik(tc, csi_asimov(tc))
    fit = fit_normalisation(csi, tc["cevns"], cl_delta_chi2=4.0)
    assert fit.best == pytest.approx(fit.predicted, rel=1e-5)
    assert fit.lower < fit.best < fit.upper
    comb = CombinedLikelihood(csi=csi, ar=ar_lik(ta, ar_asimov(ta)))
    fitc = fit_normalisation(comb, {"csi": tc["cevns"], "ar": ta["cevns"]})
    assert fitc.best == pytest.approx(fitc.predicted, rel=1e-5)
    assert fitc.nuisances["csi.eta_cevns"] == 0.0 and fitc.nuisances["ar.eta_cevns"] == 0.0
    # a 20% signal excess is recovered as a 1.2 scale
    obs = tc["cevns"] * 1.2 + tc["brn"] + tc["nin"] + tc["ss"]
    fit2 = fit_normalisation(csi_lik(tc, obs), tc["cevns"])
    assert fit2.scale == pytest.approx(1.2, rel=1e-4)


def test_pulls():
    t = ar_templates(16)
    lik = ar_lik(t, 1.02 * ar_asimov(t))
    res = lik.chi2(t["cevns"])
    p = pulls(res, lik.sigmas)
    assert p["eta_cevns"] == pytest.approx(res.nuisances["eta_cevns"] / 0.13)
    assert p["eps_brn_energy"] == pytest.approx(res.nuisances["eps_brn_energy"])
    assert pulls(res, lik) == p
    fit = fit_normalisation(lik, t["cevns"])
    assert "eta_cevns" not in pulls(fit, lik.with_sigmas(eta_cevns=0.0))
    with pytest.raises(InputError, match="no sigma"):
        pulls(res, {"eta_cevns": 0.13})


@pytest.mark.parametrize("name", ["csi2021", "ar2020"])
def test_huge_predictions_keep_their_limit_or_are_refused(name, data_dir):
    """Up to 1e150 events per bin the profiled χ² is its no-CEvNS limit; beyond, refused."""
    import cevns

    e = cevns.experiment(name, data_dir)
    sm = e.predict()
    at = [e.chi2(sm * k).chi2 for k in (1e19, 1e100)]
    assert at[1] == pytest.approx(at[0], rel=1e-12)
    with pytest.raises(InputError, match="accepted: at most 1e\\+150 events per bin"):
        e.chi2(sm * 1e200)
