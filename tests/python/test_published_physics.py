"""Issue 16 against published numbers on the same COHERENT CsI 2021 data.

Each test compares a number computed here with one published, at a tolerance stated
in its docstring and chosen from the published uncertainty (and, where the paper
leaves an input open, from how much our number moves over the plausible choices of
that input, computed here too). Nothing is fitted or tuned to these numbers; the
The documentation (docs/guide/results.md, docs/validation.md) discusses every difference.

Sources:

* COHERENT, PRL 129 (2022) 081801, arXiv:2110.07730: flux-averaged CEvNS cross
  section on CsI measured (165 +30/−25) × 1e-40 cm², SM prediction (189 ± 6) × 1e-40 cm²
  (as quoted from the letter by the public Newtrinos reproduction of it,
  Newtrinos-org/newtrinos-verifications, entry 10.1103_PhysRevLett.129.081801).
* COHERENT, PRL 126 (2021) 012002, arXiv:2003.10630 (abstract): flux-averaged CEvNS
  cross section on argon measured (2.2 ± 0.7) × 1e-39 cm².
* Y. Huang et al., arXiv:2403.03566 (abstract): with the point-neutron radius
  R_n(¹³³Cs) = 4.86(21) fm they measured, sin²θ_W = 0.227(28) from a fit of the
  CEvNS CsI data.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

import cevns
from cevns import _core
from cevns import phenomenology as ph
from cevns.fit import sm_fit
from cevns.infer.profiles import profile_parameters

# The published values and the tolerances are in cevns.reference.PUBLISHED (the
# validation page of the documentation is made from them).
HUANG_RN_CS = 4.86  # fm, arXiv:2403.03566 (an input of the comparison, not a result)


@pytest.fixture(scope="module")
def csi(data_dir):
    # published analyses of these data use eq. (6)'s SS model
    return cevns.experiment("csi2021", data_dir, ss_model="paper")


def _sigma_by_quadrature(nucleus, ff: str) -> float:
    """<sigma>_Phi of one nucleus by nested adaptive quadrature of d sigma/dT (1e-40 cm²)."""
    sm = _core.Mediator.standard_model()
    flav = _core.DarComponent.__members__

    def total(f, E):
        tmax = 2.0 * E * E / nucleus.mass_MeV
        integrand = lambda t: float(np.asarray(_core.dsigma_dT(nucleus, f, E, [t], sm, 0.0, ff))[0])  # noqa: E731
        return quad(integrand, 0.0, tmax, epsabs=0.0, epsrel=1e-11, limit=200)[0]

    E_max = _core.delayed_endpoint_energy()
    s = total(flav["numu"], _core.numu_line_energy())
    for name in ("nue", "numubar"):
        f = flav[name]
        s += quad(
            lambda E, f=f: _core.dar_spectrum(f, E) * total(f, E), 0.0, E_max, epsrel=1e-11,
            limit=200,
        )[0]  # fmt: skip
    return s / 3.0 * _core.mev2_to_cm2() / 1e-40


def test_flux_averaged_cross_section_equals_an_independent_quadrature(csi):
    """The core's <sigma>_Phi (rate grid) against scipy's nested quad of dσ/dT, 1e-7."""
    want = 0.5 * (
        _sigma_by_quadrature(_core.cesium133(), "helm")
        + _sigma_by_quadrature(_core.iodine127(), "helm")
    )  # equal numbers of Cs and I nuclei
    got = ph.flux_averaged_cross_section(csi) / 1e-40
    assert got == pytest.approx(want, rel=1e-7)
    # a model and parameters go through the same integral; a magnetic moment has none
    assert ph.flux_averaged_cross_section(csi, rn_csi=4.5) > ph.flux_averaged_cross_section(csi)
    assert ph.flux_averaged_cross_section(csi, "B-L", 10.0, 1e-4) > 10 * got * 1e-40
    with pytest.raises(cevns.InputError, match="magnetic moment has no total"):
        ph.flux_averaged_cross_section(csi, mu_nue=1.0)


def test_sm_flux_averaged_cross_section_vs_coherent(csi, published):
    """SM <sigma>_Phi on CsI vs COHERENT's (189 ± 6) × 1e-40 cm²: within 2σ (12).

    Ours is 180.9 (−4.3 %, −1.35σ). Differences we know of: COHERENT integrates its
    simulated SNS flux (pion decay at rest plus a small decay-in-flight tail above
    m_μ/2, which raises ⟨σ⟩ because σ ∝ E²), we the pure decay-at-rest spectra of the
    paper's eq. 1-3; their form factor and radii are not the paper's eq. 13-14
    (ours with Klein-Nystrand: 181.1). Which of these makes the 4 % we cannot tell
    from the abstract; we did not adjust anything.
    """
    published.check("csi2021.sigma_sm", ph.flux_averaged_cross_section(csi) / 1e-40)


def test_measured_flux_averaged_cross_section_vs_coherent(csi, published):
    """<sigma>_Phi from the free-normalisation fit vs COHERENT's 165 +30/−25: within 1σ.

    Ours: 175.5 +18.4/−17.9 (+0.35σ of theirs). Our interval is narrower: the free fit
    profiles eq. 6's background nuisances only, while COHERENT's includes the flux
    (10 %), quenching and efficiency uncertainties of the normalisation.
    """
    xs = sm_fit("csi2021", experiments={"csi2021": csi})["cevns_events"]["cross_section_1e40_cm2"]
    published.check("csi2021.sigma_measured", xs["best"])  # -25 <= ours - 165 <= +30
    assert xs["lower"] < xs["best"] < xs["upper"]
    # the fitted cross section is the fitted normalisation times the predicted one
    ev = sm_fit("csi2021", experiments={"csi2021": csi})["cevns_events"]
    assert xs["best"] / xs["predicted"] == pytest.approx(ev["best"] / ev["predicted"], rel=1e-12)


def test_measured_argon_cross_section_vs_coherent(data_dir, published):
    """Ar <sigma>_Phi from the free-normalisation fit vs COHERENT's (2.2 ± 0.7) × 1e-39 cm²: 1σ.

    Ours: 24.5 ± 7.1 (+0.36σ). The release is Analysis A of that letter; our fit is the
    paper's eq. 7-9 with its shape nuisances, the normalisation free.
    """
    err = published("ar2020.sigma_measured").plus
    ar = cevns.experiment("ar2020", data_dir)
    xs = sm_fit("ar2020", experiments={"ar2020": ar})["cevns_events"]["cross_section_1e40_cm2"]
    published.check("ar2020.sigma_measured", xs["best"])  # within 1 sigma
    assert xs["upper"] - xs["lower"] == pytest.approx(2 * err, rel=0.25)  # widths alike


def test_sin2w_with_the_measured_cs_radius_vs_huang_et_al(csi, published):
    """sin²θ_W with R_n(¹³³Cs) = 4.86 fm vs arXiv:2403.03566's 0.227(28).

    Tolerance 0.25σ (0.007) on the best fit: the abstract does not say which R_n(¹²⁷I)
    went with the measured Cs radius; over the plausible choices (ours, 5.03 fm; the
    same 4.86 fm; 4.86 (127/133)^(1/3) fm) our value moves by up to 0.006 (checked
    below). The 1σ half-width agrees within 20 % (ours ±0.026; theirs ±0.028 may
    include the ±0.21 fm of the radius, worth ±0.005 here).
    """
    err = published("csi2021.sin2w_rn_cs_4.86").plus
    choices = [{}, {"rn_i": HUANG_RN_CS}, {"rn_i": HUANG_RN_CS * (127 / 133) ** (1 / 3)}]
    best = []
    for extra in choices:
        res = profile_parameters({"csi2021": csi}, ["sin2w"], fixed={"rn_cs": HUANG_RN_CS, **extra})
        best.append(res.best_fit["sin2w"])
        ((lo, hi),) = res.intervals["1sigma"]
        assert 0.5 * (hi - lo) == pytest.approx(err, rel=0.2)
    assert max(best) - min(best) < 0.25 * err  # the R_n(I) choice, within the tolerance
    published.check("csi2021.sin2w_rn_cs_4.86", best[0])  # within 0.25 sigma
