"""The batch engine: many candidate villages, on local worker processes or a Dask cluster.

One village is one task: :func:`run_village` runs it in a worker with
:func:`p2p_size.study.outputs.run_and_write` (the same code, and the same atomic
writing, as ``p2p-size run``) and returns an :class:`Outcome` — never raises for a village's own
failure, so one broken village cannot stop the others. :func:`run_batch` plans the
villages, skips those whose inputs are unchanged since their last good result, runs the
rest on an engine, shows a progress bar, and writes ``comparison.csv``,
``comparison.html`` and ``comparison.pdf`` ranking the villages.

Engines
-------
local
    :class:`concurrent.futures.ProcessPoolExecutor` on a *spawn* context (numba, BLAS
    and thread pools do not survive ``fork``), ``workers`` processes, at most one village
    in flight per worker. A worker that dies (``os._exit``, SIGKILL, out of memory) breaks
    the pool: the villages that were in flight are run again, each alone in a fresh
    one-worker pool, and reported as failed if that worker dies too; villages not yet
    started go to a fresh pool. ``timeout`` kills a village's worker after that many
    seconds; the village is reported as failed (not retried) and the others in flight
    are requeued. Each worker runs one thread of BLAS/OpenMP (``OMP_NUM_THREADS`` etc.
    default to 1 in the workers' environment, as a Dask nanny sets them): a village
    gains nothing from helper threads (measured: 14.37 s for three villages on one
    thread against 14.59 s with them), and with a worker per core they would only
    compete — with them the 1 → 2-worker speed-up measured 1.77×.
dask
    ``dask.distributed.Client(address)``, one task per village
    (``client.submit(run_village, ..., pure=False, retries=1)``), gathered as completed.
    Workers must see the site files and the output folder at the same paths (a shared
    file system). A task whose worker dies is rescheduled by the scheduler up to its
    ``distributed.scheduler.allowed-failures`` setting, then fails with ``KilledWorker``
    (see docs/scaling.md).

Resume
------
After a good run the worker writes ``inputs.sha256`` into the village's folder, last:
SHA-256 over the p2p-size version, the seed, P2P on/off, the report formats, the site
file's bytes and the bytes of every data file it names. A village whose digest matches
and whose ``summary.json`` is present is skipped, and its last summary is ranked.

Modules: :mod:`.plan` (what to run: discovery, slugs, resume digests), :mod:`.worker`
(one village in a worker), :mod:`.local` and :mod:`.cluster` (the two engines),
:mod:`.comparison` (ranking and the comparison files), :mod:`.engine` (:func:`run_batch`).
The engines take the task they run as an argument (default :func:`~.worker.run_village`),
so a test can run its own.
"""
from .comparison import RANKINGS, check_rank_by, comparison_csv, comparison_rows, rank, write_comparison
from .engine import BatchObserver, run_batch
from .local import default_workers, run_local
from .cluster import run_dask
from .outcome import BatchResult, Outcome
from .plan import RunOptions, Village, discover_sites, input_digest, last_good, plan
from .worker import run_village

__all__ = ["BatchObserver", "BatchResult", "Outcome", "RANKINGS", "RunOptions", "Village", "check_rank_by",
           "comparison_csv", "comparison_rows", "default_workers", "discover_sites", "input_digest", "last_good",
           "plan", "rank", "run_batch", "run_dask", "run_local", "run_village", "write_comparison"]
