"""How to cite the COHERENT data releases that cevns reads (``cevns data cite``).

The citations, sources and licence statements come from the data registry
(``data/registry.json``); the releases themselves are never redistributed with
cevns. How to cite cevns and the paper it reproduces is in ``CITATION.cff``.
"""

from __future__ import annotations

from collections.abc import Iterable

from .registry import Registry, as_dataset_list, load_registry

__all__ = ["PAPER", "citations"]


#: The paper whose analysis cevns reproduces (cite it with the data).
PAPER = (
    "M. Atzori Corona, M. Cadeddu, N. Cargioli, F. Dordei, C. Giunti, Y.F. Li, E. Picciau, "
    "C.A. Ternes and Y.Y. Zhang, Probing light mediators and (g-2)_mu through detection of "
    "coherent elastic neutrino nucleus scattering at COHERENT, JHEP 05 (2022) 109, "
    "doi:10.1007/JHEP05(2022)109, arXiv:2202.11002 [hep-ph]"
)


def citations(datasets: Iterable[str] | None = None, registry: Registry | None = None) -> str:
    """The citations, sources and licences of data releases, as text.

    Parameters
    ----------
    datasets : iterable of str, optional
        Dataset names (``"csi2021"``, ``"ar2020"``); all registered ones when None
        (the combined analysis reads both).
    registry : Registry, optional
        The registry to read; the installed ``registry.json`` when None.

    Returns
    -------
    str
        One block per dataset (title, how to cite it, source, DOI, licence),
        then the paper cevns reproduces.

    Raises
    ------
    cevns.errors.InputError
        For an unknown dataset name.

    Examples
    --------
    >>> from cevns.data import citations
    >>> print(citations(["ar2020"]))  # doctest: +ELLIPSIS
    ar2020: COHERENT Collaboration data release from the first detection ...
    """
    reg = registry if registry is not None else load_registry()
    names = as_dataset_list(datasets)
    reg.select(names)  # raises InputError naming the known datasets for an unknown one
    blocks = []
    for name in names if names is not None else sorted(reg.datasets):
        ds = reg.datasets[name]
        lines = [f"{name}: {ds.title}", "  cite:"]
        lines += [f"    - {c}" for c in ds.citation]
        lines.append(f"  source: {ds.source}")
        if ds.doi:
            lines.append(f"  doi: {ds.doi}")
        lines.append(f"  licence: {ds.licence}")
        blocks.append("\n".join(lines))
    blocks.append(
        "The analysis cevns reproduces (cite it, and cevns itself: see CITATION.cff):\n"
        f"    - {PAPER}"
    )
    return "\n\n".join(blocks)
