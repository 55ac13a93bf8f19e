"""The P2P price band of every hour: the ceiling (the buyers' alternative) and the floor.

Off-grid there is no utility, so a P2P kWh can never
be worth more than the next-best source. With a genset that is the cost of a diesel kWh
(fuel + O&M at the genset's operating point); without diesel it is the baseline's cost
per kWh (kerosene or the homes' own gensets today). The floor is ``price_floor_per_kwh``.
"""
from __future__ import annotations

import numpy as np

from ..design import Design
from ..dispatch.results import SimulationResult
from ..site.schema import Site


def diesel_cost_per_kwh(rating_kw, output_kw, fuel_price_per_litre: float, om_per_kw_running_hour: float,
                        fuel_intercept_l_per_h_per_kw: float, fuel_slope_l_per_kwh: float):
    """Cost of a diesel kWh at the genset's operating point [currency/kWh].

    Parameters
    ----------
    rating_kw : array_like — genset rating R [kW]
    output_kw : array_like — output P while running [kW] (> 0)
    fuel_price_per_litre, om_per_kw_running_hour : float — [currency/L], [currency/h per kW rated]
    fuel_intercept_l_per_h_per_kw, fuel_slope_l_per_kwh : float — HOMER fuel curve F0, F1

    Returns
    -------
    ndarray — ``((F0·R + F1·P)·fuel price + O&M·R) / P``

    Notes
    -----
    HOMER's fuel curve ``F = F0·R + F1·P`` [L/h]; the O&M of a running hour is charged
    to that hour's output. At part load the intercept makes a kWh dearer.
    """
    r = np.asarray(rating_kw, dtype=float)
    p = np.asarray(output_kw, dtype=float)
    fuel = (fuel_intercept_l_per_h_per_kw * r + fuel_slope_l_per_kwh * p) * fuel_price_per_litre
    return (fuel + om_per_kw_running_hour * r) / p


def ceiling_per_kwh(site: Site, design: Design, sim: SimulationResult, baseline_per_kwh: float) -> np.ndarray:
    """The P2P price ceiling of every hour (T,) [currency/kWh].

    Hours with a genset running: the cost of a diesel kWh at that hour's operating point
    (the shared genset, or the output-weighted mean of the running per-home gensets).
    Other hours: the same at the year's mean operating point when the genset ever runs,
    at full load when it never does; without any genset, the baseline's cost per kWh.
    """
    d = site.equipment.diesel
    h = sim.hourly
    n_hours = sim.n_hours
    args = (d.fuel_price_per_litre, d.om_per_kw_running_hour, d.fuel_intercept_l_per_h_per_kw, d.fuel_slope_l_per_kwh)
    if design.placement == "shared" and design.shared_diesel_kw > 0:
        rating = np.full(n_hours, design.shared_diesel_kw)
        output = np.asarray(h.shared_diesel_kw, dtype=float)
    elif design.placement == "per_home" and design.diesel_kw.sum() > 0:
        running = h.diesel_kw > 1e-9
        rating = (running * design.diesel_kw[None, :]).sum(axis=1)
        output = h.diesel_kw.sum(axis=1)
    else:
        return np.full(n_hours, float(baseline_per_kwh))
    on = output > 1e-9
    if on.any():
        typical = diesel_cost_per_kwh(rating[on].mean(), output[on].mean(), *args)
    else:
        full = design.shared_diesel_kw if design.placement == "shared" else design.diesel_kw[design.diesel_kw > 0].mean()
        typical = diesel_cost_per_kwh(full, full, *args)
    price = np.full(n_hours, float(typical))
    price[on] = diesel_cost_per_kwh(rating[on], output[on], *args)
    return price
