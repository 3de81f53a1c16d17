"""``cevns predict`` and ``cevns fit``: binned predictions and the Standard-Model fits."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from ..errors import InputError, UsageError
from .args import (
    EXIT_OK,
    add_command,
    add_dataset,
    add_fixed_parameters,
    add_format,
    add_inputs,
    check_fixed_used,
    check_output_file,
    detector_experiments,
    number,
    parse_fixed_parameters,
    quote,
    shown,
)

__all__ = [
    "EPILOG_FIT",
    "EPILOG_PREDICT",
    "check_model_arguments",
    "cmd_fit",
    "cmd_fit_params",
    "cmd_predict",
    "register",
]


EPILOG_PREDICT = """examples:
  cevns predict --experiment csi2021
  cevns predict --experiment ar2020 --format csv     # or markdown
  cevns predict --experiment ar2020 --model B-L --mass 10 --coupling 1e-4
  cevns predict --experiment csi2021 --set csi2021.timing_efficiency=none
  cevns predict --experiment csi2021 --fix sin2w=0.25,rn_csi=5.5

--mass and --coupling go with --model (all three, or none for the Standard Model).
"""
EPILOG_FIT = """examples:
  cevns fit --experiment csi2021
  cevns fit --experiment combined --format json
  cevns fit --experiment ar2020 --set ar2020.exposure=release
  cevns fit --experiment csi2021 --param sin2w --format json
  cevns fit --experiment combined --param eps_u_ee,eps_d_ee --range eps_u_ee=-0.5:0.8
  cevns fit --experiment csi2021 --param sin2w --profile rn_cs,rn_i
  cevns fit --experiment csi2021 --param sin2w --fix rn_cs=4.86   # a measured R_n(Cs)

