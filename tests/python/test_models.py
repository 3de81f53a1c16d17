"""Model algebra: Table 1 charges, generators (eq. 17-20), anomalies, rescalings (eq. 21-25)."""

from __future__ import annotations

import math

import pytest

from cevns.errors import ModelError
from cevns.experiments import experiment
from cevns.infer.limits import limit
from cevns.models import (
    MODEL_NAMES,
    coupling_rescaling,
    from_charges,
    generator_G,
    generator_GB,
    get_model,
)

TABLE1 = {  # (u, d, e, mu, tau)
    "universal": (1, 1, 1, 1, 1),
    "B-L": (1 / 3, 1 / 3, -1, -1, -1),
    "B-3Le": (1 / 3, 1 / 3, -3, 0, 0),
    "B-3Lmu": (1 / 3, 1 / 3, 0, -3, 0),
    "B-2Le-Lmu": (1 / 3, 1 / 3, -2, -1, 0),
    "B-Le-2Lmu": (1 / 3, 1 / 3, -1, -2, 0),
    "By+Lmu+Ltau": (1 / 3, 1 / 3, 0, 1, 1),
    "Le-Lmu": (0, 0, 1, -1, 0),
    "Le-Ltau": (0, 0, 1, 0, -1),
    "Lmu-Ltau": (0, 0, 0, 1, -1),
}


@pytest.mark.parametrize("name", list(TABLE1))
def test_table1_charges(name):
    c = get_model(name).charges
    assert (c.u, c.d, c.e, c.mu, c.tau) == pytest.approx(TABLE1[name])


def test_kinds_and_names():
    assert len(MODEL_NAMES) == 11
    assert get_model("Lmu-Ltau").kind == "kinetic_mixing"
    assert get_model("B-L").kind == "vector"
    assert get_model("scalar").kind == "scalar"
    assert get_model("universal").anomalous
    assert not get_model("B-L").anomalous


def test_anomaly_check_for_user_charges():
    assert from_charges("mine", 1 / 3, 1 / 3, -2, -1, 0).kind == "vector"
    with pytest.raises(ModelError, match="anomalous"):
        from_charges("bad", 1, 1, 1, 1, 1)
    assert from_charges("eff", 1, 1, 1, 1, 1, anomalous=True).anomalous
    with pytest.raises(ModelError, match="Q'_u != Q'_d"):
        from_charges("split", 1, 0, -3, 0, 0)
    with pytest.raises(ModelError, match="must be a number"):
        from_charges("text", "one", 1, 1, 1, 1)
    with pytest.raises(ModelError, match="finite"):
        from_charges("nan", float("nan"), 0, 0, 0, 0)
    with pytest.raises(ModelError, match="all charges are zero"):
        from_charges("zero")
    with pytest.raises(ModelError, match="anomalous"):
        generator_G(1, 1, 1, 1, 1, 0)
    with pytest.raises(ModelError, match="unknown model"):
        get_model("B+L")


def test_generator_by():
    """B_y + L_mu + L_tau = G(1, -y, y-3, 0, -1, -1) for any y (first generation: Q'_q = 1/3)."""
    for y in (0.0, 1.0, 2.5):
        c = generator_G(1, -y, y - 3, 0, -1, -1).charges
        assert (c.u, c.d, c.e, c.mu, c.tau) == pytest.approx(TABLE1["By+Lmu+Ltau"])


def test_rescaling_factors():
    assert coupling_rescaling("B-3/2(Le+Lmu)") == pytest.approx(math.sqrt(2 / 3))
    assert coupling_rescaling("B-3weLe", 0.25) == pytest.approx(2.0)
    with pytest.raises(ModelError, match="weight"):
        coupling_rescaling("B-3weLe", 0.0)


@pytest.mark.parametrize(
    ("generator", "reference", "relation", "w"),
    [
        ((1, 1.5, 1.5, 0), "B-L", "B-3/2(Le+Lmu)", 1.0),  # eq. (21)
        ((1, 1.5, 0, 1.5), "B-3Le", "B-3weLe", 0.5),  # eq. (22)
        ((1, 0, 1.5, 1.5), "B-3Lmu", "B-3wmuLmu", 0.5),  # eq. (23)
        ((1, 1.0, 0.5, 1.5), "B-2Le-Lmu", "B-2w1Le-w1Lmu", 0.5),  # eq. (24)
    ],
)
def test_rescalings_hold_numerically(data_dir, generator, reference, relation, w):
    """The bound of the generated model equals the reference bound times the factor."""
    exps = {n: experiment(n, data_dir) for n in ("csi2021", "ar2020")}
    gen = generator_GB(*generator)
    ours = limit(gen, "csi2021", experiments=exps)
    ref = limit(reference, "csi2021", experiments=exps)
    factor = coupling_rescaling(relation, w)
    assert ours.g_low == pytest.approx(ref.g_low * factor, rel=2e-3)
    assert ours.g_over_M_high == pytest.approx(ref.g_over_M_high * factor, rel=2e-3)
