"""Tests of the muon g−2 loop function and bands (paper Appendix B, eq. 57-59)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.integrate import quad

from cevns import _core
from cevns.errors import InputError, ModelError
from cevns.gm2 import (
    DELTA_A_MU,
    SIGMA_A_MU,
    Gm2Band,
    band_exclusion,
    coupling_for,
    delta_a_mu,
    gm2_band,
    has_gm2_band,
    loop_integral,
)
from cevns.models import MODEL_NAMES, from_charges, get_model

M_MU = _core.constants["m_mu"]
PREF = 1.0 / (8.0 * math.pi**2)


def scipy_integral(kind: str, mass: float) -> float:
    """Eq. (58) by scipy quad, with breakpoints at the scales of the integrand."""
    r2 = (mass / M_MU) ** 2
    if kind == "scalar":

        def f(x):
            return x * x * (2 - x) / (x * x + (1 - x) * r2)
    else:

        def f(x):
            return 2 * x * x * (1 - x) / (x * x + (1 - x) * r2)

    r = math.sqrt(r2)
    pts = sorted(
        {min(r, 0.5) * 10.0**k for k in range(-4, 1)}
        | {1 - min(1 / r2, 0.5) * 10.0**k for k in range(-4, 1)}
    )
    return quad(f, 0, 1, points=pts, epsabs=0, epsrel=1e-13, limit=500)[0]


@pytest.mark.parametrize("kind", ["vector", "scalar"])
@pytest.mark.parametrize("mass", [1e-3, 0.5, 10.0, 105.6583755, 300.0, 2e3, 1e4])
def test_loop_integral_matches_scipy_quad(kind, mass):
    assert loop_integral(kind, mass) == pytest.approx(scipy_integral(kind, mass), rel=1e-8)


def test_light_boson_limit():
    # M << m_mu: delta a -> g^2/(8 pi^2) (vector), 3/2 g^2/(8 pi^2) (scalar); the first
    # correction is -pi M/m_mu for both.
    m, g = 1e-3, 2e-4
    r = m / M_MU
    dv = delta_a_mu("vector", m, g)
    ds = delta_a_mu("scalar", m, g)
    assert dv == pytest.approx(g**2 * PREF, rel=4 * r)
    assert ds == pytest.approx(1.5 * g**2 * PREF, rel=4 * r)
    assert (1 - dv / (g**2 * PREF)) / r == pytest.approx(math.pi, rel=1e-3)
    assert (1.5 - ds / (g**2 * PREF)) / r == pytest.approx(math.pi, rel=1e-3)


def test_heavy_boson_limit():
    # M >> m_mu: vector -> (2/3)(m_mu/M)^2, scalar -> (m_mu/M)^2 (ln(M^2/m_mu^2) - 7/6).
    # At M = 10 GeV the asymptotic forms are good to 2.4e-3 (vector) and 3.4e-4
    # (scalar); the error falls ~ (m_mu/M)^2, so 100 times less at 100 GeV.
    for m, tol_v, tol_s in ((1e4, 3e-3, 5e-4), (1e5, 5e-5, 5e-6)):
        x = (M_MU / m) ** 2
        assert loop_integral("vector", m) == pytest.approx(2 / 3 * x, rel=tol_v)
        assert loop_integral("scalar", m) == pytest.approx(x * (math.log(1 / x) - 7 / 6), rel=tol_s)
    # and the 7/6 is right: with 1 instead, the scalar would be off by ~2e-2 at 10 GeV
    x = (M_MU / 1e4) ** 2
    assert abs(loop_integral("scalar", 1e4) / (x * (math.log(1 / x) - 1)) - 1) > 1e-2


def test_closed_forms_at_muon_mass():
    assert loop_integral("scalar", M_MU) == pytest.approx(0.5, rel=1e-14)
    assert loop_integral("vector", M_MU) == pytest.approx(
        2 * math.pi / (3 * math.sqrt(3)) - 1, rel=1e-14
    )


def test_vectorised_and_kinds():
    m = np.geomspace(1e-3, 1e4, 30)
    v = loop_integral("vector", m)
    assert v.shape == m.shape and np.all(np.diff(v) < 0)
    np.testing.assert_array_equal(loop_integral("kinetic_mixing", m), v)
    np.testing.assert_array_equal(loop_integral(_core.GM2Boson.vector, m), v)
    assert np.all(loop_integral("scalar", m) > v)
    d = delta_a_mu("vector", m.reshape(5, 6), 1e-3)
    assert d.shape == (5, 6)
    np.testing.assert_allclose(d.ravel(), 1e-6 * PREF * v, rtol=1e-14)
    assert isinstance(delta_a_mu("scalar", 10.0, 1e-3), float)


def test_invalid_input():
    for bad in (0.0, -1.0, math.nan, math.inf, [1.0, -2.0]):
        with pytest.raises(InputError, match="mass"):
            loop_integral("vector", bad)
    with pytest.raises(InputError, match="boson kind"):
        loop_integral("tensor", 10.0)
    with pytest.raises(InputError, match="finite"):
        delta_a_mu("vector", 10.0, math.nan)
    with pytest.raises(InputError, match="delta_a"):
        coupling_for(-1e-9, "vector", 10.0)
    with pytest.raises(ValueError):  # the core itself, through the bindings
        _core.gm2_loop_integral(_core.GM2Boson.scalar, np.array([0.0]))


def test_coupling_for_inverts_delta_a_mu():
    m = np.array([0.1, 10.0, 1e3])
    for kind in ("vector", "scalar"):
        g = coupling_for(DELTA_A_MU, kind, m)
        np.testing.assert_allclose(delta_a_mu(kind, m, g), DELTA_A_MU, rtol=1e-13)
    # light vector: g = sqrt(8 pi^2 Delta a)
    assert coupling_for(DELTA_A_MU, "vector", 1e-3) == pytest.approx(
        math.sqrt(DELTA_A_MU / PREF), rel=1e-4
    )


def test_constants():
    assert DELTA_A_MU == 25.1e-10
    assert SIGMA_A_MU == 5.9e-10


def test_band_edges_and_models():
    masses = np.geomspace(1.0, 1e3, 25)
    for name in MODEL_NAMES:
        if not has_gm2_band(name):
            assert name in ("B-3Le", "Le-Ltau")
            continue
        band = gm2_band(name, masses)
        assert np.all(band.g_lower > 0)
        assert np.all(band.g_lower < band.g_upper)
        assert np.all(np.diff(band.g_upper) > 0)  # heavier boson, larger coupling
        q = abs(get_model(name).muon_coupling_factor)
        kind = "scalar" if get_model(name).kind == "scalar" else "vector"
        np.testing.assert_allclose(
            delta_a_mu(kind, masses, q * band.g_lower), DELTA_A_MU - 2 * SIGMA_A_MU, rtol=1e-12
        )
        np.testing.assert_allclose(
            delta_a_mu(kind, masses, q * band.g_upper), DELTA_A_MU + 2 * SIGMA_A_MU, rtol=1e-12
        )
    # universal and B-L share |Q'_mu| = 1; B-3Lmu has Q'_mu = -3
    bl = gm2_band("B-L", masses)
    np.testing.assert_allclose(gm2_band("universal", masses).g_upper, bl.g_upper, rtol=1e-15)
    np.testing.assert_allclose(gm2_band("B-3Lmu", masses).g_upper, bl.g_upper / 3, rtol=1e-14)
    # a narrower band sits inside the wider one; n_sigma = 5 reaches Delta a < 0: g_lower = 0
    one = gm2_band("B-L", masses, n_sigma=1)
    assert np.all(one.g_lower > bl.g_lower) and np.all(one.g_upper < bl.g_upper)
    assert np.all(gm2_band("B-L", masses, n_sigma=5).g_lower == 0)


def test_band_sanity_lmu_ltau_at_10_MeV():
    # Fig. 8 text: the unexcluded part of the band is at 3e-4 <~ g <~ 1e-3 for
    # 10 MeV <~ M <~ 200 MeV.
    band = gm2_band("Lmu-Ltau", [10.0])
    central = coupling_for(DELTA_A_MU, "vector", 10.0)
    assert 4e-4 < central < 6e-4
    assert 3e-4 < band.g_lower[0] < central < band.g_upper[0] < 1e-3
    assert band.boson == "vector" and band.model == "Lmu-Ltau"


def test_scalar_band_uses_scalar_loop():
    band = gm2_band("scalar", [5.0])
    assert band.boson == "scalar" and band.muon_coupling_factor == 1.0
    assert band.g_upper[0] == pytest.approx(
        coupling_for(DELTA_A_MU + 2 * SIGMA_A_MU, "scalar", 5.0), rel=1e-15
    )


def test_no_band_without_muon_coupling():
    for name in ("B-3Le", "Le-Ltau"):
        assert not has_gm2_band(name)
        with pytest.raises(ModelError, match=rf"model {name} does not couple to the muon"):
            gm2_band(name, [10.0])
    assert has_gm2_band("Lmu-Ltau") and has_gm2_band("scalar")
    custom = from_charges("e-only", u=1 / 3, d=1 / 3, e=-3, mu=0, tau=0)
    with pytest.raises(ModelError, match="Q'_mu = 0"):
        gm2_band(custom, [10.0])


def test_band_input_checks_and_to_dict():
    band = gm2_band("B-L", [100.0, 10.0, 10.0])
    np.testing.assert_array_equal(band.masses_MeV, [10.0, 100.0])  # sorted, unique
    assert isinstance(band, Gm2Band)
    with pytest.raises(ValueError):
        band.g_lower[0] = 1.0  # read-only
    d = band.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["n_sigma"] == 2.0 and d["model"] == "B-L" and len(d["g_upper"]) == 2
    with pytest.raises(InputError):
        gm2_band("B-L", [10.0], n_sigma=-1)
    with pytest.raises(InputError):
        gm2_band("B-L", [])
    with pytest.raises(ModelError, match="unknown model"):
        gm2_band("B-2L", [10.0])


def test_band_exclusion():
    masses = np.geomspace(1.0, 1e3, 31)
    band = gm2_band("B-L", masses)
    # A limit curve: flat at low mass, growing ~ M^2 at high mass; it crosses the band's
    # lower edge somewhere between 1 MeV and 1 GeV.
    lm = np.geomspace(0.1, 1e4, 50)
    lg = 1e-4 * (1 + (lm / 50.0) ** 2)
    res = band_exclusion(band, lm, lg)
    lim = 1e-4 * (1 + (masses / 50.0) ** 2)
    excl = band.g_lower > lim
    assert excl[0] and not excl[-1]
    m_star = masses[np.argmin(excl) - 1]
    assert res["excluded_below_MeV"] == pytest.approx(m_star)
    assert res["allowed_ranges_MeV"][0][0] > m_star
    assert res["allowed_ranges_MeV"][-1][1] == pytest.approx(1e3)
    assert not res["fully_excluded"]
    assert json.loads(json.dumps(res)) == res
    # a very strong limit excludes everything; a weak one nothing
    strong = band_exclusion(band, lm, np.full(lm.shape, 1e-8))
    assert strong["fully_excluded"] and strong["allowed_ranges_MeV"] == []
    assert strong["excluded_below_MeV"] == pytest.approx(1e3)
    weak = band_exclusion(band, lm, np.full(lm.shape, 1.0))
    assert weak["excluded_below_MeV"] is None
    assert weak["allowed_ranges_MeV"] == [[pytest.approx(1.0), pytest.approx(1e3)]]
    # no limit (NaN) or outside the curve's mass range: not excluded
    holes = np.full(lm.shape, 1e-8)
    holes[(lm > 20) & (lm < 50)] = np.nan
    res = band_exclusion(band, lm, holes)
    assert len(res["allowed_ranges_MeV"]) == 1 and len(res["excluded_ranges_MeV"]) == 2
    short = band_exclusion(band, [10.0, 100.0], [1e-8, 1e-8])
    assert short["excluded_below_MeV"] is None
    assert short["excluded_ranges_MeV"][0][0] >= 10.0
    with pytest.raises(InputError):
        band_exclusion(band, lm, lg[:-1])
    with pytest.raises(InputError):
        band_exclusion(band, lm, -lg)
