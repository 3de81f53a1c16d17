"""Running batches of toys in-process or on a Dask cluster (``dask.distributed``).

Tasks are batches of toys at one tested point, seeded by their batch index
(`cevns.infer.toys.batch_seed`), never by worker: a task is a pure function of its
arguments, so the same seed gives bit-identical statistics in-process, on a
`LocalCluster` of any size or on a remote scheduler, and a task lost with its
worker is recomputed by Dask with the same result. Each process builds the
experiments and the plane's templates once (`engine`, a module-level cache keyed
by model, data set, data directory and detector options), so tasks ship only a
few numbers and return a small array.

``distributed`` is an optional extra: ``pip install "cevns[distributed]"``.
"""

from __future__ import annotations

import json
import logging
import math
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError

__all__ = [
    "DEFAULT_BATCH",
    "EngineSpec",
    "Runner",
    "batches",
    "engine",
    "runner",
    "toy_batch",
]


#: Toys per task: large enough that scheduling costs < 1 % of a task (~0.1-1 s).
DEFAULT_BATCH = 50


@dataclass(frozen=True)
class EngineSpec:
    """What a worker needs to build a `cevns.infer.toys.ToyEngine` (hashable, tiny to ship)."""

    model: str
    dataset: str
    data_dir: str | None = None
    #: detector options per experiment as sorted JSON, e.g. '{"csi2021": {...}}'
    options: str = "{}"
    plane_masses: tuple[float, ...] | None = field(default=None)
    #: False: keep the data's SS template in every toy (diagnostic, `ToyEngine`)
    fluctuate_ss: bool = True

    @classmethod
    def of(
        cls,
        model: str,
        dataset: str,
        data_dir: Any = None,
        options: dict[str, dict[str, Any]] | None = None,
        plane_masses: Sequence[float] | None = None,
        fluctuate_ss: bool = True,
    ) -> EngineSpec:
        return cls(
            model,
            dataset,
            None if data_dir is None else str(data_dir),
            json.dumps(options or {}, sort_keys=True),
            None if plane_masses is None else tuple(float(m) for m in plane_masses),
            bool(fluctuate_ss),
        )


_ENGINES: dict[EngineSpec, Any] = {}


def engine(spec: EngineSpec) -> Any:
    """The `ToyEngine` of ``spec``, built once per process."""
    eng = _ENGINES.get(spec)
    if eng is None:
        from ..experiments import experiment
        from .scan import dataset_members
        from .toys import ToyEngine

        opts = json.loads(spec.options)
        exps = {
            n: experiment(n, spec.data_dir, **opts.get(n, {}))
            for n in dataset_members(spec.dataset)
        }
        eng = ToyEngine(
            spec.model,
            spec.dataset,
            experiments=exps,
            plane_masses=spec.plane_masses,
            fluctuate_ss=spec.fluctuate_ss,
        )
        _ENGINES[spec] = eng
    return eng


def toy_batch(
    spec: EngineSpec,
    mass: float,
    g: float,
    seed: int,
    batch: int,
    n: int,
    plane: bool = True,
    n_threads: int = 1,
) -> np.ndarray:
    """Statistics (n, 3) of batch ``batch`` of toys at (mass, g): the pure task
    (``n_threads`` OpenMP threads over its toys, 0: all cores; the result does not
    depend on it)."""
    from .toys import batch_seed

    return engine(spec).run(mass, g, n, batch_seed(seed, batch), plane=plane, n_threads=n_threads)


def batches(n_toys: int, batch_size: int) -> list[int]:
    """Sizes of the batches of ``n_toys`` toys (all ``batch_size`` but the last)."""
    if n_toys < 1:
        raise InputError(f"toys must be >= 1, got {n_toys}")
    if batch_size < 1:
        raise InputError(f"batch size must be >= 1, got {batch_size}")
    k = math.ceil(n_toys / batch_size)
    return [batch_size] * (k - 1) + [n_toys - batch_size * (k - 1)]


