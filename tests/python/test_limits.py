"""Light-mediator limits against the paper (Table 2 universal and B−L rows, Sec. IV text).

Settings: Δχ² = 6.18 (2σ for two parameters, dof = 2) relative to the minimum over
the (M, g) plane; this reproduces the published rows better than Δχ² = 4 (see
docs/validation.md).
"""

from __future__ import annotations

import numpy as np
import pytest

from cevns.experiments import experiment
from cevns.infer.limits import compare_with_paper, limit, table2_bound
from cevns.infer.scan import ModelFit, profile_coupling, scan
from cevns.reference import PAPER_TABLE2

#: Table 2 of the paper: (g at low M, g/M at high M [GeV^-1]).
PAPER = PAPER_TABLE2


@pytest.fixture(scope="module")
def exps(data_dir):
    # the published rows come from eq. (6): the paper's SS model
    opts = {"csi2021": {"ss_model": "paper"}, "ar2020": {}}
    return {n: experiment(n, data_dir, **opts[n]) for n in ("csi2021", "ar2020")}


@pytest.fixture(scope="module")
def table(exps):
    return {key: limit(*key, experiments=exps) for key in PAPER}


@pytest.mark.parametrize("which", [0, 1], ids=["g_low", "g_over_M_high"])
@pytest.mark.parametrize("key", list(PAPER), ids=[f"{m}-{d}" for m, d in PAPER])
def test_table2_published_rows(table, key, which, published):
    """Every published universal and B−L number within 10 % (docs/validation.md: the residuals
    above 5 % and their reasons), but the one documented above (values and tolerance:
    ``cevns.reference.PUBLISHED``)."""
    lim = table[key]
    ours = (lim.g_low, lim.g_over_M_high)[which]
    model, dataset = key
    published.check(f"table2.{model}.{dataset}.{('g_low', 'g_over_M_high')[which]}", ours)


def test_universal_ar_low_mass_strip_is_a_separate_region(table):
    """Sec. IV.1: for Ar the lowest red line bounds the allowed region and "the two
    red-dashed lines above delimit the strip", which extends to small M. At 10 keV the
    strip starts just above the lowest region (a ridge ~0.01 above the level) but never
    joins the SM's region in the plane: the bound is the lowest edge."""
    lim = table[("universal", "ar2020")]
    assert lim.g_low == lim.g_low_lowest_edge
    assert lim.g_low_envelope_top > 1.3 * lim.g_low_lowest_edge


def test_table2_bound_criterion():
    """The top of the intervals in the SM's region; both edges reported; nothing
    allowed gives NaN; one flag per interval."""
    b = table2_bound([(0.0, 1.0), (1.1, 2.0), (3.0, 3.1)], [True, True, False])
    assert (b.value, b.lowest_edge, b.envelope_top, b.in_region) == (2.0, 1.0, 3.1, 2)
    b = table2_bound([(0.0, 1.0), (2.0, 2.1)], [True, False])
    assert (b.value, b.in_region) == (1.0, 1)
    b = table2_bound([(0.0, 1.0)], [True])
    assert b.value == b.lowest_edge == b.envelope_top == 1.0
    assert np.isnan(table2_bound([], []).value)
    assert np.isnan(table2_bound([(1.0, 2.0)], [False]).value)
    with pytest.raises(ValueError, match="one region flag per interval"):
        table2_bound([(0.0, 1.0)], [])


def test_region_flags_follow_the_plane(exps):
    """Connectivity in the plane, not widths at one mass: By+Lmu+Ltau Ar joins its upper
    interval at 100 GeV to the SM's region (one interval at 10 keV), universal Ar never."""
    from cevns.infer.regions import flags_from, sm_region_flags
    from cevns.infer.scan import global_minimum
    from cevns.stats import delta_chi2_threshold

    for model, expected in (("By+Lmu+Ltau", [True, True]), ("universal", [True, False])):
        fit = ModelFit(model, "ar2020", experiments=exps)
        level = global_minimum(fit)["chi2"] + delta_chi2_threshold("2sigma", 2)
        ((ivs, flags),) = sm_region_flags(fit, level, [1e5])
        assert len(ivs) == 2 and flags == expected
        assert flags_from(ivs, flags, [(0.0, ivs[0][1] * 0.5), ivs[1]]) == [True, expected[1]]


