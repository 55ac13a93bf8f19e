"""`p2p-size batch`: many candidate villages, on local worker processes or a Dask cluster.

One village is one task: :func:`run_village` runs it in a worker with
:func:`p2p_size.cli.commands.run` (the same code, and the same atomic writing, as
``p2p-size run``) and returns an :class:`Outcome` — never raises for a village's own
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

Test-only hook
--------------
``P2P_SIZE_TEST_CRASH=<village slug>`` in a worker's environment makes that worker
exit abruptly (``os._exit(1)``) when it starts that village. It exists so the tests can
kill a worker mid-batch; it has no other use.
"""
from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import math
import os
import signal
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, Optional, Sequence

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table

from ..sizing.errors import P2PSizeError, Problem
from .outputs import staged_outputs, write_text_atomic

DIGEST_FILE = "inputs.sha256"
LOG_FILE = "batch.log"
CRASH_ENV = "P2P_SIZE_TEST_CRASH"
SCHEDULER_CONNECT_TIMEOUT = "10s"

#: --rank-by: the summary value ranked on, and whether larger is better.
RANKINGS: dict[str, tuple[tuple[str, str], bool, str]] = {
    "lcoe": (("economics", "lcoe_per_kwh"), False, "LCOE, cheapest first"),
    "payback": (("economics", "simple_payback_years"), False, "simple payback, shortest first"),
    "affordability": (("affordability", "share_households_affordable"), True, "share of households that can afford the tariff, highest first"),
    "co2": (("co2", "avoided_annual_t"), True, "CO2 avoided per year, most first"),
    "unmet": (("energy", "unmet_fraction"), False, "unmet load, least first"),
}

#: Columns of comparison.csv: (header, summary section or None, key).
CSV_COLUMNS = (
    ("site", None, "site"), ("homes", None, "n_homes"), ("currency", None, "currency"),
    ("lcoe_per_kwh", "economics", "lcoe_per_kwh"),
    ("simple_payback_years", "economics", "simple_payback_years"),
    ("share_households_affordable", "affordability", "share_households_affordable"),
    ("co2_avoided_annual_t", "co2", "avoided_annual_t"),
    ("unmet_fraction", "energy", "unmet_fraction"),
    ("npc", "economics", "npc"), ("capex", "economics", "capex"),
    ("tariff_per_kwh", "affordability", "tariff_per_kwh"),
    ("subsidy_per_month_total", "affordability", "subsidy_per_month_total"),
    ("pv_kwp_total", "sizing", "pv_kwp_total"), ("battery_kwh_total", "sizing", "battery_kwh_total"),
    ("diesel_kw_total", "sizing", "diesel_kw_total"), ("sizing_method", "sizing", "method"),
    ("renewable_fraction", "energy", "renewable_fraction"), ("p2p_traded_kwh", "energy", "p2p_traded_kwh"),
)


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class Village:
    """One village of a batch: its site file and its output folder (absolute paths)."""

    slug: str
    site_path: Path
    out_dir: Path


@dataclass(frozen=True)
class RunOptions:
    """What every village of a batch is run with (as ``p2p-size run`` takes it)."""

    formats: tuple[str, ...] = ("html", "pdf")
    p2p: bool = True
    seed: int = 0
    allow_outside_paths: bool = False


@dataclass
class Outcome:
    """How one village ended.

    ``status`` is ``"ok"`` or ``"failed"``; a failed village has ``error_type`` (the
    exception's class, ``BrokenProcessPool`` for a dead worker, ``TimeoutError``) and a
    one-paragraph ``error``. ``resumed`` marks a village skipped because its inputs were
    unchanged (its summary is the last good one). ``seconds`` is wall time in the worker.
    """

    village: Village
    status: str
    summary: Optional[dict] = None
    error_type: Optional[str] = None
    error: Optional[str] = None
    seconds: float = 0.0
    resumed: bool = False
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class BatchResult:
    """The villages of a batch, ranked (failed ones last), and the files written."""

    outcomes: list[Outcome]
    rank_by: str
    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def exit_code(self) -> int:
        """0 when every village succeeded, 1 when any failed."""
        return 1 if self.failed else 0


