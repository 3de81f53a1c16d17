"""Plots of the paper's figures from :mod:`cevns.figure_data` (matplotlib, optional extra).

Every function takes the dict returned by the matching ``*_data`` function and an
optional ``ax``; it draws with the house style (``cevns.mplstyle``, see
:func:`style`) and returns the arrays it drew, so that what is on the page can be
checked without looking at pixels. matplotlib is imported inside the functions:
``pip install cevns[plot]``.

Examples
--------
>>> from cevns.figure_data import fig2_data
>>> from cevns.plots import plot_fig2
>>> drawn = plot_fig2(fig2_data())          # doctest: +SKIP
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError
from .extras import require

__all__ = [
    "DATASET_STYLE",
    "EXPERIMENT_LABELS",
    "MODEL_LABELS",
    "STYLE_PATH",
    "dataset_style",
    "plot_exclusion",
    "plot_fig1",
    "plot_fig2",
    "plot_fig3",
    "plot_profile",
    "plot_spectra",
    "plot_xenon_projections",
    "plot_xenon_recoil",
    "read_overlay_csv",
    "style",
]


log = logging.getLogger(__name__)

#: The house style file, shipped in the package.
STYLE_PATH = Path(__file__).with_name("cevns.mplstyle")

#: Colours and line styles of the data sets in the exclusion plots (as in the paper:
#: black CsI+Ar, blue CsI, red Ar).
DATASET_STYLE = {
    "combined": {"color": "black", "linestyle": "-", "label": "COHERENT CsI+Ar"},
    "csi2021": {"color": "tab:blue", "linestyle": "--", "label": "COHERENT CsI"},
    "ar2020": {"color": "tab:red", "linestyle": "--", "label": "COHERENT Ar"},
    "xenonnt": {"color": "tab:purple", "linestyle": "-.", "label": r"XENONnT $^8$B"},
    "csi2021+ar2020+xenonnt": {
        "color": "black",
        "linestyle": "-",
        "label": r"CsI+Ar+XENONnT $^8$B",
    },
}


def dataset_style(dataset: str) -> dict[str, str]:
    """Colour, line style and legend label of a data set's lines (`DATASET_STYLE`; any
    other data set: grey dash-dot, labelled by its members)."""
    if dataset in DATASET_STYLE:
        return DATASET_STYLE[dataset]
    from .datasets import label

    return {"color": "0.4", "linestyle": "-.", "label": label(dataset)}


MODEL_LABELS = {
    "universal": "universal",
    "B-L": r"$B-L$",
    "By+Lmu+Ltau": r"$B_y+L_\mu+L_\tau$",
    "B-3Le": r"$B-3L_e$",
    "B-3Lmu": r"$B-3L_\mu$",
    "B-2Le-Lmu": r"$B-2L_e-L_\mu$",
    "B-Le-2Lmu": r"$B-L_e-2L_\mu$",
    "Le-Lmu": r"$L_e-L_\mu$",
    "Le-Ltau": r"$L_e-L_\tau$",
    "Lmu-Ltau": r"$L_\mu-L_\tau$",
    "scalar": "scalar",
}
EXPERIMENT_LABELS = {"ar2020": "COHERENT Ar", "csi2021": "COHERENT CsI"}


@contextmanager
def style() -> Iterator[None]:
    """Context manager applying the house style (``cevns.mplstyle``)."""
    require("matplotlib", "plot", "plotting")
    import matplotlib.style

    with matplotlib.style.context(str(STYLE_PATH)):
        yield


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    return ax


def _positive(y: np.ndarray) -> np.ndarray:
    """NaN where y <= 0, so that log axes skip them silently."""
    y = np.asarray(y, dtype=float)
    return np.where(y > 0, y, np.nan)


def _log_ylim(ax: Any, ref: np.ndarray, ys: list[np.ndarray], decades: float) -> None:
    """y from ``decades`` below the maximum of ``ref`` (the SM) to above every curve."""
    top = max(float(np.nanmax(_positive(y))) for y in ys)
    ax.set_ylim(float(np.nanmax(_positive(ref))) * 10 ** (-decades), top * 2.0)


# -- Fig. 1 -----------------------------------------------------------------------
def _recoil_axes(ax: Any, T: np.ndarray, drawn: Mapping[str, Any], decades: float) -> None:
    """Log-log dN/dT_nr axes of Figs. 1 and 3, the y range set around the SM curve."""
    ax.set_xscale("log")
    ax.set_yscale("log")
    sm = drawn["SM" if "SM" in drawn else "sm"][1]
    _log_ylim(ax, sm, [v[1] for v in drawn.values()], decades)
    ax.set_xlim(float(T[0]), float(T[-1]))
    ax.set_xlabel(r"$T_\mathrm{nr}$ [keV]")
    ax.set_ylabel(r"$dN/dT_\mathrm{nr}$ [events/keV]")


def plot_fig1(
    data: Mapping[str, Any], ax: Any = None, panel: str = "all", decades: float = 3.0
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Fig. 1: dN/dT_nr of the SM and of the vector models (log-log).

    Parameters
    ----------
    data : dict
        From :func:`cevns.figure_data.fig1_data`.
    ax : matplotlib Axes, optional
    panel : {"all", "tree", "loop"}
        ``"tree"``: Fig. 1a/b (g = 1e-4); ``"loop"``: Fig. 1c/d (L_α − L_β, g = 2e-3).
    decades : float
        Decades shown below the maximum of the SM on the y axis.

    Returns
    -------
    dict
        label → (T_keV, dN/dT_nr [events/keV]) of every curve drawn.
    """
    if panel not in ("all", "tree", "loop"):
        raise InputError(f"panel must be 'all', 'tree' or 'loop', got {panel!r}")
    names = (
        data["panels"]["tree"] + data["panels"]["loop"] if panel == "all" else data["panels"][panel]
    )
    T = data["T_keV"]
    drawn = {}
    with style():
        ax = _axes(ax)
        ax.plot(T, _positive(data["sm"]), color="black", lw=2.0, label="SM")
        drawn["SM"] = (T, data["sm"])
        for name in names:
            y = data["models"][name]
            ax.plot(
                T,
                _positive(y),
                ls="--",
                label=f"{MODEL_LABELS.get(name, name)} ($g={data['couplings'][name]:g}$)",
            )
            drawn[name] = (T, y)
        _recoil_axes(ax, T, drawn, decades)
        ax.set_title(
            f"{EXPERIMENT_LABELS.get(data['experiment'], data['experiment'])}, "
            f"$M_{{Z'}} = {data['mass_MeV']:g}$ MeV"
        )
        ax.legend(ncol=2 if len(names) > 4 else 1)
    return drawn


