"""One-at-a-time sensitivity of LCOE and payback: the data of a tornado chart.

Each parameter is moved to ``(1 − fraction)`` and ``(1 + fraction)`` of its base value
(±25 % by default) while the others stay at base. Prices and the discount rate only
change the cash flows, so they are recomputed on the same simulated year; load growth
changes the energy flows and needs a new simulation, which the caller provides as a
callback (the pipeline owns the simulation).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional

import pandas as pd

from .cashflow import CostInputs
from .evaluate import evaluate_economics

#: Parameters and the multiplier they act through. ``load_scale`` multiplies every
#: home's hourly load (load growth); the others multiply a CostInputs field.
PRICE_PARAMETERS = {
    "diesel_price": "fuel_price_per_litre",
    "pv_capex": "pv_capex_per_kwp",
    "battery_capex": "battery_capex_per_kwh",
    "discount_rate": "discount_rate",
}
LOAD_PARAMETER = "load_scale"
PARAMETERS = tuple(PRICE_PARAMETERS) + (LOAD_PARAMETER,)

Evaluator = Callable[[dict], tuple]


def tornado(evaluate: Evaluator, parameters=PARAMETERS, fraction: float = 0.25, base: Optional[dict] = None) -> pd.DataFrame:
    """Tornado data: LCOE and payback with each parameter at its low and high value.

    Parameters
    ----------
    evaluate : callable
        ``evaluate(multipliers) -> (lcoe_per_kwh, payback_years)`` where ``multipliers``
        maps every parameter name to a factor on its base value (1.0 = base); payback
        may be None/NaN (not within project life).
    parameters : sequence of str
        Names to vary; default the diesel price, PV capex, battery capex, discount rate
        and load (``load_scale``).
    fraction : float
        Relative change each way [-] (0.25 = ±25 %).
    base : dict, optional
        Base multipliers (default all 1.0).

    Returns
    -------
    DataFrame, one row per parameter, with ``parameter, low_multiplier, high_multiplier,
    lcoe_base, lcoe_low, lcoe_high, payback_base, payback_low, payback_high,
    lcoe_swing`` (``|lcoe_high − lcoe_low|``), sorted by swing, largest first (the
    tornado's order). Payback NaN = not within project life.
    """
    base = {p: 1.0 for p in parameters} if base is None else dict(base)
    lcoe0, pb0 = evaluate(dict(base))
    rows = []
    for name in parameters:
        lo_m, hi_m = base[name] * (1.0 - fraction), base[name] * (1.0 + fraction)
        lo = evaluate({**base, name: lo_m})
        hi = evaluate({**base, name: hi_m})
        rows.append({
            "parameter": name,
            "low_multiplier": lo_m,
            "high_multiplier": hi_m,
            "lcoe_base": _f(lcoe0),
            "lcoe_low": _f(lo[0]),
            "lcoe_high": _f(hi[0]),
            "payback_base": _f(pb0),
            "payback_low": _f(lo[1]),
            "payback_high": _f(hi[1]),
        })
    df = pd.DataFrame(rows)
    df["lcoe_swing"] = (df["lcoe_high"] - df["lcoe_low"]).abs()
    return df.sort_values("lcoe_swing", ascending=False, kind="stable").reset_index(drop=True)


def _f(x) -> float:
    return float("nan") if x is None else float(x)


def scaled_costs(costs: CostInputs, multipliers: dict) -> CostInputs:
    """``costs`` with each price parameter of ``multipliers`` scaled (others ignored)."""
    changes = {field: getattr(costs, field) * float(multipliers[name])
               for name, field in PRICE_PARAMETERS.items() if name in multipliers}
    return replace(costs, **changes)


def economics_evaluator(site, design, sim, loads, p2p: bool, p2p_income=None,
                        resimulate: Optional[Callable[[float], tuple]] = None, genset_use=None) -> Evaluator:
    """An ``evaluate(multipliers)`` for :func:`tornado` built on :func:`evaluate_economics`.

    Parameters
    ----------
    site, design, sim, loads, p2p, p2p_income, genset_use
        As for :func:`~p2p_size.economics.evaluate.evaluate_economics` (``genset_use``, today's
        household gensets on the base load, serves every price case).
    resimulate : callable, optional
        ``resimulate(load_scale) -> (sim, loads, p2p_income)`` re-runs the year with every
        home's load scaled (the study's job). Without it, a ``load_scale`` other
        than 1 gives ``(nan, nan)``.

    Returns
    -------
    callable ``multipliers -> (lcoe_per_kwh, village discounted payback [years] or NaN)``

    Notes
    -----
    The payback reported is the village's *discounted* payback (the investor's view).
    """
    base_costs = CostInputs.from_site(site)

    def evaluate(multipliers: dict) -> tuple[float, float]:
        s, ld, income, use = sim, loads, p2p_income, genset_use
        scale = float(multipliers.get(LOAD_PARAMETER, 1.0))
        if scale != 1.0:
            if resimulate is None:
                return float("nan"), float("nan")
            s, ld, income = resimulate(scale)
            use = None          # another load: today's gensets run otherwise
        econ = evaluate_economics(site, design, s, ld, p2p, income, costs=scaled_costs(base_costs, multipliers),
                                  genset_use=use)
        return econ.cash_flows.lcoe_per_kwh, econ.payback.village_discounted_payback_years

    return evaluate


def sensitivity(site, design, sim, loads, p2p: bool, p2p_income=None, resimulate=None,
                fraction: float = 0.25, genset_use=None) -> pd.DataFrame:
    """Tornado data for the diesel price, PV capex, battery capex, discount rate and load
    (see :func:`tornado`); the load row is NaN without ``resimulate``."""
    evaluate = economics_evaluator(site, design, sim, loads, p2p, p2p_income, resimulate, genset_use)
    return tornado(evaluate, PARAMETERS, fraction)
