"""run_batch: plan the villages, skip those unchanged, run the rest, log, rank and compare."""
from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Callable, Optional, Sequence

from ...sizing.errors import P2PSizeError, Problem
from .cluster import run_dask
from .comparison import check_rank_by, rank, write_comparison
from .local import default_workers, run_local
from .outcome import BatchResult, Outcome
from .plan import RunOptions, Village, _version, discover_sites, last_good, plan
from .worker import run_village

LOG_FILE = "batch.log"

# --------------------------------------------------------------------------- the batch
def _log_line(outcome: Outcome) -> str:
    stamp = datetime.now().isoformat(timespec="seconds")
    if outcome.ok:
        what = "skipped, inputs unchanged since the last good result" if outcome.resumed else f"ok in {outcome.seconds:.1f} s"
        return f"{stamp} {outcome.village.slug}: {what}\n"
    error = (outcome.error or "").replace("\n", "\n    ")
    return (f"{stamp} {outcome.village.slug}: FAILED ({outcome.error_type}, attempt {outcome.attempts}) "
            f"{outcome.village.site_path}\n    {error}\n")


class BatchObserver:
    """What a running batch tells whoever watches it; every method does nothing here.

    The command line subclasses it to draw a progress bar (``p2p_size.cli.console``);
    the engine itself prints nothing.
    """

    def started(self, n_villages: int, n_todo: int, n_unchanged: int, notes: list[str]) -> None:
        """The batch is planned: ``n_todo`` villages to run, ``n_unchanged`` skipped; ``notes`` for the user."""

    def village_done(self, outcome: Outcome) -> None:
        """One village ended (ok or failed)."""

    def all_run(self) -> None:
        """Every village has ended; the comparison is written next."""


def run_batch(inputs: Sequence[Path], out_dir: Path, *, workers: Optional[int] = None, scheduler: Optional[str] = None,
              rank_by: str = "lcoe", formats: Sequence[str] = ("html", "pdf"), seed: int = 0, p2p: bool = True,
              timeout: Optional[float] = None, resume: bool = True, allow_outside_paths: bool = False,
              observer: Optional[BatchObserver] = None, task: Callable[[Village, RunOptions], Outcome] = run_village,
              ) -> BatchResult:
    """Run every village of ``inputs`` and write each one's results plus the comparison.

    Parameters
    ----------
    inputs : sequence of Path
        Site files, or folders holding ``*.yaml`` and ``*/site.yaml`` site files.
    out_dir : Path
        Each village's results go to ``out_dir/<slug>/``; the comparison files and
        ``batch.log`` to ``out_dir``.
    workers : int, optional
        Local worker processes (default: all cores); ignored with ``scheduler``.
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://HOST:PORT``): run the batch there.
    rank_by : {"lcoe", "payback", "affordability", "co2", "unmet"}
        What the comparison ranks on.
    formats, seed, p2p, allow_outside_paths
        As for ``p2p-size run``; the same for every village.
    timeout : float, optional
        Stop a village after this many seconds [s] (local engine).
    resume : bool
        Skip villages whose inputs are unchanged since their last good result.
    observer : BatchObserver, optional
        Told when the batch starts, as each village ends, and when all have run.
    task : callable, optional
        What runs one village in a worker (default :func:`~.worker.run_village`); must be
        importable by the workers (a module-level function).

    Returns
    -------
    BatchResult
        Outcomes ranked (failed villages last, in ``failed``).

    Raises
    ------
    P2PSizeError
        Bad usage only (no such path, no site file, unknown ranking, no scheduler);
        a village's own failure is an :class:`Outcome`, never an exception.
    """
    observer = observer or BatchObserver()
    check_rank_by(rank_by)
    if workers is not None and workers < 1:
        raise P2PSizeError(Problem("", "--workers", f"must be at least 1, got {workers}", "pass --workers 1 or more"))
    if timeout is not None and timeout <= 0:
        raise P2PSizeError(Problem("", "--timeout", f"must be positive seconds, got {timeout:g}", "pass e.g. --timeout 600"))
    options = RunOptions(formats=tuple(formats), p2p=p2p, seed=seed, allow_outside_paths=allow_outside_paths)
    villages = plan(discover_sites(inputs), out_dir)
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()

    outcomes: list[Outcome] = []
    todo: list[Village] = []
    for village in villages:
        summary = last_good(village, options) if resume else None
        if summary is not None:
            outcomes.append(Outcome(village, "ok", summary=summary, resumed=True, attempts=0))
        else:
            todo.append(village)

    log_path = out_dir / LOG_FILE
    with open(log_path, "a", encoding="utf-8") as log:
        engine = f"Dask scheduler {scheduler}" if scheduler else f"{min(workers or default_workers(), max(len(todo), 1))} local worker(s)"
        log.write(f"{datetime.now().isoformat(timespec='seconds')} batch of {len(villages)} village(s): "
                  f"{len(todo)} to run on {engine}, {len(outcomes)} unchanged; seed {seed}, p2p-size {_version()}\n")
        for o in outcomes:
            log.write(_log_line(o))
        log.flush()
        notes = ["note: --timeout applies to local workers only; on a Dask cluster it is ignored"] \
            if scheduler and timeout is not None else []
        observer.started(len(villages), len(todo), len(outcomes), notes)

        def report(outcome: Outcome) -> None:
            outcomes.append(outcome)
            log.write(_log_line(outcome))
            log.flush()
            observer.village_done(outcome)

        try:
            if todo:
                if scheduler:
                    run_dask(todo, options, report, address=scheduler, task=task)
                else:
                    run_local(todo, options, report, workers=workers, timeout=timeout, task=task)
        finally:
            observer.all_run()

    result = BatchResult(rank(outcomes, rank_by), rank_by, out_dir)
    result.files = write_comparison(result, options.formats)
    result.files["batch.log"] = log_path
    result.seconds = time.perf_counter() - t0
    return result