# --------------------------------------------------------------------------- planning
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("p2p-size")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "dev"


def discover_sites(inputs: Sequence[Path]) -> list[Path]:
    """Site files from the command line: files as given, folders expanded.

    A folder contributes its ``*.yaml`` files and its ``*/site.yaml`` files (hidden
    names skipped), sorted. A path that does not exist, or folders holding no site
    file, are usage errors (:class:`P2PSizeError`).
    """
    found: list[Path] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(p for p in path.glob("*.yaml") if p.is_file() and not p.name.startswith("."))
            inside += sorted(p for p in path.glob("*/site.yaml") if not p.parent.name.startswith("."))
            if not inside:
                raise P2PSizeError(Problem(str(path), "", "folder holds no site file (*.yaml or */site.yaml)",
                                           "name site files or folders that hold them"))
            found += inside
        elif path.exists():
            found.append(path)
        else:
            raise P2PSizeError(Problem(str(path), "", "no such file or folder",
                                       "check the path (relative to where you run p2p-size)"))
    unique, seen = [], set()
    for p in found:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def plan(sites: Sequence[Path], out_dir: Path) -> list[Village]:
    """One :class:`Village` per site file, each with its own folder under ``out_dir``.

    The slug is the folder's name for a ``site.yaml``, else the file's stem (as
    ``p2p-size run`` names its default folder), made filesystem-safe; repeated slugs get
    ``_2``, ``_3``... in order.
    """
    from .commands import slug as make_slug

    out_dir = Path(out_dir).resolve()
    used: set[str] = set()
    villages = []
    for site in sites:
        site = Path(site).resolve()
        base = make_slug(site.parent.name if site.stem == "site" else site.stem)
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}_{n}"
        used.add(slug)
        villages.append(Village(slug, site, out_dir / slug))
    return villages