@pytest.mark.parametrize(
    ("model", "dataset", "which", "bridged"),
    [
        ("By+Lmu+Ltau", "ar2020", "g_over_M_high", True),  # Sec. IV.3: thin excluded strip
        ("universal", "combined", "g_over_M_high", False),  # Sec. IV.1: thin allowed strip
        ("universal", "csi2021", "g_over_M_high", False),
        ("By+Lmu+Ltau", "combined", "g_over_M_high", False),  # Sec. IV.3, CsI and combined
    ],
)
def test_table2_reading_follows_the_paper_text(exps, model, dataset, which, bridged):
    """The criterion reads Figs. 4-5 as Sec. IV.1 and IV.3 describe them."""
    lim = limit(model, dataset, experiments=exps)
    edge, top = getattr(lim, which + "_lowest_edge"), getattr(lim, which + "_envelope_top")
    assert top > edge  # there is a strip above the lowest region
    assert getattr(lim, which) == (top if bridged else edge)


def test_published_bounds_sit_at_the_two_parameter_level(exps, table):
    """In likelihood units: our Δχ² at the 12 published bounds averages to the
    2σ two-parameter level 6.18, not to 4 (dof = 1): the evidence for the default.
    Their spread (4.2 … 7.4) is the size of the differences between the analyses."""
    comp = compare_with_paper(table, experiments=exps)
    assert len(comp) == 12
    for c in comp:
        lim = table[(c.model, c.dataset)]
        ours = lim.g_low if c.bound == "g_low" else lim.g_over_M_high
        assert c.ours == ours
        assert c.relative_difference == pytest.approx(ours / c.published - 1.0)
    d = np.array([c.delta_chi2_at_published for c in comp])
    assert np.all(np.isfinite(d)) and np.all(d > 0.0)
    assert d.mean() == pytest.approx(6.18, abs=1.0)
    assert abs(d.mean() - 4.0) > 1.5


def test_csi_normalisation_matches_the_paper_with_the_timing_efficiency(data_dir, exps):
    """The CsI high-mass bounds are a pure normalisation effect. With eps_T (default)
    they sit at Δχ² = 6.18 ± 0.1 at the published values; without it (SM 338.8 instead
    of 316.5) the universal one is 4.5 % looser and the B−L one 5.6 % tighter, at Δχ²
    5.0 and 7.3: the paper's CsI prediction includes eps_T (docs/validation.md)."""
    none = experiment("csi2021", data_dir, timing_efficiency="none", ss_model="paper")
    with_t = compare_with_paper(experiments=exps)
    without = compare_with_paper(experiments={"csi2021": none, "ar2020": exps["ar2020"]})
    for c, n in zip(with_t, without):
        if c.bound == "g_over_M_high" and c.dataset == "csi2021":
            assert c.delta_chi2_at_published == pytest.approx(6.18, abs=0.1)
            assert abs(n.delta_chi2_at_published - 6.18) > 1.0
            assert abs(n.relative_difference) > 4.0 * abs(c.relative_difference)


@pytest.mark.parametrize("model", ["universal", "By+Lmu+Ltau", "Lmu-Ltau"])  # eq. 44, IV.3, 49
def test_allowed_strip_slopes(exps, model, published):
    """At high mass the allowed strip sits at g/M ≈ the paper's value (within 10 %)."""
    fit = ModelFit(model, "combined", experiments=exps)
    M = 1e4
    _, prof = profile_coupling(fit, M)
    minima = prof.minima
    g_strip = minima[np.argmin(minima[:, 1]), 0]
    published.check(f"strip.{model}", g_strip / (M * 1e-3))


