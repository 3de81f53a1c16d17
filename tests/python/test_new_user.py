"""What a new user meets in the first ten minutes (issue 23): nothing silently
meaningless, one clear line for every mistake, the README's own promises.

Each test names the mistake as the user made it; each failed on 0.5.0.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_run import one_line, run

import cevns
from cevns import phenomenology as ph
from cevns.cli import EXIT_DATA, EXIT_INPUT, EXIT_OK, EXIT_USAGE
from cevns.errors import InputError, MissingExtraError

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def exps(data_dir):
    return {n: cevns.experiment(n, data_dir) for n in ("csi2021", "ar2020")}


@pytest.fixture
def dd(data_dir):
    return ("--data-dir", str(data_dir))


# -- the README's Python lines -----------------------------------------------------------
def test_defaults_without_importing_the_submodule():
    """``cevns.experiments.csi2021.DEFAULTS`` as the README writes it, after ``import cevns``."""
    code = (
        "import cevns; d = cevns.experiments.csi2021.DEFAULTS; "
        "e = cevns.experiments.ar2020.DEFAULTS; print(len(d), len(e))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    n_csi, n_ar = map(int, proc.stdout.split()[-2:])
    assert n_csi > 5 and n_ar > 5


# -- nothing silently meaningless: Python ---------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"mass": 10, "coupling": 1e-2}, "mass=10, coupling=0.01 given without a model"),
        ({"coupling": 1e-2}, "coupling=0.01 given without a model"),
        ({"mass": 10.0}, "mass=10.0 given without a model"),
    ],
)
def test_predict_without_a_model_refuses_mass_and_coupling(exps, kwargs, needle):
    csi = exps["csi2021"]
    with pytest.raises(InputError, match=needle):
        csi.predict(**kwargs)
    with pytest.raises(InputError, match="given without a model"):
        csi.energy_spectrum(**kwargs)
    with pytest.raises(InputError, match="given without a model"):
        ph.predict(csi, **kwargs)
    # the SM itself, with the coupling at its default or 0, is still the SM
    assert np.array_equal(csi.predict(coupling=0.0), csi.predict())


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("B-L", 10.0), "model 'B-L' needs a coupling g"),
        (("B-L",), "model 'B-L' needs a mediator mass (MeV) and a coupling g"),
        (("scalar", 50.0), "model 'scalar' needs a coupling g"),
    ],
)
def test_a_model_without_its_coupling_is_refused(exps, args, needle):
    """0.7.0: ``predict("B-L", 10)`` returned the SM (the coupling defaulted to 0);
    ``cevns predict --model B-L --mass 10`` was refused. Now both are, on every path."""
    from cevns.figure_data import spectra_data

    csi = exps["csi2021"]
    T = np.array([1.0, 10.0])
    calls = [
        lambda: csi.predict(*args),
        lambda: csi.energy_spectrum(*args),
        lambda: csi.differential_rate(T, *args),
        lambda: ph.predict(csi, *args),
        lambda: ph.predict(csi, *args, sin2w=0.25),
        lambda: ph.flux_averaged_cross_section(csi, *args),
        lambda: ph.chi2(csi, *args),
        lambda: ph.chi2(exps, *args),
        lambda: spectra_data(csi, *args),
    ]
    for call in calls:
        with pytest.raises(InputError, match=re.escape(needle)) as err:
            call()
        assert "coupling=0 is the Standard Model" in str(err.value)


def test_a_model_at_zero_coupling_is_the_sm(exps):
    """An explicit g = 0 is a model point, and it is the SM."""
    csi = exps["csi2021"]
    assert np.array_equal(csi.predict("B-L", 10.0, 0.0), csi.predict())
    assert np.array_equal(csi.predict("B-L", 10.0, coupling=0), csi.predict())
    assert ph.predict(csi, "B-L", 10.0, 0.0, sin2w=0.25).sum() == pytest.approx(
        ph.predict(csi, sin2w=0.25).sum(), rel=1e-12
    )


def test_an_option_set_to_none_is_refused(data_dir):
    with pytest.raises(InputError, match="timing_efficiency: None is not a value.*exponential"):
        cevns.experiment("csi2021", data_dir, timing_efficiency=None)


def test_a_parameter_no_experiment_uses_is_refused(exps):
    """The core says which parameters a rate depends on (its nuclei's radii, not others)."""
    csi, ar = exps["csi2021"], exps["ar2020"]
    assert "rn_ar" not in csi.rate.parameter_names and "rn_cs" in csi.rate.parameter_names
    assert "rn_cs" not in ar.rate.parameter_names and "rn_ar" in ar.rate.parameter_names
    assert "sin2w" in csi.rate.parameter_names and "sin2w" in ar.rate.parameter_names
    with pytest.raises(InputError, match="ar2020 does not depend on it"):
        ph.predict(ar, rn_csi=5.0)
    with pytest.raises(InputError, match="csi2021 does not depend on it"):
        ph.chi2(csi, rn_ar=4.0)
    # a combined fit takes each radius for the data set that has the nucleus
    both = ph.chi2(exps, rn_csi=5.5, rn_ar=3.8).chi2
    parts = ph.chi2(csi, rn_csi=5.5).chi2 + ph.chi2(ar, rn_ar=3.8).chi2
    assert both == pytest.approx(parts, rel=1e-12)


def test_a_prediction_beyond_the_chi2_limit_is_refused_in_the_core(exps):
    """One rule for rates and likelihoods: more than kMaxPredictionEvents per bin."""
    csi = exps["csi2021"]
    with pytest.raises(InputError, match=r"accepted: at most 1e\+150 events per bin"):
        ph.predict(csi, eps_u_ee=1e80)
    with pytest.raises(InputError, match=r"accepted: at most 1e\+150 events per bin"):
        csi.predict("B-L", 10.0, 1e40)
    with pytest.raises(InputError, match="1e\\+150"):
        csi.differential_rate(np.array([1.0, 10.0]), "B-L", 10.0, 1e40)
    assert np.isfinite(csi.predict("B-L", 10.0, 1e-2)).all()  # large, but allowed


# -- nothing silently meaningless: the command line -----------------------------------------
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["fit", "--experiment", "csi2021", "--param", "rn_ar"], "--param rn_ar: csi2021 does"),
        (["predict", "--experiment", "ar2020", "--fix", "rn_csi=0.5"], "--fix rn_csi: ar2020"),
        (["fit", "--experiment", "ar2020", "--fix", "rn_cs=5"], "--fix rn_cs: ar2020 does"),
        (
            ["fit", "--experiment", "csi2021", "--param", "sin2w", "--profile", "rn_ar"],
            "--profile rn_ar: csi2021 does not depend on it",
        ),
        (
            ["limits", "--model", "B-L", "--experiment", "csi2021", "--fix", "rn_ar=4"],
            "--fix rn_ar",
        ),
    ],
)
def test_cli_refuses_a_parameter_the_data_set_does_not_use(capsys, dd, args, needle):
    rc, out, err = run(capsys, *args, *dd)
    assert rc == EXIT_INPUT and out == "" and needle in one_line(err)


