"""Physics parameters (sin2w, R_n, NSI, magnetic moments, charge radii) through
the data, response matrices and profiled likelihoods (issue 16)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import cevns
from cevns import _core
from cevns import phenomenology as ph
from cevns.cli import main
from cevns.errors import InputError
from cevns.infer.profiles import profile_parameters


@pytest.fixture(scope="module")
def exps(data_dir):
    # frozen numbers of eq. (6): the paper's SS model
    opts = {"csi2021": {"ss_model": "paper"}, "ar2020": {}}
    return {n: cevns.experiment(n, data_dir, **opts[n]) for n in ("csi2021", "ar2020")}


def test_defaults_reproduce_sm_prediction_and_chi2_bit_for_bit(exps):
    for e in exps.values():
        for model, mass, g in ((None, None, 0.0), ("B-L", 10.0, 5e-5), ("scalar", 3.0, 1e-5)):
            a = e.predict(model, mass, g)
            b = ph.predict(e, model, mass, g)
            assert np.array_equal(a, b)
        sm = e.predict()
        # every parameter given explicitly at its SM value
        explicit = {n: i.default for n, i in ph.PARAMETERS.items() if i.default is not None}
        explicit = ph.used_by(explicit, e)  # another detector's radius is refused
        assert np.array_equal(ph.predict(e, **explicit), sm)
        assert ph.chi2(e, **explicit).chi2 == e.chi2(sm).chi2
        t0, t1 = e.templates("B-L", 10.0), ph.templates(e, "B-L", 10.0)
        for x, y in zip(t0, t1):
            assert np.array_equal(x, y)


def test_each_parameter_moves_the_prediction(exps):
    csi, ar = exps["csi2021"], exps["ar2020"]
    moves = {
        "sin2w": 0.25,
        "rn_cs": 5.5,
        "rn_i": 5.5,
        "mu_nue": 30.0,
        "mu_numu": 30.0,
        "r2_nue": 5.0,
        "r2_numu": 5.0,
        "eps_u_ee": 0.1,
        "eps_d_mumu": 0.1,
        "eps_u_emu": 0.1,
        "eps_d_etau": 0.1,
        "eps_u_mutau": 0.1,
    }
    sm = csi.predict()
    for name, v in moves.items():
        assert not np.allclose(ph.predict(csi, **{name: v}), sm, rtol=1e-6), name
    # the Ar radius does not touch CsI, nor the Cs radius Ar: refused, not ignored
    with pytest.raises(InputError, match="csi2021 does not depend on it"):
        ph.predict(csi, rn_ar=4.0)
    with pytest.raises(InputError, match="ar2020 does not depend on it"):
        ph.predict(ar, rn_cs=6.0)
    assert not np.allclose(ph.predict(ar, rn_ar=4.0), ar.predict(), rtol=1e-6)
    # a pi-DAR beam has no nu_tau: eps_tautau would do nothing, so it is refused too
    with pytest.raises(InputError, match="csi2021 does not depend on it"):
        ph.predict(csi, eps_u_tautau=0.3)


def test_diagonal_nsi_is_the_heavy_zprime_limit(exps):
    charges = _core.Charges(u=1.0, d=2.0, e=1.5, mu=-0.7, tau=0.0)
    M = 1e8  # MeV
    g2 = 0.05 * math.sqrt(2) * _core.constants["G_F"] * M * M

    def eps(qq: float, ql: float) -> float:
        return g2 * ql * qq / (math.sqrt(2) * _core.constants["G_F"] * M * M)

    for e in exps.values():
        zp = e.rate.predict(_core.Mediator.vector(charges, M), math.sqrt(g2))
        nsi = ph.predict(
            e,
            eps_u_ee=eps(1.0, 1.5),
            eps_d_ee=eps(2.0, 1.5),
            eps_u_mumu=eps(1.0, -0.7),
            eps_d_mumu=eps(2.0, -0.7),
        )
        np.testing.assert_allclose(nsi, zp, rtol=1e-10, atol=0)
        assert not np.allclose(zp, e.predict(), rtol=1e-3)


def test_charge_radius_equals_sin2w_shift_for_its_flavour(exps):
    csi = exps["csi2021"]
    d = 7.0
    ds = _core.charge_radius_coupling_shift() * d / (2 * 1.0082)
    p_r2 = ph.parameters(r2_numu=ph.default_value("r2_numu") + d)
    p_s = ph.parameters(sin2w=ph.default_value("sin2w") + ds)
    sm_med = _core.Mediator.standard_model()
    a = csi.rate.energy_spectrum_with(sm_med, 0.0, p_r2)
    b = csi.rate.energy_spectrum_with(sm_med, 0.0, p_s)
    # rows: numu, nue, numubar; r2_numu acts on numu and numubar like sin2w
    np.testing.assert_allclose(a[[0, 2]], b[[0, 2]], rtol=1e-12)
    assert np.array_equal(a[1], csi.energy_spectrum()[1])


def test_magnetic_moment_cross_section_by_hand():
    cs = _core.cesium133()
    E, T, mu = 30.0, 0.01, 2e-9
    alpha, me = 1 / 137.035999084, 0.51099895
    F = _core.form_factor("helm", np.array([math.sqrt(2 * cs.mass_MeV * T)]), 4.821)[0]
    hand = math.pi * alpha**2 / me**2 * mu**2 * (1 / T - 1 / E) * (55 * F) ** 2
    assert _core.dsigma_dT_magnetic(cs, E, T, mu) == pytest.approx(hand, rel=1e-13)
    # in cm^2/keV: about 7e-40 for 2e-9 mu_B (pi alpha^2/m_e^2 = 6.0e-25 cm^2 ...)
    per_cm2_keV = hand * (197.3269804e-13) ** 2 * 1e-3
    assert 1e-40 < per_cm2_keV < 1e-38


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"bogus": 1.0}, "unknown physics parameter 'bogus'"),
        ({"eps_u_mue": 0.1}, "unknown physics parameter"),
        ({"sin2w": float("nan")}, "must be finite"),
        ({"rn_cs": 0.0}, "must be > 0"),
        ({"rn_ar": -1.0}, "must be > 0"),
        ({"sin2w": 1.5}, r"sin2w = 1\.5 is outside .*; accepted: 0 <= sin2w <= 1"),
        ({"sin2w": -0.01}, r"sin2w = -0\.01 is outside .*; accepted: 0 <= sin2w <= 1"),
        ({"rn_xe": 0.01}, r"rn_xe = 0\.01 fm .* accepted: rn_xe > 0\.\d+ fm"),
        ({"mu_nue": "x"}, "must be a number"),
    ],
)
def test_bad_parameters_raise_input_error(kwargs, match):
    with pytest.raises(InputError, match=match):
        ph.parameters(**kwargs)


def test_radius_below_the_form_factor_domain_is_an_input_error(exps):
    # the message names the radius and the smallest accepted (sqrt(3) s, s = 0.9 fm)
    with pytest.raises(InputError, match=r"rms radius 1 fm is too small; accepted: > 1\.559 fm"):
        ph.predict(exps["ar2020"], rn_ar=1.0)


def test_an_overflowing_flux_normalisation_says_so(data_dir):
    """A baseline so short that r N_POT / (4 pi L^2) overflows: named as such, not '<= 0'."""
    with pytest.raises(InputError, match="must be finite and > 0, got inf"):
        cevns.experiment("ar2020", data_dir, baseline_m=1e-300)


def test_profile_sin2w_csi(exps):
    csi = {"csi2021": exps["csi2021"]}
    res = profile_parameters(csi, ["sin2w"])
    best = res.best_fit["sin2w"]
    (lo, hi), *rest = res.intervals["1sigma"]
    assert not rest and lo < best < hi
    # the edges sit at Delta chi2 = 1 and the minimum is below every grid point
    for edge in (lo, hi):
        assert ph.chi2(csi["csi2021"], sin2w=edge).chi2 - res.chi2_min == pytest.approx(
            1.0, abs=1e-6
        )
    assert res.chi2_min <= min(res.grid["chi2"]) + 1e-12
    # nested intervals; the SM value inside 1 sigma on these data
    (lo2, hi2), *_ = res.intervals["2sigma"]
    assert lo2 < lo and hi < hi2
    assert lo < 0.23857 < hi
    assert res.chi2_sm == pytest.approx(107.52966266068957, rel=1e-12)


def test_profile_two_parameters_gives_closed_contours(exps):
    res = profile_parameters(
        {"csi2021": exps["csi2021"]},
        ["eps_u_ee", "eps_d_ee"],
        ranges={"eps_u_ee": (-0.3, 0.7), "eps_d_ee": (-0.3, 0.7)},
        points=15,
    )
    assert res.contours["1sigma"] and res.contours["2sigma"]
    d = res.to_dict()
    assert d["parameters"] == ["eps_u_ee", "eps_d_ee"]
    assert d["delta_chi2_levels"]["2sigma"] == pytest.approx(6.18, abs=0.01)
    json.dumps(d)


def test_cli_fit_param_json_and_errors(capsys, data_dir):
    rc = main(
        [
            "fit",
            "--experiment",
            "ar2020",
            "--param",
            "sin2w",
            "--points",
            "41",
            "--format",
            "json",
            "--data-dir",
            str(data_dir),
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert out["parameters"] == ["sin2w"] and set(out["intervals"]) == {"1sigma", "90%", "2sigma"}
    assert out["provenance"]["data_sha256"]
    for args, msg in (
        (["--param", "nope"], "unknown physics parameter"),
        (["--param", "rn_cs", "--range", "rn_cs=-1:5"], "above 0 fm"),
        (["--param", "sin2w", "--range", "sin2w=a:b"], "NAME=LO:HI"),
        (["--param", "sin2w,sin2w"], "must all differ"),
        (["--param", "sin2w", "--profile", "nope"], "unknown physics parameter 'nope'"),
    ):
        rc = main(["fit", "--experiment", "csi2021", *args, "--data-dir", str(data_dir)])
        err = capsys.readouterr().err
        assert rc == 4 and msg in err, (args, err)


def test_rate_is_exactly_quadratic_in_the_non_radius_parameters(exps):
    """The profile scans rely on it: 3 or 6 core evaluations give every grid point."""
    from cevns.infer.profiles import _Objective

    rng = np.random.default_rng(7)
    for names, lo, hi in (
        (["sin2w"], [0.0], [0.5]),
        (["eps_u_ee", "mu_nue"], [-1, 0], [1, 100]),
        (["r2_numu", "eps_d_emu"], [-100, -1], [100, 1]),
    ):
        f = _Objective(exps, names)
        pts = rng.uniform(lo, hi, (12, len(names)))
        poly = f._polynomial_predictions(pts)
        for n in exps:
            exact = np.stack([f.predictions(p)[n] for p in pts])
            np.testing.assert_allclose(poly[n], exact, rtol=1e-11, atol=1e-12)


def test_rn_csi_sets_both_radii(exps):
    csi = exps["csi2021"]
    both = ph.predict(csi, rn_cs=5.5, rn_i=5.5)
    assert np.array_equal(ph.predict(csi, rn_csi=5.5), both)
    assert ph.default_value("rn_csi") is None


def test_profiling_a_second_parameter(exps):
    csi = {"csi2021": exps["csi2021"]}
    fixed = profile_parameters(csi, ["sin2w"], points=41)
    prof = profile_parameters(
        csi, ["sin2w"], profiled=["rn_csi"], ranges={"rn_csi": (4.0, 7.5)}, points=41
    )
    # minimising over R_n can only lower the chi2 at every sin2w
    assert np.all(np.array(prof.grid["chi2"]) <= np.array(fixed.grid["chi2"]) + 1e-9)
    best = prof.best_fit
    assert prof.chi2_min == pytest.approx(
        ph.chi2(csi["csi2021"], sin2w=best["sin2w"], rn_csi=best["rn_csi"]).chi2, abs=1e-12
    )
    # the joint 2-D minimum is the same point
    two = profile_parameters(csi, ["sin2w", "rn_csi"], ranges={"rn_csi": (4.0, 7.5)}, points=21)
    assert prof.chi2_min == pytest.approx(two.chi2_min, abs=1e-4)
    assert best["rn_csi"] == pytest.approx(two.best_fit["rn_csi"], abs=0.02)
    assert prof.to_dict()["profiled"] == ["rn_csi"]
    with pytest.raises(InputError, match="must all differ"):
        profile_parameters(csi, ["sin2w"], profiled=["sin2w"])
    with pytest.raises(InputError, match="not scanned or profiled"):
        profile_parameters(csi, ["sin2w"], ranges={"rn_ar": (2, 4)})


def test_plot_profile_draws_what_was_computed(exps, tmp_path, capsys, data_dir):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from cevns.plots import plot_profile

    csi = {"csi2021": exps["csi2021"]}
    one = profile_parameters(csi, ["mu_numu"], points=21).to_dict()
    drawn = plot_profile(one)
    np.testing.assert_array_equal(drawn["x"], one["grid"]["mu_numu"])
    assert drawn["delta_chi2"].min() >= -1e-9
    two = profile_parameters(csi, ["eps_u_ee", "eps_d_ee"], points=11).to_dict()
    drawn = plot_profile(two)
    assert drawn["best"] == (two["best_fit"]["eps_u_ee"], two["best_fit"]["eps_d_ee"])
    assert len(drawn["2sigma"]) == len(two["contours"]["2sigma"])
    out = tmp_path / "p.png"
    rc = main(
        [
            "fit",
            "--experiment",
            "csi2021",
            "--param",
            "sin2w",
            "--points",
            "21",
            "--plot",
            str(out),
            "--data-dir",
            str(data_dir),
        ]
    )
    capsys.readouterr()
    assert rc == 0 and out.stat().st_size > 1000


def test_mediator_scans_on_top_of_physics_parameters(data_dir):
    """Issue 16: the (M, g) machinery takes physics parameters; SM values change nothing."""
    from cevns.experiments import experiment
    from cevns.infer.limits import limit
    from cevns.infer.scan import ModelFit, scan
    from cevns.phenomenology import chi2 as pchi2

    exps = {n: experiment(n, data_dir) for n in ("csi2021", "ar2020")}
    plain = ModelFit("B-L", "combined", experiments=exps)
    same = ModelFit("B-L", "combined", experiments=exps, params={"sin2w": plain_sin2w()})
    g = [0.0, 3e-5, 6e-5]
    np.testing.assert_allclose(same.chi2(10.0, g), plain.chi2(10.0, g), rtol=1e-12)
    shifted = ModelFit("B-L", "combined", experiments=exps, params={"sin2w": 0.25, "rn_cs": 5.4})
    got = shifted.chi2(10.0, g)
    assert not np.allclose(got, plain.chi2(10.0, g))
    for x, c in zip(g, got):  # the same point through cevns.phenomenology
        ref = pchi2(exps, "B-L", 10.0, x, sin2w=0.25, rn_cs=5.4).chi2
        assert c == pytest.approx(ref, rel=1e-9)
    res = scan("B-L", "combined", [1.0, 100.0], np.geomspace(1e-6, 1e-2, 30), experiments=exps,
               params={"sin2w": 0.25})  # fmt: skip
    assert len(res.intervals) == 2 and res.intervals[0]
    lim = limit("B-L", "ar2020", experiments=exps, params={"sin2w": 0.25})
    assert lim.g_low > 0 and lim.g_low != limit("B-L", "ar2020", experiments=exps).g_low
    with pytest.raises(InputError, match="unknown physics parameter"):
        ModelFit("B-L", "ar2020", experiments=exps, params={"sin2x": 0.2})


def plain_sin2w() -> float:
    from cevns.phenomenology import default_value

    return default_value("sin2w")


def test_fixed_parameters_in_profiles_fits_and_the_cli(exps, capsys, data_dir):
    """``fixed=`` / ``--fix NAME=VALUE``: held away from the SM in every command."""
    csi = {"csi2021": exps["csi2021"]}
    res = profile_parameters(csi, ["sin2w"], fixed={"rn_cs": 4.86}, points=11)
    x = res.grid["sin2w"]
    for xi, c in zip(x[::5], res.grid["chi2"][::5]):  # the same points through phenomenology
        assert c == pytest.approx(ph.chi2(exps["csi2021"], sin2w=xi, rn_cs=4.86).chi2, rel=1e-9)
    assert res.to_dict()["fixed"] == {"rn_cs": 4.86}
    with pytest.raises(InputError, match="must all differ"):
        profile_parameters(csi, ["rn_csi"], fixed={"rn_cs": 5.0})
    with pytest.raises(InputError, match="unknown physics parameter"):
        profile_parameters(csi, ["sin2w"], fixed={"rn_x": 5.0})

    def cli(*args):
        rc = main([*args, "--data-dir", str(data_dir)])
        out, err = capsys.readouterr()
        return rc, out, err

    rc, out, _ = cli("fit", "--experiment", "csi2021", "--fix", "rn_csi=4.86", "--format", "json")
    d = json.loads(out)
    assert rc == 0 and d["fixed"] == {"rn_csi": 4.86}
    pred = ph.predict(exps["csi2021"], rn_csi=4.86)
    assert d["cevns_events"]["predicted"] == pytest.approx(pred.sum(), rel=1e-12)
    rc, out, _ = cli("predict", "--experiment", "csi2021", "--fix", "sin2w=0.25,eps_u_ee=0.05")
    d = json.loads(out)
    assert np.array_equal(
        np.asarray(d["cevns"]), ph.predict(exps["csi2021"], sin2w=0.25, eps_u_ee=0.05)
    )
    sigma = ph.flux_averaged_cross_section(exps["csi2021"], sin2w=0.25, eps_u_ee=0.05)
    assert d["flux_averaged_cross_section_cm2"] == pytest.approx(sigma, rel=1e-12)
    rc, out, _ = cli("limits", "--model", "B-L", "--experiment", "ar2020", "--fix", "sin2w=0.25",
                     "--format", "json")  # fmt: skip
    from cevns.infer.limits import limit

    want = limit("B-L", "ar2020", experiments={"ar2020": exps["ar2020"]}, params={"sin2w": 0.25})
    assert rc == 0 and json.loads(out)["g_low"] == pytest.approx(want.g_low, rel=1e-12)
    assert json.loads(out)["notes"] == []
    # a parameter point the data exclude: no low-mass bound, and a note saying why
    # (g_V^p shifted by +2.4, as sin2w = -1 did before sin2w was held to [0, 1])
    rc, out, err = cli("limits", "--model", "B-L", "--experiment", "ar2020", "--fix",
                       "r2_numu=-100", "--format", "json")  # fmt: skip
    d = json.loads(out)
    assert rc == 0 and d["g_low"] is None and math.isfinite(d["g_over_M_high"])
    assert d["notes"] == ["g_low: no bound at M = 0.01 MeV: nothing is allowed there at this CL"]
    assert "cevns: note: g_low: no bound" in err
    for bad, code, msg in (
        (["--fix", "rn_cs=-1"], 4, "must be > 0"),
        (["--fix", "rn_x=3"], 4, "unknown physics parameter"),
        (["--fix", "sin2w"], 4, "NAME=VALUE"),
        (["--fix", "sin2w=abc"], 4, "not a number"),
        (["--fix", "sin2w=nan"], 4, "finite"),
        (["--fix", "sin2w=-1"], 4, "accepted: 0 <= sin2w <= 1"),
        (["--fix", "sin2w=0.2,sin2w=0.3"], 4, "twice"),
    ):
        rc, _, err = cli("fit", "--experiment", "csi2021", *bad)
        assert rc == code and msg in err and "Traceback" not in err
    rc, _, err = cli("limits", "--model", "B-L", "--experiment", "ar2020", "--method", "fc",
                     "--fix", "sin2w=0.25")  # fmt: skip
    assert rc == 2 and "--method wilks" in err
