"""A village's results on disk: run one site file and write every output atomically.

:func:`run_and_write` is what ``p2p-size run`` and each batch worker do: load the site
file, run the study (:func:`~.run.evaluate`) and write ``summary.json``, ``homes.csv``,
``hourly.parquet`` and the reports (:func:`write_results`).

A run writes every output into a hidden staging folder beside the destination, and
only when all of them are complete moves each into place with :func:`os.replace`
(atomic on one filesystem). A failed or interrupted run removes its staging folder and
leaves the previous good results untouched; the output folder itself is never deleted.
SIGINT and SIGTERM are held back while the files are moved into place and the staging
folder is removed (milliseconds), so a signal cannot leave a mix of old and new files;
it is delivered right after.
"""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence


@contextmanager
def staged_outputs(out_dir: Path) -> Iterator[Path]:
    """Yield a staging folder; on success move its files into ``out_dir``.

    Parameters
    ----------
    out_dir : Path
        Destination folder; created if missing, never emptied.

    Yields
    ------
    Path
        The staging folder to write into.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stage, complete = None, False
    try:
        with _signals_held():  # a signal that lands as the folder is made is delivered inside the try
            stage = Path(tempfile.mkdtemp(prefix=".p2p-size-staging-", dir=out_dir))
        yield stage
        complete = True
    finally:
        with _signals_held():
            try:
                if complete:  # publish each file atomically
                    for path in sorted(stage.rglob("*")):
                        if path.is_file():
                            target = out_dir / path.relative_to(stage)
                            target.parent.mkdir(parents=True, exist_ok=True)
                            os.replace(path, target)
            finally:
                if stage is not None:
                    shutil.rmtree(stage, ignore_errors=True)


_HELD = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def _signals_held() -> Iterator[None]:
    """Block SIGINT and SIGTERM in this thread for the block; pending ones arrive after it."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_text_atomic(path: Path, text: str) -> None:
    """Write one text file atomically (temp file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: The report formats a run can write.
FORMATS = ("html", "pdf")


def write_hourly(result, folder: Path) -> Path:
    """Write the hourly series of every home to ``hourly.parquet``.

    One row per hour and home (tidy), flows in kW rounded to 0.1 W and stored as
    float32, homes as a categorical, zstd-compressed: a 200-home year is ~10 MB.
    ``served_kw`` is left out (``load_kw − unmet_kw``). Without pyarrow the same
    table goes to ``hourly.csv.gz``.
    """
    from ..sizing.calendar import hourly_index

    timestamps = hourly_index()[: result.sim.n_hours]
    frame = result.sim.hourly_frame(timestamps=timestamps, home_ids=result.loads.home_ids)
    frame = frame.drop(columns=["served_kw"])
    flows = [c for c in frame.columns if c.endswith(("_kw", "_kwh"))]
    frame[flows] = frame[flows].round(4).astype("float32")
    try:
        path = Path(folder) / "hourly.parquet"
        frame.to_parquet(path, index=False, compression="zstd")
    except ImportError:
        path = Path(folder) / "hourly.csv.gz"
        frame.to_csv(path, index=False)
    return path


def write_results(result, out_dir: Path, formats: Sequence[str] = FORMATS,
                  on_step: Optional[Callable[[str], None]] = None) -> None:
    """Write ``summary.json``, ``homes.csv``, the hourly series and the reports of ``result``
    into ``out_dir`` atomically (all or nothing, see :func:`staged_outputs`)."""
    from ..templates.render import render_html, render_pdf, report_context
    from .summary import homes_table, summary_json

    step = on_step or (lambda name: None)
    with staged_outputs(out_dir) as stage:
        (stage / "summary.json").write_text(summary_json(result.summary), encoding="utf-8")
        homes_table(result.summary).to_csv(stage / "homes.csv", index=False)
        write_hourly(result, stage)
        report = report_context(result)  # one context for both: they cannot disagree
        if "html" in formats:
            (stage / "report.html").write_text(render_html(result, report), encoding="utf-8")
        if "pdf" in formats:
            render_pdf(result, stage / "report.pdf", report)
        step("reports")


def run_and_write(site_path: Path, out_dir: Path, *, formats: Sequence[str] = FORMATS, p2p: bool = True, seed: int = 0,
                  allow_outside_paths: bool = False, on_step: Optional[Callable[[str], None]] = None,
                  on_site: Optional[Callable[[object], None]] = None):
    """Load a site file, run the study and write its results; returns the run's result.

    ``on_site(site)`` is called once the site file is valid (the CLI names its progress
    bar after it); ``on_step(name)`` after each step of the run.
    """
    from ..sizing.site import load_site
    from .run import evaluate

    site = load_site(site_path, allow_outside_paths=allow_outside_paths)
    if on_site is not None:
        on_site(site)
    result = evaluate(site, seed=seed, p2p=p2p, on_step=on_step)
    write_results(result, out_dir, formats, on_step)
    return result