def input_digest(site_path: Path, options: RunOptions) -> Optional[str]:
    """SHA-256 of everything a village's results depend on, or None for an unreadable site.

    Covers the p2p-size version, the seed, P2P on/off, the report formats, the site
    file's bytes and the bytes of every data file it names (a missing one as such).
    """
    from ..sizing.site import data_files, read_yaml

    site_path = Path(site_path)
    try:
        data = read_yaml(site_path)
        raw = site_path.read_bytes()
    except (P2PSizeError, OSError):
        return None
    h = hashlib.sha256()
    header = {"p2p_size": _version(), "seed": options.seed, "p2p": options.p2p, "formats": sorted(options.formats)}
    h.update(json.dumps(header, sort_keys=True).encode())
    h.update(b"\0site\0" + raw)
    base = site_path.resolve().parent
    for key, rel in data_files(data):
        h.update(f"\0{key}\0{rel}\0".encode())
        path = Path(rel).expanduser()
        path = path if path.is_absolute() else base / path
        try:
            with open(path, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
        except OSError as exc:
            h.update(f"unreadable: {type(exc).__name__}".encode())
    return h.hexdigest()


def last_good(village: Village, options: RunOptions) -> Optional[dict]:
    """The village's last summary when its inputs are unchanged since then, else None."""
    digest_path = village.out_dir / DIGEST_FILE
    summary_path = village.out_dir / "summary.json"
    if not (digest_path.is_file() and summary_path.is_file()):
        return None
    digest = input_digest(village.site_path, options)
    if digest is None or digest_path.read_text(encoding="utf-8").strip() != digest:
        return None
    try:
        return json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# --------------------------------------------------------------------------- one village (in a worker)
_started_queue = None


def _init_worker(started_queue) -> None:
    """Local pool workers: report starts to the parent; SIGTERM stops as cleanly as Ctrl-C."""
    global _started_queue
    _started_queue = started_queue

    def _terminate(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _terminate)


def run_village(village: Village, options: RunOptions) -> Outcome:
    """Run one village and write its results; every failure becomes a failed Outcome.

    The results are written by :func:`p2p_size.cli.commands.run` (atomically); the input
    digest is removed first and written last, so it only ever sits beside good results
    of exactly those inputs.
    """
    from .commands import run

    t0 = time.perf_counter()
    if _started_queue is not None:
        _started_queue.put((village.slug, os.getpid(), time.time()))
    if os.environ.get(CRASH_ENV) == village.slug:  # test-only hook, see the module docstring
        os._exit(1)
    try:
        digest = input_digest(village.site_path, options)
        (village.out_dir / DIGEST_FILE).unlink(missing_ok=True)
        summary = run(village.site_path, village.out_dir, formats=options.formats, p2p=options.p2p,
                      seed=options.seed, allow_outside_paths=options.allow_outside_paths,
                      console=Console(file=io.StringIO(), width=120))
        if digest is not None:
            write_text_atomic(village.out_dir / DIGEST_FILE, digest + "\n")
        return Outcome(village, "ok", summary=summary, seconds=time.perf_counter() - t0)
    except P2PSizeError as exc:
        return Outcome(village, "failed", error_type=type(exc).__name__, error=exc.render(),
                       seconds=time.perf_counter() - t0)
    except Exception as exc:  # a bug in p2p-size: reported for this village, the batch goes on
        return Outcome(village, "failed", error_type=type(exc).__name__, error=_crash_message(exc),
                       seconds=time.perf_counter() - t0)


def _crash_message(exc: BaseException) -> str:
    """An unexpected error in one line, with where p2p-size raised it (its innermost own frame)."""
    import traceback

    root = Path(__file__).resolve().parents[1]  # the folder holding cli/, sizing/, economics/, templates/
    every = traceback.extract_tb(exc.__traceback__)
    frames = [f for f in every if Path(f.filename).resolve().is_relative_to(root) and "site-packages" not in f.filename]
    frames = frames or every
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""
    return (str(exc) or repr(exc)) + where + "; a bug in p2p-size: rerun the village with `p2p-size --traceback run`"


# --------------------------------------------------------------------------- local engine
def _drain(queue, started: dict) -> None:
    while not queue.empty():
        slug, pid, t = queue.get()
        started[slug] = (pid, t)


def _pool_round(ctx, pending: deque, workers: int, options: RunOptions, timeout: Optional[float],
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
                inflight[executor.submit(run_village, village, options)] = village
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
              workers: Optional[int] = None, timeout: Optional[float] = None) -> None:
    """Run villages on local worker processes (default: one per core); see the module notes."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    workers = max(1, min(workers or default_workers(), len(villages) or 1))
    pending = deque(villages)
    retry: list[Village] = []
    with _one_thread_per_worker():
        while pending:
            retry += _pool_round(ctx, pending, workers, options, timeout, report, attempt=1)
        for village in retry:  # each alone in a fresh pool, so a second death is surely its own
            again = _pool_round(ctx, deque([village]), 1, options, timeout, report, attempt=2)
            for v in again:
                report(Outcome(v, "failed", error_type="BrokenProcessPool", attempts=2,
                               error="its worker process died while running it, and again on the retry in a fresh "
                                     "process (killed, out of memory, or a crash in compiled code)"))


# --------------------------------------------------------------------------- dask engine
def run_dask(villages: Sequence[Village], options: RunOptions, report: Callable[[Outcome], None], *,
             address: str) -> None:
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
        futures = {client.submit(run_village, v, options, key=f"p2p-size-village-{v.slug}-{token}",
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


# --------------------------------------------------------------------------- ranking and comparison
def _value(summary: Optional[dict], section: Optional[str], key: str):
    if not summary:
        return None
    block = summary if section is None else summary.get(section) or {}
    value = block.get(key) if isinstance(block, dict) else None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def check_rank_by(rank_by: str) -> str:
    """``rank_by`` if it is known, else a usage error with a suggestion."""
    if rank_by in RANKINGS:
        return rank_by
    guess = difflib.get_close_matches(rank_by, list(RANKINGS), n=1, cutoff=0.5)
    fix = f"did you mean '{guess[0]}'?" if guess else "use one of: " + ", ".join(RANKINGS)
    raise P2PSizeError(Problem("", "--rank-by", f"unknown ranking {rank_by!r}; expected one of {', '.join(RANKINGS)}", fix))


def rank(outcomes: Sequence[Outcome], rank_by: str = "lcoe") -> list[Outcome]:
    """Good villages by ``rank_by`` (best first; no value: after those with one), then failed ones."""
    (section, key), larger_is_better, _ = RANKINGS[check_rank_by(rank_by)]

    def order(o: Outcome):
        v = _value(o.summary, section, key) if o.ok else None
        if v is not None and larger_is_better:
            v = -v
        return (not o.ok, v is None, v if v is not None else 0.0, o.village.slug)

    return sorted(outcomes, key=order)


def comparison_rows(ranked: Sequence[Outcome], rank_by: str = "lcoe") -> list[dict]:
    """The renderers' rows, in rank order: each village's summary plus ``village``,
    ``status``, ``error``, ``rank`` and ``ranked_by`` (what the order means)."""
    rows = []
    for k, o in enumerate(ranked, 1):
        base = dict(o.summary) if o.summary else {"site": o.village.slug}
        base.pop("homes", None)
        base.update({"village": o.village.slug, "status": o.status, "error_type": o.error_type, "error": o.error,
                     "rank": k if o.ok else None, "ranked_by": RANKINGS[rank_by][2], "resumed": o.resumed, "site_file": str(o.village.site_path),
                     "output_dir": str(o.village.out_dir)})
        rows.append(base)
    return rows


def comparison_csv(ranked: Sequence[Outcome]) -> str:
    """comparison.csv: one row per village in rank order (failed ones last, with their error)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["rank", "village", "status"] + [c[0] for c in CSV_COLUMNS]
               + ["resumed", "seconds", "output_dir", "site_file", "error_type", "error"])
    for k, o in enumerate(ranked, 1):
        values = [_value(o.summary, section, key) for _, section, key in CSV_COLUMNS]
        w.writerow([k if o.ok else "", o.village.slug, o.status]
                   + ["" if v is None else v for v in values]
                   + [o.resumed, f"{o.seconds:.2f}", str(o.village.out_dir), str(o.village.site_path),
                      o.error_type or "", (o.error or "").replace("\n", " | ")])
    return buf.getvalue()


