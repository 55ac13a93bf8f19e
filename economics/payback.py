"""The project against what homes do today: baseline costs, payback, NPV and IRR.

The baseline is either kerosene (a monthly spend per home) or every home on its own
diesel genset. The *net cash flow* of a home is what it saves each year by switching
(baseline cost − project cost) plus its net P2P income; year 0 is minus its capital.
Payback is reached when the cumulative net cash flow turns non-negative (HOMER's
definition), interpolated linearly within the year; a payback not reached within the
project is NaN here and ``None`` in ``summary.json`` — never a made-up number.
"""
from __future__ import annotations

import functools

from dataclasses import dataclass

import numpy as np
import numpy_financial as npf

from .cashflow import HOURS_PER_YEAR, CostInputs, genset_life_years
from .finance import discount_factors, remaining_life_fraction, replacement_schedule, units_bought


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


_FUEL_MEMO: list = []   # the last (load array, parameters, result) of _baseline_fuel


def _baseline_fuel(load: np.ndarray, rating: np.ndarray, f0: float, f1: float, min_load_ratio: float,
                   hours_per_day: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`genset_fuel` in each day's running hours, remembered for the same load array:
    a run's sensitivity cases price the same baseline a dozen times (40 ms each at 125 homes)."""
    key = (rating.tobytes(), f0, f1, min_load_ratio, hours_per_day)
    last = _FUEL_MEMO[-1] if _FUEL_MEMO else None   # read once: a threaded Dask worker may replace it
    if last is not None and last[0] is load and last[1] == key:
        return last[2]
    result = genset_fuel(load, rating, f0, f1, min_load_ratio, run_mask=evening_hours_mask(load, hours_per_day))
    _FUEL_MEMO[:] = [(load, key, result)]
    return result


def diesel_baseline(costs: CostInputs, load_kw, rating_kw, fuel_intercept_l_per_h_per_kw: float,
                    fuel_slope_l_per_kwh: float, min_load_ratio: float,
                    hours_per_day: float = 24.0) -> BaselineCosts:
    """Diesel baseline: every home already runs its own genset.

    Parameters
    ----------
    costs : CostInputs — fuel price, genset price, O&M, life in hours, project terms
    load_kw : ndarray (T, N) — hourly load per home [kW] (annualised by 8760/T)
    rating_kw : ndarray (N,) — each home's genset today [kW]
    fuel_intercept_l_per_h_per_kw, fuel_slope_l_per_kwh, min_load_ratio : float — fuel curve, see :func:`genset_fuel`
    hours_per_day : float — hours a day the gensets run today, in each day's highest-load
        hours (:func:`evening_hours_mask`); household gensets rarely run around the clock

    Returns
    -------
    BaselineCosts

    Notes
    -----
    The genset is already owned (no capital at year 0); per year it costs fuel × price
    plus ``om_per_hour × R × running hours``; it is replaced at the end of its life
    ``lifetime_hours / running hours per year`` at ``capex_per_kw × R`` and the last
    replacement's remaining life is salvaged at year Y, as for the project's gensets.
    """
    load = np.asarray(load_kw, dtype=float)
    scale = HOURS_PER_YEAR / load.shape[0]
    rating = np.broadcast_to(np.asarray(rating_kw, dtype=float), load.shape[1:]).copy()
    fuel_l, hours = _baseline_fuel(load, rating, fuel_intercept_l_per_h_per_kw, fuel_slope_l_per_kwh, min_load_ratio,
                                   hours_per_day)
    fuel_l, hours = fuel_l * scale, hours * scale
    Y = int(costs.project_years)
    cost = np.zeros((load.shape[1], Y + 1))
    cost[:, 1:] = (fuel_l * costs.fuel_price_per_litre + costs.diesel_om_per_hour_per_kw * rating * hours)[:, None]
    life = genset_life_years(costs.diesel_lifetime_hours, hours)
    price = costs.diesel_capex_per_kw * rating
    cost += price[:, None] * replacement_schedule(life, Y)
    replaced = units_bought(life, Y) >= 2
    cost[:, -1] -= np.where(replaced, price * remaining_life_fraction(life, Y), 0.0)
    return BaselineCosts("diesel", cost, np.zeros(load.shape[1]), fuel_l, rating)


def payback_years(net_cash_flow) -> np.ndarray:
    """Years until the cumulative net cash flow turns non-negative.

    Parameters
    ----------
    net_cash_flow : ndarray (Y+1,) or (N, Y+1)
        Net cash flow (savings − costs) per year 0..Y [currency]; discount it first for
        a discounted payback.

    Returns
    -------
    float or ndarray (N,)
        Payback [years], fractional; 0 when year 0 is already non-negative; NaN when
        the cumulative flow stays negative over the project (not within project life).

    Notes
    -----
    With cumulative flow :math:`S_y`, the first year ``y`` with :math:`S_y \\ge 0` and
    :math:`S_{y-1} < 0`:

    .. math:: t = (y - 1) + \\frac{-S_{y-1}}{S_y - S_{y-1}}

    (cash earned evenly through the year). A cumulative flow that dips below zero again
    later (a replacement) does not undo the payback: the first crossing counts (HOMER).

    References
    ----------
    HOMER Pro 3.x manual, "Simple Payback", "Discounted Payback".
    """
    cf = np.asarray(net_cash_flow, dtype=float)
    flat = np.atleast_2d(cf)
    cum = np.cumsum(flat, axis=1)
    reached = cum >= 0
    any_reached = reached.any(axis=1)
    first = np.argmax(reached, axis=1)
    rows = np.arange(flat.shape[0])
    prev = cum[rows, np.maximum(first - 1, 0)]
    step = flat[rows, first]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(first == 0, 0.0, (first - 1) + (-prev) / np.where(step > 0, step, 1.0))
    t = np.where(any_reached, t, np.nan)
    return t[0] if cf.ndim == 1 else t


def irr(net_cash_flow) -> np.ndarray:
    """Internal rate of return of each row with :func:`numpy_financial.irr` [fraction/year].

    NaN where undefined (no sign change, or no real root); see numpy-financial's ``irr``.
    """
    cf = np.asarray(net_cash_flow, dtype=float)
    flat = np.atleast_2d(cf)
    out = np.full(flat.shape[0], np.nan)
    for k, row in enumerate(flat):
        if (row > 0).any() and (row < 0).any():
            out[k] = npf.irr(row)
    return out[0] if cf.ndim == 1 else out


@dataclass(frozen=True)
class Payback:
    """The project against the baseline, per home (N,) and for the village (scalars).

    Attributes
    ----------
    net_cash_flow : ndarray (N, Y+1) — savings + P2P income − project costs [currency]
    simple_payback_years, discounted_payback_years : ndarray (N,) — [years], NaN if not within project life
    npv : ndarray (N,) — net present value at the discount rate [currency]
    irr : ndarray (N,) — [fraction/year], NaN when undefined
    village_* : the same for the village's summed net cash flow
    """

    net_cash_flow: np.ndarray
    simple_payback_years: np.ndarray
    discounted_payback_years: np.ndarray
    npv: np.ndarray
    village_net_cash_flow: np.ndarray
    village_simple_payback_years: float
    village_discounted_payback_years: float
    village_npv: float
    village_irr: float

    @functools.cached_property
    def irr(self) -> np.ndarray:
        """Per-home IRR (N,) [fraction/year], NaN when undefined; computed when first asked
        (a polynomial root per home: the sensitivity runs never need it)."""
        return irr(self.net_cash_flow)


def compare(project_cost, baseline_cost, p2p_income, discount_rate: float) -> Payback:
    """Payback, NPV and IRR of the project against the baseline.

    Parameters
    ----------
    project_cost : ndarray (N, Y+1) — project cost per home and year [currency]
    baseline_cost : ndarray (N, Y+1) — baseline cost per home and year [currency]
    p2p_income : ndarray (N,) — net P2P income per year (> 0 received, sellers) [currency/year]
    discount_rate : float — real [fraction/year]

    Returns
    -------
    Payback

    Notes
    -----
    .. math:: CF_{n,y} = B_{n,y} - C_{n,y} + I^{p2p}_n [y \\ge 1], \\qquad
              NPV_n = \\sum_y \\frac{CF_{n,y}}{(1+i)^y}

    The village's flow is the sum over homes (P2P payments between homes cancel there).
    IRR is the rate that makes the NPV zero (numpy-financial); discounted payback uses
    :math:`CF_{n,y}/(1+i)^y`.
    """
    project_cost = np.asarray(project_cost, dtype=float)
    net = np.asarray(baseline_cost, dtype=float) - project_cost
    net[:, 1:] += np.asarray(p2p_income, dtype=float)[:, None]
    df = discount_factors(discount_rate, net.shape[1] - 1)
    village = net.sum(axis=0)
    return Payback(
        net_cash_flow=net,
        simple_payback_years=payback_years(net),
        discounted_payback_years=payback_years(net * df),
        npv=net @ df,
        village_net_cash_flow=village,
        village_simple_payback_years=float(payback_years(village)),
        village_discounted_payback_years=float(payback_years(village * df)),
        village_npv=float(village @ df),
        village_irr=float(irr(village)),
    )
