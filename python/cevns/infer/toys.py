"""Pseudo-experiments (toys) of the COHERENT data sets and their test statistics.

What a toy is
-------------
A toy is a pseudo-data set drawn under a hypothesis (M, g) with the *profile
construction*: the nuisances are set to their values profiled on the real data
at (M, g), η̂(M, g), and every measured input of the χ² is drawn again around
the expectation they imply.

* **CsI, ``ss_model=paper`` (eq. 6).** The coincidence counts N_ij^exp are
  Poisson around μ_ij = Σ_z (1 + η̂_z) N_ij^z (the mean the Poisson χ² of eq. 6
  describes). The steady-state template is the anti-coincidence (AC) histogram, a
  measurement of its own: it is drawn Poisson around its plug-in truth
  (1 + η̂_SS) N_ij^SS (the data's AC histogram rescaled: eq. 6's own SS model).
* **CsI, ``ss_model=measured``.** The C counts as above with the profiled flat
  SS, b̂_i w_j; the AC counts Poisson around r b̂_i w_j (flat in time within
  each PE row, r the AC/C exposure): the truth of a steady-state background.
* **Ar (eq. 7-9).** The χ² is Gaussian with σ_ij² = N_ij^exp + N_ij^SS / 5
  (eq. 8): the observed counts' Poisson variance plus that of an SS estimate
  measured with five times the exposure. The counts are therefore drawn
  Poisson around the expectation of eq. (7) at η̂ (negative expectations, possible
  only through the shape nuisances, are set to 0), the SS estimate as
  Poisson(5 (1 + η̂_SS) N^SS) / 5, and σ_ij is recomputed from the toy's own
  N^exp and N^SS (exactly as for the data), not kept at the data's value.
* **Global observables.** The centre of each nuisance's Gaussian constraint
  (0 for the data) is drawn from N(η̂_z, σ_z) (σ = 1 for the Ar shape
  nuisances ε of eq. 9), so the constraints fluctuate as the auxiliary
  measurements they stand for. Nuisances fixed by σ = 0 stay at 0. The
  exception is η_SS: its σ *is* the statistics of the SS measurement (Ar:
  0.0079 = 1/√(5 · 3152); CsI: the 2.1 % of COHERENT's SS normalisation, a
  statistical error smaller than the released AC sample's own 1/√1295), and
  that measurement is already drawn again, so its centre stays at 0 (the SS
  measurement fluctuates once, not twice). With ``fluctuate_ss=False`` (the
  diagnostic that keeps the data's SS histogram) the η_SS centre is drawn
  instead. The toy model per experiment is written down in docs/statistics.md.

Random numbers and common random numbers
----------------------------------------
The random numbers are drawn in numpy, not in C++: a batch of toys is seeded by
``numpy.random.SeedSequence(seed, spawn_key=(batch,))`` (the batch-th child of
``SeedSequence(seed).spawn``), never by worker or thread, and the C++ core only
evaluates the pseudo-data, deterministically; so the same seed gives bit-identical
statistics for any number of workers, threads or schedulers. (std:: distributions
are implementation-defined; numpy's PCG64 stream is not.) Each batch draws
*uniforms* u and *standard normals* z that do not depend on the hypothesis, and
turns them into counts by the inverse Poisson CDF (``scipy.stats.poisson.ppf``) and
into centres by η̂ + σ z: the same seed at another coupling gives the same u and z,
so the critical value t_c(g) varies smoothly with g (common random numbers) and a
root finder can work on it. The generation is < 5 % of the cost of a toy.

Test statistics
---------------
For each toy the C++ core (`cevns._core.ToyPlane`) profiles the nuisances of the
toy's χ² at the tested (M, g), along g at the tested mass (the 1-D reference) and
over the (M', g') plane: the coarse mass grid of `scan.global_minimum` (3 per
decade, 10 keV - 100 GeV, plus the tested mass), then every dip below a coarse
interval's lower end (next to one of its ends) followed down a grid of 30 masses per decade
(`PLANE_REFINE`: the data's rule, the
core's ``refined_mass_minimum``). Along g each mass has a grid of `TOY_PER_DECADE`
couplings per decade, `TOY_BAND_PER_DECADE` (the data's 20) over the band where
its templates' predictions dip below the SM's, plus seeds at the cancellation
couplings of its templates, and every local minimum is refined (its bracket sampled at two
midpoints, then Newton's method in ln g with the curves' derivatives from the lowest
sample, `TOY_NEWTON_MINIMA`, Brent's where Newton does not apply), so the thin strips of the
models with a cancellation (eq. 44-49) are found in every toy as in the data.
A mass whose curve a mass already swept has is probed instead of swept
(`TOY_PROBE_MASSES`): the masses next to the coarse ones (a descent starts only where
the probe dips below the interval's lower end; none inside an interval of a plateau),
and the coarse masses on the low- and high-mass plateaus, whose templates agree with
the coarse mass's before them to 1e-3 once g is scaled. A probe refines each local
minimum of the swept mass at the new one from a bracket around it. A sweep steps over
the couplings whose χ² stays 10 or more above the toy's best so far (`TOY_SKIP_FAR`,
judged from χ² and its derivatives at the couplings it evaluates), and profiles the
coupling after one that far above only until it is proven far above too (the core's
``CouplingCurve::at_above``). On 900 toys
against the dense reference the three statistics agree to 1e-6
(``bench/plane_density.py``), at 2–4× the rate of sweeping every visited mass.
Templates of the plane are computed once per `ToyEngine` (once per worker).

    t(M, g) = χ²(M, g) − min_(M', g') χ²        (2-D, the paper's regions)
    t(g | M) = χ²(M, g) − min_g' χ²(M, g')      (1-D at fixed mass)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import _core
from ..errors import InputError

# the plane minimum of the toys is that of the data (`scan.global_minimum`): the same
# coarse masses (PLANE_MASSES_MEV), refinement in mass (PLANE_REFINE) and couplings
from .scan import (
    PLANE_MASSES_MEV,
    PLANE_PER_DECADE,
    PLANE_REFINE,
    ModelFit,
    check_couplings,
    plane_fine_masses,
)

#: Coupling-grid density of the toys' minima (per decade) outside the cancellation
#: band, with seeds at the cancellation couplings of the templates
#: (`TOY_CANCELLATION_SEEDS`) and, inside the band, `TOY_BAND_PER_DECADE` (the core's
#: ``with_cancellation_band``: where some bin's prediction N0 + g²N1 + g⁴N2 dips below
#: N0); every local minimum refined (two midpoints, then Brent's method from the
#: lowest sample). Against a dense reference (all 211 masses, 40 couplings per
#: decade) all three statistics of 900 toys at the six combined Table 2 points agree
#: to 1e-6 (bench/plane_density.py). 0.8.0 used 20 per decade everywhere; 5 per decade
#: without the band missed valleys in the band (By+Lμ+Lτ), as did 10 per decade.
TOY_PER_DECADE = 5
#: Seeds at the cancellation couplings g_f = √(−ΣN1/ΣN2) in the toys' grids.
TOY_CANCELLATION_SEEDS = True
#: Couplings per decade of the toys' grids over the cancellation band (the data's
#: `PLANE_PER_DECADE`); 0: no band.
TOY_BAND_PER_DECADE = PLANE_PER_DECADE
#: Probe rather than sweep along g the masses whose curve a mass already swept has
#: (the core's ``ToyPlane(..., probe_masses)``): the masses next to the coarse ones, and
#: the coarse masses on the low- and high-mass plateaus; each local minimum of the swept
#: mass is refined at the new one from a bracket around it. Same statistics as sweeping
#: every visited mass on 900 toys against the dense reference (bench/plane_density.py).
TOY_PROBE_MASSES = True
#: Find each local minimum along g by Newton's method in ln g with the curves' analytic
#: derivatives (the core's ``ToyPlane(..., newton_minima)``; Brent's method where Newton
#: does not apply), ending with the minimum of its quadratic model once the predicted
#: gain is below 1e-9: 1–3 profiles per minimum instead of ~10. Same statistics as Brent's
#: method on 900 toys against the dense reference, which keeps Brent's
#: (bench/plane_density.py).
TOY_NEWTON_MINIMA = True
#: Step the sweeps along g over the couplings where the toy's χ² stays 10 or more (the
#: mass refinement's window) above the smallest χ² it has found so far, judged from χ²
#: and its first two derivatives in ln g at the couplings evaluated (the core's
#: ``ToyPlane(..., skip_far)``): the plateau without CEvNS at high g, the flanks of a
#: cancellation, the SM plateau of a toy with a deep valley; and the SM plateau from
#: g = 0 up to where the mediator's part of the prediction is small, where χ² and its
#: derivatives at the plateau's end show it quadratic in g² and 1 or more above the
#: toy's best. Checked against the dense reference on 1800 toys (bench/plane_density.py).
TOY_SKIP_FAR = True

__all__ = [
    "TOY_PER_DECADE",
    "TOY_CANCELLATION_SEEDS",
    "TOY_BAND_PER_DECADE",
    "TOY_PROBE_MASSES",
    "TOY_NEWTON_MINIMA",
    "TOY_SKIP_FAR",
    "PLANE_MASSES_MEV",
    "PLANE_PER_DECADE",
    "PLANE_REFINE",
    "Hypothesis",
    "ToyEngine",
    "batch_seed",
    "statistic",
]


@dataclass(frozen=True)
class Hypothesis:
    """The truth of the toys at (M, g): expectations and nuisances profiled on the data."""

    mass_MeV: float
    g: float
    expected: dict[str, np.ndarray]  #: mean counts per bin (flattened) per data set
    #: mean of the auxiliary measurements (concatenated; the SS histogram for COHERENT)
    #: per data set, as the χ² gives them (``BinnedChi2::auxiliary_expected``)
    auxiliary: dict[str, np.ndarray]
    nuisances: dict[str, np.ndarray]  #: η̂ profiled on the data at (M, g)
    sigmas: dict[str, np.ndarray]  #: σ of each nuisance's constraint (0: fixed)
    chi2_data: float  #: χ² of the data at (M, g)


class ToyEngine:
    """Generates and evaluates toys of one model and data set.

    Built once per process (the plane's templates for the fixed mass grid are
    computed here); `run` then costs one plane minimum per toy in C++.

    Parameters
    ----------
    model : str
    dataset : {"csi2021", "ar2020", "combined"}
    experiments : mapping, optional
        Already built experiments (by name).
    data_dir : path-like, optional
    plane_masses : array, optional
        Mass grid of the plane minimum [MeV], every mass visited (default:
        `PLANE_MASSES_MEV`, 3 per decade, each coarse minimum then refined in mass
        on a grid `PLANE_REFINE` times finer).
    coupling_per_decade : int
        Couplings per decade of the grids along g outside the cancellation band
        (default `TOY_PER_DECADE`, 5).
    cancellation_seeds : bool
        Add to every coupling grid seeds at the cancellation couplings of its
        templates (the core's ``with_cancellation_seeds``; default
        `TOY_CANCELLATION_SEEDS`, True).
    band_per_decade : int
        Couplings per decade over the cancellation band of every grid's templates
        (the core's ``with_cancellation_band``; default `TOY_BAND_PER_DECADE`, 20;
        0: no band).
    probe_masses : bool
        Probe the coarse masses on the low- and high-mass plateaus (every mass of
        ``plane_masses`` there) and the masses next to the coarse ones from a mass
        already swept along g, instead of sweeping them (the core's
        ``ToyPlane(..., probe_masses)``; default `TOY_PROBE_MASSES`, True; False:
        every visited mass swept, as until 0.8.0: a dense reference).
    newton_minima : bool
        Find each local minimum along g by Newton's method in ln g with the χ² curves'
        derivatives, Brent's method only where Newton does not apply (the core's
        ``ToyPlane(..., newton_minima)``; default `TOY_NEWTON_MINIMA`, True; False:
        Brent's method everywhere, as until 0.8.0).
    skip_far : bool
        Step the sweeps along g over the couplings where the toy's χ² stays 10 or more
        above the smallest χ² found so far (the core's ``ToyPlane(..., skip_far)``;
        default `TOY_SKIP_FAR`, True; False: every coupling of the grid evaluated).
    fluctuate_ss : bool
        Draw the auxiliary measurements (the χ²'s ``auxiliary_measurements``: the
        steady-state histogram for COHERENT) again in each toy (default; the
        constraint centre of a nuisance ``eta_<measurement>`` then stays at its value:
        the measurement carries that constraint). ``False`` keeps the data's in every
        toy and draws those centres instead: a diagnostic that isolates the effect of
        the SS statistics, which eq. (6) for CsI does not carry.
    """

    def __init__(
        self,
        model: str,
        dataset: str,
        *,
        experiments: Mapping[str, Any] | None = None,
        data_dir: Any = None,
        plane_masses: Iterable[float] | None = None,
        fluctuate_ss: bool = True,
        coupling_per_decade: int = TOY_PER_DECADE,
        cancellation_seeds: bool = TOY_CANCELLATION_SEEDS,
        band_per_decade: int = TOY_BAND_PER_DECADE,
        probe_masses: bool = TOY_PROBE_MASSES,
        newton_minima: bool = TOY_NEWTON_MINIMA,
        skip_far: bool = TOY_SKIP_FAR,
    ) -> None:
        if not (isinstance(band_per_decade, int) and band_per_decade >= 0):
            raise InputError(f"band_per_decade must be an integer >= 0, got {band_per_decade!r}")
        for name, flag in (
            ("cancellation_seeds", cancellation_seeds),
            ("probe_masses", probe_masses),
            ("newton_minima", newton_minima),
            ("skip_far", skip_far),
            ("fluctuate_ss", fluctuate_ss),
        ):
            if not isinstance(flag, (bool, np.bool_)):
                raise InputError(f"{name} must be True or False, got {flag!r}")
        self.band_per_decade = band_per_decade
        self.fluctuate_ss = fluctuate_ss
        self.per_decade = int(coupling_per_decade)
        self.fit = ModelFit(model, dataset, experiments=experiments, data_dir=data_dir)
        self.members = list(self.fit.members)
        self.chi2s = [self.fit.experiments[n].likelihood.core for n in self.members]
        if plane_masses is None:
            masses, stride = plane_fine_masses(), PLANE_REFINE
        else:
            masses, stride = np.asarray(list(plane_masses), dtype=float), 1
        self.plane_masses = masses
        tmpl = self.fit.templates(masses)
        grids = self.fit.coupling_grids(masses, self.per_decade)
        self.plane = _core.ToyPlane(
            self.chi2s,
            [tmpl[n].reshape(len(masses), 3, -1) for n in self.members],
            grids,
            stride,
            bool(cancellation_seeds),
            float(self.band_per_decade),
            bool(probe_masses),
            bool(newton_minima),
            bool(skip_far),
        )
        self._tested: dict[float, tuple[list[np.ndarray], list[float]]] = {}
        self._sigmas = {
            n: np.asarray(c.constraint_widths, dtype=float)
            for n, c in zip(self.members, self.chi2s)
        }
        # what each chi2 measures besides the counts: (values, exposure) per measurement
        self._auxiliary = {
            n: [(np.asarray(v, dtype=float), float(e)) for _, _, v, e in c.auxiliary_measurements()]
            for n, c in zip(self.members, self.chi2s)
        }
        # nuisances eta_<measurement> whose constraint is that measurement's statistics
        # (e.g. eta_ss and the SS histogram): their centres are not drawn as well
        self._carried: dict[str, list[int]] = {}
        for n, c in zip(self.members, self.chi2s):
            names = list(self.fit.experiments[n].likelihood.nuisance_names)
            measured = {f"eta_{a[0]}" for a in c.auxiliary_measurements()}
            self._carried[n] = [i for i, x in enumerate(names) if x in measured]

    # -- the tested point ---------------------------------------------------
    def tested(self, mass: float) -> tuple[list[np.ndarray], list[float]]:
        """Templates (3, n_bins) per data set and coupling grid of the tested mass (cached)."""
        key = float(mass)
        if key not in self._tested:
            t = self.fit.templates([key])
            (grid,) = self.fit.coupling_grids([key], self.per_decade)
            self._tested[key] = ([t[n][0].reshape(3, -1) for n in self.members], grid)
        return self._tested[key]

    def hypothesis(self, mass: float, g: float) -> Hypothesis:
        """Expectations at (M, g) with the nuisances profiled on the real data."""
        if not (math.isfinite(mass) and mass > 0):
            raise InputError(f"mass must be finite and > 0 MeV, got {mass!r}")
        g = float(check_couplings([g])[0])
        tmpl, _ = self.tested(mass)
        expected, aux, nuis = {}, {}, {}
        chi2 = 0.0
        for n, c, t in zip(self.members, self.chi2s, tmpl):
            pred = np.maximum(t[0] + g**2 * t[1] + g**4 * t[2], 0.0)
            res = c.profile(pred)
            eta = np.asarray(res.nuisances, dtype=float)
            chi2 += res.chi2
            expected[n] = np.maximum(c.expected(pred, eta), 0.0)
            aux[n] = np.asarray(c.auxiliary_expected(pred, eta), dtype=float)
            nuis[n] = eta
        return Hypothesis(float(mass), g, expected, aux, nuis, dict(self._sigmas), float(chi2))

    # -- pseudo-data ----------------------------------------------------------
    def generate(
        self, hyp: Hypothesis, n_toys: int, seed: np.random.SeedSequence
    ) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
        """Pseudo-data of ``n_toys`` toys: per data set observed (n_toys, n_bins), the
        auxiliary measurements (n_toys, their concatenated size) and constraint centres
        (n_toys, n_nuisances); see the module docstring."""
        rng = np.random.Generator(np.random.PCG64(seed))
        observed, aux, centres = [], [], []
        for n in self.members:
            nb, nn = hyp.expected[n].size, hyp.nuisances[n].size
            na = hyp.auxiliary[n].size
            # hypothesis-independent draws, in a fixed order (common random numbers)
            u_obs = rng.random((n_toys, nb))
            u_aux = rng.random((n_toys, na))
            z = rng.standard_normal((n_toys, nn))
            observed.append(_poisson_ppf(u_obs, hyp.expected[n]))
            drawn, start = [], 0
            for values, k in self._auxiliary[n]:
                stop = start + values.size
                if self.fluctuate_ss:
                    mean = hyp.auxiliary[n][start:stop]
                    drawn.append(_poisson_ppf(u_aux[:, start:stop], k * mean) / k)
                else:
                    drawn.append(np.broadcast_to(values, (n_toys, values.size)))
                start = stop
            aux.append(np.concatenate(drawn, axis=1) if drawn else np.zeros((n_toys, 0)))
            sig = hyp.sigmas[n]
            if self.fluctuate_ss and self._carried[n]:  # the measurement carries them
                sig = sig.copy()
                sig[self._carried[n]] = 0.0
            centres.append(np.where(sig > 0, hyp.nuisances[n] + sig * z, 0.0))
        return observed, aux, centres

    def run(
        self,
        mass: float,
        g: float,
        n_toys: int,
        seed: np.random.SeedSequence,
        *,
        plane: bool = True,
        n_threads: int = 1,
        hyp: Hypothesis | None = None,
    ) -> np.ndarray:
        """Statistics of ``n_toys`` toys at (M, g), seeded by ``seed``.

        Returns
        -------
        ndarray, shape (n_toys, 3)
            χ² at (M, g), its minimum over g at M, its minimum over the plane
            (NaN with ``plane=False``), per toy.
        """
        hyp = hyp or self.hypothesis(mass, g)
        obs, aux, cen = self.generate(hyp, n_toys, seed)
        tmpl, grid = self.tested(mass)
        return np.asarray(
            self.plane.evaluate(obs, aux, cen, tmpl, grid, float(g), plane, n_threads)
        )


def _poisson_ppf(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Poisson counts by the inverse CDF (monotone in the mean: common random numbers).

    ``u`` has shape (n_toys, n_bins), ``mean`` (n_bins,). Per bin, the smallest k
    with CDF(k) >= u from a table of the CDF (`scipy.special.pdtr`), the definition
    ``scipy.stats.poisson.ppf`` implements, at a fraction of its cost.
    """
    from scipy.special import pdtr

    mean = np.ascontiguousarray(mean, dtype=float)
    out = np.zeros(u.shape)
    for j, cdf in _poisson_cdf_tables(mean.tobytes()):
        n = cdf.size
        k = np.searchsorted(cdf, u[:, j], side="left")
        while k.max(initial=0) >= n:  # beyond the table (probability < 1e-30): extend it
            n *= 2
            cdf = pdtr(np.arange(n, dtype=float), float(mean[j]))
            k = np.searchsorted(cdf, u[:, j], side="left")
        out[:, j] = k
    return out