class Runner:
    """Runs toy batches: in-process (``client=None``) or on a Dask client.

    Use `runner` to make one. `statistics` returns, per tested point, the
    (n_toys, 3) statistics of `cevns.infer.toys.ToyEngine.run`, identical for any client.
    In-process, each batch runs on ``n_threads`` OpenMP threads (0: every core);
    a Dask worker uses one thread per task.
    """

    def __init__(
        self,
        client: Any = None,
        progress: bool = False,
        batch_size: int = DEFAULT_BATCH,
        n_threads: int = 0,
    ):
        self.client = client
        self.progress = progress
        self.batch_size = batch_size
        self.n_threads = n_threads

    @property
    def where(self) -> str:
        if self.client is None:
            return "in-process"
        return f"dask {self.client.scheduler.address}"

    def statistics(
        self,
        spec: EngineSpec,
        points: Sequence[tuple[float, float]],
        n_toys: int,
        seed: int,
        *,
        plane: bool = True,
        desc: str = "toys",
        first_batch: int = 0,
    ) -> list[np.ndarray]:
        """Statistics of ``n_toys`` toys at each (mass, g); batch b of every point uses
        the same seed (common random numbers along g). ``first_batch``: index of the
        first batch (more toys at a point already run: the batches after its own)."""
        sizes = batches(n_toys, self.batch_size)
        jobs = [(p, first_batch + b, n) for p in range(len(points)) for b, n in enumerate(sizes)]
        results: dict[tuple[int, int], np.ndarray] = {}
        bar = _bar(len(jobs), desc, self.progress)
        if self.client is None:
            for p, b, n in jobs:
                m, g = points[p]
                results[(p, b)] = toy_batch(spec, m, g, seed, b, n, plane, self.n_threads)
                bar.update(1)
        else:
            from distributed import as_completed

            futures = {}
            for p, b, n in jobs:
                m, g = points[p]
                f = self.client.submit(
                    toy_batch, spec, float(m), float(g), int(seed), b, n, plane, pure=True
                )
                futures[f] = (p, b)
            for f in as_completed(list(futures)):
                results[futures[f]] = f.result()
                bar.update(1)
        bar.close()
        return [
            np.concatenate([results[(p, first_batch + b)] for b in range(len(sizes))])
            for p in range(len(points))
        ]


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(total: int, desc: str, progress: bool) -> Any:
    if not progress:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="batch", file=sys.stderr)


@contextmanager
def runner(
    workers: int | None = None,
    scheduler: str | None = None,
    *,
    progress: bool = False,
    batch_size: int = DEFAULT_BATCH,
) -> Iterator[Runner]:
    """A `Runner`: ``workers`` starts a `LocalCluster` of that many single-threaded
    worker processes on loopback; ``scheduler`` (``tcp://HOST:PORT``) connects to a
    running one; neither runs in-process.

    Raises
    ------
    InputError
        Both given or ``workers < 1``.
    MissingExtraError
        ``distributed`` not installed (exit code 2 in the CLI, as for every extra).
    """
    if workers is not None and scheduler is not None:
        raise InputError("give either --workers or --scheduler, not both")
    if workers is None and scheduler is None:
        yield Runner(None, progress, batch_size)
        return
    if workers is not None and workers < 1:
        raise InputError(f"workers must be >= 1, got {workers}")
    from ..extras import require

    require("distributed", "distributed", "--workers/--scheduler")
    from distributed import Client, LocalCluster

    # dask logs every connection at INFO: keep the terminal for results and warnings
    log = logging.getLogger("distributed")
    level = log.level
    log.setLevel(logging.WARNING)
    try:
        if scheduler is not None:
            with Client(scheduler) as client:
                yield Runner(client, progress, batch_size)
            return
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
        )
        with cluster, Client(cluster) as client:
            yield Runner(client, progress, batch_size)
    finally:
        log.setLevel(level)