# -- Fig. 2 -----------------------------------------------------------------------
def plot_fig2(data: Mapping[str, Any], ax: Any = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Fig. 2: ε_βα(|q|) of eq. (29) for the three L_α − L_β symmetries (log |q|).

    Returns
    -------
    dict
        model name → (q_MeV, ε) drawn, plus ``"approx"`` → the constant
        ln(m_τ²/m_μ²)/6 line.
    """
    q = data["q_MeV"]
    drawn = {}
    with style():
        ax = _axes(ax)
        for name, eps in data["epsilon"].items():
            ax.plot(q, eps, label=data["labels"].get(name, name))
            drawn[name] = (q, eps)
        c = np.full_like(q, data["eps_tau_mu_constant"])
        ax.plot(q, c, color="grey", ls=":", lw=1.0, label=r"$\ln(m_\tau^2/m_\mu^2)/6$")
        drawn["approx"] = (q, c)
        ax.set_xscale("log")
        ax.set_xlim(float(q[0]), float(q[-1]))
        ax.set_xlabel(r"$|\vec q|$ [MeV]")
        ax.set_ylabel(r"$\varepsilon_{\beta\alpha}(|\vec q|)$")
        ax.legend()
    return drawn


# -- Fig. 3 -----------------------------------------------------------------------
def plot_fig3(
    data: Mapping[str, Any], ax: Any = None, decades: float = 3.0
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Fig. 3: dN/dT_nr with the universal scalar: total (red dashed), SM, νμ part (green).

    Returns
    -------
    dict
        ``"total"``, ``"sm"``, ``"numu"`` → (T_keV, dN/dT_nr [events/keV]).
    """
    T = data["T_keV"]
    curves = (
        ("sm", "SM", {"color": "black", "lw": 2.0}),
        ("total", r"SM + $\phi$", {"color": "tab:red", "ls": "--"}),
        ("numu", r"SM + $\phi$, $\nu_\mu$ only", {"color": "tab:green", "ls": "--"}),
    )
    drawn = {}
    with style():
        ax = _axes(ax)
        for key, label, kw in curves:
            ax.plot(T, _positive(data[key]), label=label, **kw)
            drawn[key] = (T, data[key])
        _recoil_axes(ax, T, drawn, decades)
        ax.set_title(
            f"{EXPERIMENT_LABELS.get(data['experiment'], data['experiment'])}, "
            rf"$\tilde g_\phi = {data['coupling']:g}$, "
            rf"$M_\phi = {data['mass_MeV']:g}$ MeV"
        )
        ax.legend()
    return drawn


# -- Figs. 4-8 --------------------------------------------------------------------
def read_overlay_csv(path: Any) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Read user limit curves: CSV with a header ``mass_MeV,g[,label]``.

    Rows with the same ``label`` (default: the file name) form one curve, drawn in
    file order. Lines starting with ``#`` are comments.

    Returns
    -------
    dict
        label → (mass_MeV, g) arrays.
    """
    p = Path(path)
    curves: dict[str, tuple[list[float], list[float]]] = {}
    try:
        with p.open(newline="") as f:
            lines = [line for line in f if not line.lstrip().startswith("#")]
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InputError(f"overlay CSV {p} cannot be read ({reason})") from None
    rows = csv.DictReader(lines)
    fields = set(rows.fieldnames or ())
    if not {"mass_MeV", "g"} <= fields:
        raise InputError(
            f"{p}: overlay CSV needs the columns mass_MeV,g[,label]; got {sorted(fields)}"
        )
    for i, row in enumerate(rows, start=2):
        try:
            m, g = float(row["mass_MeV"]), float(row["g"])
        except (TypeError, ValueError):
            raise InputError(f"{p}: data row {i}: mass_MeV and g must be numbers") from None
        if not (np.isfinite(m) and np.isfinite(g) and m > 0 and g > 0):
            raise InputError(f"{p}: data row {i}: mass_MeV and g must be finite and > 0")
        label = (row.get("label") or "").strip() or p.stem
        xs, ys = curves.setdefault(label, ([], []))
        xs.append(m)
        ys.append(g)
    return {k: (np.array(v[0]), np.array(v[1])) for k, v in curves.items()}


def plot_exclusion(
    data: Mapping[str, Any], ax: Any = None, overlay_csv: Any = None, shade: str | None = "combined"
) -> dict[str, Any]:
    """Figs. 4-8: 2σ exclusion regions in the (M, g) plane with the (g−2)_μ band.

    The boundary of each data set's allowed regions (the scan's root-found interval
    edges followed from mass to mass, thin strips included;
    :func:`cevns.contours.region_edges`) is drawn as in the paper: black CsI+Ar, blue
    dashed CsI, red dashed Ar; the edges of allowed strips apart from the region that
    contains g = 0 (destructive interference with the SM) in the same colour, dotted,
    each with its own legend entry. The region excluded by ``shade`` is filled grey;
    the (g−2)_μ band is green.

    Parameters
    ----------
    data : dict
        From :func:`cevns.figure_data.exclusion_data`.
    ax : matplotlib Axes, optional
    overlay_csv : path-like or sequence of path-like, optional
        Hook for extra limit curves drawn on top (other experiments' bounds, another
        analysis): CSV files with a header ``mass_MeV,g[,label]``, read by
        :func:`read_overlay_csv` (one curve per label, in file order).
    shade : str or None
        Data set whose excluded region is filled (None: no fill).

    Returns
    -------
    dict
        ``boundaries``: data set → list of (n, 2) arrays [M (MeV), g] of the lines
        drawn; ``strips``: data set → those of them that bound allowed strips;
        ``exclusion_line``: data set → (masses, g of the lowest edge); ``gm2``:
        (masses, g_lower, g_upper) or None; ``overlays``: label → (M, g); ``legend``:
        the legend's labels.
    """
    from .contours import allowed_polygons, region_edges

    m = np.asarray(data["masses_MeV"], dtype=float)
    g = np.asarray(data["couplings"], dtype=float)
    out: dict[str, Any] = {
        "boundaries": {},
        "strips": {},
        "exclusion_line": {},
        "gm2": None,
        "overlays": {},
    }
    g_range = (float(g[0]), float(g[-1]))
    model = data["model"]
    is_scalar = data.get("kind") == "scalar"
    with style():
        import matplotlib.lines as mlines
        import matplotlib.patches as mpatches

        ax = _axes(ax)
        handles: list[Any] = []
        strip_handles: list[Any] = []
        for d in reversed(list(data["intervals"])):  # the last (CsI+Ar) first, underneath
            st = dataset_style(d)
            edges = region_edges(m, data["intervals"][d], g_range)
            out["boundaries"][d] = [line for _, line in edges]
            out["strips"][d] = [line for zero, line in edges if not zero]
            out["exclusion_line"][d] = (m, np.asarray(data["exclusion_line"][d]))
            if d == shade:  # grey everywhere, the allowed regions cut out
                ax.axhspan(g_range[0], g_range[1], facecolor="0.87", edgecolor="none", zorder=0)
                for quad in allowed_polygons(m, data["intervals"][d], g_range):
                    ax.add_patch(
                        mpatches.Polygon(
                            quad, closed=True, facecolor="white", edgecolor="white", lw=0.3,
                            zorder=0.1,
                        )
                    )  # fmt: skip
                handles.append(mpatches.Patch(color="0.87", label=f"excluded ({st['label']})"))
            for zero, seg in edges:
                ls, lw = (st["linestyle"], 1.4) if zero else (":", 1.2)
                ax.plot(seg[:, 0], seg[:, 1], color=st["color"], ls=ls, lw=lw, zorder=3)
            handles.append(
                mlines.Line2D([], [], color=st["color"], ls=st["linestyle"], label=st["label"])
            )
            if out["strips"][d]:
                strip_handles.append(
                    mlines.Line2D(
                        [], [], color=st["color"], ls=":", lw=1.2,
                        label=f"{st['label']}: allowed strip (interference)",
                    )
                )  # fmt: skip
        handles += strip_handles
        band = data.get("gm2")
        if band is not None:
            ax.fill_between(
                band.masses_MeV,
                band.g_lower,
                band.g_upper,
                color="tab:green",
                alpha=0.45,
                lw=0,
                zorder=2,
            )
            handles.append(
                mpatches.Patch(
                    color="tab:green", alpha=0.45, label=rf"$(g-2)_\mu$ {band.n_sigma:g}$\sigma$"
                )
            )
            out["gm2"] = (band.masses_MeV, band.g_lower, band.g_upper)
        if overlay_csv is not None:
            paths = [overlay_csv] if isinstance(overlay_csv, (str, Path)) else list(overlay_csv)
            for csv_path in paths:
                for label, (xm, yg) in read_overlay_csv(csv_path).items():
                    (line,) = ax.plot(xm, yg, lw=1.2, ls="-.", label=label, zorder=4)
                    handles.append(line)
                    out["overlays"][label] = (xm, yg)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(float(m[0]), float(m[-1]))
        ax.set_ylim(float(g[0]), float(g[-1]))
        ax.set_xlabel(r"$M_\phi$ [MeV]" if is_scalar else r"$M_{Z'}$ [MeV]")
        ax.set_ylabel(r"$\tilde g_\phi$" if is_scalar else r"$g_{Z'}$")
        ax.set_title(f"{MODEL_LABELS.get(model, model)}: excluded at {_cl_label(data)}")
        ax.legend(
            handles=handles,
            loc="upper left",
            fontsize="small" if len(handles) <= 6 else "x-small",  # xenon and all data: more
        )
        out["legend"] = [h.get_label() for h in handles]
    return out


def _cl_label(data: Mapping[str, Any]) -> str:
    cl = str(data.get("cl", "2sigma"))
    cl = cl.replace("sigma", r"$\sigma$")
    return f"{cl} (dof = {data.get('dof', 2)})"


# -- data vs prediction -----------------------------------------------------------
_COMPONENT_COLOURS = {
    "cevns": "tab:orange",
    "brn": "tab:purple",
    "prompt_brn": "tab:purple",
    "delayed_brn": "tab:pink",
    "nin": "tab:brown",
    "ss": "0.6",
}
_COMPONENT_LABELS = {
    "cevns": "CEvNS",
    "brn": "BRN",
    "prompt_brn": "prompt BRN",
    "delayed_brn": "delayed BRN",
    "nin": "NIN",
    "ss": "steady state",
}


def plot_spectra(
    data: Mapping[str, Any],
    ax: Any = None,
    axis: str = "energy",
    prediction: str = "fitted",
    density: bool = True,
    log: bool = True,
) -> dict[str, Any]:
    """Observed counts (points, √N errors) vs the prediction and each of its components.

    The bins are of unequal width (CsI time bins of 0.125 µs beside 1-2 µs), so by
    default every number is divided by its bin width: events per µs, per PE or per
    keVee, which is what the eye compares. The components (CEvNS, steady state, BRN,
    NIN) are drawn each as its own line, the total in black, on a log scale, so that
    the small backgrounds stay visible beside the steady state.

    Parameters
    ----------
    data : dict
        From :func:`cevns.figure_data.spectra_data`.
    ax : matplotlib Axes, optional
    axis : {"energy", "time"}
        Projection (energy in PE for CsI / keVee for Ar; time in µs).
    prediction : {"fitted", "nominal"}
        Components with the best-fit nuisances of the χ² applied, or nominal.
    density : bool
        Divide by the bin width (default) or show events per bin.
    log : bool
        Log scale of the y axis (default) or linear from 0.

    Returns
    -------
    dict
        ``edges``; ``observed`` and ``stack`` (component → events per bin);
        ``widths``; ``shown`` (component → what is drawn: per unit width when
        ``density``), ``observed_shown``, ``total_shown`` and ``ylabel``.
    """
    if axis not in ("energy", "time"):
        raise InputError(f"axis must be 'energy' or 'time', got {axis!r}")
    if prediction not in ("fitted", "nominal"):
        raise InputError(f"prediction must be 'fitted' or 'nominal', got {prediction!r}")
    edges = np.asarray(data["energy_edges"] if axis == "energy" else data["time_edges"], float)
    comps = data[prediction]
    order = [k for k in ("ss", "delayed_brn", "prompt_brn", "brn", "nin") if k in comps]
    order += [k for k in comps if k not in order and k != "cevns"] + ["cevns"]
    stack = {k: np.asarray(comps[k][axis], dtype=float) for k in order}
    obs = np.asarray(data["observed"][axis], dtype=float)
    err = np.asarray(data["observed_err"][axis], dtype=float)
    widths = np.diff(edges)
    unit = data["energy_unit"] if axis == "energy" else r"$\mu$s"
    scale = 1.0 / widths if density else np.ones_like(widths)
    shown = {k: v * scale for k, v in stack.items()}
    total = sum(stack.values()) * scale
    ylabel = f"events / {unit}" if density else "events per bin"
    with style():
        ax = _axes(ax)
        for k in order:
            ax.stairs(
                shown[k],
                edges,
                color=_COMPONENT_COLOURS.get(k),
                lw=1.6,
                label=_COMPONENT_LABELS.get(k, k),
            )
        ax.stairs(total, edges, color="black", lw=1.0, label="total prediction")
        centres = 0.5 * (edges[1:] + edges[:-1])
        ax.errorbar(
            centres, obs * scale, yerr=err * scale, fmt="o", ms=3, color="black", label="data"
        )
        ax.set_xlabel(f"energy [{data['energy_unit']}]" if axis == "energy" else r"time [$\mu$s]")
        ax.set_ylabel(ylabel)
        ax.set_xlim(float(edges[0]), float(edges[-1]))
        if log:
            ax.set_yscale("log")
            positive = np.concatenate([v[v > 0] for v in shown.values()])
            top = float(max(np.max(total), np.max((obs + err) * scale)))
            ax.set_ylim(max(0.5 * float(positive.min()), 1e-4 * top), 3.0 * top)  # 4 decades
        else:
            ax.set_ylim(bottom=0)
        pred = "best fit" if prediction == "fitted" else "nominal"
        ax.set_title(
            f"{EXPERIMENT_LABELS.get(data['experiment'], data['experiment'])}: "
            f"{data['model']} ({pred}, $\\chi^2 = {data['chi2']:.1f}$)"
        )
        ax.legend(fontsize="small")
    return {
        "edges": edges,
        "observed": obs,
        "stack": stack,
        "widths": widths,
        "shown": shown,
        "observed_shown": obs * scale,
        "total_shown": total,
        "ylabel": ylabel,
    }


def parameter_label(name: str) -> str:
    """A physics parameter's symbol for an axis (``sin2w`` → sin²θ_W, ``eps_u_ee`` →
    ε^{uV}_{ee}, ``rn_cs`` → R_n(Cs), ``mu_nue`` → μ_{ν_e}, ``r2_numu`` → ⟨r²_{ν_μ}⟩)."""
    flavour = {"nue": r"\nu_e", "numu": r"\nu_\mu", "nutau": r"\nu_\tau"}
    if name == "sin2w":
        return r"$\sin^2\theta_W$"
    if name.startswith("eps_") and name.count("_") == 2:
        _, q, ab = name.split("_")
        ab = ab.replace("tau", r"\tau").replace("mu", r"\mu")
        return rf"$\varepsilon^{{{q}V}}_{{{ab}}}$"
    if name.startswith("rn_"):
        nucleus = {"cs": "Cs", "i": "I", "ar": "Ar", "csi": "Cs, I"}.get(name[3:], name[3:])
        return rf"$R_n$({nucleus})"
    if name.startswith("mu_") and name[3:] in flavour:
        return rf"$\mu_{{{flavour[name[3:]]}}}$"
    if name.startswith("r2_") and name[3:] in flavour:
        return rf"$\langle r^2_{{{flavour[name[3:]]}}}\rangle$"
    return name


def level_label(key: str, delta_chi2: float | None = None) -> str:
    """A confidence level for a legend: ``1sigma`` → 1σ, ``90%`` → 90 %, with its Δχ²."""
    text = key.replace("sigma", r"$\sigma$").replace("%", " %")
    return text if delta_chi2 is None else rf"{text} ($\Delta\chi^2$ = {delta_chi2:.2f})"


def _profile_xrange(x: np.ndarray, dchi: np.ndarray, ymax: float) -> tuple[float, float]:
    """x range of a 1-D profile: where Δχ² is below the top of the plot, with a margin
    of half that width on each side (within the scan range), so the parabola fills it."""
    inside = np.flatnonzero(dchi <= ymax)
    if inside.size == 0:
        return float(x[0]), float(x[-1])
    lo, hi = float(x[inside[0]]), float(x[inside[-1]])
    pad = 0.5 * (hi - lo) if hi > lo else 0.05 * (float(x[-1]) - float(x[0]))
    return max(float(x[0]), lo - pad), min(float(x[-1]), hi + pad)


def plot_profile(data: Mapping[str, Any], ax: Any = None) -> dict[str, Any]:
    """Δχ² of a physics-parameter profile (``ProfileResult.to_dict()``, ``cevns fit --param``).

    One parameter: Δχ² against the parameter with the 1σ / 90 % / 2σ levels as
    horizontal lines; two: the contours of each level and the best fit. Returns
    what was drawn: ``{"x", "delta_chi2"}`` or ``{level: [polyline, ...], "best": (x, y)}``.
    """
    names = list(data["parameters"])
    units = data.get("units", {})

    def label(n: str) -> str:
        sym = parameter_label(n)
        return f"{sym} [{units[n]}]" if units.get(n) else sym

    with style():
        ax = _axes(ax)
        colours = {"1sigma": "tab:blue", "90%": "tab:orange", "2sigma": "tab:red"}
        if len(names) == 1:
            x = np.asarray(data["grid"][names[0]])
            dchi = np.asarray(data["grid"]["chi2"]) - data["chi2_min"]
            ax.plot(x, dchi, color="black")
            for k, lv in data["delta_chi2_levels"].items():
                ax.axhline(
                    lv, color=colours.get(k, "gray"), linestyle=":", label=level_label(k, lv)
                )
            ax.set_xlabel(label(names[0]))
            ax.set_ylabel(r"$\Delta\chi^2$")
            ymax = 2.0 * max(data["delta_chi2_levels"].values())
            ax.set_ylim(0, ymax)
            ax.set_xlim(*_profile_xrange(x, dchi, ymax))
            ax.legend(title=data.get("experiment", ""))
            return {"x": x, "delta_chi2": dchi, "xlim": ax.get_xlim()}
        drawn: dict[str, Any] = {}
        for k, lines in data["contours"].items():
            arrs = [np.asarray(line) for line in lines]
            lv = data["delta_chi2_levels"].get(k)
            for i, a in enumerate(arrs):
                ax.plot(
                    a[:, 0],
                    a[:, 1],
                    color=colours.get(k, "gray"),
                    label=level_label(k, lv) if i == 0 else None,
                )
            drawn[k] = arrs
        best = (data["best_fit"][names[0]], data["best_fit"][names[1]])
        ax.plot(*best, marker="+", color="black", linestyle="none", label="best fit")
        drawn["best"] = best
        ax.set_xlabel(label(names[0]))
        ax.set_ylabel(label(names[1]))
        ax.legend(title=data.get("experiment", ""))
        return drawn


# -- XENONnT solar 8B ---------------------------------------------------------------
_XENON_COMPONENTS = (  # stacking order, bottom to top
    ("ac", "accidental coincidences", "0.65"),
    ("er", "electronic recoils", "tab:cyan"),
    ("neutron", "radiogenic neutrons", "tab:brown"),
    ("cevns", r"$^8$B CEvNS", "tab:orange"),
)


def plot_xenon_recoil(
    data: Mapping[str, Any], ax: Any = None, panel: str = "true"
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The solar ⁸B recoil spectrum on xenon, SM and a light mediator.

    Parameters
    ----------
    data : dict
        From :func:`cevns.figure_data.xenon_recoil_data`.
    panel : {"true", "detected"}
        ``"true"``: dR/dE_R [events/(t·yr·keV)] against the true recoil energy (log-log),
        the range without templates (< 0.5 keV) shaded; ``"detected"``: the events per
        keV each science run detects (spectrum × exposure × efficiency at nominal
        yields), SM solid and the mediator dashed, with their totals in the legend.

    Returns
    -------
    dict
        label → (T_keV, y) of every curve drawn.
    """
    if panel not in ("true", "detected"):
        raise InputError(f"panel must be 'true' or 'detected', got {panel!r}")
    T = np.asarray(data["T_keV"], dtype=float)
    name = MODEL_LABELS.get(data["model"], data["model"])
    mediator = rf"{name}, $M = {data['mass_MeV'] * 1e3:g}$ keV, $g = {data['coupling']:.2g}$"
    drawn: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    with style():
        ax = _axes(ax)
        if panel == "true":
            ax.plot(T, _positive(data["sm"]), color="black", lw=2.0, label="SM")
            ax.plot(T, _positive(data["model_rate"]), color="tab:red", ls="--", label=mediator)
            drawn = {"SM": (T, data["sm"]), data["model"]: (T, data["model_rate"])}
            ax.axvspan(T[0], data["nodes_keV"][0], color="0.9", lw=0, label="no template")
            ax.set_xscale("log")
            ax.set_yscale("log")
            _log_ylim(ax, data["sm"], [data["sm"], data["model_rate"]], 5.0)
            ax.set_xlim(float(T[0]), float(T[-1]))
            ax.set_ylabel(r"$dR/dE_R$ [events / (t yr keV)]")
            ax.set_title(r"solar $^8$B on natural xenon")
        else:
            colours = ("tab:blue", "tab:green", "tab:purple")
            for i, r in enumerate(data["runs"]):
                c = colours[i % len(colours)]
                for key, ls, what in (("sm", "-", "SM"), ("model", "--", data["model"])):
                    y = data[f"detected_{key}"][r]
                    total = data[f"expected_{key}"][r]
                    ax.plot(T, y, color=c, ls=ls, label=f"{r.upper()} {what}: {total:.2f} events")
                    drawn[f"{r} {what}"] = (T, y)
            ax.set_xlim(0.0, float(data["nodes_keV"][-1]))
            ax.set_ylim(bottom=0.0)
            ax.set_ylabel("detected events / keV")
            ax.set_title(f"detected (nominal yields); dashed: {mediator}", fontsize="small")
        ax.set_xlabel(r"$E_R$ [keV]")
        ax.legend(fontsize="small")
    return drawn


