"""What each command does, between parsing (main.py) and the model (sizing/, economics/).

Each function takes plain arguments and a rich Console (so tests can capture output),
calls into the model, renders, and writes outputs atomically.
"""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Iterable

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..sizing.errors import P2PSizeError, Problem
from ..sizing.site import load_site
from ..study.batch.plan import slug
from ..study.outputs import FORMATS, run_and_write, write_text_atomic
from .console import print_summary


def parse_formats(text: str) -> tuple[str, ...]:
    """``"html,pdf"`` -> ``("html", "pdf")``; unknown names are a usage error."""
    names = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    bad = [f for f in names if f not in FORMATS]
    if bad or not names:
        raise P2PSizeError(Problem("", "--format", f"unknown report format(s) {', '.join(bad) or repr(text)}",
                                   "use html, pdf or html,pdf"))
    return names


# --------------------------------------------------------------------------- run
def run(site_path: Path, out_dir: Path, *, formats=FORMATS, p2p: bool = True, seed: int = 0,
        allow_outside_paths: bool = False, console: Console | None = None) -> dict:
    """Load, size, simulate, evaluate one village, write its outputs and print its summary.

    Returns the summary dictionary written to ``summary.json``.
    """
    console = console or Console()
    steps = ["solar resource", "household loads", "sizing", "simulation", "economics", "reports"]
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("starting", total=len(steps))
        name = {"site": ""}

        def on_site(site) -> None:
            name["site"] = site.name
            progress.update(task, description=f"{site.name}: starting")

        def step(what: str) -> None:
            progress.update(task, description=f"{name['site']}: {what}", advance=1)

        result = run_and_write(site_path, out_dir, formats=formats, p2p=p2p, seed=seed,
                               allow_outside_paths=allow_outside_paths, on_step=step, on_site=on_site)
    print_summary(result.summary, out_dir, formats, console)
    return result.summary


# --------------------------------------------------------------------------- validate
def validate(sites: Iterable[Path], *, allow_outside_paths: bool = False,
             console: Console | None = None, err_console: Console | None = None) -> bool:
    """Check each site file; print OK or every problem. Returns True when all are valid."""
    console = console or Console()
    err_console = err_console or Console(stderr=True)
    ok = True
    for path in sites:
        try:
            site = load_site(path, allow_outside_paths=allow_outside_paths)
        except P2PSizeError as exc:
            ok = False
            err_console.print(f"{path}: INVALID\n" + exc.render(), markup=False, highlight=False, soft_wrap=True)
        else:
            console.print(f"{path}: OK — {site.name}, {site.n_homes} homes in {len(site.households)} group(s)",
                          markup=False, highlight=False, soft_wrap=True)
    return ok


# --------------------------------------------------------------------------- init
def starter_text(name: str, filename: str) -> str:
    """The commented starter site file for ``name``."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("p2p_size.templates", ""), undefined=StrictUndefined,
                      keep_trailing_newline=True, autoescape=False)
    return env.get_template("starter_site.yaml.j2").render(
        name=name, name_yaml=json.dumps(name), filename=filename, stem=Path(filename).stem)


def init(name: str | None, *, force: bool = False, console: Console | None = None) -> Path:
    """Write a commented starter site file; refuse to overwrite unless ``force``."""
    console = console or Console()
    village = name or "My village"
    path = Path(f"{slug(name)}.yaml" if name else "site.yaml")
    if path.exists() and not force:
        raise P2PSizeError(Problem(str(path), "", "file exists; not overwritten", "choose another name or pass --force"))
    write_text_atomic(path, starter_text(village, path.name))
    console.print(f"wrote {path} — edit it, then: p2p-size validate {path} && p2p-size run {path}",
                  markup=False, highlight=False, soft_wrap=True)
    return path


# --------------------------------------------------------------------------- samples
def _shown(path: Path) -> str:
    """A path relative to the working folder when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def sample_dirs() -> list[Path]:
    """Folders of the bundled sample villages (each holds a site.yaml)."""
    root = Path(str(resources.files("p2p_size.sample_sites")))
    return sorted(p.parent for p in root.glob("*/site.yaml"))


def samples(console: Console | None = None) -> list[Path]:
    """Print the bundled sample villages and how to run them."""
    console = console or Console()
    from ..sizing.site import read_yaml

    table = Table(title="Bundled sample villages", title_justify="left")
    for col in ("sample", "village", "homes", "solar"):
        table.add_column(col)
    dirs = sample_dirs()
    commands = []
    for d in dirs:
        data = read_yaml(d / "site.yaml")
        homes = sum(int(g.get("count", 1)) for g in data.get("households", []) if isinstance(g, dict))
        solar = data.get("solar", {}) if isinstance(data.get("solar"), dict) else {}
        source = f"TMY file {solar['tmy_file']}" if "tmy_file" in solar else "12 monthly means"
        table.add_row(d.name, str(data.get("name", "")), str(homes), source)
        commands.append(f"p2p-size run {_shown(d / 'site.yaml')} -o out/{d.name}")
    console.print(table)
    console.print("Run one with:", markup=False)
    for c in commands:
        console.print("  " + c, markup=False, highlight=False, soft_wrap=True)
    return dirs
