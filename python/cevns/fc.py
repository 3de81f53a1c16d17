"""Feldman-Cousins limits and the coverage of the Wilks regions, from toys.

Test statistic (see `cevns.toys`): t(M, g) = χ²(M, g) − min over the (M', g')
plane (``statistic="plane"``, the paper's 2-D regions, Wilks level 6.18 at 2σ)
or t(g | M) = χ²(M, g) − min over g at M (``statistic="mass"``, 1-D, Wilks 4.0).

* **Critical value.** t_c(M, g) is the CL quantile (95.45 % at 2σ, linear
  interpolation between order statistics) of t over toys generated at (M, g);
  (M, g) is allowed when t_obs(M, g) ≤ t_c(M, g) (Feldman & Cousins 1998, with
  the profile construction for the nuisances).
* **Its Monte-Carlo error.** The number of toys below the true quantile q is
  binomial, k ~ B(n, q); the error of t_c is half the distance between the order
  statistics k ± √(n q (1 − q)) (distribution-free, `critical_value_error`).
  Toys are added at a point (in batches of `FCSettings.min_toys`) until that
  error is below `FCSettings.tolerance` (default 0.2 in t) or
  `FCSettings.max_toys` is reached; never fewer than `FCSettings.min_toys`
  (default 1000: asking for fewer is an error naming the option that overrides
  it).
* **Limits.** Each edge of the Wilks allowed intervals at a Table 2 mass is moved
  to the root of t_obs(g) − t_c(g), solved by Brent's method
  (`scipy.optimize.brentq`). Outward from the Wilks edge the root is bracketed in
  growing steps of log g; inward it is bracketed by the interval's own minimum
  of t_obs (located on the data, without toys): an allowed interval is dropped
  only when FC excludes that minimum too. Every t_c(g) uses the same seeds
  (common random numbers, `cevns.toys`), so t_c(g) is smooth up to the integer
  steps of the Poisson counts, and the root is found to 1e-3 relative. The
  Table 2 value is then read from the FC intervals by the same criterion as the
  Wilks one (`cevns.limits.table2_bound`).
* **Coverage.** At a true point, the fraction of toys whose Wilks region
  contains it, t ≤ Δχ²(CL), with its binomial standard error and the
  Clopper-Pearson 68.27 % interval.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .distributed import EngineSpec, Runner, batches, engine
from .errors import InputError
from .limits import M_HIGH_MEV, M_LOW_MEV, Bound, _limit_of, table2_bound
from .stats import delta_chi2_threshold, parse_cl
from .toys import statistic as toy_statistic

STATISTICS = {2: "plane", 1: "mass"}

#: Fewest toys per tested point (option ``min_toys``, CLI ``--min-toys``).
MIN_TOYS = 1000
#: Monte-Carlo error of t_c below which no toys are added (``tc_tolerance``).
TC_TOLERANCE = 0.2
#: Most toys per tested point when adding toys for the tolerance (``max_toys``).
MAX_TOYS = 20000


@dataclass(frozen=True)
class FCSettings:
    """How many toys a critical value gets: at least ``min_toys``, then batches of
    ``min_toys`` more until the Monte-Carlo error of t_c is below ``tolerance``
    (or ``max_toys`` toys)."""

    min_toys: int = MIN_TOYS
    tolerance: float = TC_TOLERANCE
    max_toys: int = MAX_TOYS

    def check(self, n_toys: int) -> None:
        """InputError unless ``n_toys`` respects the settings (naming the option)."""
        if not (math.isfinite(self.tolerance) and self.tolerance > 0):
            raise InputError(f"tc_tolerance must be finite and > 0, got {self.tolerance!r}")
        if self.min_toys < 1:
            raise InputError(f"min_toys must be >= 1, got {self.min_toys}")
        if n_toys < self.min_toys:
            raise InputError(
                f"toys must be >= {self.min_toys} per point for Feldman-Cousins critical "
                f"values, got {n_toys}; lower the minimum with --min-toys "
                f"(min_toys=) to run fewer"
            )
        if self.max_toys < n_toys:
            raise InputError(f"max_toys ({self.max_toys}) must be >= toys ({n_toys})")


def critical_value(t: np.ndarray, cl: str | float = "2sigma") -> float:
    """The CL quantile of the toys' statistic (linear interpolation)."""
    t = np.asarray(t, dtype=float)
    if t.size == 0 or not np.all(np.isfinite(t)):
        raise InputError("critical value: need finite statistics of at least one toy")
    return float(np.quantile(t, parse_cl(cl)))