def plot_xenon_projections(
    data: Mapping[str, Any], axes: Any = None, prediction: str = "fitted"
) -> dict[str, Any]:
    """The four observables of each science run: data (Garwood 68 % errors) over the
    components of the prediction, stacked (AC, ER, neutrons, ⁸B CEvNS).

    Parameters
    ----------
    data : dict
        From :func:`cevns.figure_data.xenon_projections_data`.
    axes : 2-D array of matplotlib Axes, optional
        One row per run, one column per observable (made if None).
    prediction : {"fitted", "nominal"}
        Components at the χ²'s best-fit nuisances or at nominal.

    Returns
    -------
    dict
        ``(run, observable)`` → {"edges", "observed", "low", "high", "stack": component →
        events per bin (bottom to top), "total"}.
    """
    if prediction not in ("fitted", "nominal"):
        raise InputError(f"prediction must be 'fitted' or 'nominal', got {prediction!r}")
    runs, obs_names = data["runs"], data["observables"]
    drawn: dict[Any, Any] = {}
    with style():
        if axes is None:
            import matplotlib.pyplot as plt

            _, axes = plt.subplots(len(runs), len(obs_names), squeeze=False)
        axes = np.asarray(axes).reshape(len(runs), len(obs_names))
        for i, r in enumerate(runs):
            for j, (key, label) in enumerate(obs_names):
                ax = axes[i, j]
                edges = np.asarray(data["edges"][r][j], dtype=float)
                base = np.zeros(edges.size - 1)
                stack = {}
                for comp, name, colour in _XENON_COMPONENTS:
                    y = np.asarray(data[prediction][r][comp][j], dtype=float)
                    ax.stairs(base + y, edges, baseline=base, fill=True, color=colour,
                              label=name if (i, j) == (0, 0) else None)  # fmt: skip
                    stack[comp] = y
                    base = base + y
                ax.stairs(base, edges, color="black", lw=0.8)
                n = np.asarray(data["observed"][r][j], dtype=float)
                lo, hi = data["observed_low"][r][j], data["observed_high"][r][j]
                centres = 0.5 * (edges[1:] + edges[:-1])
                ax.errorbar(centres, n, yerr=[n - lo, hi - n], fmt="o", ms=3, color="black",
                            label="data" if (i, j) == (0, 0) else None)  # fmt: skip
                ax.set_xlim(float(edges[0]), float(edges[-1]))
                ax.set_ylim(0.0, 1.15 * float(max(np.max(hi), np.max(base))))
                ax.set_xlabel(label)
                if j == 0:
                    ax.set_ylabel(f"{r.upper()}: events per bin")
                drawn[(r, key)] = {"edges": edges, "observed": n, "low": lo, "high": hi,
                                   "stack": stack, "total": base}  # fmt: skip
        fig = axes[0, 0].figure
        fit = "best fit" if prediction == "fitted" else "nominal"
        fig.suptitle(
            f"XENONnT $^8$B: data and the {data['model']} prediction ({fit}, every nuisance "
            rf"profiled, $\chi^2 = {data['chi2']:.1f}$)",
            fontsize="medium",
        )
        axes[0, 0].legend(fontsize="x-small", loc="upper right")
    return drawn
