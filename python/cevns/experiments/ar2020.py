"""COHERENT CENNS-10 liquid argon, Analysis A (Zenodo 3903810), built by the C++ core.

Detector model from ../shared/docs/analysis-inputs.md ("Ar detector model") and
the release's ``LArParametersAnlA.yaml``: 24.4 kg of ⁴⁰Ar, 0.09 ν/flavour/POT,
13.8e22 POT, 27.5 m; QF = 0.246 + 0.00078 T[keVnr]; σ/E = 0.58/√(E/keVee);
tabulated efficiency; 12 energy bins of 10 keVee × 10 time bins of 0.5 µs from
−0.1 µs, summed over F90 (eq. 7-9). The options, their defaults and ranges are
the core's option table (``cevns.experiments.option_table("ar2020")``); a default
of None is resolved at load time from the exposure preset or the release.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import defaults

__all__ = ["DEFAULTS"]


#: Defaults of the detector model (read-only; from the core's option table).
DEFAULTS: Mapping[str, Any] = defaults("ar2020")