def critical_value_error(t: np.ndarray, cl: str | float = "2sigma") -> float:
    """Monte-Carlo (1σ) error of `critical_value` from the order statistics.

    The number of toys below the true q-quantile is binomial B(n, q), so the
    quantile's 68 % interval spans the order statistics at n q ± √(n q (1 − q));
    half its width is the error (distribution-free; +inf with fewer than 2 toys).
    """
    t = np.sort(np.asarray(t, dtype=float))
    n = t.size
    if n < 2:
        return math.inf
    q = parse_cl(cl)
    d = math.sqrt(n * q * (1.0 - q))
    lo = float(np.quantile(t, max(q - d / n, 0.0)))
    hi = float(np.quantile(t, min(q + d / n, 1.0)))
    return 0.5 * (hi - lo)


def observed_statistic(spec: EngineSpec, mass: float, g: float, kind: str = "plane") -> float:
    """t of the real data at (M, g), with exactly the toys' minimisation."""
    eng = engine(spec)
    obs = [eng.fit.experiments[n].observed.reshape(1, -1) for n in eng.members]
    ss = [np.asarray(c.ss).reshape(1, -1) for c in eng.chi2s]
    cen = [np.zeros((1, c.nuisance_count)) for c in eng.chi2s]
    tmpl, grid = eng.tested(mass)
    st = np.asarray(eng.plane.evaluate(obs, ss, cen, tmpl, grid, float(g), kind == "plane", 1))
    return float(toy_statistic(st, kind)[0])


@dataclass(frozen=True)
class Coverage:
    """Coverage of the Wilks region at a true point (M, g)."""

    model: str
    dataset: str
    mass_MeV: float
    g: float
    toys: int
    seed: int
    statistic: str  #: "plane" (2-D) or "mass" (1-D at fixed M)
    wilks_level: float  #: Δχ² of the Wilks region
    covered: int  #: toys with t <= wilks_level
    fraction: float
    error: float  #: binomial standard error sqrt(p (1 - p) / n)
    interval_68: tuple[float, float]  #: Clopper-Pearson 68.27 % interval
    nominal: float  #: the CL the region claims
    t_critical: float  #: FC critical value at this point (same toys)
    t_critical_error: float = math.nan  #: its Monte-Carlo error (order statistics)

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["interval_68"] = list(self.interval_68)
        return d


def coverage(
    spec: EngineSpec,
    mass: float,
    g: float,
    n_toys: int,
    seed: int,
    runner: Runner,
    *,
    cl: str | float = "2sigma",
    dof: int = 2,
) -> Coverage:
    """Fraction of toys at (M, g) whose Wilks Δχ²(cl, dof) region contains (M, g)."""
    from scipy.stats import binomtest

    kind = STATISTICS.get(dof)
    if kind is None:
        raise InputError(f"dof must be 1 or 2, got {dof!r}")
    level = delta_chi2_threshold(cl, dof)
    (st,) = runner.statistics(
        spec, [(mass, g)], n_toys, seed, plane=kind == "plane", desc="coverage"
    )
    t = toy_statistic(st, kind)
    k = int(np.count_nonzero(t <= level))
    p = k / n_toys
    ci = binomtest(k, n_toys).proportion_ci(0.6827, method="exact")
    return Coverage(
        spec.model,
        spec.dataset,
        float(mass),
        float(g),
        int(n_toys),
        int(seed),
        kind,
        level,
        k,
        p,
        math.sqrt(p * (1.0 - p) / n_toys),
        (float(ci.low), float(ci.high)),
        parse_cl(cl),
        critical_value(t, cl),
        critical_value_error(t, cl),
    )