def test_cli_combined_takes_each_radius(capsys, dd):
    rc, out, err = run(
        capsys, "fit", "--experiment", "combined", "--fix", "rn_csi=5.2,rn_ar=3.6", "--format",
        "json", *dd,
    )  # fmt: skip
    assert rc == EXIT_OK, err
    assert json.loads(out)["fixed"] == {"rn_csi": 5.2, "rn_ar": 3.6}


def test_cli_predict_overflow_is_refused_as_fit_refuses_it(capsys, dd):
    rc, out, err = run(capsys, "predict", "--experiment", "csi2021", "--fix", "eps_u_ee=1e80", *dd)
    assert rc == EXIT_INPUT and out == "" and "overflows" in one_line(err)


def test_cli_fc_with_too_few_toys_never_prints_nan(capsys, dd):
    rc, out, err = run(
        capsys, "limits", "--model", "B-L", "--experiment", "ar2020", "--method", "fc",
        "--toys", "1", *dd,
    )  # fmt: skip
    assert "nan" not in out
    if rc != EXIT_OK:  # refused (here, or by a minimum number of toys)
        assert rc in (EXIT_USAGE, EXIT_INPUT) and "toys" in one_line(err)


@pytest.mark.parametrize("flag", ["--masses", "--couplings"])
def test_scan_ranges_are_capped(capsys, tmp_path, dd, flag):
    spec = "1e-2:1e300:5" if flag == "--masses" else "1e-6:1e300:5"
    rc, out, err = run(
        capsys, "scan", "--model", "B-L", "--experiment", "ar2020", flag, spec,
        "--out", str(tmp_path / "s.json"), *dd,
    )  # fmt: skip
    assert rc == EXIT_INPUT and flag in one_line(err)
    assert not (tmp_path / "s.json").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["predict", "--experiment", "ar2020", "--model", "B-L", "--model", "universal",
         "--mass", "10", "--coupling", "1e-4"],
        ["predict", "--experiment", "ar2020", "--experiment", "csi2021"],
        ["limits", "--model", "B-L", "--experiment", "ar2020", "--cl", "2sigma", "--cl", "95%"],
        ["limits", "--model", "B-L", "--experiment", "ar2020", "--method", "fc", "--workers",
         "1", "--workers", "2"],
    ],
)  # fmt: skip
def test_repeated_single_value_options_are_refused(capsys, dd, args):
    rc, out, err = run(capsys, *args, *dd)
    line = one_line(err)
    assert rc == EXIT_USAGE and out == "" and "given twice" in line and "--help" in line


