"""The verdict a planner reads first: feasible, feasible with subsidy, or not feasible."""
from __future__ import annotations

import math

#: LCOE beyond this multiple of today's cost per kWh of the energy service is "not feasible".
NOT_FEASIBLE_COST_RATIO = 2.0


def _finite(x) -> bool:
    return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


def verdict(summary: dict, max_unmet_fraction: float, baseline_cost_per_kwh: float | None,
            tariff_kind: str = "cost_recovery") -> dict:
    """Feasible / feasible with subsidy / not feasible, and why in one sentence.

    * not feasible: some home misses the unmet-load target, or the LCOE is more than
      :data:`NOT_FEASIBLE_COST_RATIO` × what the village pays per kWh today;
    * feasible with subsidy: the target is met but some households cannot afford the
      tariff (their bill > threshold × income); the subsidy per month is named;
    * feasible: the target is met and every household can afford the tariff.

    Parameters
    ----------
    summary : dict — the ``summary.json`` blocks ``energy``, ``economics``, ``affordability``
    max_unmet_fraction : float — the per-home target [fraction]
    baseline_cost_per_kwh : float or None — today's cost of the energy service [currency/kWh]
    tariff_kind : {"cost_recovery", "fixed"}

    Returns
    -------
    dict — ``status`` (one of the three) and ``reason`` (one sentence)
    """
    e, a, econ, cur = summary["energy"], summary["affordability"], summary["economics"], summary["currency"]
    worst = e.get("max_home_unmet_fraction", e["unmet_fraction"])
    lcoe, tariff = econ["lcoe_per_kwh"], a["tariff_per_kwh"]
    share = a["share_households_affordable"]
    n = summary["n_homes"]
    target = f"{100 * max_unmet_fraction:g} %"
    if not _finite(lcoe):
        return {"status": "not feasible",
                "reason": "No energy is served, so there is no cost per kWh to recover."}
    if worst > max_unmet_fraction + 1e-9:
        return {"status": "not feasible",
                "reason": f"The worst-served home goes without {100 * worst:.1f} % of its load, "
                          f"above the {target} unmet-load target."}
    if _finite(baseline_cost_per_kwh) and baseline_cost_per_kwh > 0 and lcoe > NOT_FEASIBLE_COST_RATIO * baseline_cost_per_kwh:
        return {"status": "not feasible",
                "reason": f"Electricity would cost {lcoe:.3f} {cur}/kWh, more than {NOT_FEASIBLE_COST_RATIO:g}× the "
                          f"{baseline_cost_per_kwh:.3f} {cur}/kWh the village pays today for its energy service."}
    threshold = f"{100 * a['threshold']:g} %"
    if _finite(share) and share < 1.0 - 1e-9:
        short = int(round((1.0 - share) * n))
        subsidy = a["subsidy_per_month_total"]
        return {"status": "feasible with subsidy",
                "reason": f"Every home meets the {target} unmet-load target, but {short} of {n} households "
                          f"cannot pay the {tariff:.3f} {cur}/kWh tariff within {threshold} of their income; "
                          f"a subsidy of {subsidy:,.0f} {cur} per month in total closes the gap."}
    kind = "cost-recovery " if tariff_kind == "cost_recovery" else ""
    return {"status": "feasible",
            "reason": f"Every home meets the {target} unmet-load target and the {kind}tariff of "
                      f"{tariff:.3f} {cur}/kWh stays within {threshold} of every household's income."}