@dataclass(frozen=True)
class Edge:
    """One FC interval edge at a mass, found from its Wilks edge."""

    wilks_g: float
    g: float  #: NaN when no root was found (see ``status``)
    t_critical: float  #: t_c at g
    t_observed: float  #: t_obs at g (= t_c up to the root tolerance)
    evaluations: int  #: critical values computed
    #: "found"; "bridged": no root before the midpoint to the neighbouring interval
    #: (FC allows the gap); "closed": FC excludes the interval's own t_obs minimum
    #: (FC excludes the interval)
    status: str = "found"
    t_critical_error: float = math.nan  #: Monte-Carlo error of t_critical
    toys: int = 0  #: toys behind t_critical
    #: where the interval's t_obs minimum was tested (inward searches), its t_obs,
    #: t_c and t_c error
    probe: dict[str, float] = field(default_factory=dict)


@dataclass
class _EdgeSearch:
    spec: EngineSpec
    runner: Runner
    mass: float
    n_toys: int
    seed: int
    cl: str | float
    kind: str
    settings: FCSettings = field(default_factory=FCSettings)
    #: g -> (t_obs, t_c, t_c error, toys)
    cache: dict[float, tuple[float, float, float, int]] = field(default_factory=dict)

    def observed(self, g: float) -> float:
        """t_obs(g) of the real data."""
        return observed_statistic(self.spec, self.mass, g, self.kind)

    def critical(self, g: float) -> tuple[float, float, int]:
        """(t_c, its Monte-Carlo error, toys): ``n_toys`` toys, then batches of
        ``settings.min_toys`` more until the error is below ``settings.tolerance``."""
        t = np.empty(0)
        n_next, first = self.n_toys, 0
        while True:
            (st,) = self.runner.statistics(
                self.spec,
                [(self.mass, g)],
                n_next,
                self.seed,
                plane=self.kind == "plane",
                desc=f"t_c(g={g:.4g})",
                first_batch=first,
            )
            t = np.concatenate([t, toy_statistic(st, self.kind)])
            first += len(batches(n_next, self.runner.batch_size))
            tc, err = critical_value(t, self.cl), critical_value_error(t, self.cl)
            n_next = min(self.settings.min_toys, self.settings.max_toys - t.size)
            if err <= self.settings.tolerance or n_next <= 0:
                return tc, err, int(t.size)

    def h(self, g: float) -> float:
        """t_obs(g) − t_c(g) (> 0: excluded by FC)."""
        if g not in self.cache:
            tc, err, n = self.critical(g)
            self.cache[g] = (self.observed(g), tc, err, n)
        to, tc, _, _ = self.cache[g]
        return to - tc

    def interval_minimum(self, lo: float, hi: float) -> float:
        """g of the smallest t_obs in [lo, hi] (data only, no toys): a log-g grid
        refined by a bounded Brent search."""
        from scipy.optimize import minimize_scalar

        top = hi if math.isfinite(hi) else max(lo, 1e-12) * 1e3
        bottom = lo if lo > 0 else top * 1e-4
        grid = np.geomspace(bottom, top, 25)
        vals = [self.observed(float(x)) for x in grid]
        if lo <= 0:
            t0 = self.observed(0.0)
            if t0 <= min(vals):
                return 0.0
        k = int(np.argmin(vals))
        a, b = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
        if a == b:
            return float(grid[k])
        r = minimize_scalar(
            lambda x: self.observed(math.exp(x)),
            bounds=(math.log(a), math.log(b)),
            method="bounded",
            options={"xatol": 1e-4},
        )
        return float(math.exp(r.x)) if r.fun <= vals[k] else float(grid[k])

    def edge(
        self,
        wilks_g: float,
        g: float,
        n0: int,
        status: str = "found",
        probe: dict[str, float] | None = None,
    ) -> Edge:
        to, tc, err, n = self.cache.get(g, (math.nan, math.nan, math.nan, 0))
        return Edge(wilks_g, g, tc, to, len(self.cache) - n0, status, err, n, dict(probe or {}))


