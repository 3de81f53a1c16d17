"""COHERENT CsI[Na] 2021 data set (PRL 129 (2022) 081801) as an `Experiment`.

Detector model from ../shared/docs/analysis-inputs.md ("CsI detector model"):
14.6 kg CsI, r = 0.0848 ν/flavour/POT, N_POT = 3.198e23, L = 19.3 m; quenching
polynomial and energy efficiency eps_E(x) from the release, times the timing
efficiency eps_T(t) (README, "CsI timing efficiency"); 13.35 PE/keVee;
gamma-distributed PE resolution; 9 PE × 11 time bins in the region PE < 60,
0 ≤ t < 6 µs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _core
from ..data import data_path, load_csi_coefficients, load_csi_events, load_csi_shape
from ..errors import InputError
from .base import Experiment, IgnoredEvents, histogram2d
from .common import number_of_nuclei, time_fractions

ENERGY_EDGES_PE = np.array([0, 8, 12, 16, 20, 24, 32, 40, 50, 60], dtype=float)
TIME_EDGES_US = np.array([0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1, 2, 4, 6])

#: Defaults of the detector model (analysis-inputs.md).
DEFAULTS: dict[str, Any] = {
    "detector_mass_kg": 14.6,
    "molar_mass_g_per_mol": 259.8,
    "nu_per_pot": 0.0848,
    "n_pot": 3.198e23,
    "baseline_m": 19.3,
    # mean reconstructed PE = light yield x E_ee (the release's gamma a = 0.0749/E_ee
    # is 1/(13.35 E_ee)); the relative width is 1/sqrt(1 + resolution_b E_ee)
    "light_yield_pe_per_keVee": 13.35,
    "resolution_b": 9.56,
    "quenching": "nominal",
    "efficiency": "nominal",
    "pot_mean_us": 0.440,
    "pot_sigma_us": 0.150,
    # eps_T(t): 1 before 0.52 us, exp(-0.0494/us (t - 0.52 us)) after ("exponential",
    # the time factor of the release's eps_E(x) eps_T(t); "2017" is an alias) or "none".
    "timing_efficiency": "exponential",
    "time_convention": "window",
    "form_factor": "helm",
    "brn_events": 18.4,
    "nin_events": 5.6,
    "panels_per_segment": 12,
}

#: Timing efficiency eps_T: (t0 [us], decay rate [1/us]); "2017" names the same curve
#: by the release (COHERENT 2017) that first wrote it down.
TIMING_EFFICIENCIES = {"none": (0.0, 0.0), "exponential": (0.52, 0.0494), "2017": (0.52, 0.0494)}

FILES = {
    "data_c": "csi2021/dataBeamOnC.txt",
    "data_ac": "csi2021/dataBeamOnAC.txt",
    "brn_pe": "csi2021/brnPE.txt",
    "brn_t": "csi2021/brnTrec.txt",
    "nin_pe": "csi2021/ninPE.txt",
    "nin_t": "csi2021/ninTrec.txt",
    "efficiency": "csi2021/effCoefficients.txt",
    "quenching": "csi2021/scintRespCoefficients.txt",
}


def _shape_template(pe_file: str, t_file: str, total: float, data_dir: Any) -> np.ndarray:
    """A background factorised in PE × time from its 1-D shapes, normalised to `total`
    events inside the analysis region (the shapes are given as uncorrelated)."""
    pe_c, pe_v = load_csi_shape(data_path(pe_file, data_dir))
    t_c, t_v = load_csi_shape(data_path(t_file, data_dir))
    pe_h = np.histogram(pe_c, bins=ENERGY_EDGES_PE, weights=pe_v)[0]
    t_h = np.histogram(t_c, bins=TIME_EDGES_US, weights=t_v)[0]
    if pe_h.sum() <= 0 or t_h.sum() <= 0:
        raise InputError(f"{pe_file}/{t_file}: no weight inside the analysis region")
    return total * np.outer(pe_h / pe_h.sum(), t_h / t_h.sum())


def build(data_dir: Any = None, **options: Any) -> Experiment:
    """Build the CsI 2021 experiment; keyword options override `DEFAULTS`."""
    unknown = set(options) - set(DEFAULTS)
    if unknown:
        raise InputError(
            f"unknown csi2021 option(s) {sorted(unknown)}; accepted: {sorted(DEFAULTS)}"
        )
    s = {**DEFAULTS, **options}
    if s["timing_efficiency"] not in TIMING_EFFICIENCIES:
        raise InputError(
            f"timing_efficiency must be one of {sorted(TIMING_EFFICIENCIES)}, "
            f"got {s['timing_efficiency']!r}"
        )

    paths = {k: data_path(v, data_dir) for k, v in FILES.items()}
    qf = load_csi_coefficients(paths["quenching"])
    eff = load_csi_coefficients(paths["efficiency"])
    if s["quenching"] not in qf:
        raise InputError(f"quenching must be one of {sorted(qf)}, got {s['quenching']!r}")
    if s["efficiency"] not in eff:
        raise InputError(f"efficiency must be one of {sorted(eff)}, got {s['efficiency']!r}")

    response = _core.CsIResponse(
        [float(v) for v in qf[s["quenching"]]],
        s["light_yield_pe_per_keVee"],
        s["resolution_b"],
        [float(v) for v in eff[s["efficiency"]]],
    )
    n_pairs = number_of_nuclei(s["detector_mass_kg"], s["molar_mass_g_per_mol"])
    targets = [(_core.cesium133(), n_pairs), (_core.iodine127(), n_pairs)]
    eta = _core.flux_normalisation(s["nu_per_pot"], s["n_pot"], s["baseline_m"])
    timing = _core.BeamTiming(s["pot_mean_us"], s["pot_sigma_us"])
    t0, rate_t = TIMING_EFFICIENCIES[s["timing_efficiency"]]
    fractions = time_fractions(TIME_EDGES_US, timing, s["time_convention"], t0, rate_t)
    engine = _core.BinnedRate(
        targets,
        eta,
        response,
        ENERGY_EDGES_PE.tolist(),
        fractions,
        s["form_factor"],
        int(s["panels_per_segment"]),
    )

    pe_c, t_c = load_csi_events(paths["data_c"])
    pe_ac, t_ac = load_csi_events(paths["data_ac"])
    observed = histogram2d(pe_c, t_c, ENERGY_EDGES_PE, TIME_EDGES_US)
    ss = histogram2d(pe_ac, t_ac, ENERGY_EDGES_PE, TIME_EDGES_US)
    backgrounds = {
        "brn": _shape_template(FILES["brn_pe"], FILES["brn_t"], s["brn_events"], data_dir),
        "nin": _shape_template(FILES["nin_pe"], FILES["nin_t"], s["nin_events"], data_dir),
        "ss": ss,
    }
    ignored = [
        IgnoredEvents(FILES["data_c"], int(pe_c.size), int(observed.sum())),
        IgnoredEvents(FILES["data_ac"], int(pe_ac.size), int(ss.sum())),
    ]
    return Experiment(
        name="csi2021",
        energy_unit="PE",
        energy_edges=ENERGY_EDGES_PE.copy(),
        time_edges=TIME_EDGES_US.copy(),
        observed=observed,
        backgrounds=backgrounds,
        rate=engine,
        settings=s,
        data_files={k: str(v) for k, v in FILES.items()},
        ignored_events=ignored,
    )
