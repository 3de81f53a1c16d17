"""``cevns limits``, ``cevns table2`` and ``cevns scan``: the paper's Section IV."""

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
    add_datasets,
    add_fixed_parameters,
    add_format,
    add_inputs,
    add_stat,
    check_fixed_used,
    check_output_file,
    check_stat,
    couplings_in_reach,
    detector_experiments,
    number,
    parse_fixed_parameters,
    parse_grids,
    progress,
    shown,
    write_output,
)

__all__ = [
    "EPILOG_COVERAGE",
    "EPILOG_LIMITS",
    "EPILOG_SCAN",
    "EPILOG_TABLE2",
    "cmd_coverage",
    "cmd_limits",
    "cmd_scan",
    "cmd_table2",
    "detector_line",
    "register",
]


EPILOG_LIMITS = """examples:
  cevns limits --model B-L --experiment combined
  cevns limits --model Lmu-Ltau --experiment csi2021 --dof 1 --format json
  cevns limits --model B-L --experiment ar2020 --method fc --toys 1000 --seed 1 --workers 4
  cevns limits --model B-L --experiment csi2021 --fix rn_csi=5.5    # a larger neutron radius
"""
EPILOG_COVERAGE = """examples:
  cevns coverage --model B-L --experiment ar2020 --mass 0.01 --coupling 5.35e-5 --toys 1000
  cevns coverage --model universal --experiment combined --mass 1e5 --coupling 0.048 \\
      --toys 2000 --scheduler tcp://10.0.0.1:8786 --format json
"""
EPILOG_TABLE2 = """examples:
  cevns table2                     # markdown, Delta chi2 = 6.18 (2 sigma, 2 parameters)
  cevns table2 --dof 1 --format json
  cevns table2 --compare           # ours vs the paper's published rows, and our Delta chi2 there
  cevns table2 --compare --set ar2020.shape_templates=plus --set csi2021.timing_efficiency=none
  cevns table2 --experiment xenonnt --experiment csi2021+ar2020+xenonnt   # any data sets
  cevns table2 --experiment combined,xenonnt --format json

Without --experiment the columns are the paper's: ar2020, csi2021, combined (CsI+Ar).
"""
EPILOG_SCAN = """examples:
  cevns scan --model universal --experiment combined --out universal.json   # grid and contours
  cevns scan --model scalar --experiment csi2021 --dof 1 --out scalar.json
  cevns scan --model B-L --experiment ar2020 --masses 1e-2:1e4:200 --couplings 1e-6:1e-1:400 \\
      --out bl.json

Ranges LO:HI:N are log-spaced grids and mean the same in either order.
"""