def _find_edge(
    s: _EdgeSearch,
    wilks_g: float,
    rising: bool,
    lo_limit: float,
    hi_limit: float,
    g_min: float | None = None,
) -> Edge:
    """Root of t_obs − t_c near the Wilks edge ``wilks_g`` within (lo_limit, hi_limit).

    ``rising``: t_obs increases with g through the edge (an upper edge of an interval).
    ``g_min``: where t_obs is smallest inside the edge's own interval. Where FC
    excludes the Wilks edge, the FC edge lies inside the interval: it is
    bracketed by ``g_min``, and the interval is closed only if FC excludes
    ``g_min`` too (without ``g_min``: stepped inward to ``lo_limit``/``hi_limit``,
    which can step over a narrow allowed core).
    """
    from scipy.optimize import brentq

    n0 = len(s.cache)
    h0 = s.h(wilks_g)

    def root(a: float, b: float, probe: dict[str, float] | None = None) -> Edge:
        a, b = sorted((a, b))
        # 1e-3 relative: well below the toys' own uncertainty on the edge
        r = brentq(s.h, a, b, xtol=1e-3 * max(a, 1e-300), rtol=1e-3)
        s.h(r)
        return s.edge(wilks_g, float(r), n0, probe=probe)

    if h0 >= 0 and g_min is not None:  # inward, bracketed by the interval's minimum
        hm = s.h(g_min)
        to, tc, err, n = s.cache[g_min]
        probe = {"g": g_min, "t_observed": to, "t_critical": tc, "t_critical_error": err}
        if hm >= 0:
            return s.edge(wilks_g, math.nan, n0, "closed", probe)
        return root(wilks_g, g_min, probe)
    # FC allows the Wilks edge (h < 0): the FC edge lies further out of the interval
    outward = (h0 < 0) == rising  # True: search upward in g
    step, g_prev, h_prev = 0.02, wilks_g, h0
    while True:
        g_new = wilks_g * math.exp(step if outward else -step)
        if (outward and g_new >= hi_limit) or (not outward and g_new <= lo_limit):
            status = "bridged" if outward == rising else "closed"
            return Edge(wilks_g, math.nan, math.nan, math.nan, len(s.cache) - n0, status)
        h_new = s.h(g_new)
        if (h_new > 0) != (h_prev > 0):
            return root(g_prev, g_new)
        g_prev, h_prev = g_new, h_new
        step *= 2.0


