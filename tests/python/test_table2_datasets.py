"""``cevns table2 --experiment``: Table 2 for any data sets (columns in the order given)."""

from __future__ import annotations

import json

import pytest
from cli_run import accepted_once

from cevns.cli import EXIT_OK, EXIT_USAGE, main
from cevns.models import MODEL_NAMES


def run(capsys, *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def test_table2_of_named_data_sets(capsys, data_dir):
    dd = ("--data-dir", str(data_dir))
    rc, out, _ = run(capsys, "table2", "--experiment", "csi2021+ar2020,ar2020", "--format",
                     "json", *dd)  # fmt: skip
    assert rc == EXIT_OK
    d = json.loads(out)
    assert set(d["rows"]) == set(MODEL_NAMES)
    assert set(d["settings"]["experiments"]) == {"csi2021", "ar2020"}
    rc, out, _ = run(capsys, "table2", "--format", "json", *dd)  # the paper's columns
    paper = json.loads(out)
    for model, row in d["rows"].items():
        assert set(row) == {"csi2021+ar2020", "ar2020"}
        # csi2021+ar2020 is the data set the paper calls CsI+Ar (alias combined)
        assert row["csi2021+ar2020"] == pytest.approx(paper["rows"][model]["combined"], rel=1e-12)
        assert row["ar2020"] == pytest.approx(paper["rows"][model]["ar2020"], rel=1e-12)

    # markdown: the columns in the order given
    rc, out, _ = run(capsys, "table2", "--experiment", "ar2020", "--experiment", "csi2021", *dd)
    assert rc == EXIT_OK
    header = [line for line in out.splitlines() if line.startswith("| model")][0]
    assert 0 < header.index("| Ar g (low M)") < header.index("| CsI g (low M)")
    assert "CsI+Ar" not in header
    # only the experiments asked for are built: --set for another one is refused
    rc, _, err = run(capsys, "table2", "--experiment", "ar2020", "--set",
                     "csi2021.ss_model=paper", *dd)  # fmt: skip
    assert rc != EXIT_OK and "does not use" in err


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--experiment", "ar2020", "--experiment", "ar2020"], "given twice"),
        (["--experiment", "ar2020,"], "empty data set"),
        (["--experiment", "argon"], "unknown data set"),
        (["--experiment", "ar2020", "--compare"], "--compare compares the paper's"),
    ],
)
def test_table2_data_set_errors(capsys, data_dir, argv, message):
    rc, out, err = run(capsys, "table2", *argv, "--data-dir", str(data_dir))
    assert rc == EXIT_USAGE and message in err and not out
    assert len(err.strip().splitlines()) <= 3  # one message (argparse adds its usage line)
    accepted_once(err)