def test_an_option_the_command_does_not_take_points_to_its_help(capsys):
    """`cevns gm2 --experiment csi2021`: gm2 takes no --experiment; the line points to
    `cevns gm2 --help` (0.8.0: to `cevns --help`, which does not list gm2's options)."""
    rc, out, err = run(capsys, "gm2", "--model", "Lmu-Ltau", "--experiment", "csi2021")
    line = one_line(err)
    assert rc == EXIT_USAGE and out == ""
    assert "unrecognized arguments: --experiment csi2021" in line
    assert line.endswith("(see: cevns gm2 --help)")


# -- clear errors ------------------------------------------------------------------------
def test_plot_path_checked_before_the_fit(capsys, dd, monkeypatch):
    import cevns.infer.profiles

    def never(*a, **k):
        raise AssertionError("computed before the output path was checked")

    monkeypatch.setattr(cevns.infer.profiles, "profile_parameters", never)
    rc, out, err = run(
        capsys, "fit", "--experiment", "csi2021", "--param", "sin2w", "--plot",
        "/nonexistent/x.png", *dd,
    )  # fmt: skip
    assert rc == EXIT_USAGE and "--plot /nonexistent/x.png" in one_line(err)
    assert "does not exist" in err
    rc, out, err = run(
        capsys, "fit", "--experiment", "csi2021", "--param", "sin2w", "--plot", "x.nope", *dd
    )
    assert rc == EXIT_USAGE and ".png" in one_line(err)


