"""The batch comparison's context: villages ranked and charted from their summaries."""
from __future__ import annotations

import math

from . import charts
from .style import VERSION, _finite, _n, _old_objects_frozen, css, fmt_pct, fmt_years


@_old_objects_frozen
def comparison_context(rows: list[dict]) -> dict:
    """The batch comparison: villages ranked and charted from their ``summary.json`` dicts.

    Ranking: the rows' own order when they carry a ``rank`` (the batch ranks by the
    user's ``--rank-by``); otherwise feasible villages first (when a ``verdict`` is
    given), then by LCOE (cheapest first), villages without an LCOE last. Rows whose
    ``status`` is ``failed`` are listed apart with their error.
    """
    order = {"feasible": 0, "feasible with subsidy": 1, "not feasible": 2}
    ranked = any("rank" in s for s in rows)
    failed = [{"site": s.get("site") or s.get("village", "?"),
               "error": f"{s.get('error_type') or 'error'}: {s.get('error') or ''}".strip()}
              for s in rows if s.get("status") == "failed"]
    rows = [s for s in rows if s.get("status") != "failed"]
    items = []
    for s in rows:
        ec, af, co2, e = s.get("economics", {}), s.get("affordability", {}), s.get("co2", {}), s.get("energy", {})
        v = s.get("verdict")
        status = v.get("status") if isinstance(v, dict) else v
        lcoe = ec.get("lcoe_per_kwh")
        items.append({
            "site": s.get("site", "?"), "homes": s.get("n_homes"), "currency": s.get("currency", ""),
            "status": status, "css": {"feasible": "ok", "feasible with subsidy": "warn", "not feasible": "bad"}.get(status, ""),
            "lcoe": _n(lcoe, ".3f"), "payback": fmt_years(ec.get("simple_payback_years")),
            "afford": fmt_pct(af.get("share_households_affordable")), "co2": _n(co2.get("avoided_annual_t"), ",.1f"),
            "unmet": fmt_pct(e.get("unmet_fraction"), 2), "npc": _n(ec.get("npc")),
            "subsidy": _n(af.get("subsidy_per_month_total")),
            "_key": (order.get(status, 1), lcoe if _finite(lcoe) else math.inf),
            "_lcoe": lcoe if _finite(lcoe) else None, "_afford": af.get("share_households_affordable"),
            "_co2": co2.get("avoided_annual_t"), "_payback": ec.get("simple_payback_years"),
        })
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
    return {"rows": items, "failed": failed, "ranked_by": rows[0].get("ranked_by") if ranked and rows else None,
            "cur": cur, "mixed": len(currencies) > 1,
            "has_status": any(r["status"] for r in items),
            "charts": chart, "css": css(), "version": VERSION}