def fc_intervals(
    spec: EngineSpec,
    mass: float,
    wilks: Sequence[tuple[float, float]],
    n_toys: int,
    seed: int,
    runner: Runner,
    *,
    cl: str | float = "2sigma",
    dof: int = 2,
    settings: FCSettings | None = None,
    minima: Sequence[float] | None = None,
) -> tuple[list[tuple[float, float]], list[Edge]]:
    """FC allowed intervals of g at ``mass``, each edge root-found from a Wilks edge.

    The lower edge g = 0 of the first interval and an open upper end stay as they
    are. An edge that FC allows is moved outward; with no root before the midpoint
    (in log g) to the neighbouring Wilks edge it bridges the gap to the next
    interval. An edge that FC excludes is moved inward, bracketed by the g of the
    interval's smallest t_obs (``minima``, one per interval; located on the data
    when not given); the interval is dropped only when FC excludes that point.
    """
    kind = STATISTICS[dof]
    settings = settings or FCSettings()
    settings.check(n_toys)
    s = _EdgeSearch(spec, runner, float(mass), n_toys, seed, cl, kind, settings)
    flat = [x for iv in wilks for x in iv]
    edges: list[Edge] = []
    fc = list(flat)
    status = ["found"] * len(flat)
    g_min: list[float | None] = [None] * len(wilks)
    for i, gw in enumerate(flat):
        if gw <= 0.0 or not math.isfinite(gw):
            continue
        k = i // 2
        if g_min[k] is None:
            lo, hi = wilks[k]
            g_min[k] = float(minima[k]) if minima is not None else s.interval_minimum(lo, hi)
        rising = i % 2 == 1  # upper edge of an interval
        lo_limit = math.sqrt(gw * flat[i - 1]) if i > 0 and flat[i - 1] > 0 else gw * 1e-2
        hi_limit = (
            math.sqrt(gw * flat[i + 1])
            if i + 1 < len(flat) and math.isfinite(flat[i + 1])
            else gw * 1e2
        )
        e = _find_edge(s, gw, rising, lo_limit, hi_limit, g_min[k])
        edges.append(e)
        fc[i] = e.g
        status[i] = e.status
    return _assemble(fc, status), edges


def _assemble(fc: list[float], status: list[str]) -> list[tuple[float, float]]:
    """FC intervals from the edges [lo0, hi0, lo1, hi1, ...] and their statuses."""
    kept = [k for k in range(0, len(fc), 2) if status[k] != "closed" and status[k + 1] != "closed"]
    out: list[tuple[float, float]] = []
    lo = None
    for j, k in enumerate(kept):
        lo = fc[k] if lo is None else lo
        bridged = status[k + 1] == "bridged" or (
            j + 1 < len(kept) and status[kept[j + 1]] == "bridged"
        )
        if bridged and j + 1 < len(kept):
            continue  # the gap to the next kept interval is allowed
        out.append((lo, fc[k + 1]))
        lo = None
    return out


@dataclass(frozen=True)
class FCLimit:
    """Feldman-Cousins Table 2 entry of one model and data set (beside the Wilks one)."""

    model: str
    dataset: str
    toys: int
    seed: int
    cl: str | float
    statistic: str
    g_low: float
    g_over_M_high: float
    g_low_lowest_edge: float
    g_low_envelope_top: float
    g_over_M_high_lowest_edge: float
    g_over_M_high_envelope_top: float
    critical_values: dict[str, float]  #: t_c at the chosen g_low and g_over_M_high
    edges: dict[str, list[dict[str, float]]]
    wilks: dict[str, Any]
    method: str = "feldman-cousins"
    #: Monte-Carlo errors of ``critical_values`` (order statistics)
    critical_value_errors: dict[str, float] = field(default_factory=dict)
    #: toys behind each of ``critical_values``
    toys_used: dict[str, int] = field(default_factory=dict)
    #: the toy settings: min_toys, tc_tolerance, max_toys
    settings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _critical_at(bound: Bound, edges: list[Edge]) -> Edge | None:
    for e in edges:
        if e.g == bound.value:
            return e
    return None


