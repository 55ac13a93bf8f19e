"""What the homes spend on energy today: kerosene and candles, or a genset per home.

The project's savings, payback and CO2 avoided are all measured against this baseline
(``economics.baseline``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..sizing.calendar import HOURS_PER_YEAR
from .cashflow import CostInputs, genset_life_years
from .finance import remaining_life_fraction, replacement_schedule, units_bought


@dataclass(frozen=True)
class BaselineCosts:
    """What the homes would spend without the project.

    Attributes
    ----------
    kind : {"kerosene", "diesel"}
    cost : ndarray (N, Y+1) — cost per home and year [currency] (year 0: nothing bought)
    kerosene_l : ndarray (N,) — kerosene burnt per year [L/year]
    fuel_l : ndarray (N,) — diesel burnt per year [L/year]
    genset_kw : ndarray (N,) — the baseline gensets' ratings [kW] (zeros for kerosene)
    """

    kind: str
    cost: np.ndarray
    kerosene_l: np.ndarray
    fuel_l: np.ndarray
    genset_kw: np.ndarray


def kerosene_baseline(spend_per_home_month, kerosene_litres_per_home_month, n_homes: int,
                      project_years: int) -> BaselineCosts:
    """Kerosene baseline: ``12 × spend_per_home_month`` every year for every home.

    Parameters
    ----------
    spend_per_home_month : float or ndarray (N,) [currency/month]
    kerosene_litres_per_home_month : float or ndarray (N,) [L/month]
    n_homes : int
    project_years : int

    Returns
    -------
    BaselineCosts
    """
    spend = np.broadcast_to(np.asarray(spend_per_home_month, dtype=float), (n_homes,))
    cost = np.zeros((n_homes, project_years + 1))
    cost[:, 1:] = 12.0 * spend[:, None]
    litres = np.broadcast_to(12.0 * np.asarray(kerosene_litres_per_home_month, dtype=float), (n_homes,)).copy()
    return BaselineCosts("kerosene", cost, litres, np.zeros(n_homes), np.zeros(n_homes))


def evening_hours_mask(load_kw, hours_per_day: float) -> np.ndarray:
    """The hours a household genset runs today: each day's ``hours_per_day`` highest-load hours.

    Parameters
    ----------
    load_kw : ndarray (T, N) — hourly load per home [kW], T a whole number of days
    hours_per_day : float — running hours per day (rounded to whole hours; >= 24 means always)

    Returns
    -------
    ndarray (T, N) of bool
    """
    load = np.asarray(load_kw, dtype=float)
    k = int(round(hours_per_day))
    if k >= 24:
        return np.ones(load.shape, dtype=bool)
    days = load.shape[0] // 24
    daily = load[: days * 24].reshape(days, 24, -1)
    rank = np.argsort(np.argsort(-daily, axis=1, kind="stable"), axis=1)
    mask = np.zeros(load.shape, dtype=bool)
    mask[: days * 24] = (rank < k).reshape(days * 24, -1)
    return mask


def genset_fuel(load_kw, rating_kw, fuel_intercept_l_per_h_per_kw: float, fuel_slope_l_per_kwh: float,
                min_load_ratio: float, run_mask=None) -> tuple[np.ndarray, np.ndarray]:
    """Fuel and running hours of one genset per home following its home's load.

    Parameters
    ----------
    load_kw : ndarray (T, N) — hourly load per home [kW]
    rating_kw : ndarray (N,) — genset rating per home [kW]
    fuel_intercept_l_per_h_per_kw, fuel_slope_l_per_kwh : float — HOMER fuel curve F0 [L/h/kW], F1 [L/kWh]
    min_load_ratio : float — minimum output, share of rating [-]
    run_mask : ndarray (T, N) of bool, optional — hours the genset may run (default: all)

    Returns
    -------
    fuel_l : ndarray (N,) — fuel over the T hours [L]
    running_hours : ndarray (N,) — hours with load > 0 [h]

    Notes
    -----
    The genset runs in every hour with load (> 1e-9 kW), at
    ``P_out = clip(load, min_load_ratio·R, R)``, and burns ``F = F0·R + F1·P_out`` litres.

    References
    ----------
    HOMER Pro 3.x manual, "Generator Fuel Curve".
    """
    load = np.asarray(load_kw, dtype=float)
    rating = np.broadcast_to(np.asarray(rating_kw, dtype=float), load.shape[1:])
    running = load > 1e-9
    if run_mask is not None:
        running &= np.asarray(run_mask, dtype=bool)
    out = np.clip(load, min_load_ratio * rating, rating)
    fuel = np.where(running, fuel_intercept_l_per_h_per_kw * rating + fuel_slope_l_per_kwh * out, 0.0)
    return fuel.sum(axis=0), running.sum(axis=0).astype(float)


@dataclass(frozen=True)
class GensetUse:
    """Today's household gensets over the simulated year, annualised to 8760 h.

    Attributes
    ----------
    rating_kw : ndarray (N,) — each home's genset [kW]
    fuel_l : ndarray (N,) — fuel burnt per year [L/year]
    running_hours : ndarray (N,) — hours run per year [h/year]
    """

    rating_kw: np.ndarray
    fuel_l: np.ndarray
    running_hours: np.ndarray


def household_genset_use(load_kw, rating_kw, fuel_intercept_l_per_h_per_kw: float, fuel_slope_l_per_kwh: float,
                         min_load_ratio: float, hours_per_day: float = 24.0) -> GensetUse:
    """How today's household gensets run: in each day's ``hours_per_day`` highest-load hours
    (:func:`evening_hours_mask`; household gensets rarely run around the clock), following
    their home's load (:func:`genset_fuel`).

    Parameters
    ----------
    load_kw : ndarray (T, N) — hourly load per home [kW] (annualised by 8760/T)
    rating_kw : ndarray (N,) — each home's genset today [kW]
    fuel_intercept_l_per_h_per_kw, fuel_slope_l_per_kwh, min_load_ratio : float — fuel curve, see :func:`genset_fuel`
    hours_per_day : float — hours a day the gensets run

    Returns
    -------
    GensetUse
    """
    load = np.asarray(load_kw, dtype=float)
    scale = HOURS_PER_YEAR / load.shape[0]
    rating = np.broadcast_to(np.asarray(rating_kw, dtype=float), load.shape[1:]).copy()
    fuel_l, hours = genset_fuel(load, rating, fuel_intercept_l_per_h_per_kw, fuel_slope_l_per_kwh, min_load_ratio,
                                run_mask=evening_hours_mask(load, hours_per_day))
    return GensetUse(rating, fuel_l * scale, hours * scale)


def diesel_baseline(costs: CostInputs, use: GensetUse) -> BaselineCosts:
    """Diesel baseline: every home already runs its own genset, as ``use`` says.

    Parameters
    ----------
    costs : CostInputs — fuel price, genset price, O&M, life in hours, project terms
    use : GensetUse — the gensets' ratings, fuel and running hours (:func:`household_genset_use`)

    Returns
    -------
    BaselineCosts

    Notes
    -----
    The genset is already owned (no capital at year 0); per year it costs fuel × price
    plus ``om_per_kw_running_hour × R × running hours``; it is replaced at the end of its
    life ``lifetime_hours / running hours per year`` at ``capex_per_kw × R`` and the last
    replacement's remaining life is salvaged at year Y, as for the project's gensets.
    """
    rating, fuel_l, hours = use.rating_kw, use.fuel_l, use.running_hours
    Y = int(costs.project_years)
    cost = np.zeros((rating.size, Y + 1))
    cost[:, 1:] = (fuel_l * costs.fuel_price_per_litre + costs.diesel_om_per_kw_running_hour * rating * hours)[:, None]
    life = genset_life_years(costs.diesel_lifetime_hours, hours)
    price = costs.diesel_capex_per_kw * rating
    cost += price[:, None] * replacement_schedule(life, Y)
    replaced = units_bought(life, Y) >= 2
    cost[:, -1] -= np.where(replaced, price * remaining_life_fraction(life, Y), 0.0)
    return BaselineCosts("diesel", cost, np.zeros(rating.size), fuel_l, rating)
