"""cevns.solar.flavour_at_earth: the core's P_ee of solar 8B neutrinos (data_root fixture)."""

from __future__ import annotations

import numpy as np
import pytest

from cevns.errors import InputError
from cevns.solar import flavour_at_earth


def test_flavour_fractions(data_root):
    p = flavour_at_earth([0.1, 10.0], data_dir=data_root)
    np.testing.assert_allclose(p["P_ee"] + p["P_emu"] + p["P_etau"], 1.0, rtol=1e-14)
    # vacuum-averaged limit at low energy, 1 - sin^2(2 theta12)/2 ~ 0.55 (NuFIT 5.2 with theta13)
    assert p["P_ee"][0] == pytest.approx(0.553, abs=0.01)
    assert p["P_ee"][1] == pytest.approx(0.317, abs=0.025)  # SNO, PRC 88 (2013) 025501
    # nu_mu : nu_tau = cos^2 theta23 : sin^2 theta23 (sin^2 theta23 = 0.451, NuFIT 5.2)
    assert p["P_etau"][1] / p["P_emu"][1] == pytest.approx(0.451 / 0.549, rel=1e-12)


def test_solar_models_differ_little(data_root):
    gs98 = flavour_at_earth(8.0, data_dir=data_root)["P_ee"][0]
    agss09 = flavour_at_earth(8.0, solar_model="agss09", data_dir=data_root)["P_ee"][0]
    assert gs98 != agss09 and agss09 == pytest.approx(gs98, abs=0.01)


@pytest.mark.parametrize("energies", [[], [0.0], [-1.0], [float("nan")], [[1.0, 2.0]]])
def test_bad_energies(data_root, energies):
    with pytest.raises(InputError, match="energies_MeV"):
        flavour_at_earth(energies, data_dir=data_root)


def test_unknown_solar_model(data_root):
    with pytest.raises(InputError, match="gs98"):
        flavour_at_earth(1.0, solar_model="bahcall", data_dir=data_root)