def fc_limit(
    model: str,
    dataset: str,
    n_toys: int,
    seed: int,
    runner: Runner,
    *,
    cl: str | float = "2sigma",
    dof: int = 2,
    data_dir: Any = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    experiments: Mapping[str, Any] | None = None,
    settings: FCSettings | None = None,
) -> FCLimit:
    """FC Table 2 bounds (g at `M_LOW_MEV`, g/M at `M_HIGH_MEV`) from ``n_toys`` per point
    (more where t_c's Monte-Carlo error exceeds ``settings.tolerance``)."""
    if dof not in STATISTICS:
        raise InputError(f"dof must be 1 or 2, got {dof!r}")
    settings = settings or FCSettings()
    settings.check(n_toys)
    spec = EngineSpec.of(model, dataset, *_spec_args(data_dir, options))
    from .regions import flags_from, sm_region_flags
    from .scan import ModelFit, profile_coupling

    # one fit for the Wilks row and the FC edges: the plane's minimum is computed once
    fit = ModelFit(model, dataset, experiments=experiments, data_dir=data_dir)
    wl = _limit_of(fit, dataset, cl, dof, M_LOW_MEV, M_HIGH_MEV)
    level = wl.chi2_min + wl.delta_chi2
    res: dict[str, tuple[Bound, list[Edge]]] = {}
    masses = {"low": M_LOW_MEV, "high": M_HIGH_MEV}
    wilks, minima = {}, {}
    for name, mass in masses.items():
        c, prof = profile_coupling(fit, mass)
        wilks[name] = [(float(a), float(b)) for a, b in c.allowed(prof, level)]
        minima[name] = [_minimum_in(prof, a, b) for a, b in wilks[name]]
    # which Wilks intervals lie in the SM's connected region (limits.table2_bound);
    # the FC intervals inherit it by overlap: the plane's connectivity is the Wilks scan's
    flags = {k: [True] * len(v) for k, v in wilks.items()}
    if any(len(v) > 1 for v in wilks.values()):
        found = sm_region_flags(fit, level, list(masses.values()))
        flags = {k: flags_from(r, f, wilks[k]) for k, (r, f) in zip(masses, found)}
    for name, mass in masses.items():
        ivs, edges = fc_intervals(
            spec, mass, wilks[name], n_toys, seed, runner, cl=cl, dof=dof,
            settings=settings, minima=minima[name],
        )  # fmt: skip
        res[name] = (table2_bound(ivs, flags_from(wilks[name], flags[name], ivs)), edges)
    gev = M_HIGH_MEV * 1e-3
    low, high = res["low"][0], res["high"][0]
    at = {
        "g_low": _critical_at(low, res["low"][1]),
        "g_over_M_high": _critical_at(high, res["high"][1]),
    }
    return FCLimit(
        model,
        dataset,
        int(n_toys),
        int(seed),
        cl,
        STATISTICS[dof],
        low.value,
        high.value / gev,
        low.lowest_edge,
        low.envelope_top,
        high.lowest_edge / gev,
        high.envelope_top / gev,
        {k: (e.t_critical if e else math.nan) for k, e in at.items()},
        {k: [dict(e.__dict__) for e in v[1]] for k, v in res.items()},
        wl.to_dict(),
        critical_value_errors={k: (e.t_critical_error if e else math.nan) for k, e in at.items()},
        toys_used={k: (e.toys if e else 0) for k, e in at.items()},
        settings={
            "min_toys": settings.min_toys,
            "tc_tolerance": settings.tolerance,
            "max_toys": settings.max_toys,
        },
    )


def _minimum_in(prof: Any, lo: float, hi: float) -> float:
    """g of the data's smallest χ² in [lo, hi] from a `CouplingChi2.profile`: its grid
    and refined local minima (the smallest t_obs of the interval)."""
    pts = [(float(c), float(g)) for g, c in zip(prof.g, prof.chi2) if lo <= g <= hi]
    pts += [
        (float(c), float(g)) for g, c in np.asarray(prof.minima).reshape(-1, 2) if lo <= g <= hi
    ]
    if not pts:
        return math.sqrt(lo * hi) if lo > 0 and math.isfinite(hi) else lo
    return min(pts)[1]


def _spec_args(
    data_dir: Any, options: Mapping[str, Mapping[str, Any]] | None
) -> tuple[Any, dict[str, dict[str, Any]]]:
    return (None if data_dir is None else str(data_dir)), {
        k: dict(v) for k, v in (options or {}).items()
    }


