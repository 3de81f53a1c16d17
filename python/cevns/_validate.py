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

#: Largest predicted number of events per bin the χ² accepts. Up to here the profiled
#: χ² keeps full precision (it tends to the no-CEvNS limit: tested up to 1e150 x SM);
#: beyond ~1e154 the squares of eq. 7 overflow float64.
MAX_EVENTS_PER_BIN = 1e100


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
    arrays, and values above :data:`MAX_EVENTS_PER_BIN`. Shape, NaN/inf and sign are
    checked by the likelihood itself.

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
    top = float(np.max(arr)) if kind == "f" and arr.size else 0.0
    if math.isfinite(top) and top > MAX_EVENTS_PER_BIN:  # NaN/inf: named by the likelihood
        raise InputError(
            f"{dataset}: {what} has {top:.3g} events in a bin; the χ² is "
            f"computed for up to {MAX_EVENTS_PER_BIN:g} events per bin"
        )
