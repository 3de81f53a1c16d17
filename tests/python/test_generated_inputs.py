"""Generated inputs (hypothesis) keep the exit-code contract (issue 13).

The command line is driven in-process (``cevns.cli.main([...])``) and the Python API
directly, with generated numbers (0, negative, NaN, ±inf, huge, text), ranges in both
orders and with N = 0, 1, huge, option names and values, and output paths. Asserted:
the exit code is 0, 2, 3 or 4 and stderr has no traceback (one ``cevns:`` line, or
argparse's usage); exit 0 only with finite, correctly labelled output; a range gives
the same answer in either order. Profiles (tests/python/conftest.py): small random
samples locally, a fixed derandomised sample when ``$CI`` is set.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from cevns.cli import main
from cevns.models import MODEL_NAMES

ALLOWED = {0, 2, 3, 4}

#: Numbers as a user types them: ordinary, edge and wrong.
TOKENS = st.one_of(
    st.sampled_from(
        ["0", "-0", "1", "-1", "10", "1e-4", "nan", "-nan", "inf", "-inf", "1e400", "1e-400",
         "1e80", "1e308", "ten", "", " ", "1,5", "0x10", "1_000", "5e-5"]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**30), 10**30).map(str),
)  # fmt: skip
POSITIVE = st.floats(min_value=1e-3, max_value=1e5, allow_nan=False)
N_TOKENS = st.one_of(st.sampled_from(["0", "1", "2", "3", "-1", "2.5", "2001", "10**9", "x"]),
                     st.integers(0, 10**12).map(str))  # fmt: skip


def run(capsys, args: list[str]) -> tuple[int, str, str]:
    rc = main(args)
    out, err = capsys.readouterr()
    assert rc in ALLOWED, f"cevns {' '.join(args)} -> exit {rc}: {err}"
    assert "Traceback" not in err, err
    if rc != 0:
        lines = [x for x in err.splitlines() if x.strip()]
        if rc == 2 and lines and lines[0].startswith("usage:"):  # argparse
            assert lines[-1].startswith("cevns") and "error:" in lines[-1], err
        else:
            assert len(lines) == 1 and lines[0].startswith("cevns:"), err
    return rc, out, err


def finite_tree(x) -> bool:
    """Every number of a JSON document is finite (NaN/inf would be null or a string)."""
    if isinstance(x, dict):
        return all(finite_tree(v) for v in x.values())
    if isinstance(x, list):
        return all(finite_tree(v) for v in x)
    if isinstance(x, float):
        return math.isfinite(x)
    return True


@pytest.fixture(scope="module")
def dd(data_dir):
    return ["--data-dir", str(data_dir)]


# -- predict ----------------------------------------------------------------------------
@given(
    experiment=st.sampled_from(["csi2021", "ar2020"]),
    model=st.one_of(st.none(), st.sampled_from(MODEL_NAMES), st.sampled_from(["nope", "SM", ""])),
    mass=st.one_of(st.none(), TOKENS),
    coupling=st.one_of(st.none(), TOKENS),
    fmt=st.sampled_from(["json", "csv"]),
)
# a negative coupling whose prediction overflows: the sign note came before the error line
@example(experiment="csi2021", model="universal", mass="1e-4", coupling="-3.37e+38", fmt="json")
def test_predict(capsys, dd, experiment, model, mass, coupling, fmt):
    args = ["predict", "--experiment", experiment, "--format", fmt]
    for opt, v in (("--model", model), ("--mass", mass), ("--coupling", coupling)):
        if v is not None:
            args += [f"{opt}={v}"]
    rc, out, _ = run(capsys, args + dd)
    if rc != 0:
        return
    if fmt == "csv":
        rows = [r.split(",") for r in out.strip().splitlines()[1:]]
        assert rows and all(math.isfinite(float(c)) for r in rows for c in r)
        return
    d = json.loads(out)
    assert finite_tree(d["cevns"]) and math.isfinite(d["cevns_total"])
    assert d["model"] == (model or "SM")
    if model:  # exit 0 with a model only with a finite positive mass and a finite coupling
        assert d["mass_MeV"] == float(mass) > 0 and d["coupling"] == float(coupling)
    else:
        assert d["mass_MeV"] is None and d["coupling"] == 0.0


# -- ranges ------------------------------------------------------------------------------
@given(lo=TOKENS, hi=TOKENS, n=N_TOKENS)
def test_scan_masses_any_range(capsys, dd, lo, hi, n):
    args = ["scan", "--model", "B-L", "--experiment", "ar2020", "--couplings", "1e-6:1e-1:20"]
    rc, out, _ = run(capsys, args + ["--masses", f"{lo}:{hi}:{n}"] + dd)
    if rc == 0:
        d = json.loads(out)
        m = d["masses_MeV"]
        assert len(m) == int(n) and m == sorted(m) and all(x > 0 for x in m)
        assert finite_tree(d["chi2"]) and math.isfinite(d["chi2_min"])


@settings(max_examples=6)
@given(
    lo=POSITIVE, hi=POSITIVE, n=st.integers(2, 6),
    glo=st.floats(1e-7, 1e-4), ghi=st.floats(1e-3, 1.0), ng=st.integers(3, 25),
)  # fmt: skip
def test_scan_range_order(capsys, dd, tmp_path, lo, hi, n, glo, ghi, ng):
    assume(lo != hi)
    outs = []
    for masses, couplings in (
        (f"{lo!r}:{hi!r}:{n}", f"{glo!r}:{ghi!r}:{ng}"),
        (f"{hi!r}:{lo!r}:{n}", f"{ghi!r}:{glo!r}:{ng}"),
    ):
        out = tmp_path / "scan.json"
        rc, _, _ = run(
            capsys,
            ["scan", "--model", "universal", "--experiment", "csi2021", "--out", str(out),
             "--masses", masses, "--couplings", couplings] + dd,
        )  # fmt: skip
        assert rc == 0
        d = json.loads(out.read_text())
        d.pop("provenance")
        outs.append(d)
    assert outs[0] == outs[1]


@settings(max_examples=4)
@given(lo=POSITIVE, hi=POSITIVE, n=st.integers(2, 5), model=st.sampled_from(["B-L", "Lmu-Ltau"]))
def test_gm2_range_order(capsys, dd, tmp_path, lo, hi, n, model):
    assume(lo != hi)
    outs = []
    for masses in (f"{lo!r}:{hi!r}:{n}", f"{hi!r}:{lo!r}:{n}"):
        rc, out, _ = run(
            capsys,
            ["gm2", "--model", model, "--masses", masses, "--couplings", "1e-6:10:30",
             "--format", "json", "--cache-dir", str(tmp_path / "cache")] + dd,
        )  # fmt: skip
        assert rc == 0
        d = json.loads(out)
        d.pop("provenance")
        outs.append(d)
    assert outs[0] == outs[1]


# -- statistics options ------------------------------------------------------------------
@given(cl=st.one_of(TOKENS, TOKENS.map(lambda t: t + "sigma"), TOKENS.map(lambda t: t + "%")),
       dof=st.sampled_from(["1", "2", "0", "3", "x"]))  # fmt: skip
def test_limits_cl_and_dof(capsys, dd, cl, dof):
    args = ["limits", "--model", "B-L", "--experiment", "ar2020", "--format", "json"]
    rc, out, _ = run(capsys, args + [f"--cl={cl}", f"--dof={dof}"] + dd)
    if rc == 0:
        d = json.loads(out)
        assert d["model"] == "B-L" and d["dataset"] == "ar2020"
        assert math.isfinite(d["delta_chi2"]) and d["delta_chi2"] > 0


# -- detector options ----------------------------------------------------------------------
def _option_names() -> list[str]:
    from cevns.experiments import ar2020, csi2021

    return [f"csi2021.{k}" for k in csi2021.DEFAULTS] + [f"ar2020.{k}" for k in ar2020.DEFAULTS]


#: Integer options are generated with small values only: a huge panels_per_segment is
#: refused by the option table with ranges (the C++ option-table change) but until then
#: runs for minutes.
SMALL_INT_TOKENS = st.sampled_from(["0", "1", "-1", "2", "2.5", "nan", "x", ""])


@given(
    name=st.one_of(st.sampled_from(_option_names()), st.sampled_from(["xenon.mass", "csi2021.nope",
                   "csi2021", "ar2020.", ".x"])),
    value=TOKENS, int_value=SMALL_INT_TOKENS,
    text=st.sampled_from(["none", "plus", "minus", "release", "paper", "window", "all", "helm",
                          "klein_nystrand", "nominal", "exponential", "2017", "bogus"]),
)  # fmt: skip
def test_set_options(capsys, dd, name, value, int_value, text):
    """predict, then fit where predict succeeds, with one generated detector option."""
    from cevns.experiments import ar2020, csi2021

    exp, _, key = name.partition(".")
    default = {"csi2021": csi2021.DEFAULTS, "ar2020": ar2020.DEFAULTS}.get(exp, {}).get(key, 0.0)
    if isinstance(default, bool) or isinstance(default, int):
        value = int_value
    elif isinstance(default, str):
        value = text
    target = exp if exp in ("csi2021", "ar2020") else "csi2021"
    option = ["--set", f"{name}={value}", "--format", "json"]
    rc, out, _ = run(capsys, ["predict", "--experiment", target] + option + dd)
    if rc == 0:
        d = json.loads(out)
        assert finite_tree(d["cevns"]) and finite_tree(d["backgrounds"])
        assert d["model"] == "SM" and d["experiment"] == target
        rc, out, _ = run(capsys, ["fit", "--experiment", target] + option + dd)
        if rc == 0:
            d = json.loads(out)
            assert d["experiment"] == target and math.isfinite(d["chi2_min"])
            assert finite_tree(d["cevns_events"]) and finite_tree(d["nuisances"])


# -- output paths ---------------------------------------------------------------------------
@settings(max_examples=10)
@given(kind=st.sampled_from(["ok", "missing_dir", "is_dir", "parent_is_file", "nested_ok"]))
def test_out_paths(capsys, dd, tmp_path, kind):
    base = tmp_path / kind
    base.mkdir(exist_ok=True)
    (base / "file").write_text("x")
    out = {
        "ok": base / "s.json",
        "missing_dir": base / "no" / "s.json",
        "is_dir": base,
        "parent_is_file": base / "file" / "s.json",
        "nested_ok": base / "s2.json",
    }[kind]
    args = ["scan", "--model", "B-L", "--experiment", "ar2020", "--masses", "1:10:2",
            "--couplings", "1e-6:1e-1:10", "--out", str(out)]  # fmt: skip
    rc, _, _ = run(capsys, args + dd)
    assert (rc == 0) == (kind in ("ok", "nested_ok"))
    if rc == 0:
        assert json.loads(Path(out).read_text())["model"] == "B-L"
    assert not [p for p in base.rglob(".*.tmp")]  # no temporary file left behind


# -- the Python API ---------------------------------------------------------------------------
VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**30), 10**30),
    st.sampled_from(["10", "ten", None, True, 1j, [10.0], ()]),
)


@pytest.fixture(scope="module")
def ar(data_dir):
    from cevns.experiments import experiment

    return experiment("ar2020", data_dir)


@given(model=st.sampled_from(["B-L", "scalar", "Lmu-Ltau", "nope"]), mass=VALUES, coupling=VALUES)
def test_api_predict(ar, model, mass, coupling):
    from cevns.errors import CevnsError

    try:
        with np.errstate(over="ignore", invalid="ignore"):
            pred = ar.predict(model, mass=mass, coupling=coupling)
    except CevnsError:
        return
    # accepted: a real finite mass > 0 and a real finite coupling
    assert isinstance(mass, (int, float)) and not isinstance(mass, bool)
    assert math.isfinite(mass) and mass > 0 and math.isfinite(coupling)
    assert pred.shape == ar.shape and pred.dtype == np.float64


@given(
    scale=st.floats(allow_nan=True, allow_infinity=True),
    kind=st.sampled_from(["plain", "complex", "masked", "list", "int", "bool"]),
)
def test_api_chi2(ar, scale, kind):
    from cevns.errors import InputError

    sm = ar.predict()
    with np.errstate(over="ignore", invalid="ignore"):
        pred = sm * scale
    x = {
        "plain": pred,
        "complex": pred + 0j,
        "masked": np.ma.masked_array(pred, mask=sm < 1),
        "list": pred.tolist(),
        "int": np.rint(np.clip(np.nan_to_num(pred), -(2**62), 2**62)).astype(np.int64),
        "bool": pred > 1,
    }[kind]
    try:
        res = ar.chi2(x)
    except InputError:
        return
    assert kind in ("plain", "list", "int") and math.isfinite(res.chi2)
    assert kind == "int" or (math.isfinite(scale) and scale >= 0)


# -- physics parameters (--fix) ---------------------------------------------------------------
def _parameter_names() -> list[str]:
    from cevns.phenomenology import PARAMETERS

    return list(PARAMETERS)


@settings(max_examples=40)
@given(
    name=st.one_of(st.sampled_from(_parameter_names()),
                   st.sampled_from(["sin2x", "rn", "eps_s_ee", "", "mu_nutau", "SIN2W"])),
    value=TOKENS,
    experiment=st.sampled_from(["csi2021", "ar2020"]),
)  # fmt: skip
def test_fix_parameters(capsys, dd, name, value, experiment):
    """predict, then fit where predict succeeds, with one generated --fix NAME=VALUE."""
    fix = ["--fix", f"{name}={value}", "--format", "json"]
    rc, out, _ = run(capsys, ["predict", "--experiment", experiment] + fix + dd)
    if rc != 0:
        return
    d = json.loads(out)
    assert finite_tree(d["cevns"]) and math.isfinite(d["cevns_total"])
    assert d["fixed"] == {name: float(value)}
    assert name != "sin2w" or 0 <= float(value) <= 1  # a squared sine (0.7.0 took 1.5)
    assert not name.startswith("rn_") or float(value) > 0
    if "flux_averaged_cross_section_cm2" in d:
        assert math.isfinite(d["flux_averaged_cross_section_cm2"])
    else:  # only a magnetic moment has no total cross section
        assert name.startswith("mu_") and float(value) != 0
    rc, out, _ = run(capsys, ["fit", "--experiment", experiment] + fix + dd)
    if rc == 0:
        d = json.loads(out)
        assert math.isfinite(d["chi2_min"]) and finite_tree(d["cevns_events"])


@given(value=st.one_of(st.floats(), st.sampled_from([0.0, 1.0, -0.0, 5e-324, 1 - 2**-53])))
def test_api_sin2w_is_a_squared_sine(value):
    """``sin2w`` in [0, 1] is taken, anything else is one InputError naming the range
    (the core's check: Python, C and the CLI all meet it)."""
    from cevns.errors import InputError
    from cevns.phenomenology import parameters

    try:
        p = parameters(sin2w=value)
    except InputError as exc:
        assert not 0 <= value <= 1
        assert "\n" not in str(exc)
        want = "must be finite" if not math.isfinite(value) else "accepted: 0 <= sin2w <= 1"
        assert want in str(exc)
        return
    assert 0 <= value <= 1 and p.get("sin2w") == value


@settings(max_examples=8)
@given(
    name=st.sampled_from(
        ["sin2w", "eps_u_ee", "eps_d_emu", "rn_csi", "rn_ar", "mu_numu", "r2_nue"]
    ),
    value=TOKENS,
)
def test_fix_parameters_under_a_limit(capsys, dd, name, value):
    """``cevns limits --fix``: a limit, or one line with exit 4, whatever the value."""
    args = ["limits", "--model", "B-L", "--experiment", "ar2020", "--format", "json"]
    rc, out, _ = run(capsys, args + ["--fix", f"{name}={value}"] + dd)
    if rc == 0:
        d = json.loads(out)
        assert d["fixed"] == {name: float(value)}
        # a bound that is not a finite number comes with a note saying why
        missing = [k for k in ("g_low", "g_over_M_high") if not isinstance(d[k], float)]
        assert len(d["notes"]) == len(missing)
        for k, note in zip(missing, d["notes"]):
            assert note.startswith(k)
