"""``cevns fit``: the Standard-Model fits of the CsI and Ar data (eq. 6-9)."""

from __future__ import annotations

import argparse
from typing import Any

EPILOG = """examples:
  cevns fit --experiment csi2021
  cevns fit --experiment combined --format json
  cevns fit --experiment ar2020 --set ar2020.exposure=release
  cevns fit --experiment csi2021 --param sin2w --format json
  cevns fit --experiment combined --param eps_u_ee,eps_d_ee --range eps_u_ee=-0.5:0.8
  cevns fit --experiment csi2021 --param sin2w --profile rn_cs,rn_i
"""


def sm_fit(
    name: str, data_dir: Any = None, experiments: dict[str, Any] | None = None
) -> dict[str, Any]:
    """χ²_min, best-fit nuisances with pulls and the fitted CEvNS events (1σ) for a data set.

    ``experiments`` (by name) are used where given, otherwise built with defaults.
    """
    from .experiments import experiment
    from .fit import fit_normalisation
    from .likelihood import CombinedLikelihood
    from .provenance import provenance

    names = ["csi2021", "ar2020"] if name == "combined" else [name]
    exps = {n: (experiments or {}).get(n) or experiment(n, data_dir) for n in names}
    preds = {n: e.predict() for n, e in exps.items()}
    if name == "combined":
        lik: Any = CombinedLikelihood(**{n: e.likelihood for n, e in exps.items()})
        res = lik.chi2(preds)
    else:
        lik = exps[name].likelihood
        res = lik.chi2(preds[name])
    sigmas = lik.sigmas
    nuisances = dict(res.nuisances)
    pulls = {k: (v / sigmas[k] if sigmas.get(k) else None) for k, v in nuisances.items()}
    events: dict[str, Any] = {}
    for n, e in exps.items():
        f = fit_normalisation(e.likelihood, preds[n])
        events[n] = {"predicted": f.predicted, "best": f.best, "lower": f.lower, "upper": f.upper}
    return {
        "experiment": name,
        "chi2_min": res.chi2,
        "n_bins": res.n_bins,
        "nuisances": nuisances,
        "pulls": pulls,
        "cevns_events": events if name == "combined" else events[name],
        "convention": "chi2 = -2 ln L up to a constant, nuisances profiled (eq. 6, 7-9)",
        "experiments": {n: e.settings for n, e in exps.items()},
        "provenance": provenance(exps.values()),
    }


def cmd_fit(args: argparse.Namespace) -> int:
    from .cli import detector_experiments
    from .output import table, to_json

    names = ["csi2021", "ar2020"] if args.experiment == "combined" else [args.experiment]
    if getattr(args, "param", None):
        return _cmd_fit_params(args, names)
    result = sm_fit(args.experiment, args.data_dir, detector_experiments(args, names))
    if args.format == "json":
        print(to_json(result))
        return 0
    ev = result["cevns_events"]
    ev = ev if args.experiment == "combined" else {args.experiment: ev}
    rows = [
        [k, v["predicted"], v["best"], v["best"] - v["lower"], v["upper"] - v["best"]]
        for k, v in ev.items()
    ]
    print(f"chi2_min = {result['chi2_min']:.3f} for {result['n_bins']} bins")
    print(
        table(rows, ["data set", "predicted", "fitted", "minus_1sigma", "plus_1sigma"], args.format)
    )
    rows = [[k, v, result["pulls"][k]] for k, v in result["nuisances"].items()]
    print(table(rows, ["nuisance", "value", "pull"], args.format))
    return 0


def _cmd_fit_params(args: argparse.Namespace, names: list[str]) -> int:
    """``cevns fit --param``: the library's profile_parameters, printed."""
    from .cli import detector_experiments
    from .errors import InputError
    from .output import table, to_json
    from .profiles import profile_parameters
    from .provenance import provenance

    ranges = {}
    for item in args.range or []:
        key, sep, val = item.partition("=")
        lo, sep2, hi = val.partition(":")
        try:
            ranges[key] = (float(lo), float(hi))
        except ValueError:
            raise InputError(f"--range expects NAME=LO:HI, got {item!r}") from None
        if not (sep and sep2):
            raise InputError(f"--range expects NAME=LO:HI, got {item!r}")
    params = [p.strip() for p in args.param.split(",") if p.strip()]
    profiled = [p.strip() for p in (args.profile or "").split(",") if p.strip()]
    exps = detector_experiments(args, names)
    res = profile_parameters(
        exps,
        params,
        profiled=profiled,
        label=args.experiment,
        ranges=ranges,
        points=args.points,
    )
    out = res.to_dict()
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from .plots import plot_profile

        fig, ax = plt.subplots()
        plot_profile(out, ax=ax)
        fig.savefig(args.plot)
        plt.close(fig)
    out["experiments"] = {n: e.settings for n, e in exps.items()}
    out["provenance"] = provenance(exps.values())
    if args.format == "json":
        print(to_json(out))
        return 0
    best = ", ".join(f"{k} = {v:.6g}" for k, v in res.best_fit.items())
    if profiled:
        print(f"profiled: {', '.join(profiled)}")
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
    return 0


def register(sub: Any) -> None:
    from .cli import _add_data_dir, _add_detector_options, _add_format, add_command

    p = add_command(
        sub, "fit", "Standard-Model fit: chi2_min, nuisances, fitted CEvNS events", EPILOG
    )
    p.add_argument("--experiment", choices=("csi2021", "ar2020", "combined"), required=True)
    p.add_argument(
        "--param",
        metavar="NAME[,NAME2]",
        help="profile the chi2 in one or two physics parameters (sin2w, rn_cs, rn_i, rn_ar, "
        "mu_nue, mu_numu, r2_nue, r2_numu, eps_<u|d>_<ee|emu|etau|mumu|mutau|tautau>); "
        "every other one at its SM value",
    )
    p.add_argument(
        "--range",
        action="append",
        metavar="NAME=LO:HI",
        help="scan range of a --param parameter (repeatable)",
    )
    p.add_argument(
        "--profile",
        metavar="NAME[,NAME2]",
        help="with --param: physics parameters minimised at every scanned point "
        "(e.g. rn_cs,rn_i); the rest stay at their SM values",
    )
    p.add_argument(
        "--plot", metavar="FILE", help="with --param: draw the profile (png/pdf; matplotlib)"
    )
    p.add_argument("--points", type=int, help="grid points per axis (201 for one, 41 for two)")
    _add_format(p, ("markdown", "json", "csv"))
    _add_detector_options(p)
    _add_data_dir(p)
    p.set_defaults(func=cmd_fit)
