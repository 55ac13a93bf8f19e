"""The Dask engine: one task per village on an existing ``dask.distributed`` cluster."""
from __future__ import annotations

import os
from typing import Callable, Sequence

from ...sizing.errors import P2PSizeError, Problem
from .outcome import Outcome
from .plan import RunOptions, Village
from .worker import run_village

SCHEDULER_CONNECT_TIMEOUT = "10s"


def run_dask(villages: Sequence[Village], options: RunOptions, report: Callable[[Outcome], None], *,
             address: str,
             task: Callable[[Village, RunOptions], Outcome] = run_village) -> None:
    """Run villages on the Dask cluster whose scheduler listens at ``address``."""
    from dask.distributed import Client, as_completed

    try:
        client = Client(address, timeout=SCHEDULER_CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise P2PSizeError(Problem("", "--scheduler", f"cannot reach a Dask scheduler at {address!r}: {exc}",
                                   "start one with `dask scheduler` and workers with `dask worker "
                                   "tcp://HOST:8786`, then pass --scheduler tcp://HOST:8786"), ) from None
    with client:
        token = os.urandom(4).hex()
        futures = {client.submit(task, v, options, key=f"p2p-size-village-{v.slug}-{token}",
                                 pure=False, retries=1): v for v in villages}
        try:
            for fut in as_completed(list(futures)):
                village = futures.pop(fut)
                try:
                    outcome = fut.result()
                except Exception as exc:  # KilledWorker, a lost worker, a task that raised twice
                    outcome = Outcome(village, "failed", error_type=type(exc).__name__, error=str(exc) or repr(exc))
                fut.release()  # forgotten by the cluster: a worker lost later cannot make it run again
                report(outcome)
        except BaseException:  # Ctrl-C, SIGTERM: take the rest off the cluster
            client.cancel(list(futures))
            raise