@pytest.mark.parametrize("form", ["split", "joined"])
def test_negative_numbers_are_values_and_the_sign_of_g_is_explained(capsys, dd, form):
    opt = ["--coupling", "-5e-5"] if form == "split" else ["--coupling=-5e-5"]
    base = ["predict", "--experiment", "ar2020", "--model", "B-L", "--mass", "10"]
    rc, out, err = run(capsys, *base, *opt, "--format", "json", *dd)
    assert rc == EXIT_OK, err
    assert "sign of g does not matter" in one_line(err)
    neg = np.array(json.loads(out)["cevns"])
    rc, out, _ = run(capsys, *base, "--coupling", "5e-5", "--format", "json", *dd)
    assert np.array_equal(neg, np.array(json.loads(out)["cevns"]))  # rates depend on g^2
    rc, out, err = run(capsys, *base[:-1], "-10", "--coupling", "1e-4", *dd)
    assert rc == EXIT_INPUT and "--mass -10" in one_line(err)  # a value, refused as such
    rc, out, err = run(
        capsys, "scan", "--model", "B-L", "--experiment", "ar2020", "--masses", "-1:10:5", *dd
    )
    assert rc == EXIT_INPUT and "--masses '-1:10:5'" in one_line(err)


def test_usage_error_is_one_line_with_a_help_hint(capsys, dd):
    rc, out, err = run(capsys, "predict", "--experiment", "nope", *dd)
    line = one_line(err)
    assert rc == EXIT_USAGE and line.startswith("cevns: usage error:")
    assert "cevns predict --help" in line
    rc, out, err = run(capsys, "fit")
    assert rc == EXIT_USAGE and "--experiment" in one_line(err)


@pytest.mark.parametrize(
    ("args", "code", "bad"),
    [
        (["limits", "--model", "B-L", "--experiment", "xenonntt"], EXIT_USAGE, "'xenonntt'"),
        (["limits", "--model", "B-L", "--experiment", "csi2021+nope"], EXIT_USAGE, "'nope'"),
        (["limits", "--model", "B-L", "--experiment", "csi2021+"], EXIT_USAGE, "empty name"),
        (["table2", "--experiment", "argon"], EXIT_USAGE, "'argon'"),
        (["limits", "--model", "B-LL", "--experiment", "ar2020"], EXIT_INPUT, "'B-LL'"),
        (["fit", "--experiment", "ar2020", "--set", "xenon.mass=1"], EXIT_INPUT, "'xenon'"),
        (["fit", "--experiment", "ar2020", "--set", "ar2020.bogus=1"], EXIT_INPUT, "'bogus'"),
        (["fit", "--experiment", "ar2020", "--set", "ar2020.exposure=x"], EXIT_INPUT, "'x'"),
        (["fit", "--experiment", "ar2020", "--fix", "nope=1"], EXIT_INPUT, "'nope'"),
        (["fit", "--experiment", "ar2020", "--param", "nope"], EXIT_INPUT, "'nope'"),
        (["fit", "--experiment", "ar2020", "--fix", "rn_cs=4.8"], EXIT_INPUT, "rn_cs"),
    ],
)
def test_an_unknown_name_is_one_line_naming_it_and_the_accepted_ones_once(
    capsys, dd, args, code, bad
):
    """0.7.0: `--experiment xenonntt` said "accepted: ..." twice in one line."""
    rc, out, err = run(capsys, *args, *dd)
    line = one_line(err)  # one line, "accepted" at most once, each accepted name once
    assert rc == code and out == "" and bad in line and line.count("accepted") == 1


def test_an_unknown_figure_is_named_with_the_accepted_ones_once(capsys, dd, tmp_path):
    rc, out, err = run(capsys, "figures", "--only", "fig9", "--out", str(tmp_path), *dd)
    line = one_line(err)
    assert rc == EXIT_INPUT and "'fig9'" in line and line.count("accepted") == 1


def test_verbose_is_accepted_after_the_command(capsys, dd):
    rc, out, err = run(
        capsys, "fit", "--experiment", "ar2020", "--verbose", "--format", "json", *dd
    )
    assert rc == EXIT_OK and json.loads(out)["experiment"] == "ar2020"
    rc, out, err = run(capsys, "--verbose", "fit", "--experiment", "ar2020", *dd)
    assert rc == EXIT_OK