def write_comparison(result: BatchResult, formats: Sequence[str]) -> dict[str, Path]:
    """Write comparison.csv (always) and comparison.html / .pdf (per ``formats``) atomically."""
    from ..templates.render import comparison_context, render_comparison_html, render_comparison_pdf

    rows = comparison_rows(result.outcomes, result.rank_by)
    names = ["comparison.csv"] + [f"comparison.{f}" for f in ("html", "pdf") if f in formats]
    with staged_outputs(result.out_dir) as stage:
        (stage / "comparison.csv").write_text(comparison_csv(result.outcomes), encoding="utf-8")
        if "html" in formats or "pdf" in formats:
            report = comparison_context(rows)  # one context for both: they cannot disagree
            if "html" in formats:
                (stage / "comparison.html").write_text(render_comparison_html(rows, report), encoding="utf-8")
            if "pdf" in formats:
                render_comparison_pdf(rows, stage / "comparison.pdf", report)
    return {name: result.out_dir / name for name in names}


# --------------------------------------------------------------------------- the batch
def _log_line(outcome: Outcome) -> str:
    stamp = datetime.now().isoformat(timespec="seconds")
    if outcome.ok:
        what = "skipped, inputs unchanged since the last good result" if outcome.resumed else f"ok in {outcome.seconds:.1f} s"
        return f"{stamp} {outcome.village.slug}: {what}\n"
    error = (outcome.error or "").replace("\n", "\n    ")
    return (f"{stamp} {outcome.village.slug}: FAILED ({outcome.error_type}, attempt {outcome.attempts}) "
            f"{outcome.village.site_path}\n    {error}\n")


