"""Light-mediator models of the paper (Section III, Table 1) and user-defined ones.

A vector model is its U(1)' charges (Q'_u, Q'_d, Q'_e, Q'_μ, Q'_τ). Models whose
quarks are neutral (the L_α − L_β family) couple to the nucleus through the
one-loop kinetic mixing with the photon (eq. 28-29); the others at tree level
(eq. 16). The scalar is the universal light scalar of eq. (32)-(42), whose
coupling is g̃_φ of eq. (42).

Examples
--------
>>> from cevns.models import get_model, from_charges, generator_GB
>>> get_model("B-L").charges
Charges(u=0.3333333333333333, d=0.3333333333333333, e=-1.0, mu=-1.0, tau=-1.0)
>>> from_charges("my-model", u=1/3, d=1/3, e=-3, mu=0, tau=0).kind
'vector'
>>> generator_GB(1, 3/2, 3/2, 0).charges.e
-1.5
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from . import _core
from .errors import ModelError

__all__ = [
    "MODEL_NAMES",
    "PAPER_MODELS",
    "Charges",
    "Model",
    "anomaly_violations",
    "coupling_rescaling",
    "from_charges",
    "generator_G",
    "generator_GB",
    "get_model",
]


#: Tolerance of the anomaly-cancellation conditions.
_ANOMALY_TOL = 1e-9


@dataclass(frozen=True)
class Charges:
    """U(1)' charges of the first-generation quarks and of the three lepton doublets."""

    u: float = 0.0
    d: float = 0.0
    e: float = 0.0
    mu: float = 0.0
    tau: float = 0.0

    def to_dict(self) -> dict[str, float]:
        return {"u": self.u, "d": self.d, "e": self.e, "mu": self.mu, "tau": self.tau}


