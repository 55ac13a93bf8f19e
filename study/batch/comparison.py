"""Ranking the villages of a batch and writing comparison.csv, .html and .pdf."""
from __future__ import annotations

import csv
import difflib
import io
import math
from pathlib import Path
from typing import Callable, Optional, Sequence

from ...sizing.errors import P2PSizeError, Problem
from ...templates.comparison import VillageRow
from ..outputs import staged_outputs
from ..summary import StudySummary
from .outcome import BatchResult, Outcome

#: --rank-by: what a village is ranked on (read from its summary), whether larger is better, and in words.
RANKINGS: dict[str, tuple[Callable[[StudySummary], Optional[float]], bool, str]] = {
    "lcoe": (lambda s: s.economics.lcoe_per_kwh, False, "LCOE, cheapest first"),
    "payback": (lambda s: s.economics.simple_payback_years, False, "simple payback, shortest first"),
    "affordability": (lambda s: s.affordability.share_households_affordable, True,
                      "share of households that can afford the tariff, highest first"),
    "co2": (lambda s: s.co2.avoided_annual_t, True, "CO2 avoided per year, most first"),
    "unmet": (lambda s: s.energy.unmet_fraction, False, "unmet load, least first"),
}

#: Columns of comparison.csv: (header, the summary field it shows).
CSV_COLUMNS: tuple[tuple[str, Callable[[StudySummary], object]], ...] = (
    ("site", lambda s: s.site), ("homes", lambda s: s.n_homes), ("currency", lambda s: s.currency),
    ("lcoe_per_kwh", lambda s: s.economics.lcoe_per_kwh),
    ("simple_payback_years", lambda s: s.economics.simple_payback_years),
    ("share_households_affordable", lambda s: s.affordability.share_households_affordable),
    ("co2_avoided_annual_t", lambda s: s.co2.avoided_annual_t),
    ("unmet_fraction", lambda s: s.energy.unmet_fraction),
    ("npc", lambda s: s.economics.npc), ("capex", lambda s: s.economics.capex),
    ("tariff_per_kwh", lambda s: s.affordability.tariff_per_kwh),
    ("subsidy_per_month_total", lambda s: s.affordability.subsidy_per_month_total),
    ("pv_kwp_total", lambda s: s.sizing.pv_kwp_total), ("battery_kwh_total", lambda s: s.sizing.battery_kwh_total),
    ("diesel_kw_total", lambda s: s.sizing.diesel_kw_total), ("sizing_method", lambda s: s.sizing.method),
    ("renewable_fraction", lambda s: s.energy.renewable_fraction),
    ("p2p_traded_kwh", lambda s: s.energy.p2p_traded_kwh),
)


def _value(summary: Optional[StudySummary], field: Callable[[StudySummary], object]):
    """A field of a village's summary (None for a failed village, or a value that is not finite)."""
    if summary is None:
        return None
    value = field(summary)
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
    field, larger_is_better, _ = RANKINGS[check_rank_by(rank_by)]

    def order(o: Outcome):
        v = _value(o.summary, field) if o.ok else None
        if v is not None and larger_is_better:
            v = -v
        return (not o.ok, v is None, v if v is not None else 0.0, o.village.slug)

    return sorted(outcomes, key=order)


def comparison_rows(ranked: Sequence[Outcome]) -> list[VillageRow]:
    """The comparison report's rows, in rank order (failed villages last, with their error)."""
    rows = []
    for k, o in enumerate(ranked, 1):
        s = o.summary if o.ok else None
        get = lambda field: _value(s, field)  # noqa: E731
        rows.append(VillageRow(
            site=s.site if s is not None else o.village.slug, rank=k if o.ok else None, failed=not o.ok,
            homes=get(lambda s: s.n_homes), currency=get(lambda s: s.currency) or "",
            verdict=get(lambda s: s.verdict.status), lcoe_per_kwh=get(lambda s: s.economics.lcoe_per_kwh),
            simple_payback_years=get(lambda s: s.economics.simple_payback_years),
            share_households_affordable=get(lambda s: s.affordability.share_households_affordable),
            co2_avoided_annual_t=get(lambda s: s.co2.avoided_annual_t),
            unmet_fraction=get(lambda s: s.energy.unmet_fraction), npc=get(lambda s: s.economics.npc),
            subsidy_per_month_total=get(lambda s: s.affordability.subsidy_per_month_total),
            error=None if o.ok else f"{o.error_type or 'error'}: {o.error or ''}".strip()))
    return rows


def comparison_csv(ranked: Sequence[Outcome]) -> str:
    """comparison.csv: one row per village in rank order (failed ones last, with their error)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["rank", "village", "status"] + [c[0] for c in CSV_COLUMNS]
               + ["resumed", "seconds", "output_dir", "site_file", "error_type", "error"])
    for k, o in enumerate(ranked, 1):
        values = [_value(o.summary, field) for _, field in CSV_COLUMNS]
        w.writerow([k if o.ok else "", o.village.slug, o.status]
                   + ["" if v is None else v for v in values]
                   + [o.resumed, f"{o.seconds:.2f}", str(o.village.out_dir), str(o.village.site_path),
                      o.error_type or "", (o.error or "").replace("\n", " | ")])
    return buf.getvalue()


def write_comparison(result: BatchResult, formats: Sequence[str]) -> dict[str, Path]:
    """Write comparison.csv (always) and comparison.html / .pdf (per ``formats``) atomically."""
    from ...templates.render import comparison_context, render_comparison_html, render_comparison_pdf

    rows = comparison_rows(result.outcomes)
    names = ["comparison.csv"] + [f"comparison.{f}" for f in ("html", "pdf") if f in formats]
    with staged_outputs(result.out_dir) as stage:
        (stage / "comparison.csv").write_text(comparison_csv(result.outcomes), encoding="utf-8")
        if "html" in formats or "pdf" in formats:
            report = comparison_context(rows, ranked_by=RANKINGS[result.rank_by][2])  # one context for both
            if "html" in formats:
                (stage / "comparison.html").write_text(render_comparison_html(rows, report), encoding="utf-8")
            if "pdf" in formats:
                render_comparison_pdf(rows, stage / "comparison.pdf", report)
    return {name: result.out_dir / name for name in names}