Without --param, two fits are shown: the SM fit of the data set (chi2_min and the
profiled nuisances, the CEvNS normalisation constrained by its sigma, eq. 6-9) and, per
experiment, the CEvNS events fitted with a free normalisation (that experiment alone,
1 sigma).
"""


def check_model_arguments(args: argparse.Namespace) -> None:
    """``--model``, ``--mass`` and ``--coupling`` go together; values finite, mass > 0.

    What is given is checked before what is missing: an unknown model or a bad mass
    is named even when another option is missing too.
    """
    from .. import _core
    from ..models import get_model

    if args.model is not None:
        get_model(args.model)  # an unknown name is an input error, before any data is read
    if args.mass is not None and not (math.isfinite(args.mass) and args.mass > 0):
        raise InputError(
            f"--mass {shown(args.mass)}: the mediator mass must be a finite number > 0 MeV"
        )
    heaviest = _core.constants["max_mediator_mass_MeV"]
    if args.mass is not None and args.mass > heaviest:
        raise InputError(
            f"--mass {shown(args.mass)}: accepted: (0, {heaviest:g}] MeV (heavier mediators "
            "act as contact interactions: use --fix eps_<q>_<ab>=VALUE)"
        )
    if args.coupling is not None and not math.isfinite(args.coupling):
        raise InputError(f"--coupling {shown(args.coupling)}: the coupling must be a finite number")
    if args.model is None:
        given = [
            o for o, v in (("--mass", args.mass), ("--coupling", args.coupling)) if v is not None
        ]
        if given:
            raise UsageError(
                f"{' and '.join(given)} given without --model; name the model "
                "(e.g. --model B-L --mass 10 --coupling 1e-4), or drop them for the Standard Model"
            )
        return
    missing = [o for o, v in (("--mass", args.mass), ("--coupling", args.coupling)) if v is None]
    if missing:
        raise UsageError(
            f"--model {args.model} needs {' and '.join(missing)} (e.g. --mass 10 --coupling 1e-4)"
        )


def _experiments_with_option(option: str) -> list[str]:
    """The registered experiments whose definition has ``option`` (e.g. the solar ones:
    ``solar_model``; those with a free ⁸B flux: ``flux_constraint``)."""
    from .. import _core

    return [
        n
        for n in _core.experiment_names()
        if option in {o.name for o in _core.experiment_definition(n).options}
    ]


def _print_p_ee(args: argparse.Namespace) -> int:
    """``cevns predict --experiment xenonnt --p-ee E1,E2,...``: solar flavour content at Earth."""
    from ..output import table
    from ..solar import flavour_at_earth

    solar = _experiments_with_option("solar_model")
    if args.experiment not in solar:
        raise UsageError(f"--p-ee goes with a solar-neutrino experiment ({', '.join(solar)})")
    try:
        energies = [float(v) for v in args.p_ee.split(",") if v.strip()]
    except ValueError:
        raise InputError(f"--p-ee {args.p_ee!r}: expected energies in MeV, e.g. 1,5,10") from None
    if not energies or not all(math.isfinite(e) and e > 0 for e in energies):
        raise InputError(f"--p-ee {args.p_ee!r}: energies must be finite and > 0 MeV")
    p = flavour_at_earth(energies, data_dir=args.data_dir)
    rows = [list(r) for r in zip(energies, p["P_ee"], p["P_emu"], p["P_etau"])]
    fmt = args.format if args.format != "json" else "markdown"
    print(table(rows, ["E_nu_MeV", "P_ee", "P_emu", "P_etau"], fmt))
    print(
        "(adiabatic LMA-MSW averaged over the B16-GS98 8B production region; NuFIT 5.2 "
        "parameters; no Earth-matter regeneration)"
    )
    return EXIT_OK


def cmd_predict(args: argparse.Namespace) -> int:
    import numpy as np

    if getattr(args, "p_ee", None):
        return _print_p_ee(args)

    from ..output import table, to_json
    from ..phenomenology import flux_averaged_cross_section
    from ..phenomenology import predict as predict_with
    from ..provenance import provenance

    check_model_arguments(args)
    fixed = parse_fixed_parameters(args.fix)
    exp = detector_experiments(args, [args.experiment])[args.experiment]
    check_fixed_used(fixed, {args.experiment: exp})
    coupling = 0.0 if args.coupling is None else float(args.coupling)
    pred = None
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            if fixed:
                pred = predict_with(exp, args.model, args.mass, coupling, **fixed)
            else:
                pred = exp.predict(args.model, args.mass, coupling)
        except ValueError as exc:  # the core's rule: events beyond kMaxPredictionEvents
            if "events" not in str(exc):
                if fixed:  # e.g. a radius the form factor cannot take: name the option
                    given = ",".join(f"{k}={v:g}" for k, v in fixed.items())
                    raise InputError(f"--fix {given}: {exc}") from None
                raise
    if pred is None or not np.all(np.isfinite(pred)):
        if fixed:
            given = ",".join(f"{k}={v:g}" for k, v in fixed.items())
            raise InputError(
                f"--fix {given}: the prediction overflows (more than 1e150 events in a bin, "
                "the limit of every prediction and fit); use values closer to the SM ones "
                "(cevns.phenomenology.PARAMETERS)"
            )
        if args.model:
            raise InputError(
                f"--coupling {shown(args.coupling)}: the prediction of {args.model} at "
                f"{args.mass:g} MeV overflows (more than 1e150 events in a bin, the limit "
                "of every prediction and fit); use a smaller coupling"
            )
        raise InputError(
            f"the SM prediction with --set {' '.join(args.set)} is not a finite number of "
            "events; use detector options closer to the defaults"
        )
    bad = [k for k, b in exp.backgrounds.items() if not np.all(np.isfinite(b))]
    if bad:
        raise InputError(
            f"the {', '.join(bad)} background with --set {' '.join(args.set)} is not a finite "
            "number of events; use detector options closer to the defaults"
        )
    if coupling < 0:  # after the checks: an error stays the one line of a failed command
        print(
            f"cevns: note: --coupling {shown(args.coupling)}: rates depend on g^2, so the "
            "sign of g does not matter (the prediction of +g)",
            file=sys.stderr,
        )
    if args.format == "json":
        payload = exp.summary()
        payload.update(
            {
                "model": args.model or "SM",
                "mass_MeV": args.mass,
                "coupling": coupling,
                "fixed": fixed,
                "cevns": pred,
                "cevns_total": float(exp.expected_signal(pred).sum()),
                "provenance": provenance([exp]),
            }
        )
        try:
            payload["flux_averaged_cross_section_cm2"] = flux_averaged_cross_section(
                exp, args.model, args.mass, coupling, **fixed
            )
        except InputError:  # a magnetic moment: no total cross section (the core's rule)
            pass
        print(to_json(payload))
    else:
        rows = []
        for i in range(exp.shape[0]):
            for j in range(exp.shape[1]):
                rows.append(
                    [
                        exp.energy_edges[i],
                        exp.energy_edges[i + 1],
                        exp.time_edges[j],
                        exp.time_edges[j + 1],
                        pred[i, j],
                        exp.observed[i, j],
                    ]
                    + [b[i, j] for b in exp.backgrounds.values()]
                )
        header = [
            f"e_lo_{exp.energy_unit}",
            f"e_hi_{exp.energy_unit}",
            "t_lo_us",
            "t_hi_us",
            "cevns",
            "observed",
        ] + list(exp.backgrounds)
        sys.stdout.write(table(rows, header, args.format))
    return EXIT_OK


def cmd_fit(args: argparse.Namespace) -> int:
    from ..datasets import members
    from ..fit import sm_fit
    from ..output import table, to_json

    if args.param:
        return cmd_fit_params(args)
    for opt in ("range", "profile", "plot", "points"):
        if getattr(args, opt):
            raise UsageError(f"--{opt} goes with --param NAME[,NAME2]")
    fixed = parse_fixed_parameters(args.fix)
    exps = detector_experiments(args, members(args.experiment))
    check_fixed_used(fixed, exps)
    result = sm_fit(args.experiment, args.data_dir, exps, params=fixed)
    if args.format == "json":
        print(to_json(result))
        return EXIT_OK
    ev = result["cevns_events"]
    names = members(args.experiment)
    ev = ev if len(names) > 1 else {names[0]: ev}
    rows = [
        [k, v["predicted"], v["best"], v["best"] - v["lower"], v["upper"] - v["best"]]
        for k, v in ev.items()
    ]
    print(
        f"# SM fit of {args.experiment}: chi2_min = {result['chi2_min']:.3f} for "
        f"{result['n_bins']} bins (CEvNS normalisation constrained, nuisances profiled)"
    )
    print("# CEvNS events with a free normalisation ('fitted', 1 sigma), each experiment alone:")
    print(
        table(
            rows,
            ["data set", "predicted", "fitted", "minus_1sigma", "plus_1sigma"],
            args.format,
        )
    )
    xs = {k: v["cross_section_1e40_cm2"] for k, v in ev.items() if "cross_section_1e40_cm2" in v}
    if xs:
        print("# flux-averaged cross section <sigma>_Phi [1e-40 cm^2 per nucleus], the same fits:")
        rows = [
            [k, v["predicted"], v["best"], v["best"] - v["lower"], v["upper"] - v["best"]]
            for k, v in xs.items()
        ]
        print(
            table(
                rows,
                ["data set", "predicted", "fitted", "minus_1sigma", "plus_1sigma"],
                args.format,
            )
        )
    if fixed:
        print(f"# fixed: {_fixed_text(fixed)}")
    print(f"# nuisances at the SM fit of {args.experiment} (value and pull = value / sigma):")
    rows = [[k, v, result["pulls"][k]] for k, v in result["nuisances"].items()]
    print(table(rows, ["nuisance", "value", "pull"], args.format))
    return EXIT_OK


def _fixed_text(fixed: dict[str, float]) -> str:
    """``{"rn_cs": 4.86}`` → ``"rn_cs = 4.86"`` (the text outputs' 'fixed' line)."""
    return ", ".join(f"{k} = {v:g}" for k, v in fixed.items())


def _parse_param_ranges(items: list[str]) -> dict[str, tuple[float, float]]:
    """``["sin2w=0.1:0.4", ...]`` -> ``{"sin2w": (0.1, 0.4)}`` (either order, finite)."""
    ranges = {}
    for item in items:
        key, sep, val = item.partition("=")
        lo, sep2, hi = val.partition(":")
        try:
            a, b = float(lo), float(hi)
        except ValueError:
            raise InputError(f"--range expects NAME=LO:HI, got {quote(item)}") from None
        if not (sep and sep2 and key) or not (math.isfinite(a) and math.isfinite(b)) or a == b:
            raise InputError(f"--range expects NAME=LO:HI with finite LO != HI, got {quote(item)}")
        ranges[key] = (min(a, b), max(a, b))
    return ranges


def _fit_b8_flux(args: argparse.Namespace) -> int:
    """``cevns fit --experiment xenonnt --param b8_flux``: the XENONnT 8B flux measurement."""
    from ..datasets import members
    from ..output import to_json
    from ..xenonnt import b8_flux_fit

    names = members(args.experiment)
    measuring = _experiments_with_option("flux_constraint")
    if len(names) != 1 or names[0] not in measuring:
        raise InputError(
            f"--param b8_flux needs one experiment with a free 8B flux ({', '.join(measuring)}), "
            f"got {args.experiment!r}"
        )
    args.set = [*(args.set or []), f"{names[0]}.flux_constraint=free"]
    exps = detector_experiments(args, names)
    res = b8_flux_fit(exps[names[0]])
    if args.format == "json":
        print(to_json(res.to_dict()))
        return EXIT_OK
    print(
        f"{res.experiment}: 8B flux = {res.flux / 1e6:.2f} "
        f"-{(res.flux - res.flux_low) / 1e6:.2f} +{(res.flux_high - res.flux) / 1e6:.2f} "
        "x 1e6 cm^-2 s^-1 (Delta chi2 = 1, every nuisance profiled)"
    )
    print(
        f"  <sigma> = {res.sigma / 1e-39:.2f} -{(res.sigma - res.sigma_low) / 1e-39:.2f} "
        f"+{(res.sigma_high - res.sigma) / 1e-39:.2f} x 1e-39 cm^2 "
        f"(SM {res.sigma_sm / 1e-39:.3f}); background-only rejected at "
        f"sqrt(q0) = {res.sqrt_q0:.2f} sigma"
    )
    print(
        f"  expected 8B CEvNS {res.cevns_expected:.2f}, background "
        f"{res.background_expected:.2f}, observed {res.observed:.0f}"
    )
    return EXIT_OK


#: Most grid points per axis of ``fit --param``, by number of parameters (memory: a
#: prediction per point; 2000 x 99 bins or 401^2 x 99 bins of doubles is ~0.1 GB).
MAX_POINTS = {0: 2000, 1: 2000, 2: 401}


def check_plot_file(path: str) -> None:
    """``--plot FILE``: writable (as ``--out`` is checked), a format matplotlib draws,
    matplotlib installed; all before the computation."""
    from ..extras import require

    check_output_file(path, "--plot")
    require("matplotlib", "plot", "to draw --plot")
    from matplotlib.figure import Figure

    formats = Figure().canvas.get_supported_filetypes()
    ext = str(path).rsplit(".", 1)[-1].lower() if "." in str(path) else ""
    if ext not in formats:
        raise UsageError(
            f"--plot {quote(path)}: the file name must end in a format matplotlib writes; "
            f"accepted: {', '.join('.' + f for f in sorted(formats))}"
        )


def cmd_fit_params(args: argparse.Namespace) -> int:
    """``cevns fit --param``: `cevns.infer.profiles.profile_parameters`, printed."""
    from ..datasets import members
    from ..infer.profiles import profile_parameters
    from ..output import table, to_json
    from ..provenance import provenance

    ranges = _parse_param_ranges(args.range or [])
    params = [p.strip() for p in args.param.split(",") if p.strip()]
    if params == ["b8_flux"]:
        return _fit_b8_flux(args)
    profiled = [p.strip() for p in (args.profile or "").split(",") if p.strip()]
    if args.points is not None and not 3 <= args.points <= MAX_POINTS[min(len(params), 2)]:
        raise InputError(
            f"--points {args.points}: accepted: 3 to {MAX_POINTS[min(len(params), 2)]} grid "
            f"points per axis for {len(params)} parameter(s)"
        )
    if args.plot:  # before any work: a path that cannot be written, a missing extra
        check_plot_file(args.plot)
    fixed = parse_fixed_parameters(args.fix)
    exps = detector_experiments(args, members(args.experiment))
    res = profile_parameters(
        exps,
        params,
        profiled=profiled,
        fixed=fixed,
        label=args.experiment,
        ranges=ranges,
        points=args.points,
    )
    out = res.to_dict()
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from .._io import atomic_output
        from ..plots import plot_profile

        fig, ax = plt.subplots()
        plot_profile(out, ax=ax)
        with atomic_output(args.plot) as tmp:
            fig.savefig(tmp, format=str(args.plot).rsplit(".", 1)[-1])
        plt.close(fig)
    out["experiments"] = {n: e.settings for n, e in exps.items()}
    out["provenance"] = provenance(exps.values())
    if args.format == "json":
        print(to_json(out))
        return EXIT_OK
    best = ", ".join(f"{k} = {v:.6g}" for k, v in res.best_fit.items())
    if profiled:
        print(f"profiled: {', '.join(profiled)}")
    if fixed:
        print(f"fixed: {_fixed_text(fixed)}")
    print(f"best fit {best}: chi2_min = {res.chi2_min:.3f}; SM: chi2 = {res.chi2_sm:.3f}")
    if res.intervals:
        rows = [
            [k, res.levels[k], "; ".join(f"[{a:.6g}, {b:.6g}]" for a, b in v)]
            for k, v in res.intervals.items()
        ]
        print(table(rows, ["level", "delta_chi2", "allowed"], args.format))
        lo, hi = res.ranges[params[0]]
        if any(a == lo or b == hi for v in res.intervals.values() for a, b in v):
            print(f"(an edge at {lo} or {hi} is the scan range, not a crossing; see --range)")
    else:
        rows = [[k, res.levels[k], len(v)] for k, v in res.contours.items()]
        print(table(rows, ["level", "delta_chi2", "contour_lines"], args.format))
        print("(contours as polylines in --format json)")
    return EXIT_OK


def register(sub: Any) -> None:
    from ..datasets import EXPERIMENTS
    from ..models import MODEL_NAMES

    p = add_command(sub, "predict", "binned CEvNS prediction (SM or a model)", EPILOG_PREDICT)
    p.add_argument("--experiment", choices=EXPERIMENTS, required=True)
    p.add_argument(
        "--model",
        default=None,
        help=f"model name: {', '.join(MODEL_NAMES)} (default: Standard Model)",
    )
    p.add_argument("--mass", type=number, default=None, help="mediator mass M [MeV] (with --model)")
    p.add_argument(
        "--coupling",
        type=number,
        default=None,
        help="coupling g (g~_phi for scalar; with --model); rates depend on g^2, so the "
        "sign of g does not matter",
    )
    add_fixed_parameters(p, "instead of its SM value")
    p.add_argument(
        "--p-ee",
        metavar="E1,E2,...",
        default=None,
        help="solar experiments: print the nu_e survival probability at these E_nu [MeV]",
    )
    add_format(p, ("json", "csv", "markdown"))
    add_inputs(p)
    p.set_defaults(func=cmd_predict)

    p = add_command(
        sub, "fit", "Standard-Model fit: chi2_min, nuisances, fitted CEvNS events", EPILOG_FIT
    )
    add_dataset(p)
    p.add_argument(
        "--param",
        metavar="NAME[,NAME2]",
        help="profile the chi2 in one or two physics parameters (sin2w, rn_cs, rn_i, rn_csi, "
        "rn_ar, rn_<isotope> of the nuclei table, rn_xe, rn_ge, mu_nue, mu_numu, mu_nutau, "
        "r2_nue, r2_numu, r2_nutau, eps_<u|d>_<ee|emu|etau|mumu|mutau|tautau>); "
        "every other one at its SM value",
    )
    p.add_argument(
        "--range",
        action="append",
        metavar="NAME=LO:HI",
        help="scan range of a --param (repeatable)",
    )
    p.add_argument(
        "--profile",
        metavar="NAME[,NAME2]",
        help="with --param: physics parameters minimised at every scanned point (e.g. rn_cs,rn_i)",
    )
    p.add_argument("--plot", metavar="FILE", help="with --param: draw the profile (png/pdf)")
    p.add_argument("--points", type=int, help="with --param: grid points per axis (201 / 41)")
    add_fixed_parameters(p, "instead of its SM value (in the SM fit and under --param)")
    add_format(p, ("markdown", "json", "csv"))
    add_inputs(p)
    p.set_defaults(func=cmd_fit)
