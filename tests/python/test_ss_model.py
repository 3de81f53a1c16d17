"""The CsI steady-state model option (csi2021.ss_model) and the toys' SS truth."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from cevns.cli import main
from cevns.experiments import experiment, option_table
from cevns.infer.toys import ToyEngine, batch_seed


@pytest.fixture(scope="module")
def measured(data_dir):
    return experiment("csi2021", data_dir, ss_model="measured")


@pytest.fixture(scope="module")
def paper(data_dir):
    return experiment("csi2021", data_dir, ss_model="paper")


def _sm(exp):
    from cevns.infer.scan import ModelFit

    t = ModelFit("universal", "csi2021", experiments={"csi2021": exp}).templates([1e5])
    return t["csi2021"][0].reshape(3, -1)[0]


def _weights(exp):
    """SS time weights: flat in time through the timing efficiency (1 before
    0.52 µs, exp(-0.0494 (t - 0.52)) after), normalised."""
    e = np.asarray(exp.time_edges)
    t0, k = 0.52, 0.0494

    def integral(a, b):
        w = max(min(b, t0) - a, 0.0)
        lo = max(a, t0)
        return w + (np.exp(-k * (lo - t0)) - np.exp(-k * (b - t0))) / k if b > t0 else w

    w = np.array([integral(a, b) for a, b in zip(e[:-1], e[1:])])
    return w / w.sum()


def test_the_ss_time_weights_follow_the_timing_efficiency(measured, data_dir):
    core = measured.likelihood.core
    np.testing.assert_allclose(
        np.asarray(core.ss_time_weights) / 6.0 * 6.0 / np.sum(core.ss_time_weights),
        _weights(measured),
        rtol=1e-12,
    )
    flat = experiment("csi2021", data_dir, ss_model="measured", timing_efficiency="none")
    np.testing.assert_allclose(flat.likelihood.core.ss_time_weights, np.diff(flat.time_edges))


def test_the_option_is_in_the_core_table():
    row = option_table("csi2021")["ss_model"]
    assert row.default == "measured" and list(row.choices) == ["paper", "measured"]


def test_measured_profile_is_the_joint_minimum(measured):
    """The exact profile equals a brute-force minimisation of the joint C + AC Poisson
    chi2 over the 3 normalisations and the 9 row rates."""
    core = measured.likelihood.core
    pred = _sm(measured)
    obs = measured.observed.reshape(9, 11)
    brn, nin = (measured.backgrounds[k].reshape(9, 11) for k in ("brn", "nin"))
    (aux,) = measured.likelihood.auxiliary_measurements()  # the AC (SS) histogram
    ac = aux.values.reshape(9, 11).sum(axis=1)
    w = _weights(measured)

    def bc(o, mu):
        return 2 * np.sum(mu - o + np.where(o > 0, o * np.log(np.where(o > 0, o, 1) / mu), 0))

    def chi2(x):
        s, b = x[:3], x[3:]
        mu = s[0] * pred.reshape(9, 11) + s[1] * brn + s[2] * nin + b[:, None] * w[None, :]
        if np.any(mu <= 0) or np.any(b <= 0):
            return 1e30
        return bc(obs, mu) + bc(ac, b) + np.sum((s - 1) ** 2 / np.array([0.12, 0.25, 0.35]) ** 2)

    x = np.concatenate([[1.0, 1.0, 1.0], ac])
    x = minimize(chi2, x, method="Nelder-Mead", options={"maxfev": 100000, "xatol": 1e-10}).x
    x = minimize(chi2, x, method="Powell", options={"maxfev": 100000, "xtol": 1e-10}).x
    res = core.profile(pred)
    assert res.converged
    assert res.chi2 == pytest.approx(chi2(x), abs=1e-6)
    assert res.chi2 <= chi2(x) + 1e-9
    eta = np.asarray(res.nuisances)
    np.testing.assert_allclose(eta[:3], x[:3] - 1, atol=1e-3)
    np.testing.assert_allclose(core.ss_rates(pred, eta), x[3:], rtol=1e-3)


def test_with_sigmas_keeps_the_model(measured, paper):
    pred = _sm(measured).reshape(9, 11)
    free = measured.likelihood.with_sigmas(eta_cevns=0.0)
    assert free.core.ss_model == "measured"
    other = paper.likelihood.with_sigmas(eta_cevns=0.0)
    assert free.chi2(pred).chi2 != other.chi2(pred).chi2


def test_toys_draw_a_flat_ss_and_keep_its_centre(data_dir, measured, paper):
    """measured: the AC truth is flat in time within each PE row; paper: the AC
    histogram rescaled. Neither draws the eta_ss centre (its sigma is the SS statistics)."""
    w = _weights(measured)
    for exp in (measured, paper):
        eng = ToyEngine("universal", "csi2021", experiments={"csi2021": exp}, plane_masses=[1.0])
        hyp = eng.hypothesis(1e5, 0.05)
        ss = hyp.auxiliary["csi2021"].reshape(9, 11)  # the SS measurement's mean
        if exp is measured:
            np.testing.assert_allclose(ss / ss.sum(axis=1, keepdims=True), np.tile(w, (9, 1)))
        else:
            eta_ss = hyp.nuisances["csi2021"][3]
            np.testing.assert_allclose(
                ss.ravel(), (1 + eta_ss) * exp.likelihood.auxiliary_measurements()[0].values
            )
        _, _, cen = eng.generate(hyp, 50, batch_seed(1, 0))
        assert np.all(cen[0][:, 3] == 0.0) and np.std(cen[0][:, 0]) > 0


def test_compare_always_uses_the_paper_model(capsys, data_dir):
    rc = main(["table2", "--compare", "--set", "csi2021.ss_model=measured",
               "--data-dir", str(data_dir)])  # fmt: skip
    assert rc != 0
    assert "ss_model must be paper" in capsys.readouterr().err


def test_measured_fit_reproduces_coherents_cevns_count(measured):
    """COHERENT's own fit of these data (PRL 129 (2022) 081801): 306 ± 20 CEvNS events.
    The measured SS model gives it within 5 %, the published value inside our 1σ."""
    from cevns.fit import sm_fit

    ev = sm_fit("csi2021", experiments={"csi2021": measured})["cevns_events"]
    assert ev["best"] == pytest.approx(306.0, rel=0.05)
    assert ev["lower"] < 306.0 < ev["upper"]
