"""``cevns fit``: the Standard-Model fits of the CsI and Ar data (eq. 6-9)."""

from __future__ import annotations

import argparse
from typing import Any

EPILOG = """examples:
  cevns fit --experiment csi2021
  cevns fit --experiment combined --format json
  cevns fit --experiment ar2020 --set ar2020.exposure=release
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


def register(sub: Any) -> None:
    from .cli import _add_data_dir, _add_detector_options, _add_format, add_command

    p = add_command(
        sub, "fit", "Standard-Model fit: chi2_min, nuisances, fitted CEvNS events", EPILOG
    )
    p.add_argument("--experiment", choices=("csi2021", "ar2020", "combined"), required=True)
    _add_format(p, ("markdown", "json", "csv"))
    _add_detector_options(p)
    _add_data_dir(p)
    p.set_defaults(func=cmd_fit)
