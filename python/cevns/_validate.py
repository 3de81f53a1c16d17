"""Checks of user input that numpy would otherwise convert silently.

``float("10")`` is 10, ``float(True)`` is 1, ``np.asarray(x, dtype=float)`` drops an
imaginary part (with a warning) and a mask: each would give an answer to a question
the user did not ask. These helpers refuse such input with an
:class:`~cevns.errors.InputError` naming the argument, the value and what is
accepted; they are called where the Python API takes numbers from the user
(:meth:`cevns.experiments.Experiment.predict` & co., the χ² of a prediction).
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .errors import InputError

#: Longest piece of user input quoted back in a message (the rest is elided).
MAX_QUOTED = 60


def quote(text: Any, limit: int = MAX_QUOTED) -> str:
    """``repr`` of what the user typed, cut to ``limit`` characters (a 100 kB
    ``--set`` name is not echoed back whole)."""
    s = str(text)
    if len(s) <= limit:
        return repr(s)
    return repr(s[:limit]) + f"... ({len(s)} characters)"


def real_number(name: str, value: Any) -> float:
    """``value`` as a finite float, if it is a real number (not a bool, string or complex).

    Raises
    ------
    InputError
        Naming ``name``, the value and what is accepted.
    """
    ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        ok = True
    if not ok:
        raise InputError(f"{name} must be a real number (int or float), got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise InputError(f"{name} must be finite, got {value!r}")
    return v


def check_counts(value: Any, *, dataset: str, what: str) -> None:
    """Refuse event numbers that a float64 conversion would change or the χ² cannot take.

    Masked arrays (the mask would be dropped), complex, boolean, text or object
    arrays. Shape, NaN/inf, sign and size (at most ``cevns::kMaxPredictionEvents``
    per bin) are checked by the C++ likelihood itself.

    Raises
    ------
    InputError
        Naming the data set and what the array is.
    """
    if isinstance(value, np.ma.MaskedArray):
        raise InputError(
            f"{dataset}: {what} is a masked array; the mask would be ignored: pass "
            "np.ma.filled(array, value) or a plain array"
        )
    arr = value if isinstance(value, np.ndarray) else np.asarray(value)
    kind = arr.dtype.kind
    if kind == "c":
        raise InputError(f"{dataset}: {what} is complex; event numbers are real")
    if kind not in "iuf":
        raise InputError(
            f"{dataset}: {what} must be an array of real numbers, got dtype {arr.dtype}"
        )