@dataclass(frozen=True)
class Model:
    """A light-mediator model.

    Attributes
    ----------
    name : str
    kind : {"vector", "kinetic_mixing", "scalar"}
    charges : Charges
        U(1)' charges (all zero for the scalar).
    anomalous : bool
        True for an effective model whose anomalies are cancelled by unspecified
        new fermions (the paper's ``universal``).
    description : str
    """

    name: str
    kind: str
    charges: Charges
    anomalous: bool = False
    description: str = ""

    @property
    def core(self) -> Any:
        """The C++ core's model (kind and charges, no mass): ``cevns._core.NamedModel``."""
        c = self.charges
        return _core.NamedModel(
            self.name,
            getattr(_core.MediatorKind, self.kind),
            _core.Charges(c.u, c.d, c.e, c.mu, c.tau),
            self.anomalous,
            self.description,
        )

    @property
    def muon_coupling_factor(self) -> float:
        """Factor multiplying g in the muon coupling (Q'_μ; 1 for the universal scalar)."""
        return 1.0 if self.kind == "scalar" else self.charges.mu

    def mediator(self, mass_MeV: float) -> Any:
        """The C++ core's Mediator for this model at mass M [MeV]."""
        if not (isinstance(mass_MeV, (int, float)) and math.isfinite(mass_MeV) and mass_MeV > 0):
            raise ModelError(f"mediator mass must be a finite number > 0 MeV, got {mass_MeV!r}")
        return self.core.mediator(float(mass_MeV))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "charges": self.charges.to_dict(),
            "anomalous": self.anomalous,
            "description": self.description,
        }


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ModelError(f"charge {name} must be a number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ModelError(f"charge {name} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise ModelError(f"charge {name} must be finite, got {value!r}")
    return v


def anomaly_violations(charges: Charges) -> list[str]:
    """Anomaly conditions violated by charges with generation-universal quark charges.

    With right-handed neutrinos and vectorial couplings, the remaining
    [SU(2)_L]² U(1)' and [U(1)_Y]² U(1)' anomalies cancel when (eq. 20 with
    Q'_q = c_B/3, Q'_α = −c_α) 9 Q'_q + Q'_e + Q'_μ + Q'_τ = 0; and a vectorial
    coupling to the left-handed quark doublet needs Q'_u = Q'_d.
    """
    problems = []
    if abs(charges.u - charges.d) > _ANOMALY_TOL:
        problems.append("Q'_u != Q'_d: the left-handed quark doublet has a single U(1)' charge")
    total = 9.0 * charges.u + charges.e + charges.mu + charges.tau
    if abs(total) > _ANOMALY_TOL:
        problems.append(
            f"9 Q'_q + Q'_e + Q'_mu + Q'_tau = {total:g} != 0 ([SU(2)_L]^2 U(1)' and "
            "[U(1)_Y]^2 U(1)' anomalies, eq. 18/20 with generation-universal quarks)"
        )
    return problems


def from_charges(
    name: str,
    u: Any = 0.0,
    d: Any = 0.0,
    e: Any = 0.0,
    mu: Any = 0.0,
    tau: Any = 0.0,
    *,
    anomalous: bool = False,
    description: str = "",
) -> Model:
    """A vector model from its charges, with the anomaly-cancellation check.

    Quark-neutral models (u = d = 0) are L_α − L_β-type: they enter CEvNS through
    the one-loop kinetic mixing (eq. 28-29), which is finite only when the
    lepton charges sum to zero.

    Raises
    ------
    ModelError
        Non-numeric or non-finite charges, all charges zero, or anomalous charges
        without ``anomalous=True`` (an effective model, like ``universal``).
    """
    c = Charges(
        *(
            _number(k, v)
            for k, v in (("Q'_u", u), ("Q'_d", d), ("Q'_e", e), ("Q'_mu", mu), ("Q'_tau", tau))
        )
    )
    if all(v == 0.0 for v in c.to_dict().values()):
        raise ModelError(f"model {name!r}: all charges are zero")
    problems = anomaly_violations(c)
    if problems and not anomalous:
        raise ModelError(
            f"model {name!r} is anomalous: "
            + "; ".join(problems)
            + ". Pass anomalous=True to from_charges() for an effective model whose anomalies "
            "are cancelled by new fermions, or use generator_G() if the quark charges differ "
            "between generations."
        )
    quark_neutral = c.u == 0.0 and c.d == 0.0
    if quark_neutral and abs(c.e + c.mu + c.tau) > _ANOMALY_TOL:
        raise ModelError(
            f"model {name!r}: a quark-neutral Z' couples to nuclei only through kinetic mixing, "
            "which needs Q'_e + Q'_mu + Q'_tau = 0"
        )
    kind = "kinetic_mixing" if quark_neutral else "vector"
    return Model(name, kind, c, anomalous=bool(problems), description=description)


def generator_G(
    c1: float, c2: float, c3: float, ce: float, cmu: float, ctau: float, name: str | None = None
) -> Model:
    """The U(1)' generated by G = c1 B1 + c2 B2 + c3 B3 − ce Le − cμ Lμ − cτ Lτ (eq. 17).

    Only the first-generation quarks are in nuclei: Q'_u = Q'_d = c1/3.
    Raises ModelError unless c1 + c2 + c3 − ce − cμ − cτ = 0 (eq. 18).
    """
    vals = [
        _number(n, v)
        for n, v in (("c1", c1), ("c2", c2), ("c3", c3), ("ce", ce), ("cmu", cmu), ("ctau", ctau))
    ]
    c1, c2, c3, ce, cmu, ctau = vals
    s = c1 + c2 + c3 - ce - cmu - ctau
    if abs(s) > _ANOMALY_TOL:
        raise ModelError(f"G{tuple(vals)} is anomalous: c1+c2+c3-ce-cmu-ctau = {s:g} != 0 (eq. 18)")
    label = name or f"G({c1:g},{c2:g},{c3:g},{ce:g},{cmu:g},{ctau:g})"
    ch = Charges(c1 / 3.0, c1 / 3.0, -ce, -cmu, -ctau)
    kind = "kinetic_mixing" if c1 == 0.0 else "vector"
    if kind == "kinetic_mixing" and abs(ch.e + ch.mu + ch.tau) > _ANOMALY_TOL:
        raise ModelError(f"{label}: quark-neutral model with lepton charges not summing to 0")
    return Model(label, kind, ch, description=f"generator {label} (eq. 17)")


def generator_GB(cB: float, ce: float, cmu: float, ctau: float, name: str | None = None) -> Model:
    """G_B = c_B B − ce Le − cμ Lμ − cτ Lτ (eq. 19); anomaly-free iff 3 c_B = Σ c_α (eq. 20)."""
    label = name or f"G_B({cB:g},{ce:g},{cmu:g},{ctau:g})"
    m = generator_G(cB, cB, cB, ce, cmu, ctau, name=label)
    return Model(label, m.kind, m.charges, description=f"generator {label} (eq. 19)")


def coupling_rescaling(relation: str, w: float = 1.0) -> float:
    """Factor that maps a bound on g of a Table 1 model onto an equivalent model (eq. 21-25).

    Parameters
    ----------
    relation : str
        ``"B-3/2(Le+Lmu)"`` (from B−L, eq. 21; factor √(2/3));
        ``"B-3weLe"`` (from B−3Le, eq. 22), ``"B-3wmuLmu"`` (from B−3Lμ, eq. 23),
        ``"B-2w1Le-w1Lmu"`` (from B−2Le−Lμ, eq. 24), ``"B-w2Le-2w2Lmu"`` (from
        B−Le−2Lμ, eq. 25): factor 1/√w.
    w : float
        The weight w_e, w_μ, w_1 or w_2 in (0, 1].

    Notes
    -----
    COHERENT has no ν_τ, so only the ν_e and ν_μ charges matter; scaling them by
    a common factor k is equivalent to scaling g² by k.
    """
    if relation == "B-3/2(Le+Lmu)":
        return math.sqrt(2.0 / 3.0)
    if relation in ("B-3weLe", "B-3wmuLmu", "B-2w1Le-w1Lmu", "B-w2Le-2w2Lmu"):
        if not (isinstance(w, (int, float)) and 0 < w <= 1):
            raise ModelError(f"weight w must be in (0, 1], got {w!r}")
        return 1.0 / math.sqrt(w)
    raise ModelError(
        f"unknown rescaling {relation!r}; accepted: B-3/2(Le+Lmu), B-3weLe, B-3wmuLmu, "
        "B-2w1Le-w1Lmu, B-w2Le-2w2Lmu"
    )


def _paper_models() -> dict[str, Model]:
    """The paper's models as defined by the C++ core (``cevns/models.hpp``)."""
    return {
        m.name: Model(
            m.name,
            m.kind.name,
            Charges(m.charges.u, m.charges.d, m.charges.e, m.charges.mu, m.charges.tau),
            anomalous=m.anomalous,
            description=m.description,
        )
        for m in _core.paper_models()
    }


#: The paper's models by name (Table 1 and the scalar), in the order of Table 2.
PAPER_MODELS: dict[str, Model] = _paper_models()
MODEL_NAMES = tuple(PAPER_MODELS)


def get_model(model: str | Model) -> Model:
    """A model by name (see MODEL_NAMES) or a Model passed through."""
    if isinstance(model, Model):
        return model
    if isinstance(model, str) and model in PAPER_MODELS:
        return PAPER_MODELS[model]
    from ._validate import quote

    def key(name: str) -> str:
        return "".join(c for c in name.casefold() if c.isalnum() or c == "+")

    near = [n for n in MODEL_NAMES if isinstance(model, str) and key(n) == key(model)]
    hint = f" (did you mean {near[0]}? names are case-sensitive)" if near else ""
    shown = quote(model) if isinstance(model, str) else repr(model)[:80]
    raise ModelError(
        f"unknown model {shown}{hint}; accepted: {', '.join(MODEL_NAMES)} "
        "(or a Model from cevns.models.from_charges / generator_G / generator_GB)"
    )
