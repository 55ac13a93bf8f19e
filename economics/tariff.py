"""Tariffs households can afford, and the ESMAP Multi-Tier Framework (MTF) tier of each home.

* The cost-recovery tariff is the LCOE: one energy price that, paid on every kWh
  served, recovers the annualised cost exactly; it includes no connection fee.
* A fixed tariff is ``price_per_kwh`` plus ``connection_fee_month``.
* A home's bill is affordable when ``bill ≤ threshold × income`` (MTF: 5 %).

References
----------
Bhatia, M. & Angelou, N. (2015). *Beyond Connections: Energy Access Redefined.*
ESMAP Technical Report 008/15, World Bank, Washington DC — the multi-tier matrix for
access to household electricity supply (executive summary and chapter 4).
"""
from __future__ import annotations

import numpy as np

# ESMAP MTF multi-tier matrix for household electricity supply, minimum per tier 1..5
MTF_POWER_W = np.array([3.0, 50.0, 200.0, 800.0, 2000.0])          # peak capacity [W]
MTF_DAILY_WH = np.array([12.0, 200.0, 1000.0, 3400.0, 8200.0])     # daily energy [Wh/day]
MTF_HOURS_PER_DAY = np.array([4.0, 4.0, 8.0, 16.0, 23.0])          # availability [h/day]
MTF_HOURS_PER_EVENING = np.array([1.0, 2.0, 3.0, 4.0, 4.0])        # availability [h/evening]
MTF_EVENING_HOURS = (18, 22)                                       # the 4-hour evening [h of day]
MTF_TIER4_MAX_DISRUPTIONS_PER_WEEK = 14.0
MTF_TIER5_MAX_DISRUPTIONS_PER_WEEK = 3.0
MTF_TIER5_MAX_OUTAGE_HOURS_PER_WEEK = 2.0
MTF_PACKAGE_KWH_YEAR = 365.0                                       # standard package (affordability)


def cost_recovery_tariff(annualised_cost: float, served_kwh: float) -> float:
    """The energy price that recovers the annualised cost [currency/kWh] (= LCOE; no connection fee).

    Notes
    -----
    .. math:: p_{cr} = \\frac{C_{ann}}{E_{served}} = LCOE

    NaN when nothing is served.
    """
    return float(annualised_cost) / float(served_kwh) if served_kwh > 0 else float("nan")


def monthly_bill(tariff_per_kwh: float, served_kwh, connection_fee_month: float = 0.0) -> np.ndarray:
    """Each home's monthly bill [currency/month] = ``tariff × served_kwh / 12 + fee``.

    ``served_kwh`` is the energy served per year (N,) [kWh/year].
    """
    return float(tariff_per_kwh) * np.asarray(served_kwh, dtype=float) / 12.0 + float(connection_fee_month)


def affordable(bill_month, income_per_month, threshold: float) -> np.ndarray:
    """True where ``bill ≤ threshold × income`` (N,) [bool]."""
    return np.asarray(bill_month, dtype=float) <= float(threshold) * np.asarray(income_per_month, dtype=float) + 1e-12


def subsidy_per_month(bill_month, income_per_month, threshold: float) -> np.ndarray:
    """Subsidy each home needs to afford its bill [currency/month]: ``max(0, bill − threshold × income)`` (N,)."""
    return np.maximum(0.0, np.asarray(bill_month, dtype=float) - float(threshold) * np.asarray(income_per_month, dtype=float))


def highest_affordable_tariff(served_kwh, income_per_month, threshold: float, connection_fee_month: float = 0.0) -> np.ndarray:
    """The energy price at which each home's bill equals ``threshold × income`` [currency/kWh].

    Parameters
    ----------
    served_kwh : ndarray (N,) — energy served per year [kWh/year]
    income_per_month : ndarray (N,) — [currency/month]
    threshold : float — share of income [-]
    connection_fee_month : float — [currency/month]

    Returns
    -------
    ndarray (N,)
        ``12 (threshold × income − fee) / served``; ``inf`` for a home served nothing
        (any price is affordable); NaN when the fee alone is unaffordable.
    """
    served = np.asarray(served_kwh, dtype=float)
    room = float(threshold) * np.asarray(income_per_month, dtype=float) - float(connection_fee_month)
    with np.errstate(divide="ignore", invalid="ignore"):
        price = np.where(served > 0, 12.0 * room / np.where(served > 0, served, 1.0), np.inf)
    return np.where(room < 0, np.nan, price)


