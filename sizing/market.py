"""Glue between a simulated year and the P2P settlement: the price band and the trades.

The ceiling of SPEC section 3.4: off-grid there is no utility, so a P2P kWh can never
be worth more than the next-best source. With a genset that is the cost of a diesel kWh
(fuel + O&M at the genset's operating point); without diesel it is the baseline's cost
per kWh (kerosene or the homes' own gensets today). The floor is ``price_floor_per_kwh``.
"""
from __future__ import annotations

import numpy as np

from .design import Design
from .dispatch import SimulationResult
from .pricing import Settlement, battery_ask_per_kwh, settle
from .schema import Site


def diesel_cost_per_kwh(rating_kw, output_kw, fuel_price_per_litre: float, om_per_hour_per_kw: float,
                        fuel_intercept_l_per_h_per_kw: float, fuel_slope_l_per_kwh: float):
    """Cost of a diesel kWh at the genset's operating point [currency/kWh].

    Parameters
    ----------
    rating_kw : array_like — genset rating R [kW]
    output_kw : array_like — output P while running [kW] (> 0)
    fuel_price_per_litre, om_per_hour_per_kw : float — [currency/L], [currency/h per kW rated]
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
    return (fuel + om_per_hour_per_kw * r) / p


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
    args = (d.fuel_price_per_litre, d.om_per_hour, d.fuel_intercept_l_per_h_per_kw, d.fuel_slope_l_per_kwh)
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


def settle_site(site: Site, design: Design, sim: SimulationResult, group_of_home: np.ndarray,
                baseline_per_kwh: float) -> Settlement:
    """Price and settle every P2P kWh of the simulated year (needs the hourly series).

    Pre-trade supply and demand per home and hour come from the dispatch record: what a
    home offered the pool (PV surplus and battery energy above the reserve) and what it
    still lacked after its own PV and battery.
    """
    h = sim.hourly
    if h is None:
        raise ValueError("settlement needs the hourly series: simulate(..., hourly=True)")
    ceiling = ceiling_per_kwh(site, design, sim, baseline_per_kwh)
    floor = site.p2p.price_floor_per_kwh
    ceiling = np.maximum(ceiling, floor / (1.0 - site.equipment.p2p_link.loss_fraction))
    supply = h.pv_offer_kw + h.battery_offer_kw
    demand = h.ask_kw
    battery = site.equipment.battery
    ask = battery_ask_per_kwh(floor, battery.round_trip_efficiency, battery.capex_per_kwh,
                              battery.cycle_life, battery.depth_of_discharge)
    return settle(site.p2p.pricing, h.export_kw, h.import_kw, ceiling, floor,
                  supply_kwh=supply, demand_kwh=demand, battery_supply_kwh=h.battery_offer_kw,
                  loss_fraction=site.equipment.p2p_link.loss_fraction,
                  fixed_price_per_kwh=site.p2p.fixed_price_per_kwh, battery_ask=ask, groups=group_of_home)