@functools.lru_cache(maxsize=16)
def _poisson_cdf_tables(mean_bytes: bytes) -> tuple[tuple[int, np.ndarray], ...]:
    """(bin, CDF table of k = 0 .. λ + 12√λ + 30) for every bin with a mean λ > 0 (the
    means as `numpy.ndarray.tobytes`); kept for the next batch at the same point
    (computing the tables is most of the cost of drawing a batch)."""
    from scipy.special import pdtr

    mean = np.frombuffer(mean_bytes, dtype=float)
    out = []
    for j in np.flatnonzero(mean > 0):
        lam = float(mean[j])
        cdf = pdtr(np.arange(int(lam + 12.0 * math.sqrt(lam) + 30.0), dtype=float), lam)
        cdf.setflags(write=False)
        out.append((int(j), cdf))
    return tuple(out)


def batch_seed(seed: int, batch: int) -> np.random.SeedSequence:
    """Seed of batch ``batch``: the batch-th child of ``SeedSequence(seed).spawn``."""
    return np.random.SeedSequence(int(seed), spawn_key=(int(batch),))


def statistic(stats: np.ndarray, kind: str = "plane") -> np.ndarray:
    """t per toy from `ToyEngine.run` rows: ``"plane"`` (2-D) or ``"mass"`` (1-D at fixed M)."""
    if kind == "plane":
        return stats[:, 0] - stats[:, 2]
    if kind == "mass":
        return stats[:, 0] - stats[:, 1]
    raise InputError(f"statistic must be 'plane' or 'mass', got {kind!r}")
