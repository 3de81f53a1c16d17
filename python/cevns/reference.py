"""Published numbers the package is validated against, each with its source.

Only what the paper in ``../shared/paper/`` prints: the universal and B−L rows of
its Table 2 (M. Atzori Corona et al., "Probing light mediators and (g−2)_μ through
detection of coherent elastic neutrino nucleus scattering at COHERENT"). The other
rows are withheld from the shared copy on purpose; nothing here is tuned to them.
"""

from __future__ import annotations

__all__ = ["PAPER_TABLE2"]


#: Table 2: 2σ upper bounds (g at low M, g/M at high M in GeV⁻¹) per (model, data set).
PAPER_TABLE2: dict[tuple[str, str], tuple[float, float]] = {
    ("universal", "ar2020"): (3.91e-5, 0.82e-3),
    ("universal", "csi2021"): (2.36e-5, 0.53e-3),
    ("universal", "combined"): (2.07e-5, 0.48e-3),
    ("B-L", "ar2020"): (5.35e-5, 1.67e-3),
    ("B-L", "csi2021"): (5.27e-5, 1.00e-3),
    ("B-L", "combined"): (4.42e-5, 0.99e-3),
}
