"""Light-mediator limits against the paper (Table 2 universal and B−L rows, Sec. IV text).

Settings: Δχ² = 6.18 (2σ for two parameters, dof = 2) relative to the minimum over
the (M, g) plane; this reproduces the published rows better than Δχ² = 4 (see
README, "Validation").
"""

from __future__ import annotations

import numpy as np
import pytest

from cevns.experiments import experiment
from cevns.limits import limit
from cevns.scan import ModelFit, profile_coupling, scan

#: Table 2 of the paper: (g at low M, g/M at high M [GeV^-1]).
PAPER = {
    ("universal", "ar2020"): (3.91e-5, 0.82e-3),
    ("universal", "csi2021"): (2.36e-5, 0.53e-3),
    ("universal", "combined"): (2.07e-5, 0.48e-3),
    ("B-L", "ar2020"): (5.35e-5, 1.67e-3),
    ("B-L", "csi2021"): (5.27e-5, 1.00e-3),
    ("B-L", "combined"): (4.42e-5, 0.99e-3),
}

#: Published numbers not reproduced within 10 %, with the reason (README, "Validation").
KNOWN_RESIDUALS = {
    ("universal", "ar2020", 0): "flat Δχ² ridge: the Ar χ²(g) peaks at Δχ² ≈ 5.7 near the "
    "paper's value, so a 0.5 shift in χ² moves the edge by 15 % (we get −13.5 %)",
    ("universal", "ar2020", 1): "same flat ridge at high mass (−12 %)",
    ("universal", "csi2021", 0): "CsI data sit 7 % below our SM prediction (fitted 315 of 339); "
    "destructive interference is favoured, loosening the bound (+13 %)",
    ("universal", "combined", 0): "dominated by CsI, as above (+11 %)",
}


@pytest.fixture(scope="module")
def exps(data_dir):
    return {n: experiment(n, data_dir) for n in ("csi2021", "ar2020")}


@pytest.fixture(scope="module")
def table(exps):
    return {key: limit(*key, experiments=exps) for key in PAPER}


@pytest.mark.parametrize("which", [0, 1], ids=["g_low", "g_over_M_high"])
@pytest.mark.parametrize("key", list(PAPER), ids=[f"{m}-{d}" for m, d in PAPER])
def test_table2_published_rows(table, key, which, request):
    reason = KNOWN_RESIDUALS.get((*key, which))
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))
    lim = table[key]
    ours = (lim.g_low, lim.g_over_M_high)[which]
    assert ours == pytest.approx(PAPER[key][which], rel=0.10)


@pytest.mark.parametrize(
    ("model", "strip"),
    [
        ("universal", 1.8e-3),  # eq. (44)
        ("By+Lmu+Ltau", 3.1e-3),  # Sec. IV.3
        ("Lmu-Ltau", 7e-2),  # eq. (49)
    ],
)
def test_allowed_strip_slopes(exps, model, strip):
    """At high mass the allowed strip sits at g/M ≈ the paper's value (within 10 %)."""
    fit = ModelFit(model, "combined", experiments=exps)
    M = 1e4
    _, prof = profile_coupling(fit, M)
    minima = prof.minima
    g_strip = minima[np.argmin(minima[:, 1]), 0]
    assert g_strip / (M * 1e-3) == pytest.approx(strip, rel=0.10)


@pytest.mark.parametrize(("model", "canc"), [("universal", 1.3e-3), ("By+Lmu+Ltau", 2.2e-3)])
def test_cancellation_slopes(exps, model, canc):
    """The predicted CsI rate is smallest at the cancellation g/M of eq. (45) (within 10 %)."""
    M = 1e4
    g = np.geomspace(1e-4, 1e-2, 801) * M * 1e-3
    n = [exps["csi2021"].predict(model, M, x).sum() for x in g]
    assert g[int(np.argmin(n))] / (M * 1e-3) == pytest.approx(canc, rel=0.10)


def test_deep_excluded_region_is_finite_and_smooth(exps):
    """Far above the bound (10^11-10^19 predicted events) the profiled χ² tends to the
    no-CEvNS limit smoothly; it neither blows up at a nuisance bound nor shows round-off
    noise (each would fake local minima and distort Δχ² maps)."""
    fit = ModelFit("universal", "combined", experiments=exps)
    chi = fit.chi2(0.01, np.geomspace(1e-2, 1.0, 40))
    assert np.all(np.isfinite(chi))
    assert chi.min() > fit.chi2_sm + 50.0
    assert np.ptp(chi) < 1e-2
    # monotone approach to the limit: no round-off wiggles (fake local minima)
    assert np.all(np.diff(chi) <= 1e-9)


def test_scan_finds_thin_strip(exps):
    """A coarse grid (10 per decade) still resolves the universal strip via refinement."""
    masses = np.geomspace(1e3, 1e4, 3)
    g = np.geomspace(1e-4, 1e2, 61)
    res = scan("universal", "combined", masses, g, experiments=exps)
    for m, iv in zip(masses, res.intervals):
        assert len(iv) >= 2  # the lower region and the strip
        lo, hi = iv[1]
        assert lo < 1.8e-3 * m * 1e-3 < hi * 1.2
    assert res.chi2.shape == (3, 61)
    d = res.to_dict()
    assert len(d["exclusion_line"]) == 3


def test_bad_inputs(exps):
    from cevns.errors import InputError, ModelError

    with pytest.raises(ModelError, match="unknown model"):
        ModelFit("Z-prime", "combined", experiments=exps)
    with pytest.raises(InputError, match="unknown data set"):
        ModelFit("B-L", "xenon", experiments=exps)
    with pytest.raises(InputError, match="masses"):
        scan("B-L", "csi2021", [-1.0], [1e-5, 1e-4, 1e-3], experiments=exps)
    with pytest.raises(InputError, match="couplings"):
        scan("B-L", "csi2021", [1.0], [1e-5, float("nan"), 1e-3], experiments=exps)
    with pytest.raises(InputError, match="dof"):
        limit("B-L", "csi2021", dof=3, experiments=exps)
