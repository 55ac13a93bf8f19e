"""What the command line shows: the run's summary table, the batch's progress bar and ranking."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from ..study.batch import RANKINGS, BatchObserver, BatchResult, Outcome
from ..study.summary import StudySummary


def _fmt(value, spec: str, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:{spec}}{unit}"


def print_summary(summary: StudySummary, out_dir: Path, formats, console: Console) -> None:
    """The short table a run ends with, its load notes, and where its files are."""
    energy, sizing, econ, cur = summary.energy, summary.sizing, summary.economics, summary.currency
    table = Table(title=f"{summary.site} — {summary.n_homes} homes", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("sizing", sizing.method)
    table.add_row("PV / battery / diesel",
                  f"{sizing.pv_kwp_total:.1f} kWp / {sizing.battery_kwh_total:.1f} kWh / {sizing.diesel_kw_total:.1f} kW")
    table.add_row("load served", f"{energy.served_kwh:,.0f} of {energy.load_kwh:,.0f} kWh/yr")
    table.add_row("unmet load", f"{100 * energy.unmet_fraction:.2f} %")
    table.add_row("renewable fraction", f"{100 * energy.renewable_fraction:.1f} %")
    table.add_row("P2P traded", f"{energy.p2p_traded_kwh:,.0f} kWh/yr")
    table.add_row("capital / NPC", f"{_fmt(econ.capex, ',.0f')} / {_fmt(econ.npc, ',.0f')} {cur}")
    sa = summary.alternatives.standalone
    if summary.p2p_enabled and sa.capex is not None:
        table.add_row("  standalone systems instead", f"{sa.capex:,.0f} / {_fmt(sa.npc, ',.0f')} {cur}")
    table.add_row("LCOE", _fmt(econ.lcoe_per_kwh, ".3f", f" {cur}/kWh"))
    pb = econ.discounted_payback_years
    table.add_row("discounted payback", "not within project life" if pb is None else f"{pb:.1f} years")
    share = summary.affordability.share_households_affordable
    if share is not None:
        table.add_row("households who can afford it", f"{100 * share:.0f} %")
    if summary.co2.avoided_annual_t is not None:
        table.add_row("CO2 avoided", f"{summary.co2.avoided_annual_t:,.1f} t/yr")
    console.print(table)
    for note in summary.loads.notes:
        console.print(f"note (loads): {note}", style="yellow", soft_wrap=True, highlight=False, markup=False)
    out_dir = Path(out_dir)
    for name in ["report.html" if "html" in formats else None, "report.pdf" if "pdf" in formats else None,
                 "summary.json", "homes.csv"]:
        if name:
            console.print(f"  {out_dir / name}", soft_wrap=True, highlight=False)


class BatchProgress(BatchObserver):
    """A rich progress bar over the villages of a batch, with failures printed as they happen."""

    def __init__(self, console: Console):
        self.console = console
        self.progress: Progress | None = None
        self.failed = 0

    def started(self, n_villages: int, n_todo: int, n_unchanged: int, notes: list[str]) -> None:
        if n_unchanged:
            self.console.print(f"{n_unchanged} of {n_villages} villages unchanged since their last good result: skipped",
                               highlight=False)
        for note in notes:
            self.console.print(note, highlight=False)
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("[red]{task.fields[failed]} failed"), TextColumn("elapsed"),
                                 TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(), console=self.console)
        self.progress.start()
        self.task = self.progress.add_task("villages", total=n_todo, failed=0)

    def village_done(self, outcome: Outcome) -> None:
        if not outcome.ok:
            self.failed += 1
            first = (outcome.error or "").splitlines()[0] if outcome.error else ""
            self.progress.console.print(f"[red]FAILED[/red] {outcome.village.slug}: {outcome.error_type}: {first}",
                                        highlight=False, soft_wrap=True)
        self.progress.update(self.task, advance=1, failed=self.failed)

    def all_run(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def print_batch_result(result: BatchResult, console: Console, top: int = 10) -> None:
    _, _, words = RANKINGS[result.rank_by]
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
        table.add_row(str(k), o.village.slug + (" (unchanged)" if o.resumed else ""), f(s.n_homes, "d"),
                      f(s.economics.lcoe_per_kwh, ".3f"), f(s.economics.simple_payback_years, ".1f"),
                      f(s.affordability.share_households_affordable, ".0%"),
                      f(s.co2.avoided_annual_t, ",.1f"), f(s.energy.unmet_fraction, ".2%"))
    if len(good) > top:
        table.add_row("…", f"{len(good) - top} more in comparison.csv", "", "", "", "", "", "")
    console.print(table)
    for o in result.failed:
        console.print(f"FAILED {o.village.slug} ({o.error_type}): {o.error}", markup=False, highlight=False, soft_wrap=True)
    for name, path in result.files.items():
        console.print(f"  {path}", soft_wrap=True, highlight=False)
    console.print(f"{len(result.outcomes)} villages, {len(result.failed)} failed, in {result.seconds:.0f} s", highlight=False)