def affordability_by_group(bill_month, served_kwh, income_per_month, group_of_home, group_names,
                           threshold: float, connection_fee_month: float = 0.0) -> list[dict]:
    """Affordability of each household group.

    Returns
    -------
    list of dict, one per group, with ``group, homes, income_per_month`` (mean),
    ``median_bill_month, share_households_affordable, subsidy_per_month_total``, and two
    readings of the highest affordable tariff [currency/kWh]:
    ``highest_affordable_tariff_all`` — the highest price at which *every* home of the group
    can afford its bill (the minimum over its homes), and
    ``highest_affordable_tariff_median`` — the price the group's median home can afford.
    NaN (JSON null) when undefined; ``inf`` prices (homes served nothing) are left out.
    """
    bill = np.asarray(bill_month, dtype=float)
    income = np.asarray(income_per_month, dtype=float)
    g = np.asarray(group_of_home)
    prices = highest_affordable_tariff(served_kwh, income, threshold, connection_fee_month)
    ok = affordable(bill, income, threshold)
    need = subsidy_per_month(bill, income, threshold)
    out = []
    for k, name in enumerate(group_names):
        m = g == k
        if not m.any():
            continue
        p = prices[m]
        if np.isnan(p).any():
            p_all = float("nan")
        else:
            finite = p[np.isfinite(p)]
            p_all = float(finite.min()) if finite.size else float("nan")
        ranked = np.where(np.isnan(p), -np.inf, p)  # NaN (fee unaffordable) ranks below every price
        med = float(np.median(ranked)) if p.size else float("nan")
        out.append({
            "group": name,
            "homes": int(m.sum()),
            "income_per_month": float(income[m].mean()),
            "median_bill_month": float(np.median(bill[m])),
            "share_households_affordable": float(ok[m].mean()),
            "highest_affordable_tariff_all": p_all,
            "highest_affordable_tariff_median": med if np.isfinite(med) else float("nan"),
            "subsidy_per_month_total": float(need[m].sum()),
        })
    return out


# --------------------------------------------------------------------------- MTF
def supply_statistics(load_kw, unmet_kw, hour_of_day=None) -> dict[str, np.ndarray]:
    """Per-home supply statistics for the MTF from hourly series.

    Parameters
    ----------
    load_kw : ndarray (T, N) — demand [kW]
    unmet_kw : ndarray (T, N) — unmet load [kW]
    hour_of_day : ndarray (T,) of int, optional — local hour 0..23 of each step; default ``t mod 24``

    Returns
    -------
    dict of ndarray (N,)
        ``peak_kw`` (largest hourly load served [kW]), ``daily_kwh`` (mean energy served
        per day [kWh/day]), ``hours_per_day`` (mean hours with supply per day [h]),
        ``hours_per_evening`` (mean hours with supply in 18:00–22:00 [h]),
        ``disruptions_per_week`` (starts of spells without supply [1/week]),
        ``outage_hours_per_week`` ([h/week]).

    Notes
    -----
    An hour "has supply" when no load goes unmet in it (unmet ≤ 1e-9 kW): only unmet
    load is observable, so an hour without demand counts as supplied.
    """
    load = np.asarray(load_kw, dtype=float)
    unmet = np.asarray(unmet_kw, dtype=float)
    T = load.shape[0]
    hod = np.arange(T) % 24 if hour_of_day is None else np.asarray(hour_of_day)
    supplied = unmet <= 1e-9
    days = T / 24.0
    weeks = T / 168.0
    lo, hi = MTF_EVENING_HOURS
    evening = (hod >= lo) & (hod < hi)
    n_evenings = max(evening.sum() / (hi - lo), 1e-12)
    outage = ~supplied
    starts = outage.copy()
    starts[1:] &= supplied[:-1]
    return {
        "peak_kw": (load - unmet).max(axis=0) if T else np.zeros(load.shape[1]),
        "daily_kwh": (load - unmet).sum(axis=0) / days,
        "hours_per_day": supplied.sum(axis=0) / days,
        "hours_per_evening": supplied[evening].sum(axis=0) / n_evenings,
        "disruptions_per_week": starts.sum(axis=0) / weeks,
        "outage_hours_per_week": outage.sum(axis=0) / weeks,
    }


