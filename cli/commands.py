"""What each command does, between parsing (main.py) and the model (sizing/, economics/).

Each function takes plain arguments and a rich Console (so tests can capture output),
calls into the model, renders, and writes outputs atomically.
"""
from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Iterable

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..sizing.errors import P2PSizeError, Problem
from ..sizing.site import load_site
from .outputs import staged_outputs, write_text_atomic

FORMATS = ("html", "pdf")


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
    """Load, size, simulate, evaluate one village and write its outputs.

    Returns the summary dictionary written to ``summary.json``.
    """
    from ..sizing.pipeline import evaluate
    from ..templates.render import render_html, render_pdf, report_context

    console = console or Console()
    site = load_site(site_path, allow_outside_paths=allow_outside_paths)
    steps = ["solar resource", "household loads", "sizing", "simulation", "economics", "reports"]
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task(f"{site.name}: starting", total=len(steps))

        def step(name: str) -> None:
            progress.update(task, description=f"{site.name}: {name}", advance=1)

        result = evaluate(site, seed=seed, p2p=p2p, on_step=step)
        with staged_outputs(out_dir) as stage:
            (stage / "summary.json").write_text(json.dumps(result.summary, indent=2, allow_nan=False, default=_json_default), encoding="utf-8")
            result.homes.to_csv(stage / "homes.csv", index=False)
            result.write_hourly(stage)
            report = report_context(result)  # one context for both: they cannot disagree
            if "html" in formats:
                (stage / "report.html").write_text(render_html(result, report), encoding="utf-8")
            if "pdf" in formats:
                render_pdf(result, stage / "report.pdf", report)
            step("reports")
    _print_summary(result.summary, out_dir, formats, console)
    return result.summary


def _json_default(obj):
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _fmt(value, spec: str, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:{spec}}{unit}"


def _print_summary(summary: dict, out_dir: Path, formats, console: Console) -> None:
    energy, sizing = summary["energy"], summary["sizing"]
    cur = summary["currency"]
    table = Table(title=f"{summary['site']} — {summary['n_homes']} homes", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("sizing", sizing["method"])
    table.add_row("PV / battery / diesel",
                  f"{sizing['pv_kwp_total']:.1f} kWp / {sizing['battery_kwh_total']:.1f} kWh / {sizing['diesel_kw_total']:.1f} kW")
    table.add_row("load served", f"{energy['served_kwh']:,.0f} of {energy['load_kwh']:,.0f} kWh/yr")
    table.add_row("unmet load", f"{100 * energy['unmet_fraction']:.2f} %")
    table.add_row("renewable fraction", f"{100 * energy['renewable_fraction']:.1f} %")
    table.add_row("P2P traded", f"{energy['p2p_traded_kwh']:,.0f} kWh/yr")
    econ = summary.get("economics")
    if econ:
        table.add_row("capital / NPC", f"{econ['capex']:,.0f} / {econ['npc']:,.0f} {cur}")
        sa = (summary.get("alternatives") or {}).get("standalone")
        if sa and summary.get("p2p_enabled", True) and sa.get("capex") is not None:
            table.add_row("  standalone systems instead", f"{sa['capex']:,.0f} / {sa['npc']:,.0f} {cur}")
        table.add_row("LCOE", _fmt(econ.get("lcoe_per_kwh"), ".3f", f" {cur}/kWh"))
        pb = econ.get("discounted_payback_years")
        table.add_row("discounted payback", "not within project life" if pb is None else f"{pb:.1f} years")
    aff = summary.get("affordability")
    if aff and aff.get("share_households_affordable") is not None:
        table.add_row("households who can afford it", f"{100 * aff['share_households_affordable']:.0f} %")
    co2 = summary.get("co2")
    if co2 and co2.get("avoided_annual_t") is not None:
        table.add_row("CO2 avoided", f"{co2['avoided_annual_t']:,.1f} t/yr")
    console.print(table)
    for note in (summary.get("loads") or {}).get("notes", []):
        console.print(f"note (loads): {note}", style="yellow", soft_wrap=True, highlight=False, markup=False)
    out_dir = Path(out_dir)
    for name in ["report.html" if "html" in formats else None, "report.pdf" if "pdf" in formats else None,
                 "summary.json", "homes.csv"]:
        if name:
            console.print(f"  {out_dir / name}", soft_wrap=True, highlight=False)


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
def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "site"


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
