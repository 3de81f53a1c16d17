"""Running the command line in-process, for the CLI tests (imported by name: conftest.py)."""

from __future__ import annotations

import re

from cevns.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``cevns ARGS``; a traceback fails the test."""
    rc = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return rc, out, err


def one_line(err: str) -> str:
    """The one non-empty line of ``err`` (an error message is one line, saying what is
    accepted at most once: :func:`accepted_once`)."""
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, err
    return accepted_once(lines[0])


def accepted_once(line: str) -> str:
    """``line`` itself if it says "accepted" at most once and lists each accepted name
    once (0.7.0: "unknown data set 'x' (unknown experiment 'x'; accepted: ...); accepted:
    ..." said it twice)."""
    assert line.count("accepted") <= 1, line
    listed = line.partition("accepted:")[2]
    names = [x.strip() for x in re.split(r" \(| or ", listed)[0].split(",") if x.strip()]
    assert len(names) == len(set(names)), line
    return line