def _tier(value, thresholds) -> np.ndarray:
    """Highest tier 0..5 whose minimum ``value`` reaches (thresholds ascending, tiers 1..5)."""
    v = np.asarray(value, dtype=float)
    return (v[..., None] >= thresholds - 1e-9).sum(axis=-1)


def mtf_tiers(peak_kw, daily_kwh, hours_per_day, hours_per_evening, disruptions_per_week,
              outage_hours_per_week, package_affordable=None) -> dict[str, np.ndarray]:
    """ESMAP Multi-Tier Framework tier of each home's electricity supply.

    Parameters
    ----------
    peak_kw : ndarray (N,) — peak power available/served [kW]
    daily_kwh : ndarray (N,) — energy per day [kWh/day]
    hours_per_day, hours_per_evening : ndarray (N,) — hours with supply [h]
    disruptions_per_week, outage_hours_per_week : ndarray (N,) — [1/week], [h/week]
    package_affordable : ndarray (N,) of bool, optional
        Whether 365 kWh/year at the tariff costs < 5 % of income; None leaves
        affordability out.

    Returns
    -------
    dict of ndarray (N,) of int
        ``capacity, availability, reliability, affordability`` attribute tiers and
        ``tier`` = the minimum over the attributes (the MTF's weakest link).

    Notes
    -----
    Minimum per tier 1 / 2 / 3 / 4 / 5 (Bhatia & Angelou 2015, multi-tier matrix):

    * capacity: 3 W / 50 W / 200 W / 800 W / 2 kW **or** 12 Wh / 200 Wh / 1.0 kWh /
      3.4 kWh / 8.2 kWh per day — the matrix accepts either, so the higher of the two
      tiers counts;
    * availability: 4 / 4 / 8 / 16 / 23 h per day **and** 1 / 2 / 3 / 4 / 4 h per evening;
    * reliability (tiers 4-5 only): tier 4 at most 14 disruptions per week; tier 5 at most
      3 disruptions per week of less than 2 h in total; otherwise tier 3;
    * affordability (tier 3 and above): the standard package of 365 kWh/year costs less
      than 5 % of household income; otherwise tier 2.

    Quality, legality and health & safety are not modelled (taken as met).

    References
    ----------
    Bhatia, M. & Angelou, N. (2015). Beyond Connections: Energy Access Redefined. ESMAP
    Technical Report 008/15, World Bank.
    """
    cap = np.maximum(_tier(np.asarray(peak_kw, dtype=float) * 1000.0, MTF_POWER_W),
                     _tier(np.asarray(daily_kwh, dtype=float) * 1000.0, MTF_DAILY_WH))
    avail = np.minimum(_tier(hours_per_day, MTF_HOURS_PER_DAY), _tier(hours_per_evening, MTF_HOURS_PER_EVENING))
    d = np.asarray(disruptions_per_week, dtype=float)
    o = np.asarray(outage_hours_per_week, dtype=float)
    rel = np.where((d <= MTF_TIER5_MAX_DISRUPTIONS_PER_WEEK) & (o < MTF_TIER5_MAX_OUTAGE_HOURS_PER_WEEK), 5,
                   np.where(d <= MTF_TIER4_MAX_DISRUPTIONS_PER_WEEK, 4, 3))
    if package_affordable is None:
        aff = np.full(cap.shape, 5)
    else:
        aff = np.where(np.asarray(package_affordable, dtype=bool), 5, 2)
    tier = np.minimum.reduce([cap, avail, rel, aff])
    return {"capacity": cap, "availability": avail, "reliability": rel, "affordability": aff, "tier": tier}
