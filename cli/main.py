"""The `p2p-size` command line: parse, call one function, render, map errors to exit codes.

Exit codes (:class:`ExitStatus`): 0 success; 1 a run failed (a bug or an unexpected
fault; for ``batch``, any village failed); 2 bad input; 130 interrupted. Every :class:`~p2p_size.sizing.errors.P2PSizeError` is caught in one place
(:func:`main`) and printed as one readable message, without a traceback unless
``--traceback`` is given.
"""
from __future__ import annotations

import enum
import functools
import signal
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from ..sizing.errors import P2PSizeError
from . import commands


class ExitStatus(enum.IntEnum):
    """The process exit codes of ``p2p-size``."""

    SUCCESS = 0
    ERROR = 1            # a run failed: a bug or an unexpected fault (a batch: some village failed)
    BAD_INPUT = 2        # the user's input: site file, data file, option
    INTERRUPTED = 130    # Ctrl-C or SIGTERM: staged outputs removed, previous results kept


app = typer.Typer(
    name="p2p-size",
    help="Size PV, battery and diesel per home for an off-grid village with peer-to-peer sharing, "
    "and report cost of energy, payback, affordability and CO2.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state = {"traceback": False, "signal": None}
console = Console()
err_console = Console(stderr=True, highlight=False)


def _is_interruption(exc: BaseException) -> bool:
    """True when the exception is a KeyboardInterrupt or has one in its cause/context chain."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _maps_errors(func):
    """The one place user errors become exit code 2, stops 130 and faults exit code 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except P2PSizeError as exc:
            if _state["traceback"]:
                raise
            err_console.print("error: " + exc.render(), markup=False, soft_wrap=True)
            raise typer.Exit(ExitStatus.BAD_INPUT)
        except (typer.Exit, typer.Abort):
            raise
        except (KeyboardInterrupt, Exception) as exc:
            # a stop that landed inside an extension module's import, or in a library that
            # wrapped it ("ImportError: initialization failed"), is still an interruption
            if _state["signal"] is not None or _is_interruption(exc):
                err_console.print("interrupted: nothing was written; previous results are kept", markup=False)
                raise typer.Exit(ExitStatus.INTERRUPTED)
            if _state["traceback"]:
                raise
            err_console.print(f"error: the run failed: {type(exc).__name__}: {exc}\n"
                              "This is a bug in p2p-size; rerun with --traceback and report it.", markup=False)
            raise typer.Exit(ExitStatus.ERROR)

    return wrapper


@app.callback()
def _options(
    traceback: bool = typer.Option(False, "--traceback", help="Show the full traceback on errors."),
):
    _state["traceback"] = traceback


@app.command()
@_maps_errors
def run(
    site: Path = typer.Argument(..., help="The site file (YAML)."),
    out: Path = typer.Option(None, "-o", "--out", help="Output folder (default: ./out/<site name>, the folder's name for a site.yaml)."),
    format: str = typer.Option("html,pdf", "--format", help="Report formats: html, pdf or html,pdf."),
    no_p2p: bool = typer.Option(False, "--no-p2p", help="Simulate standalone homes (no sharing)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the synthetic weather, loads and failures."),
    allow_outside_paths: bool = typer.Option(
        False, "--allow-outside-paths", help="Accept data files outside the site file's folder."
    ),
):
    """Size, simulate and evaluate one village; write the report and results."""
    formats = commands.parse_formats(format)
    out_dir = out if out is not None else Path("out") / (site.resolve().parent.name if site.stem == "site" else site.stem)
    commands.run(site, out_dir, formats=formats, p2p=not no_p2p, seed=seed,
                 allow_outside_paths=allow_outside_paths, console=console)


@app.command()
@_maps_errors
def batch(
    sites: List[Path] = typer.Argument(..., help="Site files, or folders holding *.yaml and */site.yaml site files."),
    out: Path = typer.Option(Path("out"), "-o", "--out", help="Output folder: one folder per village, plus comparison.* and batch.log."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Local worker processes (default: all cores)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Run on the Dask cluster of this scheduler, tcp://HOST:PORT."),
    rank_by: str = typer.Option("lcoe", "--rank-by", help="Rank villages by lcoe, payback, affordability, co2 or unmet."),
    format: str = typer.Option("html,pdf", "--format", help="Report formats: html, pdf or html,pdf (villages and comparison)."),
    no_p2p: bool = typer.Option(False, "--no-p2p", help="Simulate standalone homes (no sharing)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the synthetic weather, loads and failures (every village)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", help="Stop a village after this many seconds (local workers)."),
    force: bool = typer.Option(False, "--force", help="Rerun every village, also those unchanged since their last good result."),
    allow_outside_paths: bool = typer.Option(
        False, "--allow-outside-paths", help="Accept data files outside each site file's folder."
    ),
):
    """Run many villages (one failing never stops the others) and rank them in comparison.csv/html/pdf."""
    from ..study.batch import run_batch
    from .console import BatchProgress, print_batch_result

    result = run_batch(sites, out, workers=workers, scheduler=scheduler, rank_by=rank_by,
                       formats=commands.parse_formats(format), seed=seed, p2p=not no_p2p, timeout=timeout,
                       resume=not force, allow_outside_paths=allow_outside_paths, observer=BatchProgress(console))
    print_batch_result(result, console)
    if result.failed:
        raise typer.Exit(ExitStatus.ERROR)


@app.command()
@_maps_errors
def validate(
    sites: List[Path] = typer.Argument(..., help="Site files to check."),
    allow_outside_paths: bool = typer.Option(False, "--allow-outside-paths"),
):
    """Check site files and print every problem found (not just the first)."""
    if not commands.validate(sites, allow_outside_paths=allow_outside_paths, console=console, err_console=err_console):
        raise typer.Exit(ExitStatus.BAD_INPUT)


@app.command()
@_maps_errors
def init(
    name: Optional[str] = typer.Argument(None, help="Village name; the file is <name>.yaml (default: site.yaml)."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
):
    """Write a commented starter site file."""
    commands.init(name, force=force, console=console)


@app.command()
@_maps_errors
def samples():
    """List the bundled sample villages and how to run them."""
    commands.samples(console=console)


def _terminate(signum, frame):  # pragma: no cover - exercised through a subprocess
    _state["signal"] = signum
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Optional[list[str]] = None) -> int:
    """Entry point of the console script; returns the exit code.

    SIGTERM is turned into the same clean stop as Ctrl-C: staged outputs are removed and
    the previous good results stay as they were.
    """
    _state["signal"] = None
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    try:
        app(args=argv, prog_name="p2p-size")
    except SystemExit as exc:
        return int(exc.code or ExitStatus.SUCCESS) if not isinstance(exc.code, str) else int(ExitStatus.BAD_INPUT)
    return int(ExitStatus.SUCCESS)


__all__ = ["ExitStatus", "app", "main"]
