"""Unit tests of the physics pieces of the C++ core, through the bindings."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from cevns import _core

C = _core.constants


def test_form_factors_are_one_at_zero_and_close_to_each_other():
    q = np.array([0.0, 20.0, 50.0])
    for model in ("helm", "symmetrized_fermi", "klein_nystrand"):
        f = _core.form_factor(model, q, 3.448)
        assert f[0] == pytest.approx(1.0, abs=1e-12)
        assert 0 < f[2] < f[1] < 1
    helm = _core.form_factor("helm", q, 3.448)
    sf = _core.form_factor("symmetrized_fermi", q, 3.448)
    np.testing.assert_allclose(helm, sf, rtol=0.02)
    with pytest.raises(ValueError, match="unknown form factor"):
        _core.form_factor("gaussian", q, 3.0)


def test_flux_spectra_normalised_and_line_energy():
    for f in (_core.DarComponent.nue, _core.DarComponent.numubar):
        total = quad(lambda e, f=f: float(_core.dar_spectrum(f, np.array(e))), 0, C["m_mu"] / 2)[0]
        assert total == pytest.approx(1.0, rel=1e-10)
    assert _core.numu_line_energy() == pytest.approx(29.79, abs=0.01)
    eta = _core.flux_normalisation(0.09, 13.7e22, 27.5)
    assert eta == pytest.approx(0.09 * 13.7e22 / (4 * np.pi * 2750.0**2), rel=1e-14)


def test_kinematic_endpoint_and_nu_mu_kink():
    ar = _core.argon40()
    M = ar.mass_MeV
    for f in (_core.DarComponent.numu, _core.DarComponent.nue, _core.DarComponent.numubar):
        assert _core.kinematic_factors(f, 0.0, M)[0] == pytest.approx(1.0, rel=1e-12)
    t_max = 2 * (C["m_mu"] / 2) ** 2 / M
    assert _core.kinematic_factors(_core.DarComponent.nue, 1.0001 * t_max, M) == (0.0, 0.0)
    assert _core.kinematic_factors(_core.DarComponent.nue, 0.999 * t_max, M)[0] > 0
    kink = 2 * _core.numu_line_energy() ** 2 / M
    assert kink * 1e3 == pytest.approx(47.7, rel=0.005)  # Fig. 3 discontinuity
    E = np.array([29.0])
    T = np.array([2 * 29.0**2 / M * 1.001])
    sm = _core.Mediator.standard_model()
    assert _core.dsigma_dT(ar, _core.DarComponent.nue, 29.0, T, sm)[0] == 0.0
    assert _core.dsigma_dT(ar, _core.DarComponent.nue, 29.0, T / 1.002, sm)[0] > 0.0
    assert E.size == 1


def test_time_pdfs_integrate_to_one():
    timing = _core.BeamTiming(0.44, 0.15)
    for f in (_core.DarComponent.numu, _core.DarComponent.nue):
        total = quad(
            lambda t, f=f: float(_core.arrival_time_pdf(f, np.array(t), timing)),
            -2,
            60,
            limit=500,
            points=[0.44, 1.0, 3.0],
        )[0]
        assert total == pytest.approx(1.0, abs=1e-6)
        assert float(_core.arrival_time_cdf(f, np.array(80.0), timing)) == pytest.approx(1.0)
    fr = _core.time_bin_fractions(_core.DarComponent.nue, [-1.0, 5.0, 100.0], timing)
    assert sum(fr) == pytest.approx(1.0, abs=1e-9)


def test_kinetic_mixing_limits():
    mmu, mtau, me = C["m_mu"], C["m_tau"], C["m_e"]
    const = np.log(mtau**2 / mmu**2) / 6
    assert float(_core.epsilon_loop(mtau, mmu, 1e-3)) == pytest.approx(const, rel=1e-9)
    for q in (1.0, 10.0, 50.0, 100.0):
        for mb, ma in ((mtau, mmu), (mmu, me), (mtau, me)):
            ref = quad(
                lambda x, mb=mb, ma=ma, q=q: (
                    x
                    * (1 - x)
                    * np.log((mb**2 + x * (1 - x) * q**2) / (ma**2 + x * (1 - x) * q**2))
                ),
                0,
                1,
                epsabs=1e-13,
                epsrel=1e-12,
            )[0]
            assert float(_core.epsilon_loop(mb, ma, q)) == pytest.approx(ref, rel=1e-8)


def test_vector_model_algebra():
    """B−L: quark charge sum 1 instead of 3 and opposite lepton sign (Sec. III)."""
    ar = _core.argon40()
    T = np.array([0.01])
    E, M, g = 30.0, 10.0, 1e-5  # Z' term below |Q_SM|: no sign flip
    sm = _core.dsigma_dT(ar, _core.DarComponent.numu, E, T, _core.Mediator.standard_model())[0]
    univ = _core.Mediator.vector(_core.Charges(1, 1, 1, 1, 1), M)
    bl = _core.Mediator.vector(_core.Charges(1 / 3, 1 / 3, -1, -1, -1), M)
    # sqrt(dsigma) is linear in g^2 Q' at fixed T: compare the Z' amplitudes
    a_u = np.sqrt(_core.dsigma_dT(ar, _core.DarComponent.numu, E, T, univ, g)[0]) - np.sqrt(sm)
    a_bl = -np.sqrt(_core.dsigma_dT(ar, _core.DarComponent.numu, E, T, bl, g)[0]) + np.sqrt(sm)
    # Q_SM < 0, so sqrt(dsigma) = -(Q_SM + x): the B-L shift is -1/3 of the universal one
    assert a_bl == pytest.approx(a_u / 3, rel=1e-9)
    b3le = _core.Mediator.vector(_core.Charges(1 / 3, 1 / 3, -3, 0, 0), M)
    for f in (_core.DarComponent.numu, _core.DarComponent.numubar):
        assert _core.dsigma_dT(ar, f, E, T, b3le, g)[0] == pytest.approx(sm, rel=1e-14, abs=0)
    sm_e = _core.dsigma_dT(ar, _core.DarComponent.nue, E, T, _core.Mediator.standard_model())[0]
    assert abs(_core.dsigma_dT(ar, _core.DarComponent.nue, E, T, b3le, g)[0] / sm_e - 1) > 0.01


def test_mediator_validation():
    with pytest.raises(ValueError, match="mass"):
        _core.Mediator.vector(_core.Charges(1, 1, 1, 1, 1), -5.0)
    with pytest.raises(ValueError, match="mass"):
        _core.Mediator.scalar(float("nan"))
    with pytest.raises(ValueError, match="quark charges"):
        _core.Mediator.kinetic_mixing(_core.Charges(1, 1, 0, 1, -1), 10.0)
    with pytest.raises(ValueError, match="sum to 0"):
        _core.Mediator.kinetic_mixing(_core.Charges(0, 0, 1, 1, 0), 10.0)