def run_batch(inputs: Sequence[Path], out_dir: Path, *, workers: Optional[int] = None, scheduler: Optional[str] = None,
              rank_by: str = "lcoe", formats: Sequence[str] = ("html", "pdf"), seed: int = 0, p2p: bool = True,
              timeout: Optional[float] = None, resume: bool = True, allow_outside_paths: bool = False,
              console: Optional[Console] = None) -> BatchResult:
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
    console : rich.console.Console, optional
        Where the progress bar, the failures and the summary table go.

    Returns
    -------
    BatchResult
        Outcomes ranked; ``exit_code`` is 1 when any village failed.

    Raises
    ------
    P2PSizeError
        Bad usage only (no such path, no site file, unknown ranking, no scheduler);
        a village's own failure is an :class:`Outcome`, never an exception.
    """
    console = console or Console()
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
        if outcomes:
            console.print(f"{len(outcomes)} of {len(villages)} villages unchanged since their last good result: skipped",
                          highlight=False)
        if scheduler and timeout is not None:
            console.print("note: --timeout applies to local workers only; on a Dask cluster it is ignored", highlight=False)

        progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("[red]{task.fields[failed]} failed"), TextColumn("elapsed"),
                            TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(), console=console)
        with progress:
            task = progress.add_task("villages", total=len(todo), failed=0)
            failed = 0

            def report(outcome: Outcome) -> None:
                nonlocal failed
                outcomes.append(outcome)
                log.write(_log_line(outcome))
                log.flush()
                if not outcome.ok:
                    failed += 1
                    first = (outcome.error or "").splitlines()[0] if outcome.error else ""
                    progress.console.print(f"[red]FAILED[/red] {outcome.village.slug}: {outcome.error_type}: {first}",
                                           highlight=False, soft_wrap=True)
                progress.update(task, advance=1, failed=failed)

            if todo:
                if scheduler:
                    run_dask(todo, options, report, address=scheduler)
                else:
                    run_local(todo, options, report, workers=workers, timeout=timeout)

    result = BatchResult(rank(outcomes, rank_by), rank_by, out_dir)
    result.files = write_comparison(result, options.formats)
    result.files["batch.log"] = log_path
    result.seconds = time.perf_counter() - t0
    _print_result(result, console)
    return result


def _print_result(result: BatchResult, console: Console, top: int = 10) -> None:
    (section, key), _, words = RANKINGS[result.rank_by]
    good = [o for o in result.outcomes if o.ok]
    table = Table(title=f"{len(good)} of {len(result.outcomes)} villages ranked by {words}", title_justify="left")
    for col, justify in (("#", "right"), ("village", "left"), ("homes", "right"), ("LCOE /kWh", "right"),
                         ("payback y", "right"), ("affordable", "right"), ("CO2 avoided t/y", "right"),
                         ("unmet", "right")):
        table.add_column(col, justify=justify)

    def f(v, spec):
        return "—" if v is None else format(v, spec)

    for k, o in enumerate(good[:top], 1):
        s = o.summary
        table.add_row(str(k), o.village.slug + (" (unchanged)" if o.resumed else ""), f(_value(s, None, "n_homes"), "d"),
                      f(_value(s, "economics", "lcoe_per_kwh"), ".3f"), f(_value(s, "economics", "simple_payback_years"), ".1f"),
                      f(_value(s, "affordability", "share_households_affordable"), ".0%"),
                      f(_value(s, "co2", "avoided_annual_t"), ",.1f"), f(_value(s, "energy", "unmet_fraction"), ".2%"))
    if len(good) > top:
        table.add_row("…", f"{len(good) - top} more in comparison.csv", "", "", "", "", "", "")
    console.print(table)
    for o in result.failed:
        console.print(f"FAILED {o.village.slug} ({o.error_type}): {o.error}", markup=False, highlight=False, soft_wrap=True)
    for name, path in result.files.items():
        console.print(f"  {path}", soft_wrap=True, highlight=False)
    console.print(f"{len(result.outcomes)} villages, {len(result.failed)} failed, in {result.seconds:.0f} s", highlight=False)


__all__ = ["BatchResult", "Outcome", "RANKINGS", "RunOptions", "Village", "check_rank_by", "comparison_csv",
           "comparison_rows", "discover_sites", "input_digest", "last_good", "plan", "rank", "run_batch",
           "run_dask", "run_local", "run_village"]
