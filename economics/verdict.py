"""The verdict a planner reads first: feasible, feasible with subsidy, or not feasible."""
from __future__ import annotations

import math
from typing import NamedTuple

#: LCOE beyond this multiple of today's cost per kWh of the energy service is "not feasible".
NOT_FEASIBLE_COST_RATIO = 2.0


def _finite(x) -> bool:
    return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


class Verdict(NamedTuple):
    """What a planner reads first: ``status`` (one of the three) and ``reason`` (one sentence)."""

    status: str
    reason: str


def verdict(*, worst_home_unmet_fraction: float, max_unmet_fraction: float, lcoe_per_kwh: float | None,
            tariff_per_kwh: float | None, share_households_affordable: float | None, threshold: float,
            subsidy_per_month_total: float | None, n_homes: int, currency: str,
            baseline_cost_per_kwh: float | None, tariff_kind: str = "cost_recovery") -> Verdict:
    """Feasible / feasible with subsidy / not feasible, and why in one sentence.

    * not feasible: some home misses the unmet-load target, or the LCOE is more than
      :data:`NOT_FEASIBLE_COST_RATIO` × what the village pays per kWh today;
    * feasible with subsidy: the target is met but some households cannot afford the
      tariff (their bill > threshold × income); the subsidy per month is named;
    * feasible: the target is met and every household can afford the tariff.

    Parameters
    ----------
    worst_home_unmet_fraction : float — the worst-served home's unmet share of its load [fraction]
    max_unmet_fraction : float — the per-home target [fraction]
    lcoe_per_kwh, tariff_per_kwh : float or None — [currency/kWh]
    share_households_affordable : float or None — households whose bill ≤ threshold × income [fraction]
    threshold : float — the affordability threshold [fraction of income]
    subsidy_per_month_total : float or None — what closes the gap [currency/month]
    n_homes : int
    currency : str
    baseline_cost_per_kwh : float or None — today's cost of the energy service [currency/kWh]
    tariff_kind : {"cost_recovery", "fixed"}

    Returns
    -------
    Verdict
    """
    worst, lcoe, tariff, share = worst_home_unmet_fraction, lcoe_per_kwh, tariff_per_kwh, share_households_affordable
    cur, n = currency, n_homes
    target = f"{100 * max_unmet_fraction:g} %"
    if not _finite(lcoe):
        return Verdict("not feasible", "No energy is served, so there is no cost per kWh to recover.")
    if worst > max_unmet_fraction + 1e-9:
        return Verdict("not feasible",
                       f"The worst-served home goes without {100 * worst:.1f} % of its load, "
                       f"above the {target} unmet-load target.")
    if _finite(baseline_cost_per_kwh) and baseline_cost_per_kwh > 0 and lcoe > NOT_FEASIBLE_COST_RATIO * baseline_cost_per_kwh:
        return Verdict("not feasible",
                       f"Electricity would cost {lcoe:.3f} {cur}/kWh, more than {NOT_FEASIBLE_COST_RATIO:g}× the "
                       f"{baseline_cost_per_kwh:.3f} {cur}/kWh the village pays today for its energy service.")
    threshold_text = f"{100 * threshold:g} %"
    if _finite(share) and share < 1.0 - 1e-9:
        short = int(round((1.0 - share) * n))
        return Verdict("feasible with subsidy",
                       f"Every home meets the {target} unmet-load target, but {short} of {n} households "
                       f"cannot pay the {tariff:.3f} {cur}/kWh tariff within {threshold_text} of their income; "
                       f"a subsidy of {subsidy_per_month_total:,.0f} {cur} per month in total closes the gap.")
    kind = "cost-recovery " if tariff_kind == "cost_recovery" else ""
    return Verdict("feasible",
                   f"Every home meets the {target} unmet-load target and the {kind}tariff of "
                   f"{tariff:.3f} {cur}/kWh stays within {threshold_text} of every household's income.")