def test_data_import_one_level_too_high_points_down(capsys, tmp_path, data_dir, monkeypatch):
    monkeypatch.setenv("CEVNS_DATA_DIR", str(tmp_path / "dest"))
    parent = tmp_path / "shared" / "data"
    (parent / "coherent").mkdir(parents=True)
    for sub in ("ar2020", "csi2021"):
        (parent / "coherent" / sub).symlink_to(data_dir / sub)
    rc, out, err = run(capsys, "data", "import", str(parent))
    line = one_line(err)
    assert rc == EXIT_DATA and f"cevns data import {parent / 'coherent'}" in line
    assert "missing:" not in line


def test_long_user_input_is_quoted_truncated(capsys, dd):
    name = "x" * 100_000
    rc, out, err = run(capsys, "fit", "--experiment", "csi2021", "--set", f"csi2021.{name}=1", *dd)
    line = one_line(err)
    assert rc == EXIT_INPUT and len(line) < 2000 and "100010 characters" in line
    digits = "1" + "0" * 399
    rc, out, err = run(
        capsys, "predict", "--experiment", "ar2020", "--model", "B-L", "--mass", digits,
        "--coupling", "1e-4", *dd,
    )  # fmt: skip
    line = one_line(err)
    assert rc == EXIT_INPUT and "inf" not in line and "400 characters" in line
    assert "'1000000" in line


