"""The batch comparison's context: villages ranked and charted."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

from . import charts
from .style import VERDICT_CSS, VERSION, _finite, _n, _old_objects_frozen, css, fmt_pct, fmt_years


@dataclass(frozen=True)
class VillageRow:
    """One village of a comparison: what the report shows of it, money in ``currency``.

    ``rank`` is its place in the batch's ranking (None when it failed); ``verdict`` its
    status (feasible, feasible with subsidy, not feasible); ``error`` why it failed.
    """

    site: str
    rank: Optional[int] = None
    failed: bool = False
    homes: Optional[int] = None
    currency: str = ""
    verdict: Optional[str] = None
    lcoe_per_kwh: Optional[float] = None
    simple_payback_years: Optional[float] = None
    share_households_affordable: Optional[float] = None
    co2_avoided_annual_t: Optional[float] = None
    unmet_fraction: Optional[float] = None
    npc: Optional[float] = None
    subsidy_per_month_total: Optional[float] = None
    error: Optional[str] = None


@_old_objects_frozen
def comparison_context(rows: Sequence[VillageRow], ranked_by: Optional[str] = None) -> dict:
    """The batch comparison: villages ranked and charted.

    ``rows`` in the batch's rank order and ``ranked_by`` what that order means (the
    user's ``--rank-by``, in words). Without ``ranked_by`` the rows are ranked here:
    feasible villages first (when a verdict is given), then by LCOE (cheapest first),
    villages without an LCOE last. Failed villages are listed apart with their error.
    """
    order = {"feasible": 0, "feasible with subsidy": 1, "not feasible": 2}
    failed = [{"site": r.site, "error": r.error or "error"} for r in rows if r.failed]
    items = []
    for r in rows:
        if r.failed:
            continue
        lcoe = r.lcoe_per_kwh
        items.append({
            "site": r.site, "homes": r.homes, "currency": r.currency,
            "status": r.verdict, "css": VERDICT_CSS.get(r.verdict, ""),
            "lcoe": _n(lcoe, ".3f"), "payback": fmt_years(r.simple_payback_years),
            "afford": fmt_pct(r.share_households_affordable), "co2": _n(r.co2_avoided_annual_t, ",.1f"),
            "unmet": fmt_pct(r.unmet_fraction, 2), "npc": _n(r.npc), "subsidy": _n(r.subsidy_per_month_total),
            "_key": (order.get(r.verdict, 1), lcoe if _finite(lcoe) else math.inf),
            "_lcoe": lcoe if _finite(lcoe) else None, "_afford": r.share_households_affordable,
            "_co2": r.co2_avoided_annual_t, "_payback": r.simple_payback_years,
        })
    ranked = ranked_by is not None
    if not ranked:
        items.sort(key=lambda r: r["_key"])
    for k, r in enumerate(items, 1):
        r["rank"] = k
    currencies = sorted({r["currency"] for r in items})
    cur = currencies[0] if len(currencies) == 1 else "mixed currencies"
    names = [r["site"] for r in items]
    chart = {}
    if items:
        chart = {
            "scatter": charts.comparison_scatter(names, [r["_lcoe"] for r in items], [r["_afford"] for r in items], cur),
            "co2": charts.comparison_bars(names, [r["_co2"] for r in items], "CO2 avoided [t/year]", charts.PALETTE["project"]),
            "payback": charts.comparison_bars(names, [r["_payback"] for r in items], "simple payback [years]",
                                              charts.PALETTE["load"], missing="beyond project life"),
        }
    return {"rows": items, "failed": failed, "ranked_by": ranked_by,
            "cur": cur, "mixed": len(currencies) > 1,
            "has_status": any(r["status"] for r in items),
            "charts": chart, "css": css(), "version": VERSION}

