"""One village of a batch, in a worker process: never raises for the village's own failure."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from ...sizing.errors import P2PSizeError
from ..outputs import run_and_write, write_text_atomic
from .outcome import Outcome
from .plan import DIGEST_FILE, RunOptions, Village, input_digest

_started_queue = None


def _init_worker(started_queue) -> None:
    """Local pool workers: report starts to the parent; SIGTERM stops as cleanly as Ctrl-C."""
    global _started_queue
    _started_queue = started_queue

    def _terminate(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, _terminate)


def announce_start(village: Village) -> None:
    """Tell the local engine's parent process that this worker starts ``village`` (for ``--timeout``);
    a task of the engines calls it first (no-op outside a local pool)."""
    if _started_queue is not None:
        _started_queue.put((village.slug, os.getpid(), time.time()))


def run_village(village: Village, options: RunOptions) -> Outcome:
    """Run one village and write its results; every failure becomes a failed Outcome.

    The results are written by :func:`~p2p_size.study.outputs.run_and_write` (atomically,
    as ``p2p-size run`` writes them); the input digest is removed first and written last,
    so it only ever sits beside good results of exactly those inputs.
    """
    t0 = time.perf_counter()
    announce_start(village)
    try:
        digest = input_digest(village.site_path, options)
        (village.out_dir / DIGEST_FILE).unlink(missing_ok=True)
        summary = run_and_write(village.site_path, village.out_dir, formats=options.formats, p2p=options.p2p,
                                seed=options.seed, allow_outside_paths=options.allow_outside_paths).summary
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

    root = Path(__file__).resolve().parents[2]  # the folder holding cli/, sizing/, economics/, study/, templates/
    every = traceback.extract_tb(exc.__traceback__)
    frames = [f for f in every if Path(f.filename).resolve().is_relative_to(root) and "site-packages" not in f.filename]
    frames = frames or every
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""
    return (str(exc) or repr(exc)) + where + "; a bug in p2p-size: rerun the village with `p2p-size --traceback run`"