@pytest.mark.parametrize("model", ["universal", "By+Lmu+Ltau"])
def test_cancellation_slopes(exps, model, published):
    """The predicted CsI rate is smallest at the cancellation g/M of eq. (45) (within 10 %)."""
    M = 1e4
    g = np.geomspace(1e-4, 1e-2, 801) * M * 1e-3
    n = [exps["csi2021"].predict(model, M, x).sum() for x in g]
    published.check(f"cancellation.{model}", g[int(np.argmin(n))] / (M * 1e-3))


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


@pytest.mark.parametrize("per_decade", [7, 10, 13, 40])
def test_regions_do_not_depend_on_the_grid(exps, table, per_decade):
    """Ar, universal, M = 10 keV: the ridge between the lowest region and the strip peaks
    only ~0.01 above the 6.18 level, between grid samples; refined maxima keep the
    regions (and the Table 2 edge) the same on any grid."""
    res = scan(
        "universal",
        "ar2020",
        [0.01],
        np.geomspace(1e-6, 1e-2, 4 * per_decade + 1),
        experiments=exps,
    )
    assert len(res.intervals[0]) >= 2
    lim = table[("universal", "ar2020")]
    assert res.lowest_edge()[0] == pytest.approx(lim.g_low_lowest_edge, rel=1e-6)
    assert res.intervals[0][-1][1] == pytest.approx(lim.g_low_envelope_top, rel=1e-6)


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


def test_scan_contours_pass_through_the_edges(exps):
    """The 2σ contours (polylines) contain the root-found edges at every scan mass."""
    masses = np.geomspace(1.0, 1e3, 7)
    res = scan("B-L", "ar2020", masses, np.geomspace(1e-6, 1e-1, 81), experiments=exps)
    lines = res.contours()
    assert lines and all(ln.shape[1] == 2 for ln in lines)
    pts = np.concatenate(lines)
    for m, edge in zip(masses, res.lowest_edge()):
        near = pts[np.isclose(pts[:, 0], m, rtol=1e-9)]
        assert np.any(np.isclose(near[:, 1], edge, rtol=1e-9))


def test_table2_is_a_result_object(exps):
    """`table2()` returns `Table2`: Limits by (model, data set), rows and the CLI's JSON."""
    from cevns.infer.limits import Limit, Table2, table2

    t = table2(["B-L"], ["ar2020", "combined"], experiments=exps, compare_paper=True)
    assert isinstance(t, Table2) and isinstance(t[("B-L", "ar2020")], Limit)
    assert t.rows == {
        "B-L": {
            d: [t[("B-L", d)].g_low, t[("B-L", d)].g_over_M_high] for d in ("ar2020", "combined")
        }
    }
    d = t.to_dict()
    assert set(d) == {"settings", "rows", "details", "comparison"}
    assert len(d["details"]) == 2 and d["settings"]["delta_chi2"] == t[("B-L", "ar2020")].delta_chi2


def test_data_plane_minimum_is_refined_in_mass(exps):
    """Issue 22: the data's χ²_min over the (M, g) plane is refined in mass like the toys'.
    Universal CsI+Ar has its minimum between the coarse masses (3 per decade), which miss
    it by ~0.1 in χ²; the refined minimum equals, to 1e-9, the minimum over every mass of
    the fine grid (30 per decade) within a decade of the coarse minimum (the dense
    reference)."""
    from cevns.infer.scan import PLANE_MASSES_MEV, global_minimum, plane_fine_masses

    fit = ModelFit("universal", "combined", experiments=exps)
    best = global_minimum(fit)
    coarse = global_minimum(fit, masses=PLANE_MASSES_MEV)
    fine = plane_fine_masses()
    m0 = coarse["mass_MeV"]
    dense = global_minimum(fit, masses=fine[(fine >= m0 / 10) & (fine <= m0 * 10)])
    assert coarse["chi2"] - best["chi2"] > 0.02  # what the coarse grid alone missed
    assert abs(best["chi2"] - dense["chi2"]) <= 1e-9 * dense["chi2"]
    assert best["mass_MeV"] == dense["mass_MeV"]
    # the mass of the minimum is a fine-grid mass between coarse ones
    assert best["mass_MeV"] in fine and best["mass_MeV"] not in PLANE_MASSES_MEV
