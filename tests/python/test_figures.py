"""The data behind the paper's figures (Figs. 1-8), the scan cache and ``make_figures``.

The checks are on numbers, not pixels: dips and kinks of the differential rates
quoted in the text (Sec. III), the shape of ε_βα (Fig. 2), the scaling of the
exclusion lines, and the cache behaviour.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import cevns.infer.scan
from cevns import figure_data as fd
from cevns.contours import allowed_field
from cevns.experiments import experiment
from cevns.scan_cache import cached_scan, resolve_cache_dir, scan_cache_key

SMALL_MASSES = np.geomspace(1e-1, 1e4, 11)
SMALL_COUPLINGS = np.geomspace(1e-6, 1.0, 60)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Never touch the user's cache; no GUI backend."""
    monkeypatch.setenv("CEVNS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.fixture(scope="module")
def exps(data_dir):
    return {n: experiment(n, data_dir) for n in ("csi2021", "ar2020")}


def _dip(d, model):
    """T_nr [keV] of the minimum of model/SM (the dip of Fig. 1)."""
    ok = d["sm"] > 0
    ratio = d["models"][model][ok] / d["sm"][ok]
    return d["T_keV"][ok][np.argmin(ratio)]


# -- Fig. 1 ----------------------------------------------------------------------
@pytest.mark.parametrize("name,dip_keV", [("ar2020", 92.0), ("csi2021", 27.0)])
def test_fig1_universal_dip(exps, name, dip_keV):
    d = fd.fig1_data(exps[name])
    assert set(d["models"]) == set(fd.FIG1_TREE_MODELS) | set(fd.FIG1_LOOP_MODELS)
    assert d["sm"].shape == d["T_keV"].shape
    assert _dip(d, "universal") == pytest.approx(dip_keV, rel=0.10)
    # the SM is the sum over the three flavours of differential_rate
    T = d["T_keV"][::50]
    np.testing.assert_allclose(d["sm"][::50], exps[name].differential_rate(T).sum(axis=0))


@pytest.mark.parametrize(
    "name,dips",
    [
        ("ar2020", {"By+Lmu+Ltau": 29.0, "Lmu-Ltau": 23.0}),
        ("csi2021", {"By+Lmu+Ltau": 8.0, "Lmu-Ltau": 6.0}),
    ],
)
def test_fig1_shallow_dips(exps, name, dips):
    d = fd.fig1_data(exps[name])
    for model, t in dips.items():
        assert _dip(d, model) == pytest.approx(t, rel=0.10), model


# -- Fig. 2 ----------------------------------------------------------------------
def test_fig2_epsilon():
    d = fd.fig2_data()
    q, eps = d["q_MeV"], d["epsilon"]
    assert q[0] == pytest.approx(1.0) and q[-1] == pytest.approx(120.0)
    approx = d["eps_tau_mu_constant"]
    from cevns import _core

    k = _core.constants
    assert approx == pytest.approx(math.log(k["m_tau"] ** 2 / k["m_mu"] ** 2) / 6.0)
    # eps_tau_mu almost constant over the COHERENT range (|q| << m_tau, |q| < m_mu)
    assert np.all(np.abs(eps["Lmu-Ltau"] / approx - 1.0) < 0.05)
    # every curve positive (the paper's sign convention: the neutrino's own lepton in
    # the denominator of eq. 29) and eps_tau_e > eps_tau_mu (Sec. III.1)
    for v in eps.values():
        assert np.all(v > 0)
    assert np.all(eps["Le-Ltau"] > eps["Lmu-Ltau"])
    # |q| >> m_e: eps_mu_e and eps_tau_e depend strongly on |q| (they fall as
    # ln(m^2/|q|^2)/6 + 5/18 once |q| >> m_e)
    for name in ("Le-Lmu", "Le-Ltau"):
        assert np.all(np.diff(eps[name]) < 0), name
        assert eps[name][0] / eps[name][-1] > 2.0
    # eq. (48) uses eps_tau_e ~ 1.5 at the CEvNS |q|
    assert float(np.interp(50.0, q, eps["Le-Ltau"])) == pytest.approx(1.5, abs=0.1)


# -- Fig. 3 ----------------------------------------------------------------------
@pytest.mark.parametrize("name,t_max", [("ar2020", 47.7), ("csi2021", 15.0)])
def test_fig3_numu_kink(exps, name, t_max):
    T = np.linspace(0.5 * t_max, 1.5 * t_max, 401)
    d = fd.fig3_data(exps[name], T)
    below, above = T < 0.98 * t_max, T > 1.03 * t_max
    assert np.all(d["numu"][below] > 0)
    assert np.all(d["numu"][above] == 0)  # the prompt line's T_max = 2E^2/(M + 2E)
    # the scalar adds incoherently: the total is above the SM everywhere (Sec. III.2)
    ok = d["sm"] > 0
    assert np.all(d["total"][ok] > d["sm"][ok])
    np.testing.assert_allclose(d["total"], d["per_flavour"].sum(axis=0))
    # the discontinuity of the total at T_max is the numu part that ends there
    i = int(np.argmax(~(d["numu"] > 0)))
    assert d["total"][i - 1] - d["total"][i] > 0.5 * d["numu"][i - 1]


# -- exclusion data and the cache --------------------------------------------------
def test_exclusion_data_universal(exps, tmp_path):
    d = fd.exclusion_data(
        "universal", SMALL_MASSES, SMALL_COUPLINGS, experiments=exps, cache_dir=tmp_path / "c"
    )
    assert set(d["scans"]) == {"ar2020", "csi2021", "combined"}
    for ds, line in d["exclusion_line"].items():
        assert np.all(np.isfinite(line)) and np.all(line > 0), ds
        # heavy mediator: only g/M matters, the line grows like M
        ratio = line[-1] / line[-2]
        assert ratio == pytest.approx(SMALL_MASSES[-1] / SMALL_MASSES[-2], rel=0.05), ds
        # light mediator: flat
        assert line[1] / line[0] == pytest.approx(1.0, rel=0.02), ds
    # the combined fit is the strongest at low mass (Fig. 4)
    assert d["exclusion_line"]["combined"][0] < d["exclusion_line"]["ar2020"][0]
    # the thin allowed strip at high mass (eq. 44): g/M ~ 1.8e-3 GeV^-1
    strips = d["intervals"]["combined"][-1][1:]
    assert strips, "no allowed strip at M = 10 GeV"
    g_over_m = math.sqrt(strips[0][0] * strips[0][1]) / (SMALL_MASSES[-1] * 1e-3)
    assert g_over_m == pytest.approx(1.8e-3, rel=0.1)
    band = d["gm2"]
    assert band is not None and band.masses_MeV.size == SMALL_MASSES.size
    # the (g-2)_mu band of the universal model is excluded by COHERENT (Sec. IV.1)
    assert np.all(band.g_lower > d["exclusion_line"]["combined"])


def test_exclusion_data_no_gm2_band(exps, tmp_path):
    d = fd.exclusion_data(
        "B-3Le",
        SMALL_MASSES[:4],
        SMALL_COUPLINGS,
        datasets=("csi2021",),
        experiments=exps,
        cache_dir=tmp_path,
    )
    assert d["gm2"] is None and list(d["scans"]) == ["csi2021"]


def test_allowed_field_keeps_thin_strips():
    intervals = [[(0.0, 1e-4), (2.0e-3, 2.01e-3)], [(0.0, 2e-4)]]
    g = np.geomspace(1e-6, 1.0, 20)  # far coarser than the strip
    grid, field = allowed_field(intervals, g)
    assert field.shape == (2, grid.size)
    inside = field[0] > 0
    assert np.any(inside & (grid > 1e-3))  # the strip has a sample inside it
    assert np.all(field[1][grid > 2e-4] < 0)


def test_cached_scan_does_not_recompute(exps, tmp_path, monkeypatch):
    cache = tmp_path / "scan-cache"
    m, g = SMALL_MASSES[:5], SMALL_COUPLINGS
    first = cached_scan("B-L", "csi2021", m, g, 2, cache, experiments=exps)
    files = list(cache.glob("scan-*.json"))
    assert len(files) == 1

    def boom(*args, **kwargs):
        raise AssertionError("scan recomputed despite the cache")

    monkeypatch.setattr(cevns.infer.scan, "scan", boom)
    second = cached_scan("B-L", "csi2021", m, g, 2, cache, experiments=exps)
    assert second.to_dict() == first.to_dict()
    np.testing.assert_array_equal(second.lowest_edge(), first.lowest_edge())
    # a different key (dof, grid, model, data set) is a different entry: recomputes
    for kwargs in (
        {"dof": 1},
        {"couplings": g[:-1]},
        {"model": "universal"},
        {"dataset": "ar2020"},
    ):
        args = {"model": "B-L", "dataset": "csi2021", "masses": m, "couplings": g, "dof": 2}
        args.update(kwargs)
        with pytest.raises(AssertionError, match="recomputed"):
            cached_scan(cache_dir=cache, experiments=exps, **args)


def test_cache_key_and_directory(exps, tmp_path, monkeypatch):
    k1 = scan_cache_key("B-L", "combined", SMALL_MASSES, SMALL_COUPLINGS, 2, "2sigma", exps)
    k2 = scan_cache_key("B-L", "combined", SMALL_MASSES, SMALL_COUPLINGS, 2, "2sigma", exps)
    k3 = scan_cache_key("B-L", "combined", SMALL_MASSES, SMALL_COUPLINGS, 2, "3sigma", exps)
    assert k1 == k2 != k3 and len(k1) == 64
    monkeypatch.setenv("CEVNS_CACHE_DIR", str(tmp_path / "env"))
    assert resolve_cache_dir() == tmp_path / "env"
    assert resolve_cache_dir(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("CEVNS_CACHE_DIR")
    assert resolve_cache_dir().name == "cevns"


def test_corrupt_cache_entry_is_recomputed(exps, tmp_path):
    m = SMALL_MASSES[:3]
    first = cached_scan("B-L", "csi2021", m, SMALL_COUPLINGS, 2, tmp_path, experiments=exps)
    (path,) = tmp_path.glob("scan-*.json")
    path.write_text("{not json")
    again = cached_scan("B-L", "csi2021", m, SMALL_COUPLINGS, 2, tmp_path, experiments=exps)
    np.testing.assert_array_equal(again.lowest_edge(), first.lowest_edge())


# -- spectra ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["csi2021", "ar2020"])
def test_spectra_data(exps, name):
    exp = exps[name]
    d = fd.spectra_data(exp)
    assert d["observed"]["energy"].sum() == pytest.approx(exp.observed.sum())
    assert d["observed"]["time"].sum() == pytest.approx(exp.observed.sum())
    nominal = d["nominal"]
    assert set(nominal) == {"cevns", *exp.backgrounds}
    assert nominal["cevns"]["energy"].sum() == pytest.approx(exp.predict().sum())
    # the best-fit components reproduce the profiled chi2 (eq. 6 / eq. 7-9)
    mu = sum(d["fitted_2d"].values())
    obs = exp.observed
    nu = d["nuisances"]
    if name == "csi2021":
        from cevns.likelihood import CSI_SIGMAS as sig

        safe = np.where(obs > 0, obs, 1.0)
        chi2 = 2 * np.sum(mu - obs + np.where(obs > 0, obs * np.log(safe / mu), 0.0))
        core = exp.likelihood.core
        if core.ss_model == "measured":  # + the AC counts' Poisson term; no eta_ss prior
            sig = {k: s for k, s in sig.items() if k != "eta_ss"}
            b = d["fitted_2d"]["ss"].sum(axis=1)  # the fitted SS rate of each PE row
            (aux,) = exp.likelihood.auxiliary_measurements()  # the AC (SS) counts
            m = aux.values.reshape(obs.shape).sum(axis=1)
            chi2 += 2 * np.sum(b - m + np.where(m > 0, m * np.log(np.where(m > 0, m, 1) / b), 0))
        chi2 += sum((nu[k] / s) ** 2 for k, s in sig.items())
    else:
        from cevns.likelihood import AR_SIGMAS as sig

        var = obs + exp.backgrounds["ss"] / 5.0
        var = np.where(var > 0, var, 1.0)
        chi2 = np.sum((obs - mu) ** 2 / var) + sum((nu[k] / s) ** 2 for k, s in sig.items())
        chi2 += sum(v**2 for k, v in nu.items() if k.startswith("eps_"))
    assert chi2 == pytest.approx(d["chi2"], rel=1e-9)


# -- plots and files ----------------------------------------------------------------
def test_plot_functions_return_what_they_drew(exps, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cevns import plots

    d1 = fd.fig1_data(exps["ar2020"], np.geomspace(1, 150, 50))
    drawn = plots.plot_fig1(d1, panel="loop")
    assert set(drawn) == {"SM", "Le-Lmu", "Le-Ltau", "Lmu-Ltau"}
    overlay = tmp_path / "other.csv"
    overlay.write_text("# my bound\nmass_MeV,g,label\n1,1e-4,A\n100,1e-3,A\n1,2e-4,B\n10,3e-4,B\n")
    d = fd.exclusion_data(
        "Lmu-Ltau",
        SMALL_MASSES,
        fd.default_couplings("Lmu-Ltau", 60),
        experiments=exps,
        cache_dir=tmp_path / "c",
    )
    out = plots.plot_exclusion(d, overlay_csv=overlay)
    assert set(out["overlays"]) == {"A", "B"}
    np.testing.assert_array_equal(out["overlays"]["B"][0], [1.0, 10.0])
    assert out["boundaries"]["combined"] and out["gm2"] is not None
    spec = plots.plot_spectra(fd.spectra_data(exps["csi2021"]), axis="time")
    assert spec["observed"].sum() == pytest.approx(exps["csi2021"].observed.sum())
    plt.close("all")
    assert plots.STYLE_PATH.is_file()


def test_overlay_csv_needs_columns(tmp_path):
    from cevns.errors import InputError
    from cevns.plots import read_overlay_csv

    bad = tmp_path / "bad.csv"
    bad.write_text("M,coupling\n1,2\n")
    with pytest.raises(InputError, match="mass_MeV,g"):
        read_overlay_csv(bad)


def test_make_figures_fig2(tmp_path):
    pytest.importorskip("matplotlib")
    from cevns.figures import make_figures

    paths = make_figures(tmp_path / "figs", only=["fig2"])
    assert sorted(p.name for p in paths) == ["fig2.pdf", "fig2.png"]
    for p in paths:
        assert p.is_file() and p.stat().st_size > 1000
    assert paths[0].read_bytes()[:4] in (b"\x89PNG", b"%PDF")


def test_make_figures_selection_errors(tmp_path):
    from cevns.errors import InputError
    from cevns.figures import _select, figure_names, make_figures

    assert _select(["fig5"]) == ["fig5_B-L", "fig5_By+Lmu+Ltau"]
    assert _select(["fig8_scalar", "fig1"]) == ["fig1_ar", "fig1_csi", "fig8_scalar"]
    assert len(figure_names()) == 23
    assert _select(["physics"]) == ["profile_sin2w", "nsi_ee"]
    assert _select(["xenon"]) == ["xenon_recoil", "xenon_projections", "alldata_B-L"]
    with pytest.raises(InputError, match="unknown figure"):
        make_figures(tmp_path, only=["fig9"])
    with pytest.raises(InputError, match="format"):
        make_figures(tmp_path, only=["fig2"], formats=["bmp"])


def test_cli_figures(tmp_path, data_dir, capsys):
    from cevns.cli import main

    rc = main(
        [
            "figures",
            "--out",
            str(tmp_path / "out"),
            "--only",
            "fig3_csi",
            "--format",
            "png",
            "--dpi",
            "60",
            "--data-dir",
            str(data_dir),
        ]
    )
    assert rc == 0
    assert (tmp_path / "out" / "fig3_csi.png").is_file()
    assert capsys.readouterr().out.strip().endswith("fig3_csi.png")
    assert main(["figures", "--out", str(tmp_path), "--only", "nope"]) == 4


def test_contours_of_a_grid_allowed_everywhere():
    """Found by the generated inputs: every grid point allowed (a tiny scan far from any
    bound) gave an inverted contour level pair; now no boundary and no excluded region."""
    from cevns.contours import boundary_and_excluded, boundary_lines

    m = np.array([1.0, 2.0])
    g = np.geomspace(1e-6, 1e-2, 5)
    intervals = [[(0.0, 1.0)], [(0.0, 1.0)]]
    assert boundary_lines(m, g, intervals) == []
    grid, field = allowed_field(intervals, g)
    assert field.min() > 1
    lines, filled = boundary_and_excluded(m, grid, field)
    assert lines == [] and filled == []


def test_physics_figures(tmp_path, data_dir):
    """Issue 16: the sin2w profile and the NSI contours come out of `cevns figures`."""
    pytest.importorskip("matplotlib")
    from cevns.figures import make_figures

    paths = make_figures(tmp_path, only=["physics"], formats=["png"], data_dir=data_dir)
    assert [p.name for p in paths] == ["profile_sin2w.png", "nsi_ee.png"]
    assert all(p.stat().st_size > 10_000 for p in paths)
