"""Running the command line in-process, for the CLI tests (imported by name: conftest.py)."""

from __future__ import annotations

from cevns.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``cevns ARGS``; a traceback fails the test."""
    rc = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return rc, out, err


def one_line(err: str) -> str:
    """The one non-empty line of ``err`` (an error message is one line)."""
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, err
    return lines[0]
