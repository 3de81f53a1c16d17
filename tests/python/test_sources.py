"""Neutrino species, flux components and the nuclei table as Python sees them (issue 20)."""

from __future__ import annotations

import numpy as np
import pytest

import cevns
from cevns import _core
from cevns import phenomenology as ph


@pytest.fixture(scope="module")
def csi(data_dir):
    return cevns.experiment("csi2021", data_dir)


def test_species():
    tau = _core.Neutrino("nutau")
    assert tau.lepton == _core.Lepton.tau and not tau.anti and tau.pdg == 16
    assert _core.Neutrino(_core.Lepton.mu, anti=True).name == "numubar"
    assert _core.Neutrino(_core.DarComponent.numubar) == _core.Neutrino("numubar")
    with pytest.raises(ValueError, match="nutau"):
        _core.Neutrino("nux")


def test_cross_sections_take_species_components_or_names():
    ar = _core.argon40()
    sm = _core.Mediator.standard_model()
    by_component = _core.dsigma_dT(ar, _core.DarComponent.numu, 30.0, np.array([0.01]), sm)
    by_name = _core.dsigma_dT(ar, "numu", 30.0, np.array([0.01]), sm)
    assert by_component[0] == by_name[0]
    lmt = _core.Mediator.kinetic_mixing(_core.Charges(mu=1.0, tau=-1.0), 20.0)
    mu = _core.dsigma_dT(ar, "numu", 30.0, np.array([0.01]), lmt, 1e-3)[0]
    tau = _core.dsigma_dT(ar, "nutau", 30.0, np.array([0.01]), lmt, 1e-3)[0]
    assert mu != tau  # nu_tau is not nu_mu under L_mu - L_tau


def test_nuclei_table_in_python():
    rows = {i.name: i for i in _core.nuclei()}
    assert {"Cs133", "I127", "Ar40", "Xe131", "Ge74"} <= set(rows)
    assert rows["Cs133"].r_n_fm == 5.09 and rows["Cs133"].rn_parameter == "rn_cs"
    xe = _core.natural_element("Xe")
    assert len(xe) == 9
    assert sum(a for _, a in xe) == pytest.approx(1.0, abs=1e-12)
    assert _core.nucleus("Xe131").Z == 54
    assert "Xe" in _core.elements() and "Ge" in _core.elements()


def test_new_parameter_names_come_from_the_core():
    for name in ("rn_xe131", "rn_xe", "rn_ge", "mu_nutau", "r2_nutau"):
        assert name in ph.PARAMETERS
    assert ph.default_value("mu_nutau") == 0.0
    assert ph.default_value("r2_nutau") == pytest.approx(_core.charge_radius_sm(1776.86))
    table = {i.rn_parameter: i for i in _core.nuclei()}
    mean = sum(i.abundance * i.r_n_fm for i in table.values() if i.element == "Xe")
    assert ph.default_value("rn_xe") == pytest.approx(mean, rel=1e-12)


def test_pion_dar_rate_from_components_equals_the_beam_constructor(csi):
    rate = csi.rate
    comps = rate.components
    assert [c.name for c in comps] == ["numu", "nue", "numubar"]
    assert [c.species.name for c in comps] == ["numu", "nue", "numubar"]
    eta = comps[0].fluence_cm2
    fractions = np.array([c.time_fractions for c in comps])
    targets = [(_core.cesium133(), 1e25), (_core.iodine127(), 1e25)]
    response = _core.CsIResponse([0.0, 0.05, 0.0, 0.0], 13.35, 0.5, [1.0, 0.0, 0.0, 0.0])
    edges = [0.0, 20.0, 40.0, 60.0]
    old = _core.BinnedRate(targets, eta, response, edges, fractions)
    new = _core.BinnedRate(targets, _core.pion_dar_source(eta, fractions), response, edges)
    sm = _core.Mediator.standard_model()
    assert np.array_equal(old.predict(sm), new.predict(sm))
    assert new.n_components == 3


def test_tau_parameters_leave_a_beam_without_tau_unchanged(csi):
    # the core: a tau-flavour parameter or another detector's radius changes nothing
    sm = ph._predict(csi, None, None, 0.0, {})
    for name, value in [
        ("mu_nutau", 10.0),
        ("r2_nutau", 3.0),
        ("rn_xe", 6.0),
        ("eps_u_tautau", 0.3),
    ]:
        assert np.array_equal(ph._predict(csi, None, None, 0.0, {name: value}), sm), name
    assert not np.allclose(ph._predict(csi, None, None, 0.0, {"mu_numu": 10.0}), sm, rtol=1e-6)
    # so the rate does not list them, and the API refuses them (issue 23: nothing meaningless)
    used = set(csi.rate.parameter_names)
    assert {"mu_nutau", "r2_nutau", "rn_xe", "eps_u_tautau"}.isdisjoint(used)
    assert {"mu_numu", "eps_u_etau", "rn_cs"} <= used
    with pytest.raises(cevns.errors.InputError, match="mu_nutau"):
        ph.predict(csi, mu_nutau=10.0)


def test_tabulated_spectrum_and_mixture():
    E = np.linspace(0.0, 16.0, 161)
    phi = E**2 * (16.0 - E) ** 2
    spec = _core.TabulatedSpectrum(list(E), list(phi))
    assert spec.e_max == 16.0
    assert np.trapezoid(spec.density(E), E) == pytest.approx(1.0, rel=1e-12)
    comps = _core.mix_flavours("8B", spec, 1e10, False, lambda e: (0.5, 0.3, 0.2))
    assert [c.species.name for c in comps] == ["nue", "numu", "nutau"]
    assert sum(c.fluence_cm2 for c in comps) == pytest.approx(1e10, rel=1e-14)
    with pytest.raises(ValueError, match="increasing"):
        _core.TabulatedSpectrum([1.0, 1.0], [1.0, 1.0])
