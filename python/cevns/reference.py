"""Published numbers the package is validated against, each with its source.

:data:`PAPER_TABLE2` holds what the paper in ``../shared/paper/`` prints of its Table 2:
the universal and B−L rows (M. Atzori Corona et al., "Probing light mediators and
(g−2)_μ through detection of coherent elastic neutrino nucleus scattering at
COHERENT"). The other rows are withheld from the shared copy on purpose; nothing here
is tuned to them. ``cevns table2 --compare`` compares with it.

:data:`PUBLISHED` lists every published number the test suite compares with — Table 2
(from :data:`PAPER_TABLE2`), the paper's text, COHERENT's and other publications —
with its source, the tolerance and the test that checks it. The tests read the values
and tolerances from here (the ``published`` fixture of ``tests/python/conftest.py``),
and the documentation's validation page is generated from the same entries, with our
values recorded by those very tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["PAPER_TABLE2", "PUBLISHED", "Published", "published"]

#: Table 2: 2σ upper bounds (g at low M, g/M at high M in GeV⁻¹) per (model, data set).
PAPER_TABLE2: dict[tuple[str, str], tuple[float, float]] = {
    ("universal", "ar2020"): (3.91e-5, 0.82e-3),
    ("universal", "csi2021"): (2.36e-5, 0.53e-3),
    ("universal", "combined"): (2.07e-5, 0.48e-3),
    ("B-L", "ar2020"): (5.35e-5, 1.67e-3),
    ("B-L", "csi2021"): (5.27e-5, 1.00e-3),
    ("B-L", "combined"): (4.42e-5, 0.99e-3),
}


@dataclass(frozen=True)
class Published:
    """One published number the test suite compares with, and how it compares.

    Attributes
    ----------
    key : str
        Unique name, e.g. ``"table2.B-L.ar2020.g_low"``; the test that checks it passes
        this key to the ``published`` fixture (``tests/python/conftest.py``).
    quantity : str
        What it is, in words, with its unit.
    value : float
        The published central value.
    minus, plus : float
        Its published uncertainties (0 where none is quoted).
    source : str
        Where it was published (and how it was read, where not from the paper itself).
    tolerance : tuple of (str, float)
        ``("rel", r)``: accepted when ``|ours / value − 1| ≤ r``; ``("sigma", n)``:
        accepted when ``−n·minus ≤ ours − value ≤ n·plus``; ``("abs", a)``: accepted
        when ``|ours − value| ≤ a`` (in the unit of ``value``).
    test : str
        The pytest node id of the test that checks it.
    """

    key: str
    quantity: str
    value: float
    minus: float
    plus: float
    source: str
    tolerance: tuple[str, float]
    test: str

    def accepts(self, ours: float) -> bool:
        """Whether ``ours`` agrees with the published value within the tolerance."""
        kind, amount = self.tolerance
        if kind == "rel":
            return abs(ours / self.value - 1.0) <= amount
        if kind == "sigma":
            return -amount * self.minus <= ours - self.value <= amount * self.plus
        if kind == "abs":
            return abs(ours - self.value) <= amount
        raise ValueError(f"unknown tolerance kind {kind!r}; accepted: rel, sigma, abs")

    def describe_tolerance(self) -> str:
        """The tolerance in words, e.g. ``"10 %"``, ``"1σ"`` or ``"± 0.1"``."""
        kind, amount = self.tolerance
        if kind == "rel":
            return f"{amount * 100:g} %"
        return f"{amount:g}σ" if kind == "sigma" else f"± {amount:g}"


_PAPER = "Atzori Corona et al., JHEP 05 (2022) 109"
_T_LIMITS = "tests/python/test_limits.py"
_T_PHYS = "tests/python/test_published_physics.py"
_WHICH = {0: ("g_low", "g at M = 10 keV"), 1: ("g_over_M_high", "g/M at M = 100 GeV [GeV⁻¹]")}
_DATASET = {"ar2020": "Ar", "csi2021": "CsI", "combined": "CsI+Ar"}
_MODEL = {
    "universal": "universal",
    "B-L": "B−L",
    "By+Lmu+Ltau": "B_y+L_μ+L_τ",
    "Lmu-Ltau": "L_μ−L_τ",
}


def _from_paper(key: str, quantity: str, value: float, where: str, test: str) -> Published:
    """A number printed in the paper without an uncertainty, checked to 10 %."""
    return Published(key, quantity, value, 0.0, 0.0, f"{_PAPER}, {where}", ("rel", 0.10), test)


def _table2() -> list[Published]:
    return [
        _from_paper(
            f"table2.{model}.{dataset}.{_WHICH[i][0]}",
            f"Table 2, {_MODEL[model]}, {_DATASET[dataset]}: {_WHICH[i][1]} (2σ)",
            bounds[i],
            "Table 2",
            f"{_T_LIMITS}::test_table2_published_rows",
        )
        for (model, dataset), bounds in PAPER_TABLE2.items()
        for i in (0, 1)
    ]


def _dips() -> list[Published]:
    rows = [("universal", "eq. (26)", 92.0, 27.0), ("By+Lmu+Ltau", "eq. (27)", 29.0, 8.0),
            ("Lmu-Ltau", "eq. (30)", 23.0, 6.0)]  # fmt: skip
    return [
        _from_paper(
            f"dip.{model}.{det}",
            f"dip of dN/dT_nr, {_MODEL[model]}, M = 10 MeV, {_DATASET[det]} [keV]",
            value,
            f"Sec. III, {eq}",
            "tests/python/test_experiments.py::test_differential_rate_dips",
        )
        for model, eq, ar, csi in rows
        for det, value in (("ar2020", ar), ("csi2021", csi))
    ]


def _slopes() -> list[Published]:
    strips = [("universal", "eq. (44)", 1.8e-3), ("By+Lmu+Ltau", "Sec. IV.3", 3.1e-3),
              ("Lmu-Ltau", "eq. (49)", 7e-2)]  # fmt: skip
    cancel = [("universal", 1.3e-3), ("By+Lmu+Ltau", 2.2e-3)]
    out = [
        _from_paper(
            f"strip.{model}",
            f"allowed strip, {_MODEL[model]}, CsI+Ar, M = 10 GeV: g/M [GeV⁻¹]",
            value,
            where,
            f"{_T_LIMITS}::test_allowed_strip_slopes",
        )
        for model, where, value in strips
    ]
    out += [
        _from_paper(
            f"cancellation.{model}",
            f"cancellation g/M of the CsI rate, {_MODEL[model]} [GeV⁻¹]",
            value,
            "eq. (45)",
            f"{_T_LIMITS}::test_cancellation_slopes",
        )
        for model, value in cancel
    ]
    return out


_PRL133 = "XENON, PRL 133 (2024) 191002"


def _xenonnt() -> list[Published]:
    """The XENONnT ⁸B measurement: the statistics route (the 2024 analysis' templates)."""
    stat, phys = "test_xenonnt_statistics.py", "test_xenonnt_physics.py"
    rows = [
        # key, quantity, value, minus, plus, absolute tolerance, test
        ("observed_events", "XENONnT SR0+SR1 events observed", 37.0, 0, 0, 0.0,
         f"{stat}::test_observed_events"),
        ("background_events", "XENONnT SR0+SR1 background expectation (AC, ER, neutron)",
         26.4, 1.3, 1.4, 0.1, f"{stat}::test_background_expectation"),
        ("b8_flux", "⁸B flux, fit with the flux free [10⁶ cm⁻² s⁻¹]", 4.7, 2.3, 3.6, 0.15,
         f"{stat}::test_flux_fit"),
        ("b8_flux_minus", "⁸B flux, lower error (Δχ² = 1) [10⁶ cm⁻² s⁻¹]", 2.3, 0, 0, 0.3,
         f"{stat}::test_flux_fit"),
        ("b8_flux_plus", "⁸B flux, upper error (Δχ² = 1) [10⁶ cm⁻² s⁻¹]", 3.6, 0, 0, 0.3,
         f"{stat}::test_flux_fit"),
        ("significance", "background-only rejection, √q₀ (asymptotic) [σ]", 2.73, 0, 0, 0.1,
         f"{stat}::test_background_only_rejection"),
        ("sigma_b8", "⁸B flux-averaged CEvNS cross section on Xe [10⁻³⁹ cm²]", 1.1, 0.5, 0.8,
         0.1, f"{phys}::test_flux_averaged_cross_section"),
    ]  # fmt: skip
    return [
        Published(f"xenonnt.{key}", quantity, value, minus, plus, _PRL133, ("abs", tol),
                  f"tests/python/{test}")
        for key, quantity, value, minus, plus, tol, test in rows
    ]  # fmt: skip


_PRL129 = (
    "COHERENT, PRL 129 (2022) 081801 (arXiv:2110.07730), as quoted from the letter by "
    "the Newtrinos reproduction (Newtrinos-org/newtrinos-verifications)"
)

#: The published numbers besides Table 2 and the XENONnT measurement, as the fields of
#: `Published` in order: key, quantity, value, minus, plus, source, tolerance, test.
_OTHER_ROWS: tuple[tuple, ...] = (
    (
        "csi2021.sm_events",
        "CsI 2021 SM CEvNS events (PE < 60, t < 6 µs)",
        341.0,
        math.hypot(11.0, 42.0),  # 11 (th) ⊕ 42 (exp)
        math.hypot(11.0, 42.0),
        "COHERENT, PRL 129 (2022) 081801, as quoted by independent reproductions "
        "(analysis-inputs.md: 'about 333 ± 43')",
        ("sigma", 1.0),
        "tests/python/test_experiments.py::test_csi_total_against_published_prediction",
    ),
    (
        "ar2020.sm_events",
        "Ar 2020 SM CEvNS events, the paper's exposure",
        128.0,
        0.0,
        0.0,
        "COHERENT CENNS-10 release (Zenodo 10.5281/zenodo.3903810), cevnspdf.txt summed over F90",
        ("rel", 0.03),
        "tests/python/test_experiments.py::test_ar_total_against_released_template",
    ),
    (
        "csi2021.fitted_events",
        "CsI 2021 fitted CEvNS events (SM fit)",
        306.0,
        20.0,
        20.0,
        "COHERENT, PRL 129 (2022) 081801",
        ("rel", 0.05),
        "tests/python/test_sm_fits.py::test_csi_fitted_events",
    ),
    (
        "ar2020.fitted_events",
        "Ar 2020 fitted CEvNS events (SM fit)",
        159.0,
        43.0,
        43.0,
        "COHERENT CENNS-10 release, LArParametersAnlA.yaml (cevnsBestfitNormalization)",
        ("sigma", 1.0),
        "tests/python/test_sm_fits.py::test_ar_fitted_events",
    ),
    (
        "csi2021.sigma_sm",
        "CsI flux-averaged cross section ⟨σ⟩_Φ, SM [10⁻⁴⁰ cm²]",
        189.0,
        6.0,
        6.0,
        _PRL129,
        ("sigma", 2.0),
        f"{_T_PHYS}::test_sm_flux_averaged_cross_section_vs_coherent",
    ),
    (
        "csi2021.sigma_measured",
        "CsI ⟨σ⟩_Φ measured (free normalisation) [10⁻⁴⁰ cm²]",
        165.0,
        25.0,
        30.0,
        _PRL129,
        ("sigma", 1.0),
        f"{_T_PHYS}::test_measured_flux_averaged_cross_section_vs_coherent",
    ),
    (
        "ar2020.sigma_measured",
        "Ar ⟨σ⟩_Φ measured (free normalisation) [10⁻⁴⁰ cm²]",
        22.0,
        7.0,
        7.0,
        "COHERENT, PRL 126 (2021) 012002 (arXiv:2003.10630), abstract",
        ("sigma", 1.0),
        f"{_T_PHYS}::test_measured_argon_cross_section_vs_coherent",
    ),
    (
        "csi2021.sin2w_rn_cs_4.86",
        "sin²θ_W from CsI with R_n(¹³³Cs) = 4.86 fm",
        0.227,
        0.028,
        0.028,
        "Y. Huang et al., arXiv:2403.03566, abstract",
        ("sigma", 0.25),
        f"{_T_PHYS}::test_sin2w_with_the_measured_cs_radius_vs_huang_et_al",
    ),
)

#: Every published number the tests compare with (the validation page is made from it).
PUBLISHED: tuple[Published, ...] = (
    *(Published(*row) for row in _OTHER_ROWS),
    *_table2(),
    *_dips(),
    *_slopes(),
    *_xenonnt(),
)


def published(key: str) -> Published:
    """The entry of :data:`PUBLISHED` named ``key`` (KeyError naming the known keys)."""
    for entry in PUBLISHED:
        if entry.key == key:
            return entry
    raise KeyError(f"no published number {key!r}; known: {', '.join(e.key for e in PUBLISHED)}")
