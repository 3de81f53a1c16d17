"""Every ordinary mistake gets one line and the documented exit code (issue 13).

Each test names the mistake as a new user would make it; the generated-input suite
(test_generated_inputs.py) covers the same ground with random arguments.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from cli_run import one_line, run

from cevns.cli import EXIT_DATA, EXIT_INPUT, EXIT_OK, EXIT_USAGE, exit_code


@pytest.fixture
def dd(data_dir):
    return ("--data-dir", str(data_dir))


# -- predict: model, mass and coupling go together ----------------------------------------
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--mass", "10", "--coupling", "1e-4"], "without --model"),
        (["--coupling", "1e-4"], "without --model"),
        (["--model", "B-L", "--mass", "10"], "needs --coupling"),
        (["--model", "B-L", "--coupling", "1e-4"], "needs --mass"),
    ],
)
def test_predict_model_arguments_go_together(capsys, dd, args, needle):
    rc, out, err = run(capsys, "predict", "--experiment", "ar2020", *args, *dd)
    assert rc == EXIT_USAGE and out == "" and needle in one_line(err)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--coupling", "1e80"], "overflows"),
        (["--coupling", "nan"], "--coupling nan"),
        (["--coupling", "inf"], "--coupling inf"),
        (["--mass", "0"], "--mass 0"),
    ],
)
def test_predict_refuses_non_finite(capsys, dd, args, needle):
    base = {"--mass": "10", "--coupling": "1e-4"}
    base.update(dict(zip(args[::2], args[1::2])))
    flat = [x for kv in base.items() for x in kv]
    rc, out, err = run(capsys, "predict", "--experiment", "ar2020", "--model", "B-L", *flat, *dd)
    assert rc == EXIT_INPUT and out == "" and needle in one_line(err)


# -- ranges -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ("1e-2:1e4:0", "N = 0"),
        ("1e-2:1e4:1", "N = 1"),
        ("1e-2:1e4:99999999", "N = 99999999"),
        ("nan:1e4:20", "finite"),
        ("1e-2:inf:20", "finite"),
        ("0:1e4:20", "> 0"),
        ("1e-2:1e4", "LO:HI:N"),
        ("1e-2:1e4:2.5", "whole number"),
        ("a:b:3", "numbers"),
        ("10:10:3", "equal points"),
        ("1e8:1e12:5", "1e+09] MeV"),  # beyond 1 PeV: a contact interaction (NSI)
    ],
)
def test_bad_ranges_name_the_argument(capsys, tmp_path, spec, needle):
    rc, _, err = run(
        capsys, "scan", "--model", "B-L", "--experiment", "ar2020", "--masses", spec,
        "--data-dir", str(tmp_path),
    )  # fmt: skip
    line = one_line(err)
    assert rc == EXIT_INPUT and "--masses" in line and spec in line and needle in line
    assert "accepted" in line


def _scan(capsys, dd, masses, couplings, out):
    args = ["scan", "--model", "universal", "--experiment", "combined", "--out", str(out)]
    rc, _, _ = run(capsys, *args, "--masses", masses, "--couplings", couplings, *dd)
    assert rc == EXIT_OK
    d = json.loads(out.read_text())
    d.pop("provenance")
    return d


def test_scan_range_order_does_not_matter(capsys, dd, tmp_path):
    up = _scan(capsys, dd, "1e-2:1e4:9", "1e-6:1e-1:40", tmp_path / "up.json")
    down = _scan(capsys, dd, "1e4:1e-2:9", "1e-1:1e-6:40", tmp_path / "down.json")
    assert up == down
    assert up["masses_MeV"][0] == pytest.approx(1e-2) and up["contours"]


def test_one_mass_has_no_contour(capsys, dd, tmp_path, data_dir):
    from cevns.infer.scan import scan

    d = _scan(capsys, dd, "10:10:1", "1e-6:1e-1:40", tmp_path / "one.json")
    assert d["contours"] == [] and len(d["allowed_intervals"]) == 1
    res = scan("B-L", "ar2020", [10.0], np.geomspace(1e-6, 1e-1, 30), data_dir=data_dir)
    assert res.contours() == [] and res.intervals[0]


def test_gm2_range_order_does_not_matter(capsys, dd, tmp_path):
    outs = []
    for masses in ("1e-1:1e3:7", "1e3:1e-1:7"):
        rc, out, _ = run(
            capsys, "gm2", "--model", "B-L", "--masses", masses, "--couplings", "1e-6:1:40",
            "--format", "json", "--cache-dir", str(tmp_path / masses.replace(":", "_")), *dd,
        )  # fmt: skip
        assert rc == EXIT_OK
        d = json.loads(out)
        d.pop("provenance")
        outs.append(d)
    assert outs[0] == outs[1]
    ds = outs[0]["datasets"]["combined"]
    # the limit is paired with its own mass: the ratio at the reported mass is consistent
    ratio, mass = ds["min_band_lower_over_limit"]
    i = outs[0]["masses_MeV"].index(mass)
    assert ratio == pytest.approx(outs[0]["g_lower"][i] / ds["limit_g"][i])


# -- output paths -------------------------------------------------------------------------
def test_scan_out_paths(capsys, tmp_path):
    args = ["scan", "--model", "B-L", "--experiment", "ar2020", "--data-dir", str(tmp_path)]
    (tmp_path / "file").write_text("x")
    for out, needle in (
        (tmp_path / "missing" / "s.json", "does not exist"),
        (tmp_path, "is a directory"),
        (tmp_path / "file" / "s.json", "is not a directory"),
    ):
        rc, _, err = run(capsys, *args, "--out", str(out))
        assert rc == EXIT_USAGE and needle in one_line(err) and "--out" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_scan_out_read_only_directory(capsys, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        rc, _, err = run(
            capsys, "scan", "--model", "B-L", "--experiment", "ar2020", "--out",
            str(ro / "s.json"), "--data-dir", str(tmp_path),
        )  # fmt: skip
    finally:
        ro.chmod(0o700)
    assert rc == EXIT_USAGE and "not writable" in one_line(err)


def test_write_output_failure_leaves_no_half_file(tmp_path, monkeypatch):
    from cevns import _io

    target = tmp_path / "result.json"
    target.write_text("old")

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_io.os, "replace", fail)
    with pytest.raises(OSError):
        _io.atomic_write(target, "new")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["result.json"]


def test_figures_out_and_overlay(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    (tmp_path / "file").write_text("x")
    rc, _, err = run(capsys, "figures", "--out", str(tmp_path / "file"), "--only", "fig2")
    assert rc == EXIT_USAGE and "is a file" in one_line(err)
    rc, _, err = run(
        capsys, "figures", "--out", str(tmp_path / "f"), "--overlay", str(tmp_path / "nope.csv")
    )
    assert rc == EXIT_INPUT and "nope.csv" in one_line(err) and "cannot be read" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("mass_MeV,g\n10,nan\n")
    rc, _, err = run(capsys, "figures", "--out", str(tmp_path / "f"), "--overlay", str(bad))
    assert rc == EXIT_INPUT and "finite" in one_line(err)


def test_figures_without_matplotlib_names_the_extra(capsys, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    rc, _, err = run(capsys, "figures", "--out", str(tmp_path / "f"))
    assert rc == EXIT_USAGE and "pip install 'cevns[plot]'" in one_line(err)


# -- data faults -----------------------------------------------------------------------------
FILE = "csi2021/dataBeamOnC.txt"


def _fault(copy: Path, kind: str) -> None:
    path = copy / FILE
    if kind == "missing":
        path.unlink()
    elif kind == "truncated":
        path.write_bytes(path.read_bytes()[:100])
    elif kind == "same_size":
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    elif kind == "directory":  # unreadable as a file, also for root
        path.unlink()
        path.mkdir()
    else:
        raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["missing", "truncated", "same_size", "directory"])
def test_data_faults_are_data_errors(capsys, data_copy, kind):
    _fault(data_copy, kind)
    rc, out, _ = run(capsys, "data", "verify", str(data_copy))
    assert rc == EXIT_DATA and "dataBeamOnC.txt" in out
    rc, _, err = run(capsys, "fit", "--experiment", "csi2021", "--data-dir", str(data_copy))
    assert rc == EXIT_DATA and "dataBeamOnC.txt" in one_line(err)
    # the other experiment is not affected
    rc, _, _ = run(capsys, "fit", "--experiment", "ar2020", "--data-dir", str(data_copy))
    assert rc == EXIT_OK


def test_unreadable_file_is_reported_by_verify(capsys, data_copy):
    _fault(data_copy, "directory")
    rc, out, _ = run(capsys, "data", "verify", str(data_copy))
    d = json.loads(out)
    assert rc == EXIT_DATA and not d["ok"] and d["unreadable"][0]["path"] == FILE


@pytest.mark.parametrize("kind", ["empty", "file"])
def test_data_directory_faults(capsys, tmp_path, kind):
    target = tmp_path / "data"
    if kind == "empty":
        target.mkdir()
    else:
        target.write_text("not a directory")
    rc, _, err = run(capsys, "predict", "--experiment", "ar2020", "--data-dir", str(target))
    assert rc == EXIT_DATA and str(target) in one_line(err)
    rc, _, _ = run(capsys, "data", "verify", str(target))
    assert rc == EXIT_DATA


def test_oserror_is_a_data_error_naming_the_file():
    code, line = exit_code(PermissionError(13, "Permission denied", "/data/csi2021/x.txt"))
    assert code == EXIT_DATA and "/data/csi2021/x.txt" in line
    code, line = exit_code(RuntimeError("first line\nsecond line"))
    assert code == 1 and "second" not in line


# -- messages ---------------------------------------------------------------------------
def test_fit_combined_says_which_fit_is_which(capsys, dd):
    rc, out, _ = run(capsys, "fit", "--experiment", "combined", *dd)
    assert rc == EXIT_OK and "free normalisation" in out and "SM fit of combined" in out
    rc, out, _ = run(capsys, "fit", "--experiment", "combined", "--format", "json", *dd)
    assert "free CEvNS normalisation" in json.loads(out)["fits"]["cevns_events"]


def test_anomalous_model_error_names_no_missing_flag():
    from cevns.errors import ModelError
    from cevns.models import from_charges

    with pytest.raises(ModelError) as exc:
        from_charges("mine", u=1, d=0, e=0, mu=0, tau=0)
    assert "--anomalous" not in str(exc.value) and "anomalous=True" in str(exc.value)


# -- Python API ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ar(data_dir):
    from cevns.experiments import experiment

    return experiment("ar2020", data_dir)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"mass": "10", "coupling": 1e-4},
        {"mass": "ten", "coupling": 1e-4},
        {"mass": 10.0, "coupling": "1e-4"},
        {"mass": 10.0, "coupling": 1e-4j},
        {"mass": 10.0, "coupling": True},
        {"mass": float("nan"), "coupling": 1e-4},
    ],
)
def test_predict_refuses_what_float_would_convert(ar, kwargs):
    from cevns.errors import InputError

    with pytest.raises(InputError):
        ar.predict("B-L", **kwargs)


def test_chi2_refuses_complex_masked_and_huge(ar):
    from cevns.errors import InputError

    sm = ar.predict()
    for bad, needle in (
        (sm + 0j, "complex"),
        (np.ma.masked_array(sm, mask=sm < 1), "masked"),
        (sm * 1e200, "events per bin"),
        (sm.astype(bool), "real numbers"),
    ):
        with pytest.raises(InputError, match=needle):
            ar.chi2(bad)
    # full precision up to the stated range: the no-CEvNS limit
    assert ar.chi2(sm * 1e90).chi2 == pytest.approx(ar.chi2(sm * 1e20).chi2, rel=1e-12)


@pytest.mark.skipif(os.geteuid() != 0, reason="drops privileges from root to 'nobody'")
def test_permission_denied_as_an_unprivileged_user(data_dir, copy_tree):
    """chmod 000 is ignored by root: run the command as 'nobody' on a copy with one file
    unreadable, and expect a data error naming the file (not a PermissionError traceback)."""
    import pwd
    import shutil
    import subprocess
    import sys
    import tempfile

    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user 'nobody'")
    root = Path(tempfile.mkdtemp(prefix="cevns-perm-"))
    try:
        root.chmod(0o755)
        copy = copy_tree(data_dir, root / "data")
        for p in [copy, *copy.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        (copy / FILE).chmod(0o000)

        def drop() -> None:
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)

        env = {**os.environ, "HOME": str(root), "CEVNS_CACHE_DIR": str(root / "cache")}
        try:  # can 'nobody' run this interpreter and import cevns at all?
            probe = subprocess.run(
                [sys.executable, "-c", "import cevns.cli"], preexec_fn=drop, env=env, timeout=60
            )
        except OSError:
            probe = None
        if probe is None or probe.returncode != 0:
            pytest.skip("this interpreter or cevns is not readable by 'nobody'")
        for args in (["data", "verify", str(copy)], ["fit", "--experiment", "csi2021"]):
            extra = [] if args[0] == "data" else ["--data-dir", str(copy)]
            proc = subprocess.run(
                [sys.executable, "-m", "cevns.cli", *args, *extra],
                preexec_fn=drop,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert proc.returncode == EXIT_DATA, proc.stderr
            assert "Traceback" not in proc.stderr
            assert "dataBeamOnC.txt" in proc.stdout + proc.stderr
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_permission_error_while_hashing_is_a_data_error(capsys, data_copy, monkeypatch):
    """The PermissionError path itself (as root chmod 000 cannot produce it): opening the
    file for its hash fails -> data error naming the file in ``cevns data verify`` (the
    Python registry). Commands read the files in the C++ core, whose unreadable-file
    path is tested with a directory in a file's place and as 'nobody' (above)."""
    from cevns.data import store

    real_open = Path.open

    def deny(self, *args, **kwargs):
        if self.name == "dataBeamOnC.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    store.clear_hash_cache()
    monkeypatch.setattr(Path, "open", deny)
    try:
        rc, out, _ = run(capsys, "data", "verify", str(data_copy))
        assert rc == EXIT_DATA and json.loads(out)["unreadable"] == [
            {"path": FILE, "reason": "Permission denied"}
        ]
    finally:
        store.clear_hash_cache()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (
            ["limits", "--model", "B-L", "--experiment", "ar2020", "--toys", "10"],
            "--toys goes with",
        ),
        (["limits", "--model", "B-L", "--experiment", "ar2020", "--workers", "2"], "--workers"),
        (["fit", "--experiment", "csi2021", "--range", "sin2w=0.1:0.3"], "--range goes with"),
        (["fit", "--experiment", "csi2021", "--plot", "x.png"], "--plot goes with"),
    ],
)
def test_options_without_their_method_are_usage_errors(capsys, dd, args, needle):
    """Options that only mean something with --method fc / --param are not ignored."""
    rc, _, err = run(capsys, *args, *dd)
    assert rc == EXIT_USAGE and needle in one_line(err)


@pytest.mark.parametrize(
    ("spec", "needle"),
    [("sin2w=0.1", "NAME=LO:HI"), ("sin2w=a:b", "NAME=LO:HI"), ("sin2w=0.2:0.2", "LO != HI")],
)
def test_fit_param_range_is_checked(capsys, dd, spec, needle):
    rc, _, err = run(
        capsys, "fit", "--experiment", "csi2021", "--param", "sin2w", "--range", spec, *dd
    )
    assert rc == EXIT_INPUT and needle in one_line(err)


def test_fit_param_range_either_order(capsys, dd):
    base = [
        "fit",
        "--experiment",
        "csi2021",
        "--param",
        "sin2w",
        "--points",
        "21",
        "--format",
        "json",
    ]
    outs = []
    for spec in ("sin2w=0.15:0.35", "sin2w=0.35:0.15"):
        rc, out, _ = run(capsys, *base, "--range", spec, *dd)
        assert rc == EXIT_OK
        d = json.loads(out)
        d.pop("provenance")
        outs.append(d)
    assert outs[0] == outs[1]