def fc_limit_run(
    model: str,
    dataset: str,
    n_toys: int,
    seed: int,
    *,
    cl: str | float = "2sigma",
    dof: int = 2,
    workers: int | None = None,
    scheduler: str | None = None,
    data_dir: Any = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    experiments: Mapping[str, Any] | None = None,
    progress: bool = False,
    settings: FCSettings | None = None,
) -> FCLimit:
    """`fc_limit` on a runner made from ``workers`` / ``scheduler`` (`cevns.distributed.runner`)."""
    from .distributed import runner

    _check_toys(n_toys, seed)
    (settings or FCSettings()).check(n_toys)
    with runner(workers, scheduler, progress=progress) as r:
        return fc_limit(
            model, dataset, n_toys, seed, r, cl=cl, dof=dof, data_dir=data_dir,
            options=options, experiments=experiments, settings=settings,
        )  # fmt: skip


def coverage_run(
    model: str,
    dataset: str,
    mass: float,
    g: float,
    n_toys: int,
    seed: int,
    *,
    cl: str | float = "2sigma",
    dof: int = 2,
    workers: int | None = None,
    scheduler: str | None = None,
    data_dir: Any = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    progress: bool = False,
) -> Coverage:
    """`coverage` on a runner made from ``workers`` / ``scheduler``."""
    from .distributed import runner
    from .models import get_model
    from .scan import check_couplings, check_masses

    get_model(model)
    check_masses([mass])
    check_couplings([g])
    _check_toys(n_toys, seed)
    spec = EngineSpec.of(model, dataset, *_spec_args(data_dir, options))
    with runner(workers, scheduler, progress=progress) as r:
        return coverage(spec, mass, g, n_toys, seed, r, cl=cl, dof=dof)


def _check_toys(n_toys: int, seed: int) -> None:
    if n_toys < 1:
        raise InputError(f"toys must be >= 1, got {n_toys}")
    if seed < 0:
        raise InputError(f"seed must be >= 0, got {seed}")


def fc_scan(
    model: str,
    dataset: str,
    masses: Sequence[float],
    n_toys: int,
    seed: int,
    runner: Runner,
    *,
    couplings: Sequence[float] | None = None,
    cl: str | float = "2sigma",
    dof: int = 2,
    data_dir: Any = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    experiments: Mapping[str, Any] | None = None,
    settings: FCSettings | None = None,
) -> Any:
    """FC allowed regions on a mass grid (FC contours).

    `cevns.scan.scan` gives the Wilks intervals at each mass; every edge is moved to
    its FC root (`fc_intervals`). Returns the `ScanResult` with the FC intervals in
    place of the Wilks ones, so ``.contours()`` draws the FC contours and
    ``.lowest_edge()`` the FC exclusion line (the χ² grid is the data's, unchanged).
    Costs one critical value (``n_toys`` toys) per root-finding step and edge.
    """
    from dataclasses import replace

    from .scan import ModelFit, check_masses, scan

    if dof not in STATISTICS:
        raise InputError(f"dof must be 1 or 2, got {dof!r}")
    m = check_masses(masses)
    fit = ModelFit(model, dataset, experiments=experiments, data_dir=data_dir)
    if couplings is None:
        g = np.geomspace(fit.coupling_grid(m[0])[0], fit.coupling_grid(m[-1])[-1], 400)
    else:
        g = np.asarray(couplings, dtype=float)
    res = scan(fit.model, dataset, m, g, cl=cl, dof=dof, fit=fit)
    spec = EngineSpec.of(model, dataset, *_spec_args(data_dir, options))
    fc = [
        fc_intervals(
            spec, float(mass), iv, n_toys, seed, runner, cl=cl, dof=dof, settings=settings
        )[0]
        for mass, iv in zip(res.masses_MeV, res.intervals)
    ]
    return replace(res, intervals=[[(float(a), float(b)) for a, b in iv] for iv in fc])
