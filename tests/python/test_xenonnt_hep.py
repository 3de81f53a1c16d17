"""Solar hep neutrinos as a second flux component of the xenon experiments (option ``hep``).

Off by default, as in the collaboration's analysis (its signal template is ⁸B only). On:
Bahcall's spectrum (``solar/hep_shape.csv``), the B16 hep flux of the solar model
(GS98 7.98×10³ cm⁻² s⁻¹) and P_ee averaged over the hep production region. Checks: the
flux constant is the B16 table's; hep alone fills the template energies beyond the end
of the ⁸B recoil spectrum (the hep spectrum reaches 18.8 MeV, ⁸B's table 15.2 MeV);
in all it adds 1.5 % to the ⁸B events of SR0+SR1 (0.148 of 9.72 at nominal yields).
"""

from __future__ import annotations

import numpy as np
import pytest

from cevns.errors import InputError


def b16_row(path, row: int) -> tuple[float, float]:
    """(GS98, AGSS09met) of one flux row of fluxes_b16.dat (rows: pp, pep, hep, 7Be, ...)."""
    rows = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if parts and not line.lstrip().startswith("#"):
            rows.append((float(parts[0]), float(parts[2])))
    return rows[row]


@pytest.fixture(scope="module")
def both(data_root):
    import cevns

    off = cevns.experiment("xenonnt", data_root)
    on = cevns.experiment("xenonnt", data_root, hep="on")
    return off, on


def test_default_is_off_and_the_option_is_recorded(both):
    off, on = both
    assert off.settings["hep"] == "off"
    assert on.settings["hep"] == "on"
    assert "solar/hep_shape.csv" in on.core.data_files
    assert "solar/hep_shape.csv" not in off.core.data_files


def test_b16_hep_flux_of_the_table(data_root):
    gs98, agss09 = b16_row(data_root / "solar" / "fluxes_b16.dat", 2)  # units of 10^3
    assert (gs98, agss09) == (7.98, 8.25)
    import cevns

    # the hep part of the prediction scales with the flux of the chosen solar model
    sm = {}
    for model in ("gs98", "agss09"):
        on = cevns.experiment("xenonnt", data_root, hep="on", solar_model=model)
        off = cevns.experiment("xenonnt", data_root, solar_model=model)
        sm[model] = np.asarray(on.predict()).ravel() - np.asarray(off.predict()).ravel()
    top = slice(-5, None)  # 4.6-5.0 keV: hep only
    ratio = sm["agss09"][top].sum() / sm["gs98"][top].sum()
    # flux ratio 8.25 / 7.98, up to the P_ee difference of the two profiles (< 1 %)
    assert ratio == pytest.approx(8.25 / 7.98, rel=0.01)


def test_hep_fills_the_energies_beyond_the_8b_spectrum(both):
    off, on = both
    x_off, x_on = (np.asarray(e.predict()).ravel() for e in both)
    energies = np.asarray(off.energy_edges[:-1])  # the template energies [keV]
    # above the ⁸B recoil end point: the table's last non-zero E_ν, 15.2 MeV, on ¹²⁴Xe
    # reaches T = 2E²/(M + 2E) = 4.0 keV, and the 4.0 keV node's hat function 4.1 keV
    beyond = energies > 4.15
    assert beyond.any()
    assert np.all(x_off[beyond] == 0.0)
    assert np.all(x_on[beyond] > 0.0)
    assert np.all(x_on >= x_off)
    # detected events: hep is 7.98e3 / 5.25e6 = 1.5e-3 of the flux, but a harder spectrum
    # (mean 9.6 vs 6.7 MeV), so per neutrino it gives more detected recoils than ⁸B (the
    # efficiency rises steeply with the recoil energy): more than the flux ratio, and a
    # few per cent at most (measured: 0.148 of 9.72 events, 1.5 %)
    s_off = off.expected_signal(off.predict()).sum()
    s_on = on.expected_signal(on.predict()).sum()
    assert 7.98e3 / 5.25e6 < s_on / s_off - 1.0 < 0.05


def test_invalid_hep_value_names_the_choices(data_root):
    import cevns

    with pytest.raises(InputError, match="hep"):
        cevns.experiment("xenonnt", data_root, hep="yes")


def test_differential_rate_rows_are_the_flux_components(both):
    """Experiment.differential_rate's rows are ``rate.components`` in order (0.7.0's
    docstring named the π-DAR rows νμ, νe, ν̄μ for every experiment)."""
    T = np.array([0.5, 1.0, 2.0])
    for exp, n in zip(both, (3, 6)):
        rows = [(c.name, str(c.species)) for c in exp.rate.components]
        assert len(rows) == n and exp.differential_rate(T).shape == (n, len(T))
        assert [s for _, s in rows[:3]] == [
            "Neutrino('nue')", "Neutrino('numu')", "Neutrino('nutau')"
        ]  # fmt: skip
    per = both[1].differential_rate(T)
    assert np.all(per[3:, 0] > 0)  # hep rows are there and count
