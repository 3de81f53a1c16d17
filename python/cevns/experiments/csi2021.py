"""COHERENT CsI[Na] 2021 data set (PRL 129 (2022) 081801), built by the C++ core.

Detector model from ../shared/docs/analysis-inputs.md ("CsI detector model"):
14.6 kg CsI, r = 0.0848 ν/flavour/POT, N_POT = 3.198e23, L = 19.3 m; quenching
polynomial and energy efficiency eps_E(x) from the release, times the timing
efficiency eps_T(t); 13.35 PE/keVee; gamma-distributed PE resolution; 9 PE × 11
time bins in the region PE < 60, 0 ≤ t < 6 µs. The options, their defaults and
ranges are the core's option table (``cevns.experiments.option_table("csi2021")``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import defaults

__all__ = ["DEFAULTS"]


#: Defaults of the detector model (read-only; from the core's option table).
DEFAULTS: Mapping[str, Any] = defaults("csi2021")
