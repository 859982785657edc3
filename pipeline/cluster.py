"""Dask distributed as the engine under the one processing path (``pipeline.run.process``).

``DaskEngine("local:N")`` starts a LocalCluster of N worker processes (one thread each) on this
machine; ``DaskEngine("tcp://host:8786")`` connects to a running scheduler (``dask scheduler``
and ``dask worker`` on the cluster's machines, each with dvk installed and the input files at
the same path). A task is one batch of items: files, or records of a WARC file given by their
offsets (a byte range of the file); its result comes back to this process, which stores it
through the single writer in input order, with a bounded number of batches in flight. A worker
that dies mid-task is replaced and its task re-run by Dask (up to ``distributed.scheduler.
allowed-failures`` times); a batch that still cannot finish is stored as failed items, so
nothing is lost and nothing is stored twice.

Dask is imported here only, and this module only when ``--dask`` is given.
"""

from __future__ import annotations

import logging
from typing import Any

from distributed import WorkerPlugin

from .errors import NetworkError, UsageError
from .run import Item, Outcome, _Done, _init_worker, _process_batch
from .sources import Registry


def parse_spec(spec: str) -> tuple[str, int | None]:
    """``local:N`` → ("local", N); anything else is a scheduler address."""
    if spec.startswith("local"):
        _, _, n = spec.partition(":")
        if not n.isdigit() or int(n) < 1:
            raise UsageError(f"--dask {spec!r}: write local:N with N ≥ 1 worker processes, or a scheduler's "
                             "address (tcp://host:8786)")
        return "local", int(n)
    if "://" not in spec and ":" not in spec:
        raise UsageError(f"--dask {spec!r} is not a scheduler address", hint="write tcp://host:8786 or local:N")
    return spec, None


class _Registry(WorkerPlugin):  # type: ignore[misc]
    """Gives each worker process the site registry when it starts, a restarted one too (data
    scattered to the workers is lost with the worker that held it)."""

    name = "dvk-registry"

    def __init__(self, registry: Registry):
        self.registry = registry

    def setup(self, worker: Any) -> None:
        _init_worker(self.registry)


def _remote_batch(items: list[Item], version: str) -> list[_Done]:
    """A batch on a Dask worker, which must run the extractor version of the writing process
    (a worker machine with another dvk would store other records under this version)."""
    from extractors import extractor_version

    here = extractor_version()
    if here != version:
        return [_Done(Outcome(item.key, None, "failed", error=f"{item.key}: the Dask worker runs extractor "
                              f"version {here}, not {version}: install the same dvk on every machine"))
                for item in items]
    return _process_batch(items, version)


class _Batch:
    """One submitted batch; ``result()`` gives its items as failed when Dask gave up on it."""

    def __init__(self, future: Any, batch: list[Item]):
        self.future, self.batch = future, batch

    def result(self) -> list[_Done]:
        from distributed import KilledWorker
        from distributed.client import FutureCancelledError

        try:
            return self.future.result()  # type: ignore[no-any-return]
        except KilledWorker as exc:
            return [_Done(Outcome(item.key, None, "failed",
                                  error=f"{item.key}: its Dask task failed on every worker it was tried on "
                                        f"({exc})")) for item in self.batch]
        except (FutureCancelledError, OSError) as exc:  # the scheduler is gone: stop, a rerun does the rest
            raise NetworkError(f"lost the Dask scheduler: {exc}",
                               hint="the documents stored so far are whole; run again to finish") from exc


class DaskEngine:
    """Batches as Dask tasks (see the module's docstring)."""

    def __init__(self, spec: str, registry: Registry, *, in_flight_per_worker: int = 2):
        address, n = parse_spec(spec)
        from distributed import Client, LocalCluster

        self.cluster = None
        try:
            if address == "local":
                self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                            dashboard_address=None, host="127.0.0.1",
                                            silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
            else:
                self.client = Client(address, timeout=10)
        except OSError as exc:
            if self.cluster is not None:
                self.cluster.close()
            raise NetworkError(f"cannot reach the Dask scheduler at {address}: {exc}",
                               hint="start it with `dask scheduler` (and workers with `dask worker ADDRESS`)"
                               ) from exc
        workers = n or max(1, len(self.client.scheduler_info()["workers"]))
        self.in_flight = in_flight_per_worker * workers
        self.client.register_plugin(_Registry(registry))

    def submit(self, batch: list[Item], version: str) -> _Batch:
        return _Batch(self.client.submit(_remote_batch, batch, version, pure=False), batch)

    def worker_pids(self) -> dict[str, int]:
        import os

        return self.client.run(os.getpid)  # type: ignore[no-any-return]

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
