"""An on-disk cache of (M, g) scans (Figs. 4-8, ``cevns gm2``).

A scan is stored as ``scan-<key>.json`` (:meth:`cevns.infer.scan.ScanResult.to_dict`),
the key a SHA-256 of everything the result depends on (:func:`scan_cache_key`),
written whole or not at all (:func:`cevns._io.atomic_write`). A corrupt or
unreadable entry is recomputed; a cache that cannot be written does not stop the
computation.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from . import __version__
from .datasets import experiments_for
from .models import Model, get_model

__all__ = [
    "DEFAULT_MASSES_MEV",
    "DEFAULT_N_COUPLINGS",
    "cached_scan",
    "default_couplings",
    "resolve_cache_dir",
    "scan_cache_key",
]


log = logging.getLogger(__name__)

#: Default mass grid of the exclusion scans (Figs. 4-8) [MeV]: 10 per decade, 10 keV - 10 GeV.
DEFAULT_MASSES_MEV = np.geomspace(1e-2, 1e4, 61)
#: Number of couplings of the default (log) coupling grid.
DEFAULT_N_COUPLINGS = 200


def default_couplings(model: str | Model, n: int = DEFAULT_N_COUPLINGS) -> np.ndarray:
    """Log grid of couplings g for the exclusion scans of a model.

    Tree-level vector and scalar models: 1e-6 ... 1; kinetic-mixing (L_alpha - L_beta,
    one loop weaker, eq. 28): 1e-5 ... 10. Both cover the allowed strips at high mass.
    """
    kind = get_model(model).kind
    lo, hi = (1e-5, 10.0) if kind == "kinetic_mixing" else (1e-6, 1.0)
    return np.geomspace(lo, hi, int(n))


def resolve_cache_dir(path: Any = None) -> Path:
    """Directory of the scan cache: ``path``, ``$CEVNS_CACHE_DIR`` or the per-user cache.

    The per-user cache is ``platformdirs.user_cache_dir("cevns")`` (e.g.
    ``~/.cache/cevns`` on Linux).
    """
    if path is not None:
        return Path(path)
    env = os.environ.get("CEVNS_CACHE_DIR", "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("cevns"))


def scan_cache_key(
    model: str | Model,
    dataset: str,
    masses: Iterable[float],
    couplings: Iterable[float],
    dof: int = 2,
    cl: str | float = "2sigma",
    experiments: Mapping[str, Any] | None = None,
    data_dir: Any = None,
) -> str:
    """SHA-256 (hex) identifying a scan: everything its result depends on.

    The key covers the model (kind and charges), the data set, both grids (exact
    float64 bytes), dof and CL, ``cevns.__version__``, the SHA-256 of every data file
    read (:func:`cevns.provenance.provenance`) and the detector settings.
    """
    from .provenance import provenance

    mdl = get_model(model)
    exps = experiments_for(dataset, data_dir, experiments)
    m = np.ascontiguousarray(masses, dtype=np.float64)
    g = np.ascontiguousarray(couplings, dtype=np.float64)
    key = {
        "model": {"kind": mdl.kind, "charges": mdl.charges.to_dict(), "name": mdl.name},
        "dataset": dataset,
        "masses_sha256": hashlib.sha256(m.tobytes()).hexdigest(),
        "couplings_sha256": hashlib.sha256(g.tobytes()).hexdigest(),
        "n": [int(m.size), int(g.size)],
        "dof": int(dof),
        "cl": str(cl),
        "cevns_version": __version__,
        "data_sha256": provenance(exps.values())["data_sha256"],
        "settings": {n: e.settings for n, e in sorted(exps.items())},
    }
    text = json.dumps(key, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def cached_scan(
    model: str | Model,
    dataset: str,
    masses: Iterable[float] | None = None,
    couplings: Iterable[float] | None = None,
    dof: int = 2,
    cache_dir: Any = None,
    *,
    cl: str | float = "2sigma",
    experiments: Mapping[str, Any] | None = None,
    data_dir: Any = None,
    refresh: bool = False,
) -> Any:
    """:func:`cevns.infer.scan.scan` with an on-disk JSON cache.

    Parameters
    ----------
    model : str or Model
    dataset : {"csi2021", "ar2020", "combined"}
    masses, couplings : array_like, optional
        Grids [MeV] and g, any order (sorted here; default:
        :data:`DEFAULT_MASSES_MEV`, :func:`default_couplings`).
    dof : {1, 2}
        Parameters of the Δχ² (2: 6.18 at 2σ, the package default).
    cache_dir : path-like, optional
        Cache directory (default: :func:`resolve_cache_dir`). Files are
        ``scan-<sha256>.json``.
    cl : str or float
        Confidence level (default 2σ).
    experiments : mapping, optional
        Built experiments to reuse.
    refresh : bool
        Recompute and overwrite even if cached.

    Returns
    -------
    cevns.infer.scan.ScanResult
        Identical (to the JSON round trip of float64) whether computed or read.
    """
    from ._io import atomic_write
    from .infer import scan as scan_mod

    m = np.sort(DEFAULT_MASSES_MEV if masses is None else np.asarray(masses, dtype=float))
    g = np.sort(default_couplings(model) if couplings is None else np.asarray(couplings, float))
    exps = experiments_for(dataset, data_dir, experiments)
    key = scan_cache_key(model, dataset, m, g, dof, cl, exps)
    directory = resolve_cache_dir(cache_dir)
    path = directory / f"scan-{key}.json"
    if path.is_file() and not refresh:
        try:
            payload = json.loads(path.read_text())
            if payload.get("key") == key:
                log.info("scan cache hit %s", path)
                return scan_mod.ScanResult.from_dict(payload["result"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("ignoring unreadable cache file %s (%s)", path, exc)  # recompute
    log.info("scanning %s %s (%d x %d)", get_model(model).name, dataset, m.size, g.size)
    res = scan_mod.scan(model, dataset, m, g, cl=cl, dof=dof, experiments=exps)
    payload = {"key": key, "cevns_version": __version__, "result": res.to_dict()}
    try:
        directory.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(payload))
    except OSError as exc:  # a read-only cache must not break the computation
        log.warning("cannot write scan cache %s (%s)", path, exc)
    return scan_mod.ScanResult.from_dict(json.loads(json.dumps(res.to_dict())))
