"""The XENONnT figures (``cevns figures --only xenon``): the numbers on the page.

Each figure's data are checked against an independent route: the recoil spectrum
times the release's efficiency integrates to the χ²'s expected events; the
projections of the observed counts equal the events of the release's CSV files
histogrammed with its binning; the all-data exclusion line sits where the sum of the
three experiments' profiled χ² is at the 2σ level.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from cevns import _core
from cevns import figure_data as fd
from cevns.experiments import experiment
from cevns.stats import delta_chi2_threshold

#: Exposures of the published analysis [t yr] (xenonnt-inputs.md, the collaboration's
#: statistical model).
EXPOSURE = {"sr0": 1.174398, "sr1": 2.342593}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CEVNS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.fixture(scope="module")
def xe(data_root):
    return experiment("xenonnt", data_root)


def _trapezoid(y: np.ndarray, x: np.ndarray) -> float:
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x)))


# -- the recoil spectrum ---------------------------------------------------------------
def test_recoil_spectrum_integrates_to_the_expected_events(xe, data_root):
    # the efficiency is linear between template energies: a fine grid with the nodes
    T = np.union1d(np.linspace(0.5, 6.0, 22001), np.round(np.arange(0.5, 5.05, 0.1), 10))
    d = fd.xenon_recoil_data(xe, T_keV=T)
    assert d["runs"] == ["sr0", "sr1"] and d["model"] == "B-L"
    # above the first template the true spectrum integrates to the sum of the node
    # inputs (the hat functions add up to 1 there; the last one stays flat)
    assert _trapezoid(d["sm"], T) == pytest.approx(float(xe.predict().sum()), rel=2e-4)
    for r in d["runs"]:
        for key in ("sm", "model"):
            area = _trapezoid(d[f"detected_{key}"][r], T)
            assert area == pytest.approx(d[f"expected_{key}"][r], rel=2e-4), (r, key)
    # the 8B signal per run, as the chi2 expects it (SR0 + SR1 = 9.7 events at the
    # SNO flux, nominal yields: the physics route's total)
    total = sum(d["expected_sm"].values())
    assert total == pytest.approx(float(xe.expected_signal(xe.predict()).sum()), rel=1e-12)
    assert 8.0 < total < 11.0


def test_recoil_efficiency_is_the_release_times_the_exposure(xe, data_root):
    """exposure x efficiency of the figure = the published exposure x the release's mono
    templates at nominal yields, summed over the 81 bins (read without the engine's fold)."""
    d = fd.xenon_recoil_data(xe, T_keV=[1.0])
    rel = _core.read_xenonnt_release(str(data_root))
    nodes = np.asarray(rel.mono_energy)
    np.testing.assert_allclose(d["nodes_keV"], nodes)
    nominal = 24  # (t_ly, t_qy) = (0, 0) on the 7 x 7 grid
    for sr, r in enumerate(d["runs"]):
        mono = np.asarray(rel.component(sr, "mono")).reshape(nodes.size, 49, 81)
        efficiency = mono[:, nominal, :].sum(axis=1)
        np.testing.assert_allclose(
            d["exposure_efficiency"][r], EXPOSURE[r] * efficiency, rtol=1e-12, atol=0
        )
        assert np.all((efficiency >= 0) & (efficiency <= 1))
        assert efficiency[0] < 1e-3 < efficiency[-1]  # steeply rising from 0.5 keV


def test_recoil_light_mediator_differs_at_low_recoil(xe):
    d = fd.xenon_recoil_data(xe, T_keV=np.geomspace(0.1, 4.0, 50))
    ratio = d["model_rate"] / d["sm"]
    # a 10 keV mediator adds g^2/(2 M_N T) to the weak charge: its effect falls with T
    dev = np.abs(ratio - 1.0)
    assert dev[0] > 0.05 and dev[0] > dev[-1]
    assert np.all(d["sm"] > 0)


# -- the projections -----------------------------------------------------------------
def _histogram_events(path: Path, edges: list[np.ndarray]) -> list[np.ndarray]:
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    cols = [name for name, _ in fd.XENON_OBSERVABLES]
    values = np.array([[float(r[c]) for c in cols] for r in rows])
    return [np.histogram(values[:, i], bins=edges[i])[0] for i in range(4)]


def test_projections_are_the_release_events(xe, data_root):
    d = fd.xenon_projections_data(xe)
    assert d["runs"] == ["sr0", "sr1"]
    for r, n_events in (("sr0", 9), ("sr1", 28)):  # the published 9 + 28 events
        assert d["totals"][r]["observed"] == n_events
        direct = _histogram_events(data_root / "xenonnt" / "data" / f"{r}.csv", d["edges"][r])
        for i in range(4):
            np.testing.assert_array_equal(d["observed"][r][i], direct[i])
            assert d["observed"][r][i].sum() == n_events
            # each component's projection sums to its total in the run
            for c in ("cevns", "ac", "er", "neutron"):
                assert d["fitted"][r][c][i].sum() == pytest.approx(d["totals"][r][c], rel=1e-12)


def test_projections_are_the_fitted_model(xe):
    d = fd.xenon_projections_data(xe)
    pred = xe.predict()
    res = xe.chi2(pred)
    assert d["chi2"] == pytest.approx(res.chi2, rel=1e-12)
    comps = xe.components(pred, res.nuisances)
    # the fitted components of both runs add up to the chi2's mean
    for c, v in comps.items():
        assert sum(d["totals"][r][c] for r in d["runs"]) == pytest.approx(v.sum(), rel=1e-12)
    fitted = sum(d["totals"][r][c] for r in d["runs"] for c in comps)
    nominal = sum(d["nominal"][r][c][0].sum() for r in d["runs"] for c in comps)
    # 37 events observed against 26.5 background + 9.7 CEvNS expected: the fit moves the
    # mean towards the data
    assert abs(fitted - 37.0) < abs(nominal - 37.0)


def test_garwood_intervals():
    from scipy.stats import poisson

    n = np.arange(0, 30)
    lo, hi = fd.garwood_interval(n)
    # the usual table: 0 -> [0, 1.84], 1 -> [0.173, 3.30]
    np.testing.assert_allclose([lo[0], hi[0], lo[1], hi[1]], [0, 1.841, 0.173, 3.300], atol=1e-3)
    # the definition: P(N >= n | low) = P(N <= n | high) = (1 - 0.6827) / 2
    a = (1 - 0.6827) / 2
    np.testing.assert_allclose(poisson.sf(n[1:] - 1, lo[1:]), a, rtol=1e-6)
    np.testing.assert_allclose(poisson.cdf(n, hi), a, rtol=1e-6)


def test_xenon_runs_refuses_coherent(data_dir):
    from cevns.errors import InputError

    with pytest.raises(InputError, match="not a XENONnT experiment"):
        fd.xenon_runs(experiment("ar2020", data_dir))


# -- the all-data exclusion -----------------------------------------------------------
def test_all_data_exclusion_is_the_sum_of_the_chi2(data_root, tmp_path):
    datasets = fd.ALL_DATA_FIGURES["B-L"]
    exps = {n: experiment(n, data_root) for n in ("csi2021", "ar2020", "xenonnt")}
    masses = np.array([1e-2, 1.0, 1e2, 1e4])
    d = fd.exclusion_data(
        "B-L", masses, np.geomspace(1e-6, 1e-2, 50), datasets=datasets, experiments=exps,
        cache_dir=tmp_path,
    )  # fmt: skip
    assert list(d["scans"]) == list(datasets)
    level = delta_chi2_threshold("2sigma", 2)
    scan = d["scans"]["csi2021+ar2020+xenonnt"]
    for i in (0, 2):
        g = d["exclusion_line"]["csi2021+ar2020+xenonnt"][i]
        chi2 = sum(e.chi2(e.predict("B-L", masses[i], g)).chi2 for e in exps.values())
        assert chi2 - scan.chi2_min == pytest.approx(level, abs=0.02), masses[i]
    for ds in datasets:  # a light mediator: the bound is flat in M
        line = d["exclusion_line"][ds]
        assert math.isfinite(line[0]) and line[1] == pytest.approx(line[0], rel=0.03), ds
    # xenon adds to CsI+Ar at low mass (the recoils of 1 keV probe |q| ~ 15 MeV)
    all_low = d["exclusion_line"]["csi2021+ar2020+xenonnt"][0]
    assert all_low < min(d["exclusion_line"][ds][0] for ds in datasets[:3])

    from matplotlib.figure import Figure

    from cevns.plots import plot_exclusion

    drawn = plot_exclusion(d, ax=Figure().subplots(), shade=datasets[-1])
    assert set(drawn["boundaries"]) == set(datasets)
    assert any("XENONnT" in x and "CsI+Ar" in x for x in drawn["legend"])
    assert any(x.startswith("excluded (CsI+Ar+XENONnT") for x in drawn["legend"])


# -- make_figures ---------------------------------------------------------------------
def test_make_figures_xenon_group(data_root, tmp_path):
    """The two XENONnT data figures through make_figures (alldata_B-L draws the scans of
    test_all_data_exclusion_is_the_sum_of_the_chi2 with plot_exclusion: each xenon scan
    costs a plane minimum, ~80 s of CPU, so it is not drawn twice here)."""
    from cevns.figures import _select, make_figures

    assert _select(["xenon"])[:2] == ["xenon_recoil", "xenon_projections"]
    paths = make_figures(
        tmp_path / "figs", only=["xenon_recoil", "xenon_projections"], formats=["png"],
        data_dir=data_root,
    )  # fmt: skip
    assert [p.stem for p in paths] == ["xenon_recoil", "xenon_projections"]
    assert all(p.stat().st_size > 10_000 for p in paths)


def test_make_figures_skips_xenon_without_its_data(data_dir, tmp_path, monkeypatch, caplog):
    import cevns.figures as figs

    coherent = tmp_path / "coherent-only"
    coherent.mkdir()
    for name in ("ar2020", "csi2021"):
        (coherent / name).symlink_to((data_dir / name).resolve())
    chosen = {}

    def fake_write(names, jobs, out, fmts, dpi, progress):
        chosen["names"] = list(names)
        return []

    monkeypatch.setattr(figs, "_write", fake_write)
    figs.make_figures(tmp_path / "out", data_dir=coherent)
    assert chosen["names"] and not set(chosen["names"]) & set(figs.XENON_FIGURES)
    assert "skipping xenon_recoil" in caplog.text
    figs.make_figures(tmp_path / "out", only=["fig2", "xenon"], data_dir=coherent)
    assert chosen["names"][-3:] == list(figs.XENON_FIGURES)  # asked for: drawn (or an error)
