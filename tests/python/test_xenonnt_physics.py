"""The XENONnT ⁸B physics route: the core's ⁸B prediction through the 2026 mono templates.

Everything is read through the core from a data directory holding the 2026 release
(hash-checked, converted templates) and the solar tables (``data_root`` fixture).
Numbers compared with published or released ones, with the tolerance stated at each
test; where the two releases differ by design (the 2026 nuclear-recoil response),
the difference is measured and bounded, not tuned away.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from xenonnt_2024 import EXPOSURE, template

SNO_FLUX = 5.25e6  # cm^-2 s^-1
NOMINAL = 24  # grid index of (t_ly, t_qy) = (0, 0)


@pytest.fixture(scope="module")
def release(data_root):
    from cevns import _core

    return _core.read_xenonnt_release(str(data_root))


@pytest.fixture(scope="module")
def rate(data_root, release):
    from cevns import _core

    return _core.xenonnt_rate(str(data_root), list(release.mono_energy))


def node_inputs(rate, mediator, coupling=0.0) -> np.ndarray:
    """x_k [events / (t yr)] of the BinnedRate over the template nodes."""
    return np.asarray(rate.predict(mediator, coupling)).reshape(-1)


def integrated(rate, mediator, lo_kev: float, hi_kev: float, panels: int = 400) -> float:
    """Events / (t yr) with recoil energy in [lo, hi] keV (no efficiency): Gauss-Legendre."""
    x, w = np.polynomial.legendre.leggauss(8)
    edges = np.linspace(lo_kev, hi_kev, panels + 1) * 1e-3
    mid, half = 0.5 * (edges[1:] + edges[:-1]), 0.5 * np.diff(edges)
    T = (mid[:, None] + half[:, None] * x[None, :]).reshape(-1)
    weights = (half[:, None] * w[None, :]).reshape(-1)
    dndt = np.asarray(rate.differential_rate(mediator, 0.0, list(T))).sum(axis=0)
    return float(dndt @ weights)


@pytest.fixture(scope="module")
def sm():
    from cevns import _core

    return _core.Mediator.standard_model()


def expected_b8(release, x, sr: int) -> float:
    """⁸B CEvNS events of one run at nominal yields from node inputs x [events / (t yr)]."""
    n = len(release.mono_energy)
    mono = release.component(sr, "mono").reshape(n, 49, 81)[:, NOMINAL, :].sum(axis=1)
    return [1.174398, 2.342593, 3.249665][sr] * float(x @ mono)


def test_release_events_and_templates(release):
    assert [release.observed(sr).sum() for sr in (0, 1, 2)] == [9, 28, 25]
    energies = release.mono_energy
    assert len(energies) == 46 and energies[0] == pytest.approx(0.5) and energies[-1] == 5.0


def test_backgrounds_against_the_2024_release(release, xenonnt_dirs):
    """AC and ER are the 2024 ones (to 1 %); the 2026 neutrons are 20-30 % higher (inputs doc)."""
    old, _ = xenonnt_dirs
    for sr, name in ((0, "sr0"), (1, "sr1")):
        for comp, new in (("ac", "ac"), ("er", "er")):
            ref = template(old / comp / f"template_XENONnT_{name}_{comp}_cevns.h5").sum()
            assert release.component(sr, new).sum() == pytest.approx(ref, rel=0.01)
        ref = template(old / "rg" / f"template_XENONnT_{name}_rg_cevns_tly_0.0_tqy_0.0.h5").sum()
        ratio = release.component(sr, "neutron").reshape(49, 81)[NOMINAL].sum() / ref
        assert 1.15 < ratio < 1.35


def test_quadrature_converged(data_root, release, rate, sm):
    """Hat functions x recoil spectrum on 8-point Gauss-Legendre panels: 1 vs 8 panels agree."""
    from cevns import _core

    x = node_inputs(rate, sm)
    nodes = list(release.mono_energy)
    finer = node_inputs(_core.xenonnt_rate(str(data_root), nodes, panels_per_segment=8), sm)
    # relative to the total: the last nodes before the endpoint (~1e-8 of the signal,
    # where the spectrum ends with a kink) agree to 1e-5 of themselves only
    atol = 1e-10 * x.sum()
    np.testing.assert_allclose(finer, x, rtol=1e-9, atol=atol)
    coarse = node_inputs(_core.xenonnt_rate(str(data_root), nodes, panels_per_segment=1), sm)
    np.testing.assert_allclose(coarse, x, rtol=1e-9, atol=atol)
    # the hat functions partition unity: the node inputs sum to the rate in [0.5, 5] keV
    assert x.sum() == pytest.approx(integrated(rate, sm, 0.5, 5.0), rel=1e-8)


def test_below_the_first_template(release, rate, sm):
    """Recoils below 0.5 keV: bounded by efficiency(0.5 keV) x their rate, < 3 % of the signal."""
    below = integrated(rate, sm, 1e-6, 0.5)  # events / (t yr), no efficiency
    x = node_inputs(rate, sm)
    for sr in (0, 1):
        n = len(release.mono_energy)
        eff05 = release.component(sr, "mono").reshape(n, 49, 81)[0, NOMINAL].sum()
        bound = [1.174398, 2.342593][sr] * eff05 * below
        assert bound < 0.03 * expected_b8(release, x, sr)


def test_b8_expectation_against_the_2024_templates(release, rate, sm, xenonnt_dirs):
    """SR0+SR1 ⁸B events at nominal yields: 2026 physics vs the 2024 analysis' templates.

    The 2026 nuclear-recoil response differs from 2024's (its neutron templates are
    20-30 % higher); the ⁸B expectation of the physics route is lower, by 19 % here.
    Tolerance: within 25 % of the released 2024 total (11.92 events).
    """
    old, _ = xenonnt_dirs
    x = node_inputs(rate, sm)
    new = expected_b8(release, x, 0) + expected_b8(release, x, 1)
    ref = sum(
        e * template(old / "b8" / f"template_XENONnT_{sr}_b8_cevns_tly_0.0_tqy_0.0.h5").sum()
        for sr, e in EXPOSURE.items()
    )
    assert ref == pytest.approx(11.92, abs=0.01)
    assert new == pytest.approx(ref, rel=0.25)


def test_templates_are_exactly_quadratic_in_g2(rate):
    from cevns import _core

    b_l = _core.Mediator.vector(_core.Charges(u=1 / 3, d=1 / 3, e=-1, mu=-1, tau=-1), 10.0)
    n0, n1, n2 = (np.asarray(t).reshape(-1) for t in rate.templates(b_l))
    for g in (1e-5, 3e-5):
        expected = n0 + g**2 * n1 + g**4 * n2
        np.testing.assert_allclose(node_inputs(rate, b_l, g), expected, rtol=1e-12)


def test_flux_averaged_cross_section(rate, xenonnt_dirs, published):
    """(1.1 +0.8 -0.5)e-39 cm^2 (PRL 133 (2024) 191002): <sigma>_SM x fitted 8B multiplier.

    The multiplier comes from the statistics route (2024 templates, flux free);
    tolerance 0.1e-39 cm^2 on the central value.
    """
    from xenonnt_2024 import runs

    from cevns import _core

    chi2 = _core.XenonChi2(runs(*xenonnt_dirs), 1, sigma_b8_flux=math.inf)
    best = chi2.profile(np.ones(1))
    sm = _core.Mediator.standard_model()
    sigma = rate.flux_averaged_cross_section(sm, 0.0) * (1.0 + best.nuisances[1])
    published.check("xenonnt.sigma_b8", sigma / 1e-39)


def test_physics_route_flux_fit(release, rate, sm):
    """The 2026 release with the core's ⁸B prediction: the flux fit (reported, loose check).

    Expected to sit above the published 4.7 because the 2026 ⁸B expectation is lower.
    """
    from cevns import _core

    chi2 = _core.xenonnt_chi2(release, [0, 1], sigma_b8_flux=math.inf)
    best = chi2.profile(node_inputs(rate, sm))
    assert best.converged
    flux = SNO_FLUX * (1.0 + best.nuisances[1]) / 1e6
    assert 4.7 < flux < 4.7 / 0.75
