"""Ranking the villages of a batch and writing comparison.csv, .html and .pdf."""
from __future__ import annotations

import csv
import difflib
import io
import math
from pathlib import Path
from typing import Optional, Sequence

from ...sizing.errors import P2PSizeError, Problem
from ..outputs import staged_outputs
from .outcome import BatchResult, Outcome

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
    from ...templates.render import comparison_context, render_comparison_html, render_comparison_pdf

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