def test_missing_distributed_is_the_missing_extra_exit_code(capsys, dd, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    rc, out, err = run(
        capsys, "limits", "--model", "B-L", "--experiment", "ar2020", "--method", "fc",
        "--toys", "1000", "--workers", "2", *dd,
    )  # fmt: skip
    assert rc == EXIT_USAGE and "cevns[distributed]" in one_line(err)
    from cevns.infer.distributed import runner

    with pytest.raises(MissingExtraError):
        with runner(2):
            pass


@pytest.mark.parametrize("fmt", ["markdown", "csv"])
def test_tables_state_cl_method_and_toys(capsys, dd, fmt):
    rc, out, err = run(
        capsys, "limits", "--model", "B-L", "--experiment", "ar2020", "--format", fmt, *dd
    )
    assert rc == EXIT_OK, err
    head = out.splitlines()[0]
    assert "2sigma" in head and "dof = 2" in head and "method wilks" in head
    rc, out, err = run(capsys, "table2", "--format", fmt, *dd)
    assert rc == EXIT_OK and "method wilks" in out.splitlines()[0]


# -- the C++ example --------------------------------------------------------------------
def test_global_fit_says_threads_are_unavailable_without_openmp(tmp_path, data_dir):
    from cevns.config import cmake_dir

    if shutil.which("cmake") is None:
        pytest.skip("cmake is not installed (needed to build a C++ consumer)")
    if not (cmake_dir() / "cevnsConfig.cmake").is_file():
        pytest.skip("no CMake package in this install (an editable install; the wheel has one)")
    build = tmp_path / "ex"
    configure = [
        "cmake", "-S", str(REPO / "examples" / "cpp"), "-B", str(build),
        f"-Dcevns_DIR={cmake_dir()}", "-DCMAKE_BUILD_TYPE=Release",
        "-DCMAKE_DISABLE_FIND_PACKAGE_OpenMP=ON",
    ]  # fmt: skip
    for cmd in (configure, ["cmake", "--build", str(build), "--target", "global_fit"]):
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    env = dict(os.environ, OMP_NUM_THREADS="2")
    proc = subprocess.run(
        [str(build / "global_fit"), str(data_dir), "B-L", "3", "4"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert "threads: unavailable" in proc.stdout
    assert "identical with 1 and 1 threads" not in proc.stdout
    assert math.isfinite(float(proc.stdout.split("chi2 SM: ")[1].split()[0]))


# -- figures a referee accepts (image-free: the drawn objects and the figure data) -------
@pytest.fixture
def mpl():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


@pytest.mark.parametrize(("axis", "unit"), [("energy", "PE"), ("time", r"$\mu$s")])
def test_spectra_are_densities_with_visible_backgrounds(exps, mpl, axis, unit):
    from cevns import figure_data as fd
    from cevns import plots

    fig, ax = mpl.subplots()
    d = fd.spectra_data(exps["csi2021"])
    out = plots.plot_spectra(d, ax=ax, axis=axis)
    assert ax.get_ylabel() == f"events / {unit}" == out["ylabel"]
    np.testing.assert_allclose(out["shown"]["brn"], out["stack"]["brn"] / out["widths"])
    assert ax.get_yscale() == "log"
    bottom, top = ax.get_ylim()
    for k in ("brn", "nin"):  # BRN and NIN are drawn inside the axes, not under the SS
        assert np.max(out["shown"][k]) > bottom, k
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"BRN", "NIN", "steady state", "CEvNS", "data"} <= set(labels)


def _moving_strip_scan():
    """A region containing g = 0 and a thin strip that rises by more than its width
    from one mass to the next (as the Ar strip of Fig. 4 above 40 MeV)."""
    masses = np.geomspace(10.0, 1000.0, 9)
    g = np.geomspace(1e-6, 1.0, 200)
    intervals = [[(0.0, 3e-5 * (1 + i / 10))] for i in range(3)]
    intervals += [
        [(0.0, 3e-5 * (1 + i / 10)), (1e-4 * 1.6**i, 1.05e-4 * 1.6**i)] for i in range(3, 9)
    ]
    return masses, g, intervals


def test_a_moving_strip_is_one_region_not_a_string_of_loops():
    from cevns.contours import boundary_lines, interval_chains, region_edges

    masses, g, intervals = _moving_strip_scan()
    # the cause of the loops: a contour of a field interpolated at fixed g breaks the strip
    loops = [x for x in boundary_lines(masses, g, intervals) if np.allclose(x[0], x[-1])]
    assert len(loops) >= 3
    chains = interval_chains(intervals, (g[0], g[-1]))
    assert [len(c) for c in chains] == [9, 6]
    edges = region_edges(masses, intervals, (g[0], g[-1]))
    assert not any(len(x) > 2 and np.allclose(x[0], x[-1]) for _, x in edges)
    strip = [x for zero, x in edges if not zero]
    assert len(strip) == 3  # lower edge, upper edge, the start at the 4th mass
    np.testing.assert_allclose(strip[0][:, 1], [1e-4 * 1.6**i for i in range(3, 9)])


def test_exclusion_legend_explains_every_line(mpl):
    from cevns import plots

    masses, g, intervals = _moving_strip_scan()
    data = {
        "model": "universal",
        "kind": "vector",
        "cl": "2sigma",
        "dof": 2,
        "masses_MeV": masses,
        "couplings": g,
        "intervals": {"ar2020": intervals, "combined": [[iv[0]] for iv in intervals]},
        "exclusion_line": {"ar2020": [iv[0][1] for iv in intervals],
                           "combined": [iv[0][1] for iv in intervals]},
        "gm2": None,
    }  # fmt: skip
    fig, ax = mpl.subplots()
    out = plots.plot_exclusion(data, ax=ax)
    legend = {(h.get_color(), h.get_linestyle()) for h in ax.get_legend().legend_handles
              if hasattr(h, "get_linestyle") and hasattr(h, "get_color")}  # fmt: skip
    for line in ax.lines:
        assert (line.get_color(), line.get_linestyle()) in legend, line.get_label()
    assert "COHERENT Ar: allowed strip (interference)" in out["legend"]
    assert len(out["strips"]["ar2020"]) == 3 and out["strips"]["combined"] == []


def test_profile_sin2w_labels_and_range(exps, mpl):
    from cevns import plots
    from cevns.infer.profiles import profile_parameters

    res = profile_parameters(exps, ["sin2w"], label="combined", points=81).to_dict()
    fig, ax = mpl.subplots()
    out = plots.plot_profile(res, ax=ax)
    assert ax.get_xlabel() == r"$\sin^2\theta_W$"
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith(r"1$\sigma$") for t in texts)
    assert any(t.startswith(r"2$\sigma$") for t in texts)
    assert not any("sigma" in t.replace(r"$\sigma$", "") for t in texts)
    lo, hi = ax.get_xlim()
    (a, b), *_ = res["intervals"]["2sigma"]
    assert lo < a < b < hi  # the 2 sigma interval is inside
    scan_lo, scan_hi = res["grid"]["sin2w"][0], res["grid"]["sin2w"][-1]
    assert (hi - lo) < 0.6 * (scan_hi - scan_lo)  # and fills the plot (0.5.0: a third)
    assert out["xlim"] == (lo, hi)


# -- found in ten minutes as a new user ------------------------------------------------------
def test_model_name_in_the_wrong_case_gets_a_suggestion(capsys, dd):
    rc, out, err = run(
        capsys, "predict", "--experiment", "ar2020", "--model", "b-l", "--mass", "10",
        "--coupling", "1e-4", *dd,
    )  # fmt: skip
    assert rc == EXIT_INPUT and "did you mean B-L?" in one_line(err)


@pytest.mark.parametrize("where", ["above", "below"])
def test_data_dir_one_level_off_points_to_the_release(capsys, tmp_path, data_dir, where):
    parent = tmp_path / "data"
    (parent / "coherent").mkdir(parents=True)
    for sub in ("ar2020", "csi2021"):
        (parent / "coherent" / sub).symlink_to(data_dir / sub)
    given = parent if where == "above" else parent / "coherent" / "ar2020"
    rc, out, err = run(capsys, "predict", "--experiment", "ar2020", "--data-dir", str(given))
    assert rc == EXIT_DATA and f"use --data-dir {parent / 'coherent'}" in one_line(err)


def test_mass_cap_on_every_path(exps, capsys, dd):
    """The core's kMaxMediatorMassMeV: predictions refuse what scans refuse."""
    from cevns.infer.scan import MAX_MASS_MEV, check_masses

    assert MAX_MASS_MEV == cevns._core.constants["max_mediator_mass_MeV"] == 1e9
    with pytest.raises(InputError, match=r"accepted: \(0, 1e\+09\] MeV"):
        exps["ar2020"].predict("B-L", 1e12, 1e-4)
    with pytest.raises(InputError):
        check_masses([1e12])
    rc, out, err = run(
        capsys, "predict", "--experiment", "ar2020", "--model", "B-L", "--mass", "1e12",
        "--coupling", "1e-4", *dd,
    )  # fmt: skip
    assert rc == EXIT_INPUT and out == "" and "--mass 1e12: accepted: (0, 1e+09] MeV" in err
    assert exps["ar2020"].predict("B-L", 1e9, 1e-4).sum() > 0  # the cap itself is allowed


def test_fit_points_are_capped(capsys, dd):
    rc, out, err = run(
        capsys, "fit", "--experiment", "csi2021", "--param", "sin2w", "--points", "100000000", *dd
    )
    assert rc == EXIT_INPUT and "--points 100000000: accepted: 3 to 2000" in one_line(err)


@pytest.mark.parametrize(
    "cl, needle",
    [("3", "did you mean 3sigma?"), ("40sigma", "round to a coverage of 1"), ("nan", "accepted:")],
)
def test_a_confidence_level_out_of_range_says_what_is_accepted(cl, needle):
    """`--cl 3` (meant: 3sigma) is refused with the accepted forms, not only '(0, 1)'."""
    from cevns.stats import parse_cl

    with pytest.raises(InputError, match=re.escape(needle)) as e:
        parse_cl(cl)
    assert "95%" in str(e.value) and "2sigma" in str(e.value)
