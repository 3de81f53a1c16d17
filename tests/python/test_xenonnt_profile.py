"""The XENONnT profile (projected Newton per (t_ly, t_qy) grid cell) against the joint
NLopt BOBYQA minimisation it replaced (``XenonChi2.profile_nlopt``, the pre-0.7 method).

Both minimise the same χ² over the same nuisances and ranges; the Newton profile must
find the same minimum: χ²_Newton ≤ χ²_BOBYQA + 1e-6 at every point (a lower value is a
better minimum: BOBYQA stops on its step size, and approaches a minimum on a grid line of
the bilinear morphing, where χ² has a kink, only slowly). Points: the SM scaled from 0 to
10⁶ times, several models at masses from 10 keV to 1 GeV with couplings from well
allowed to excluded by orders of magnitude, on SR0, SR1 and both, with both morphings;
pseudo-data (fluctuated counts and constraint centres, as toys have); the statistics
route with the flux free and held; warm starts along a coupling sweep.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

#: Agreement of the two minimisers [χ²]: Newton may be lower, never higher by more.
TOL = 1e-6
MODELS = [("B-L", 0.01), ("B-L", 10.0), ("universal", 1.0), ("Lmu-Ltau", 0.01), ("scalar", 1e3)]
#: Couplings in units of g*, where the g⁴ term alone equals the SM prediction.
SCALES = [0.3, 0.7, 1.0, 1.5, 3.0, 10.0]


@pytest.fixture(scope="module", params=["xenonnt", "xenonnt_sr0", "xenonnt_sr1"])
def xe(request, data_root):
    import cevns

    return cevns.experiment(request.param, data_root)


def reference(core, pred, fixed=None, values=None):
    """The joint BOBYQA minimisation (the method the Newton profile replaced)."""
    n = core.nuisance_count
    return core.profile_nlopt(
        pred, fixed or [False] * n, values if values is not None else [0.0] * n
    )


def check_same_minimum(core, pred, new, ref, what: str) -> float:
    """The Newton minimum is converged, reproduces its χ² and is not above BOBYQA's."""
    assert new.converged, what
    assert core.chi2_at(pred, np.asarray(new.nuisances)) == pytest.approx(new.chi2, abs=1e-9), what
    assert new.chi2 <= ref.chi2 + TOL, f"{what}: Newton {new.chi2!r} > BOBYQA {ref.chi2!r}"
    return ref.chi2 - new.chi2


def model_points(xe):
    """(label, prediction) over models, masses and couplings around and beyond g*."""
    out = []
    for model, mass in MODELS:
        n0, n1, n2 = (np.asarray(t, dtype=float).reshape(-1) for t in xe.templates(model, mass))
        g_star = (n0.sum() / abs(n2.sum())) ** 0.25
        for s in SCALES:
            g = s * g_star
            pred = np.maximum(n0 + g**2 * n1 + g**4 * n2, 0.0)
            out.append((f"{model} M={mass} g={g:.3g}", pred))
    return out


def test_newton_matches_bobyqa_on_model_points(xe):
    core = xe.likelihood.core
    sm = np.asarray(xe.predict(), dtype=float).reshape(-1)
    points = [(f"SM x {k:g}", k * sm) for k in (0.0, 0.5, 1.0, 3.0, 30.0, 1e6)]
    points += model_points(xe)
    lower = []
    for what, pred in points:
        new = core.profile(pred)
        lower.append(check_same_minimum(core, pred, new, reference(core, pred), what))
    # the comparison is not vacuous: the two minimisers agree closely on most points
    assert np.median(np.abs(lower)) < 1e-6


def test_newton_matches_bobyqa_with_histogram_morphing(data_root):
    import cevns

    xe = cevns.experiment("xenonnt", data_root, morphing="histogram")
    core = xe.likelihood.core
    for what, pred in model_points(xe)[::3]:
        check_same_minimum(core, pred, core.profile(pred), reference(core, pred), what)


def test_newton_matches_bobyqa_on_pseudo_data(xe):
    """Toys' χ²: fluctuated counts and constraint centres (BinnedChi2.with_data)."""
    core = xe.likelihood.core
    sm = np.asarray(xe.predict(), dtype=float).reshape(-1)
    best = core.profile(sm)
    mean = np.asarray(core.expected(sm, np.asarray(best.nuisances)))
    widths = np.asarray(core.constraint_widths, dtype=float)
    rng = np.random.default_rng(20261207)
    for k in range(4):
        toy = core.with_data(
            rng.poisson(mean).astype(float),
            np.zeros(0),
            np.where(
                widths > 0,
                np.asarray(best.nuisances) + widths * rng.standard_normal(widths.size),
                0.0,
            ),
        )
        for scale in (0.0, 1.0, 5.0):
            pred = scale * sm
            check_same_minimum(
                toy, pred, toy.profile(pred), reference(toy, pred), f"toy {k} x{scale}"
            )


def test_warm_start_along_a_sweep_finds_the_cold_minimum(data_root):
    """profile_from a neighbouring point's optimum (what scans do) = the cold profile."""
    import cevns

    xe = cevns.experiment("xenonnt", data_root)
    core = xe.likelihood.core
    n0, n1, n2 = (np.asarray(t, dtype=float).reshape(-1) for t in xe.templates("B-L", 0.01))
    curve = cevns._core.CouplingChi2()
    curve.add(core, n0, n1, n2)
    grid = np.geomspace(1e-6, 1e-3, 40)
    warm = np.asarray(curve.profile(grid.tolist()).chi2)
    cold = np.array([core.profile(np.maximum(n0 + g**2 * n1 + g**4 * n2, 0.0)).chi2 for g in grid])
    np.testing.assert_allclose(warm, cold, rtol=0, atol=1e-8)


def test_statistics_route_flux_free_and_held(xenonnt_dirs):
    """The 2024 templates with the flux free (the measurement) and held (its Δχ² scan)."""
    from xenonnt_2024 import runs

    from cevns import _core

    chi2 = _core.XenonChi2(runs(*xenonnt_dirs), 1, sigma_b8_flux=math.inf)
    one = np.ones(1)
    check_same_minimum(chi2, one, chi2.profile(one), reference(chi2, one), "flux free")
    n = chi2.nuisance_count
    fixed = [k == 1 for k in range(n)]
    for multiplier in (0.0, 0.3, 0.9, 1.5, 3.0):
        values = [multiplier - 1.0 if k == 1 else 0.0 for k in range(n)]
        new = chi2.profile_fixed(one, fixed, values)
        ref = reference(chi2, one, fixed, values)
        check_same_minimum(chi2, one, new, ref, f"flux x {multiplier}")
        assert new.nuisances[1] == multiplier - 1.0
