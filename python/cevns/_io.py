"""Writing files whole or not at all.

Every file cevns writes (``--out`` results, the scan cache, imported data) goes
through :func:`atomic_output`: the content is written to a temporary file in the
target's directory and renamed onto the target only when complete, so an
interrupted command or two concurrent ones never leave a half-written file that a
later run would accept. (Fetched data: pooch does the same, see
:mod:`cevns.data.acquire`.)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_output(path: Any) -> Iterator[IO[bytes]]:
    """A binary file that replaces ``path`` when the ``with`` block ends without error.

    On an exception (including one raised by the caller to reject the content) the
    temporary file is removed and ``path`` is left as it was.

    Raises
    ------
    OSError
        If the directory is missing or not writable, or ``path`` is a directory.
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(21, "is a directory", str(target))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Any, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` whole or not at all.

    Returns
    -------
    Path
        ``path``.
    """
    with atomic_output(path) as f:
        f.write(data.encode() if isinstance(data, str) else data)
    return Path(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