def cmd_limits(args: argparse.Namespace) -> int:
    from ..datasets import members
    from ..infer.limits import M_HIGH_MEV, M_LOW_MEV, limit
    from ..models import get_model
    from ..output import table, to_json
    from ..provenance import provenance

    check_stat(args)
    get_model(args.model)  # an unknown name is an input error, before any data is read
    fixed = parse_fixed_parameters(args.fix)
    if fixed and args.method == "fc":
        raise UsageError("--fix goes with --method wilks (the toys are SM-parameter toys)")
    exps = detector_experiments(args, members(args.experiment))
    check_fixed_used(fixed, exps)
    lim: Any  # an FCLimit or a Limit
    if args.method == "fc":
        from ..infer.fc import FCSettings, fc_limit_run

        settings = FCSettings(args.min_toys, args.tc_tolerance, args.max_toys)
        lim = fc_limit_run(
            args.model, args.experiment, args.toys, args.seed, cl=args.cl, dof=args.dof,
            workers=args.workers, scheduler=args.scheduler, data_dir=args.data_dir,
            options=_options(args), experiments=exps, progress=progress(), settings=settings,
        )  # fmt: skip
    else:
        for opt, default in (
            ("toys", 1000), ("seed", 0), ("workers", None), ("scheduler", None),
            ("min_toys", 1000), ("tc_tolerance", 0.2), ("max_toys", 20000),
        ):  # fmt: skip
            if getattr(args, opt) != default:
                raise UsageError(f"--{opt.replace('_', '-')} goes with --method fc")
        lim = limit(
            args.model,
            args.experiment,
            cl=args.cl,
            dof=args.dof,
            experiments=exps,
            params=fixed or None,
        )
    if args.method == "fc" and any(math.isnan(b) for b in (lim.g_low, lim.g_over_M_high)):
        raise InputError(
            f"--method fc --toys {args.toys}: no finite bound (g_low = {lim.g_low:g}, "
            f"g_over_M_high = {lim.g_over_M_high:g}): the Feldman-Cousins critical values "
            f"from {args.toys} toys per tested point are not determined at {args.cl}; "
            "use more toys (e.g. --toys 1000)"
        )
    notes = _missing_bound_notes(lim, M_LOW_MEV, M_HIGH_MEV)
    for note in notes:
        print(f"cevns: note: {note}", file=sys.stderr)
    if args.format == "json":
        print(
            to_json(
                {
                    **lim.to_dict(),
                    "notes": notes,
                    "cl": args.cl,
                    "dof": args.dof,
                    "m_low_MeV": M_LOW_MEV,
                    "m_high_MeV": M_HIGH_MEV,
                    "fixed": fixed,
                    "experiments": {n: e.settings for n, e in exps.items()},
                    "provenance": provenance(exps.values()),
                }
            )
        )
    else:
        print(_stat_line(args, check_stat(args)))
        row = [lim.model, lim.dataset, lim.g_low, lim.g_over_M_high]
        head = [
            "model",
            "data set",
            f"g (M={M_LOW_MEV:g} MeV)",
            f"g/M [GeV^-1] (M={M_HIGH_MEV:g} MeV)",
        ]
        if args.method == "fc":  # method, CL, toys and the t_c errors with every FC row
            tc, err, n = lim.critical_values, lim.critical_value_errors, lim.toys_used
            row += ["feldman-cousins", args.cl]
            head += ["method", "CL"]
            for k in ("g_low", "g_over_M_high"):
                row += [tc[k], err[k], n[k]]
                head += [f"t_c({k})", f"t_c error({k})", f"toys({k})"]
        print(table([row], head, args.format), end="")
    return EXIT_OK


def _stat_line(args: argparse.Namespace, delta_chi2: float | None = None) -> str:
    """The comment line every table starts with: CL, Delta chi2, dof, method and toys
    (JSON outputs carry the same as keys)."""
    parts = [f"# CL {args.cl}"]
    if delta_chi2 is not None:
        parts.append(f"Delta chi2 = {delta_chi2:.3f}")
    parts.append(f"dof = {args.dof}")
    method = getattr(args, "method", "wilks")
    if method == "fc":
        parts.append(
            f"method fc (Feldman-Cousins, {args.toys} toys per tested point, seed {args.seed})"
        )
    else:
        parts.append("method wilks (Delta chi2 level, no toys)")
    return ", ".join(parts)


def _missing_bound_notes(lim: Any, m_low: float, m_high: float) -> list[str]:
    """Why a Table 2 bound is NaN or infinite (one sentence each; none when both are finite)."""
    import math

    notes = []
    for label, value, edge, mass in (
        ("g_low", lim.g_low, lim.g_low_lowest_edge, m_low),
        ("g_over_M_high", lim.g_over_M_high, lim.g_over_M_high_lowest_edge, m_high),
    ):
        if math.isinf(value):
            notes.append(
                f"{label}: no upper bound at M = {mass:g} MeV: "
                "the allowed region reaches the top of the coupling grid"
            )
        elif math.isnan(value):
            why = (
                "nothing is allowed there at this CL"
                if math.isnan(edge)
                else "no allowed interval there belongs to the allowed region that contains "
                "g = 0 (the Table 2 criterion): g = 0 itself is excluded at this CL"
            )
            notes.append(f"{label}: no bound at M = {mass:g} MeV: {why}")
    return notes


