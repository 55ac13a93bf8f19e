"""The local engine: a process pool on this machine, surviving workers that die."""
from __future__ import annotations

import os
import signal
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import replace
from typing import Callable, Optional, Sequence

from .outcome import Outcome
from .plan import RunOptions, Village
from .worker import _init_worker, run_village

def _drain(queue, started: dict) -> None:
    while not queue.empty():
        slug, pid, t = queue.get()
        started[slug] = (pid, t)


def _pool_round(task, ctx, pending: deque, workers: int, options: RunOptions, timeout: Optional[float],
                report: Callable[[Outcome], None], attempt: int) -> list[Village]:
    """Run ``pending`` on one pool until it is empty or the pool breaks.

    Returns the villages that were in flight when a worker died without a known cause
    (to be retried); villages not yet started stay in ``pending``.
    """
    started_queue = ctx.SimpleQueue()
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                   initargs=(started_queue,))
    inflight: dict[Future, Village] = {}
    started: dict[str, tuple[int, float]] = {}
    timed_out: dict[str, float] = {}
    broken = False
    try:
        while (pending or inflight) and not broken:
            while pending and len(inflight) < workers:
                village = pending.popleft()
                inflight[executor.submit(task, village, options)] = village
            done, _ = wait(list(inflight), timeout=0.2, return_when=FIRST_COMPLETED)
            _drain(started_queue, started)
            for fut in done:
                if isinstance(fut.exception(), BrokenProcessPool):
                    broken = True  # stays in flight: sorted out below
                    continue
                report(_outcome_of(fut, inflight.pop(fut), attempt))
            if timeout is not None and not broken:
                now = time.time()
                for village in inflight.values():
                    pid, t = started.get(village.slug, (None, None))
                    if pid is not None and village.slug not in timed_out and now - t > timeout:
                        timed_out[village.slug] = now - t
                        _kill(pid, signal.SIGKILL)
        wait(list(inflight))  # after a break every future completes promptly
    except BaseException:  # Ctrl-C, SIGTERM: stop the workers (they remove their staging folders)
        _drain(started_queue, started)
        for village in inflight.values():
            if village.slug in started:
                _kill(started[village.slug][0], signal.SIGTERM)
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True, cancel_futures=True)
    casualties = []
    for fut, village in inflight.items():
        if not isinstance(fut.exception(), BrokenProcessPool):
            report(_outcome_of(fut, village, attempt))
        elif village.slug in timed_out:
            report(Outcome(village, "failed", error_type="TimeoutError", attempts=attempt,
                           error=f"stopped after {timed_out[village.slug]:.0f} s (--timeout {timeout:g} s)",
                           seconds=timed_out[village.slug]))
        elif timed_out:  # the pool broke because another village was stopped: not this one's fault
            pending.appendleft(village)
        else:
            casualties.append(village)
    return casualties


def _outcome_of(fut: Future, village: Village, attempt: int) -> Outcome:
    exc = fut.exception()
    if exc is None:
        return replace(fut.result(), attempts=attempt)
    return Outcome(village, "failed", error_type=type(exc).__name__, error=str(exc) or repr(exc), attempts=attempt)


def default_workers() -> int:
    """All cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _kill(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


WORKER_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@contextmanager
def _one_thread_per_worker():
    """Workers spawned inside the block start with one BLAS/OpenMP thread (unless set)."""
    added = [k for k in WORKER_THREAD_ENV if k not in os.environ]
    os.environ.update({k: "1" for k in added})
    try:
        yield
    finally:
        for k in added:
            os.environ.pop(k, None)


def run_local(villages: Sequence[Village], options: RunOptions, report: Callable[[Outcome], None], *,
              workers: Optional[int] = None, timeout: Optional[float] = None,
              task: Callable[[Village, RunOptions], Outcome] = run_village) -> None:
    """Run villages on local worker processes (default: one per core); see the module notes."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    workers = max(1, min(workers or default_workers(), len(villages) or 1))
    pending = deque(villages)
    retry: list[Village] = []
    with _one_thread_per_worker():
        while pending:
            retry += _pool_round(task, ctx, pending, workers, options, timeout, report, attempt=1)
        for village in retry:  # each alone in a fresh pool, so a second death is surely its own
            again = _pool_round(task, ctx, deque([village]), 1, options, timeout, report, attempt=2)
            for v in again:
                report(Outcome(v, "failed", error_type="BrokenProcessPool", attempts=2,
                               error="its worker process died while running it, and again on the retry in a fresh "
                                     "process (killed, out of memory, or a crash in compiled code)"))

