"""Toys, Feldman-Cousins critical values and coverage on XENONnT and with COHERENT.

The toy machinery (`cevns.infer.toys`) is experiment-agnostic: it draws the counts
around ``BinnedChi2.expected`` (162 observed bins for SR0+SR1, not the 46 node
inputs of a prediction) and the constraint centres from ``constraint_widths``. These
tests check that it does so for the xenon χ², with few toys and a short plane (the
Feldman-Cousins minimum of 1000 toys is lowered with the ``FCSettings`` argument).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

#: a short plane (the toys' minimum over these masses and the tested one)
PLANE = (1e-2, 1e2, 1e5)
#: B-L at 10 keV: near the xenon-only 2σ bound (4.5e-5), where the signal matters
MASS, G = 1e-2, 4e-5


@pytest.fixture(scope="module")
def spec(data_root):
    # imported when run (not at collection): a test before may have re-imported cevns
    from cevns.infer.distributed import EngineSpec, Runner, engine  # noqa: F401
    from cevns.infer.fc import FCSettings, coverage, fc_intervals, observed_statistic  # noqa: F401
    from cevns.infer.toys import batch_seed, statistic  # noqa: F401

    return EngineSpec.of("B-L", "xenonnt", str(data_root), plane_masses=PLANE)


def test_constraint_widths_and_no_auxiliary_measurement(data_root):
    import cevns

    core = cevns.experiment("xenonnt", data_root).likelihood.core
    names = list(core.nuisance_names)
    widths = dict(zip(names, core.constraint_widths))
    assert widths == pytest.approx(
        {"eta_signal": 0.25, "eta_b8_flux": 0.0381, "eta_er": 1.0, "eta_nr": 0.58,
         "t_ly": 1.0, "t_qy": 1.0, "eta_ac_sr0": 0.0904, "eta_ac_sr1": 0.0576}
    )  # fmt: skip
    assert core.auxiliary_measurements() == []
    free = cevns.experiment("xenonnt", data_root, flux_constraint="free").likelihood.core
    assert free.constraint_widths[1] == 0.0  # a free flux: no centre to draw


def test_pseudo_data_are_drawn_in_the_observed_bins(spec):
    from cevns.infer.distributed import EngineSpec, Runner, engine  # noqa: F401
    from cevns.infer.fc import FCSettings, coverage, fc_intervals, observed_statistic  # noqa: F401
    from cevns.infer.toys import batch_seed, statistic  # noqa: F401

    eng = engine(spec)
    hyp = eng.hypothesis(MASS, G)
    mu = hyp.expected["xenonnt"]
    assert mu.size == 162 and hyp.auxiliary["xenonnt"].size == 0
    n = 3000
    obs, aux, cen = eng.generate(hyp, n, batch_seed(7, 0))
    assert obs[0].shape == (n, 162) and aux[0].shape == (n, 0)
    assert np.all(obs[0] == np.round(obs[0]))
    # Poisson around the expectation, constraint centres N(eta_hat, sigma)
    z = (obs[0].sum(axis=1).mean() - mu.sum()) / math.sqrt(mu.sum() / n)
    assert abs(z) < 5
    sigma = hyp.sigmas["xenonnt"]
    zc = (cen[0].mean(axis=0) - hyp.nuisances["xenonnt"]) / (sigma / math.sqrt(n))
    assert np.all(np.abs(zc) < 5)
    assert cen[0].std(axis=0) == pytest.approx(sigma, rel=0.1)


def test_asimov_toy_has_t_zero(spec):
    """Pseudo-data equal to the expectation, centres at the profiled nuisances: the χ²
    at the tested point is 0 and so are both test statistics."""
    from cevns.infer.distributed import EngineSpec, Runner, engine  # noqa: F401
    from cevns.infer.fc import FCSettings, coverage, fc_intervals, observed_statistic  # noqa: F401
    from cevns.infer.toys import batch_seed, statistic  # noqa: F401

    eng = engine(spec)
    hyp = eng.hypothesis(MASS, G)
    tmpl, grid = eng.tested(MASS)
    st = np.asarray(
        eng.plane.evaluate(
            [hyp.expected["xenonnt"][None, :]],
            [np.zeros((1, 0))],
            [hyp.nuisances["xenonnt"][None, :]],
            tmpl, grid, G, True, 1,
        )
    )  # fmt: skip
    assert st[0, 0] == pytest.approx(0.0, abs=1e-6)
    assert statistic(st, "mass")[0] == pytest.approx(0.0, abs=1e-6)
    assert statistic(st, "plane")[0] == pytest.approx(0.0, abs=1e-6)


def test_toys_at_a_true_point_give_a_chi2_like_t(spec):
    """60 toys at (M, g): t(g | M) has the mean of a χ² with one degree of freedom
    (1 ± 0.18 for 60 toys; the [0.4, 2.0] window is ~3σ), and the 1-D Wilks region
    at 2σ covers most of them."""
    from cevns.infer.distributed import EngineSpec, Runner, engine  # noqa: F401
    from cevns.infer.fc import FCSettings, coverage, fc_intervals, observed_statistic  # noqa: F401
    from cevns.infer.toys import batch_seed, statistic  # noqa: F401

    eng = engine(spec)
    st = eng.run(MASS, G, 60, batch_seed(11, 0), plane=False)
    t = statistic(st, "mass")
    assert np.all(np.isfinite(t)) and np.all(t >= -1e-9)
    assert 0.4 < t.mean() < 2.0
    assert np.mean(t <= 4.0) >= 0.85


def test_coverage_and_fc_edge_on_xenon(spec):
    from cevns.infer.distributed import EngineSpec, Runner, engine  # noqa: F401
    from cevns.infer.fc import FCSettings, coverage, fc_intervals, observed_statistic  # noqa: F401
    from cevns.infer.toys import batch_seed, statistic  # noqa: F401

    cov = coverage(spec, MASS, G, 20, 3, Runner(), dof=1)
    assert cov.dataset == "xenonnt" and cov.toys == 20
    assert cov.fraction >= 0.8 and math.isfinite(cov.t_critical)
    # one FC edge from the Wilks edge with few toys: t_obs = t_c there
    t_obs = observed_statistic(spec, MASS, G, "mass")
    assert math.isfinite(t_obs) and t_obs >= -1e-9
    few = FCSettings(min_toys=20, tolerance=10.0, max_toys=20)
    fit = engine(spec).fit
    c = fit.per_mass(np.array([MASS]))[0]
    prof = c.profile([0.0, *np.geomspace(1e-6, 1e-3, 61)])
    level = min(prof.chi2) + 4.0
    wilks = c.allowed(prof, level)
    ivs, edges = fc_intervals(spec, MASS, wilks, 20, 1, Runner(), dof=1, settings=few)
    assert len(edges) >= 1
    e = edges[-1]
    assert e.status == "found" and abs(e.t_observed - e.t_critical) < 0.05


def test_toys_on_xenon_with_coherent(data_root):
    from cevns.infer.distributed import EngineSpec, Runner, engine  # noqa: F401
    from cevns.infer.fc import FCSettings, coverage, fc_intervals, observed_statistic  # noqa: F401
    from cevns.infer.toys import batch_seed, statistic  # noqa: F401

    spec = EngineSpec.of("B-L", "csi2021+ar2020+xenonnt", str(data_root), plane_masses=(1e-2,))
    eng = engine(spec)
    st = eng.run(MASS, 3e-5, 4, batch_seed(5, 0))
    assert st.shape == (4, 3) and np.all(np.isfinite(st))
    t, t1 = statistic(st, "plane"), statistic(st, "mass")
    assert np.all(t1 >= -1e-9) and np.all(t >= t1 - 1e-9)
    hyp = eng.hypothesis(MASS, 3e-5)
    assert set(hyp.expected) == {"csi2021", "ar2020", "xenonnt"}
    assert hyp.expected["xenonnt"].size == 162
