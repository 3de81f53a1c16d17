"""Read the 2024 XENONnT ⁸B analysis' own templates (validation only, never shipped).

``../shared/data/xenonnt-2024`` holds the templates of the collaboration's light-WIMP
release (XENONnT/light_wimp_data_release, commit a09cd8f; no licence file), with
which PRL 133 (2024) 191002 was made. Tests read them in place with h5py and feed
them to the core's :class:`cevns._core.XenonChi2` (one signal input: the ⁸B
template times the exposure, so the input is the ⁸B rate multiplier).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: livetime × mass [t·yr] of the published analysis (statistical_model_base.yaml).
EXPOSURE = {"sr0": 1.174398, "sr1": 2.342593}
#: relative uncertainty of the AC rate per science run (same file).
SIGMA_AC = {"sr0": 0.0904, "sr1": 0.0576}
GRID = range(-3, 4)


def template(path: Path) -> np.ndarray:
    """The 81 values of one template, flattened in C order."""
    import h5py

    with h5py.File(path, "r") as handle:
        return np.asarray(handle["templates/template"][()], dtype=float).reshape(-1)


def grid(folder: Path, sr: str, comp: str) -> np.ndarray:
    """A component on the 7×7 (t_ly, t_qy) grid: shape (49, 81), g = (t_ly+3)*7 + t_qy+3."""
    rows = [
        template(folder / comp / f"template_XENONnT_{sr}_{comp}_cevns_tly_{t:.1f}_tqy_{q:.1f}.h5")
        for t in GRID
        for q in GRID
    ]
    return np.array(rows)


def observed(release: Path, sr: str) -> np.ndarray:
    """Events of the 2026 release's ``data/sr*.csv`` in the 81 bins, binned by the core."""
    from cevns import _core

    return _core.xenonnt_observed(
        str(release / "data" / f"{sr}.csv"), str(release / "binning" / f"{sr}.yaml")
    )


def runs(folder: Path, release: Path):
    """The :class:`cevns._core.XenonRun` of SR0 and SR1 built from the 2024 templates."""
    from cevns import _core

    out = []
    for sr, exposure in EXPOSURE.items():
        out.append(
            _core.XenonRun(
                sr,
                observed(release, sr),
                exposure * template(folder / "ac" / f"template_XENONnT_{sr}_ac_cevns.h5"),
                exposure * template(folder / "er" / f"template_XENONnT_{sr}_er_cevns.h5"),
                exposure * grid(folder, sr, "rg"),
                exposure * grid(folder, sr, "b8"),
                SIGMA_AC[sr],
            )
        )
    return out