def _options(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    from .args import parse_detector_options

    return parse_detector_options(getattr(args, "set", []) or [])


def cmd_coverage(args: argparse.Namespace) -> int:
    """``cevns coverage``: the Wilks coverage at a true point, from toys (`cevns.infer.fc`)."""
    from .._validate import real_number
    from ..datasets import members
    from ..infer.fc import coverage_run
    from ..models import get_model
    from ..output import table, to_json

    check_stat(args)
    get_model(args.model)
    for opt, v in (("--mass", args.mass), ("--coupling", args.coupling)):
        if not math.isfinite(v):
            raise InputError(f"{opt} {shown(v)}: must be a finite number")
    mass = real_number("--mass", args.mass)
    g = real_number("--coupling", args.coupling)
    if not mass > 0:
        raise InputError(f"--mass must be a mediator mass > 0 MeV, got {shown(args.mass)}")
    if g < 0:
        raise InputError(
            f"--coupling must be >= 0 (rates depend on g^2: give |g|), got {shown(args.coupling)}"
        )
    detector_experiments(args, members(args.experiment))  # validates --set before the toys
    cov = coverage_run(
        args.model, args.experiment, mass, g, args.toys, args.seed,
        cl=args.cl, dof=args.dof, workers=args.workers, scheduler=args.scheduler,
        data_dir=args.data_dir, options=_options(args), progress=progress(),
    )  # fmt: skip
    d = cov.to_dict()
    if args.format == "json":
        print(to_json(d))
        return EXIT_OK
    keys = ["model", "dataset", "mass_MeV", "g", "toys", "wilks_level", "fraction", "error"]
    rows = [[d[k] for k in keys] + [d["nominal"], d["t_critical"]]]
    print(
        f"# coverage of the Wilks region at CL {args.cl} (dof = {args.dof}) from "
        f"{args.toys} toys, seed {args.seed}"
    )
    print(table(rows, keys + ["nominal", "t_critical"], args.format), end="")
    return EXIT_OK


def _add_toys(p: argparse.ArgumentParser, fc_flag: bool) -> None:
    if fc_flag:
        p.add_argument(
            "--method",
            choices=("wilks", "fc"),
            default="wilks",
            help="wilks: Delta chi2 level (default); fc: Feldman-Cousins critical values from toys",
        )
    p.add_argument("--toys", type=int, default=1000, help="toys per tested point (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the toys (default 0)")
    if fc_flag:
        p.add_argument(
            "--min-toys",
            type=int,
            default=1000,
            help="fc: fewest toys per tested point; --toys below it is an error (default 1000)",
        )
        p.add_argument(
            "--tc-tolerance",
            type=float,
            default=0.2,
            help="fc: toys are added at a point until the Monte-Carlo error of t_c is "
            "below this (default 0.2)",
        )
        p.add_argument(
            "--max-toys", type=int, default=20000, help="fc: most toys per point (default 20000)"
        )
    g = p.add_mutually_exclusive_group()
    g.add_argument("--workers", type=int, default=None, help="local Dask cluster of K processes")
    g.add_argument("--scheduler", default=None, help="running Dask scheduler, tcp://HOST:PORT")


def detector_line(settings: dict[str, dict[str, Any]]) -> str:
    """One comment line with the detector conventions in use: every named choice
    (quenching row, timing efficiency, shape templates, ...) and any number set away
    from its default; JSON outputs carry every setting."""
    from ..experiments import defaults

    parts = []
    for name, st in settings.items():
        dflt = defaults(name)
        shown = [
            f"{k}={v}"
            for k, v in st.items()
            if isinstance(v, str) or (dflt.get(k) is not None and v != dflt[k])
        ]
        parts.append(f"{name} [{', '.join(shown)}]")
    return "# detector models: " + "; ".join(parts)


def _table2_datasets(args: argparse.Namespace) -> tuple[list[str], list[str], list[str]]:
    """The data sets of ``cevns table2`` (in computing order), its columns (in printing
    order) and their experiments: the paper's by default, else ``--experiment`` as given."""
    from ..datasets import PAPER_DATASETS, PAPER_ORDER, members

    if args.experiment is None:
        datasets, columns = list(PAPER_DATASETS), list(PAPER_ORDER)
    else:
        if args.compare:
            raise UsageError(
                "--compare compares the paper's data sets (Ar, CsI, CsI+Ar): drop --experiment, "
                "or drop --compare to see the table of the data sets you name"
            )
        columns = []
        for d in (d for group in args.experiment for d in group):
            if d in columns:
                raise UsageError(f"--experiment: data set {d!r} given twice")
            columns.append(d)
        datasets = columns
    names = list(dict.fromkeys(n for d in datasets for n in members(d)))
    return datasets, columns, names


def cmd_table2(args: argparse.Namespace) -> int:
    from ..datasets import LABELS
    from ..infer.limits import table2
    from ..output import table, to_json

    check_stat(args)
    datasets, columns, names = _table2_datasets(args)
    if args.compare:  # the comparison with the published table uses the paper's SS model
        from .args import parse_detector_options

        chosen = parse_detector_options(args.set or []).get("csi2021", {}).get("ss_model")
        if chosen not in (None, "paper"):
            raise UsageError(
                "--compare compares the paper's likelihood: csi2021.ss_model must be paper "
                f"(got {chosen!r}); drop --compare to see the {chosen} model's table"
            )
        args.set = [*(args.set or []), "csi2021.ss_model=paper"]
    res = table2(
        datasets=datasets,
        cl=args.cl,
        dof=args.dof,
        experiments=detector_experiments(args, names),
        progress=progress(),
        compare_paper=args.compare,
    ).to_dict()
    if args.format == "json":
        print(to_json(res))
        return EXIT_OK
    s = res["settings"]
    if args.compare:
        print(
            f"# ours vs the paper's Table 2 (universal and B-L rows), CL {s['cl']}, Delta chi2 "
            f"level = {s['delta_chi2']:.3f} (dof = {s['dof']}), method wilks (no toys); "
            "'Delta chi2 at published' is ours at the published bound"
        )
        print(detector_line(s["experiments"]))
        rows = [
            [
                c["model"],
                LABELS[c["dataset"]],
                c["bound"],
                c["published"],
                c["ours"],
                f"{100 * c['relative_difference']:+.1f} %",
                round(c["delta_chi2_at_published"], 2),
            ]
            for c in res["comparison"]
        ]
        header = ["model", "data set", "bound", "published", "ours", "difference"]
        print(table(rows, header + ["Delta chi2 at published"], args.format), end="")
        return EXIT_OK
    header = ["model"]
    for d in columns:
        header += [f"{LABELS[d]} g (low M)", f"{LABELS[d]} g/M [GeV^-1] (high M)"]
    rows = [[m] + [x for d in columns for x in r[d]] for m, r in res["rows"].items()]
    print(
        f"# Table 2: {s['cl']} upper bounds, Delta chi2 = {s['delta_chi2']:.3f} "
        f"(dof = {s['dof']}), method wilks (no toys), low M = {s['m_low_MeV']:g} MeV, high M = "
        f"{s['m_high_MeV']:g} MeV; {s['definition']}"
    )
    print(detector_line(s["experiments"]))
    print(table(rows, header, args.format), end="")
    return EXIT_OK


def cmd_scan(args: argparse.Namespace) -> int:
    import numpy as np

    from ..datasets import members
    from ..infer.scan import ModelFit, scan
    from ..models import get_model
    from ..output import to_json
    from ..provenance import provenance

    masses, g = parse_grids(args)
    check_stat(args)
    if args.out:
        check_output_file(args.out)
    get_model(args.model)  # an unknown name is an input error, before any data is read
    fixed = parse_fixed_parameters(args.fix)
    exps = detector_experiments(args, members(args.experiment))
    check_fixed_used(fixed, exps)
    fit = ModelFit(args.model, args.experiment, experiments=exps, params=fixed or None)
    if g is None:
        lo = fit.coupling_grid(masses[0])[0]
        hi = fit.coupling_grid(masses[-1])[-1]
        g = np.geomspace(lo, hi, 400)
    with couplings_in_reach(args):
        res = scan(
            fit.model,
            args.experiment,
            masses,
            g,
            cl=args.cl,
            dof=args.dof,
            fit=fit,
            progress=progress(),
        )
    payload = {
        **res.to_dict(),
        "cl": args.cl,
        "dof": args.dof,
        "fixed": fixed,
        "experiments": {n: e.settings for n, e in fit.experiments.items()},
        "provenance": provenance(fit.experiments.values()),
    }
    payload["contours"] = [line.tolist() for line in res.contours()]
    if masses.size == 1:
        print("cevns: one mass: the allowed intervals, but no 2-D contour", file=sys.stderr)
    text = to_json(payload)
    if args.out:
        write_output(text + "\n", args.out)
        print(
            f"wrote {args.out}: {len(masses)} masses x {len(g)} couplings, "
            f"chi2_min = {res.chi2_min:.3f}",
            file=sys.stderr,
        )
    else:
        print(text)
    return EXIT_OK


def register(sub: Any) -> None:
    import argparse as ap

    from ..models import MODEL_NAMES

    p = add_command(sub, "limits", "Table 2 bounds of one model and data set", EPILOG_LIMITS)
    p.add_argument("--model", required=True, help=", ".join(MODEL_NAMES))
    add_dataset(p)
    add_stat(p)
    _add_toys(p, True)
    add_fixed_parameters(p, "under the mediator (Wilks only): e.g. sin2w=0.25, rn_csi=4.86")
    add_format(p, ("markdown", "json", "csv"))
    add_inputs(p)
    p.set_defaults(func=cmd_limits)

    p = add_command(
        sub, "coverage", "coverage of the Wilks 2-sigma region at a true point", EPILOG_COVERAGE
    )
    p.add_argument("--model", required=True, help=", ".join(MODEL_NAMES))
    add_dataset(p)
    p.add_argument("--mass", type=number, required=True, help="true mediator mass [MeV]")
    p.add_argument(
        "--coupling", type=number, required=True, help="true coupling g >= 0 (rates depend on g^2)"
    )
    add_stat(p)
    _add_toys(p, False)
    add_format(p, ("markdown", "json", "csv"))
    add_inputs(p)
    p.set_defaults(func=cmd_coverage)

    p = add_command(
        sub, "table2", "the paper's Table 2: all models x Ar, CsI, CsI+Ar (or any data sets)",
        EPILOG_TABLE2,
    )  # fmt: skip
    add_datasets(p, "the paper's ar2020, csi2021, combined")
    add_stat(p)
    add_format(p, ("markdown", "json", "csv"))
    p.add_argument(
        "--compare",
        action="store_true",
        help="print ours against the paper's published rows (relative difference and our "
        "Delta chi2 at the published bound) instead of the table; JSON: adds 'comparison'",
    )
    add_inputs(p)
    p.set_defaults(func=cmd_table2)

    p = add_command(
        sub, "scan", "profiled chi2 on an (M, g) grid with the allowed regions", EPILOG_SCAN
    )
    p.add_argument("--model", required=True, help=", ".join(MODEL_NAMES))
    add_dataset(p)
    p.add_argument(
        "--masses",
        default="1e-2:1e4:200",
        help="LO:HI:N in MeV, log-spaced, either order (default %(default)s)",
    )
    p.add_argument("--couplings", default=None, help="LO:HI:N (default: from the model)")
    p.add_argument("--out", default=None, help="JSON file (default: stdout)")
    # contours are always written since 0.3; the flag of 0.2 is still accepted
    p.add_argument("--contours", action="store_true", help=ap.SUPPRESS)
    add_stat(p)
    add_fixed_parameters(p, "under the mediator: e.g. sin2w=0.25, eps_u_ee=0.05")
    add_inputs(p)
    p.set_defaults(func=cmd_scan)
