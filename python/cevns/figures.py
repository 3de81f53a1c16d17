"""Write every figure of the paper (Figs. 1-8) and the data/prediction spectra to files.

``make_figures(out_dir)`` is what ``cevns figures`` runs. The exclusion scans
(Figs. 4-8) go through the on-disk cache of :func:`cevns.figure_data.cached_scan`,
so a second run only redraws.

Files (``<name>.<format>``):

=====================  ===============================================================
``fig1_ar``            Fig. 1a, c: dN/dT_nr, Ar, tree-level models | L_α − L_β models
``fig1_csi``           Fig. 1b, d: the same for CsI
``fig2``               Fig. 2: ε_βα(|q|), eq. (29)
``fig3_ar``            Fig. 3a: scalar, g̃ = 1e-4, M = 50 MeV, Ar
``fig3_csi``           Fig. 3b: the same for CsI
``fig4_universal``     Fig. 4
``fig5_<model>``       Fig. 5: B-L, By+Lmu+Ltau
``fig6_<model>``       Fig. 6: B-3Le, B-3Lmu
``fig7_<model>``       Fig. 7: B-2Le-Lmu, B-Le-2Lmu
``fig8_<model>``       Fig. 8: Le-Ltau, Le-Lmu, Lmu-Ltau, scalar
``spectra_csi``        CsI data vs SM prediction (best-fit nuisances): energy | time
``spectra_ar``         Ar data vs SM prediction: energy | time
``profile_sin2w``      Δχ² of sin²θ_W, CsI+Ar (``cevns fit --param sin2w``)
``nsi_ee``             1σ / 90 % / 2σ contours of (ε^{uV}_ee, ε^{dV}_ee), CsI+Ar
``xenon_recoil``       XENONnT: the ⁸B recoil spectrum on xenon, SM and B−L | detected
``xenon_projections``  XENONnT: data vs fitted components on the 4 observables, per run
``alldata_B-L``        B−L 2σ exclusion on Ar, CsI, XENONnT and CsI+Ar+XENONnT
=====================  ===============================================================

The last three (group ``xenon``) need the XENONnT and solar releases; when they are
missing, drawing everything (no ``only``) skips them with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Callable

import numpy as np

from . import _core
from .datasets import EXPERIMENTS, PAPER_ORDER
from .errors import InputError
from .figure_data import (
    ALL_DATA_FIGURES,
    DEFAULT_MASSES_MEV,
    DEFAULT_N_COUPLINGS,
    EXCLUSION_FIGURES,
    default_couplings,
    exclusion_data,
    fig1_data,
    fig2_data,
    fig3_data,
    spectra_data,
    xenon_projections_data,
    xenon_recoil_data,
)

__all__ = [
    "FORMATS",
    "GROUPS",
    "PAPER_EXPERIMENTS",
    "PHYSICS_FIGURES",
    "figure_names",
    "make_figures",
]


log = logging.getLogger(__name__)

#: Groups accepted by ``only`` (a group selects all its files; a file name selects one).
GROUPS = (
    "fig1", "fig2", "fig3", "fig4", "fig5", "fig6", "fig7", "fig8", "spectra", "physics",
    "xenon",
)  # fmt: skip
#: Beyond the paper: physics-parameter profiles on the same data (group ``physics``).
PHYSICS_FIGURES = {"profile_sin2w": ("sin2w",), "nsi_ee": ("eps_u_ee", "eps_d_ee")}
FORMATS = ("png", "pdf", "svg")
#: Beyond the paper, on the XENONnT data (group ``xenon``).
XENON_FIGURES = ("xenon_recoil", "xenon_projections", *(f"alldata_{m}" for m in ALL_DATA_FIGURES))


def _short(experiment: str) -> str:
    """The file-name tag of an experiment: its label in lower case (``csi``, ``ar``)."""
    return str(_core.experiment_definition(experiment).label).lower()


#: The experiments of the paper's per-experiment figures (Figs. 1, 3, spectra), Ar first.
PAPER_EXPERIMENTS = tuple(d for d in PAPER_ORDER if d in EXPERIMENTS)


def figure_names() -> list[str]:
    """Every file stem :func:`make_figures` can write, in order."""
    names = ["fig1_ar", "fig1_csi", "fig2", "fig3_ar", "fig3_csi"]
    names += [f"{fig}_{m}" for fig, models in EXCLUSION_FIGURES.items() for m in models]
    return names + ["spectra_csi", "spectra_ar", *PHYSICS_FIGURES, *XENON_FIGURES]


def _select(only: Iterable[str] | None) -> list[str]:
    names = figure_names()
    if only is None:
        return names
    wanted = [s.strip() for s in only if s and s.strip()]
    chosen: list[str] = []
    for w in wanted:
        if w in names:
            hits = [w]
        elif w == "physics":
            hits = list(PHYSICS_FIGURES)
        elif w == "xenon":
            hits = list(XENON_FIGURES)
        elif w in GROUPS:
            hits = [n for n in names if n == w or n.startswith(w + "_")]
        else:
            raise InputError(
                f"unknown figure {w!r}; accepted: {', '.join(GROUPS)} or a file "
                f"name: {', '.join(names)}"
            )
        chosen += [h for h in hits if h not in chosen]
    return [n for n in names if n in chosen]


def make_figures(
    out_dir: Any,
    only: Iterable[str] | None = None,
    formats: Sequence[str] = ("png", "pdf"),
    progress: bool = False,
    *,
    data_dir: Any = None,
    cache_dir: Any = None,
    cache: bool = True,
    masses: Iterable[float] | None = None,
    n_couplings: int = DEFAULT_N_COUPLINGS,
    dpi: float | None = None,
    overlay_csv: Any = None,
    experiments: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Draw the paper's figures and write them to ``out_dir``.

    Parameters
    ----------
    out_dir : path-like
        Created if missing.
    only : iterable of str, optional
        Groups (``fig1`` … ``fig8``, ``spectra``) or file names (``fig5_B-L``); default all.
    formats : sequence of str
        File formats (``png``, ``pdf``, ``svg``).
    progress : bool
        tqdm progress bar on stderr.
    data_dir : path-like, optional
        COHERENT data directory.
    cache_dir : path-like, optional
        Scan cache (default ``$CEVNS_CACHE_DIR`` or the per-user cache directory).
    cache : bool
        Use the scan cache.
    masses : array_like, optional
        Mass grid of the exclusion scans [MeV] (default 61 log points, 10 keV - 10 GeV).
    n_couplings : int
        Couplings of each exclusion scan (log grid per model kind).
    dpi : float, optional
        Resolution of raster formats (default: the house style's 150).
    overlay_csv : path-like, optional
        Extra limit curves drawn on every exclusion plot (see
        :func:`cevns.plots.plot_exclusion`).
    experiments : mapping, optional
        Already built experiments by name (e.g. with non-default detector options);
        the others are built with the defaults when a figure needs them.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    from .extras import require

    require("matplotlib", "plot", "cevns figures")
    fmts = _check_formats(formats)
    names = _select(only)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    figures = _Figures(
        experiments,
        data_dir,
        DEFAULT_MASSES_MEV if masses is None else np.asarray(masses, dtype=float),
        n_couplings,
        cache=cache,
        cache_dir=cache_dir,
        overlay_csv=overlay_csv,
    )
    if only is None and not figures.has_xenon():
        log.warning(
            "skipping %s: no XENONnT/solar data in the data directory (cevns data fetch)",
            ", ".join(XENON_FIGURES),
        )
        names = [n for n in names if n not in XENON_FIGURES]
    return _write(names, figures.jobs(), out, fmts, dpi, progress)


def _check_formats(formats: Sequence[str]) -> list[str]:
    """The file formats, normalised (``.PNG`` -> ``png``); InputError on an unknown one."""
    fmts = [f.strip().lower().lstrip(".") for f in formats if f and f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise InputError(f"unknown format(s) {bad or formats!r}; accepted: {', '.join(FORMATS)}")
    return fmts


def _write(
    names: Sequence[str],
    jobs: Mapping[str, Callable[[], Any]],
    out: Path,
    fmts: Sequence[str],
    dpi: float | None,
    progress: bool,
) -> list[Path]:
    """Draw each named figure in the house style and save it in every format."""
    from .plots import style

    it: Any = names
    if progress:
        from tqdm import tqdm

        it = tqdm(names, desc="figures", unit="fig")
    written: list[Path] = []
    for name in it:
        log.info("drawing %s", name)
        with style():
            fig = jobs[name]()
            fig.tight_layout()
            for f in fmts:
                path = out / f"{name}.{f}"
                kw = {"dpi": dpi} if dpi is not None and f != "pdf" else {}
                fig.savefig(path, **kw)
                written.append(path)
    return written


class _Figures:
    """Draws each figure (one method per kind); builds the experiments once, when needed."""

    def __init__(
        self,
        experiments: Mapping[str, Any] | None,
        data_dir: Any,
        masses: np.ndarray,
        n_couplings: int,
        *,
        cache: bool,
        cache_dir: Any,
        overlay_csv: Any,
    ) -> None:
        self.exps: dict[str, Any] = dict(experiments or {})
        self.data_dir = data_dir
        self.masses = masses
        self.n_couplings = n_couplings
        self.cache = cache
        self.cache_dir = cache_dir
        self.overlay_csv = overlay_csv

    def jobs(self) -> dict[str, Callable[[], Any]]:
        """Every file stem -> the call that draws it."""
        from functools import partial

        jobs: dict[str, Callable[[], Any]] = {"fig2": self.fig2}
        for stem, params in PHYSICS_FIGURES.items():
            jobs[stem] = partial(self.physics, params)
        for e in PAPER_EXPERIMENTS:  # Ar before CsI, as in the paper
            jobs[f"fig1_{_short(e)}"] = partial(self.fig1, e)
            jobs[f"fig3_{_short(e)}"] = partial(self.fig3, e)
            jobs[f"spectra_{_short(e)}"] = partial(self.spectra, e)
        for figname, models in EXCLUSION_FIGURES.items():
            for model in models:
                jobs[f"{figname}_{model}"] = partial(self.exclusion, model)
        jobs["xenon_recoil"] = self.xenon_recoil
        jobs["xenon_projections"] = self.xenon_projections
        for model, datasets in ALL_DATA_FIGURES.items():
            jobs[f"alldata_{model}"] = partial(self.exclusion, model, datasets)
        return jobs

    def has_xenon(self) -> bool:
        """Whether the XENONnT experiment loads (its releases are in the data directory)."""
        from .errors import MissingDataError

        try:
            self.experiment("xenonnt")
        except MissingDataError:
            return False
        return True

    def experiment(self, name: str) -> Any:
        if name not in self.exps:
            from .experiments import experiment

            self.exps[name] = experiment(name, self.data_dir)
        return self.exps[name]

    def both(self) -> dict[str, Any]:
        return {n: self.experiment(n) for n in PAPER_EXPERIMENTS[::-1]}  # csi2021, ar2020

    @staticmethod
    def _side_by_side(plot: Any, data: Any, key: str, values: tuple[str, str]) -> Any:
        """``data`` drawn twice side by side: ``plot(data, ax=..., key=value)`` per panel."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10.0, 3.9))
        for ax, value in zip(fig.subplots(1, 2), values):
            plot(data, ax=ax, **{key: value})
        return fig

    def fig1(self, name: str) -> Any:
        from .plots import plot_fig1

        return self._side_by_side(
            plot_fig1, fig1_data(self.experiment(name)), "panel", ("tree", "loop")
        )

    def fig2(self) -> Any:
        from matplotlib.figure import Figure

        from .plots import plot_fig2

        fig = Figure()
        plot_fig2(fig2_data(), ax=fig.subplots())
        return fig

    def fig3(self, name: str) -> Any:
        from matplotlib.figure import Figure

        from .plots import plot_fig3

        fig = Figure()
        plot_fig3(fig3_data(self.experiment(name)), ax=fig.subplots())
        return fig

    def exclusion(self, model: str, datasets: Sequence[str] = PAPER_ORDER) -> Any:
        from matplotlib.figure import Figure

        from .datasets import members
        from .plots import plot_exclusion

        names = dict.fromkeys(n for d in datasets for n in members(d))
        d = exclusion_data(
            model,
            self.masses,
            default_couplings(model, self.n_couplings),
            datasets=datasets,
            experiments={n: self.experiment(n) for n in names},
            cache=self.cache,
            cache_dir=self.cache_dir,
        )
        fig = Figure(figsize=(5.0, 4.2))
        plot_exclusion(d, ax=fig.subplots(), overlay_csv=self.overlay_csv, shade=datasets[-1])
        return fig

    def xenon_recoil(self) -> Any:
        from matplotlib.figure import Figure

        from .plots import plot_xenon_recoil

        d = xenon_recoil_data(self.experiment("xenonnt"))
        fig = Figure(figsize=(10.0, 3.9))
        a, b = fig.subplots(1, 2)
        plot_xenon_recoil(d, ax=a, panel="true")
        plot_xenon_recoil(d, ax=b, panel="detected")
        return fig

    def xenon_projections(self) -> Any:
        from matplotlib.figure import Figure

        from .plots import plot_xenon_projections

        d = xenon_projections_data(self.experiment("xenonnt"))
        fig = Figure(figsize=(12.0, 5.6))
        plot_xenon_projections(d, axes=fig.subplots(len(d["runs"]), 4, squeeze=False))
        return fig

    def spectra(self, name: str) -> Any:
        from .plots import plot_spectra

        return self._side_by_side(
            plot_spectra, spectra_data(self.experiment(name)), "axis", ("energy", "time")
        )

    def physics(self, params: tuple[str, ...]) -> Any:
        from matplotlib.figure import Figure

        from .infer.profiles import profile_parameters
        from .plots import plot_profile

        res = profile_parameters(self.both(), list(params), label="combined")
        fig = Figure(figsize=(5.2, 4.2))
        plot_profile(res.to_dict(), ax=fig.subplots())
        return fig
