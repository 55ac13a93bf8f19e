"""One entry point from a simulated design to the economics of ``summary.json`` and ``homes.csv``.

:func:`evaluate_economics` computes cash flows, the baseline comparison, tariffs and
affordability, MTF tiers and CO2 into an :class:`Economics`;
:func:`economics_summary` turns it into the ``economics``, ``affordability`` and ``co2``
blocks of SPEC §4 (NaN → ``None``, i.e. JSON null) and :func:`economics_homes_frame`
into the per-home columns of ``homes.csv``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cashflow import HOURS_PER_YEAR, CashFlows, CostInputs, cash_flows_for, shared_cost_shares
from .co2 import CO2, avoided
from .baseline import BaselineCosts, diesel_baseline, kerosene_baseline
from .payback import Payback, compare
from .tariff import (
    MTF_PACKAGE_KWH_YEAR,
    affordability_by_group,
    affordable,
    cost_recovery_tariff,
    monthly_bill,
    mtf_tiers,
    subsidy_per_month,
    supply_statistics,
)

#: MTF affordability: the standard package must cost less than this share of income.
MTF_AFFORDABILITY_SHARE = 0.05

_SETTLEMENT_FIELDS = ("p2p_net", "net_income", "net_per_home", "net_income_per_home", "home_net")


@dataclass(frozen=True)
class Economics:
    """Everything economic about one simulated design.

    Attributes
    ----------
    costs : CostInputs — the prices and terms used
    cash_flows : CashFlows — project costs per component, category, home and year
    baseline : BaselineCosts — what homes spend today
    payback : Payback — project vs baseline, per home and village
    p2p_income : ndarray (N,) — net P2P income per year (> 0 received) [currency/year]
    tariff_kind : str — ``cost_recovery`` or ``fixed``
    tariff_per_kwh : float — energy price [currency/kWh]
    connection_fee_month : float — [currency/month]
    threshold : float — affordability threshold, share of income [-]
    income_per_month : ndarray (N,) — [currency/month]
    bill_per_month : ndarray (N,) — [currency/month]
    affordable : ndarray (N,) of bool
    subsidy_per_month : ndarray (N,) — [currency/month]
    by_group : list of dict — see :func:`~p2p_size.economics.tariff.affordability_by_group`
    co2 : CO2
    tiers : dict of ndarray (N,) or None — MTF attribute tiers and ``tier`` (None without hourly series)
    home_ids : list of str
    group_names : list of str
    group_of_home : ndarray (N,) of int
    """

    costs: CostInputs
    cash_flows: CashFlows
    baseline: BaselineCosts
    payback: Payback
    p2p_income: np.ndarray
    tariff_kind: str
    tariff_per_kwh: float
    connection_fee_month: float
    threshold: float
    income_per_month: np.ndarray
    bill_per_month: np.ndarray
    affordable: np.ndarray
    subsidy_per_month: np.ndarray
    by_group: list
    co2: CO2
    tiers: dict | None
    home_ids: list
    group_names: list
    group_of_home: np.ndarray


def p2p_income_of(settlement, n_homes: int) -> np.ndarray:
    """Each home's net annual P2P income (> 0 received) [currency/year] from a settlement.

    ``settlement`` may be None (no P2P: zeros), an array (N,), or an object with one of
    the per-home attributes ``p2p_net``, ``net_income``, ``net_per_home``,
    ``net_income_per_home``, ``home_net`` (the P2P pricing module's result).
    """
    if settlement is None:
        return np.zeros(n_homes)
    value = settlement
    if not isinstance(settlement, (np.ndarray, list, tuple)):
        for name in _SETTLEMENT_FIELDS:
            if hasattr(settlement, name):
                value = getattr(settlement, name)
                break
        else:
            raise TypeError(
                f"settlement: expected an array of per-home net P2P income or an object with one of "
                f"{', '.join(_SETTLEMENT_FIELDS)}; got {type(settlement).__name__}"
            )
    out = np.asarray(value, dtype=float)
    if out.shape != (n_homes,):
        raise ValueError(f"settlement: expected {n_homes} per-home P2P incomes, got shape {out.shape}")
    return out


def _groups(site, loads, n: int) -> tuple[np.ndarray, list[str], list[str]]:
    names = [g.name for g in site.households]
    group_of_home = getattr(loads, "group_of_home", None)
    if group_of_home is None:
        group_of_home = np.repeat(np.arange(len(site.households)), [g.count for g in site.households])
    group_of_home = np.asarray(group_of_home)
    if group_of_home.shape != (n,):
        raise ValueError(f"loads: {group_of_home.shape[0]} homes in the groups, {n} in the simulation")
    ids = getattr(loads, "home_ids", None) or [f"home-{k}" for k in range(n)]
    return group_of_home, names, list(ids)


def baseline_for(site, costs: CostInputs, load_kw) -> BaselineCosts:
    """What the homes spend today (``economics.baseline``): kerosene, or a genset per home."""
    base = site.economics.baseline
    load_kw = np.asarray(load_kw, dtype=float)
    n, Y = load_kw.shape[1], int(costs.project_years)
    if base.kind == "kerosene":
        return kerosene_baseline(base.spend_per_home_month, base.kerosene_litres_per_home_month, n, Y)
    d = site.equipment.diesel
    rating = d.on_sale(load_kw.max(axis=0)) if base.genset_kw_per_home is None else np.full(n, base.genset_kw_per_home)
    return diesel_baseline(costs, load_kw, rating, d.fuel_intercept_l_per_h_per_kw,
                           d.fuel_slope_l_per_kwh, d.min_load_ratio, hours_per_day=base.hours_per_day)


def baseline_cost_per_kwh(baseline: BaselineCosts, load_kw) -> float:
    """Today's cost of the village's energy service per kWh of its load [currency/kWh]:
    the first year's baseline spend over the annual load."""
    load_kw = np.asarray(load_kw, dtype=float)
    annual_load = float(load_kw.sum()) * HOURS_PER_YEAR / load_kw.shape[0]
    return float(baseline.cost[:, 1].sum()) / annual_load if annual_load > 0 else float("nan")


def evaluate_economics(site, design, sim, loads, p2p: bool, settlement=None, costs: CostInputs | None = None) -> Economics:
    """The economics of a simulated design.

    Parameters
    ----------
    site : Site
        The validated site (prices, economics block, households).
    design : Design
        Sizes per home (existing equipment not bought again).
    sim : SimulationResult
        The simulated year (``hourly`` needed for MTF tiers; tiers are None without it).
    loads : Loads or ndarray (T, N)
        Hourly demand [kW] (for the diesel baseline) and groups of homes.
    p2p : bool
        Homes are linked (P2P link capital per home).
    settlement : optional
        P2P settlement: per-home net income (see :func:`p2p_income_of`).
    costs : CostInputs, optional
        Override the site's prices (sensitivity runs); default ``CostInputs.from_site(site)``.

    Returns
    -------
    Economics
    """
    costs = CostInputs.from_site(site) if costs is None else costs
    ec = site.economics
    n = sim.n_homes
    Y = int(costs.project_years)
    load_kw = np.asarray(getattr(loads, "load_kw", loads), dtype=float)
    group_of_home, group_names, home_ids = _groups(site, loads, n)

    cf = cash_flows_for(costs, design, sim, p2p=p2p)

    baseline = baseline_for(site, costs, load_kw)

    income_p2p = p2p_income_of(settlement if p2p else None, n)
    payback = compare(cf.per_home, baseline.cost, income_p2p, costs.discount_rate)

    # tariff and affordability
    served = cf.served_kwh
    if ec.tariff.kind == "fixed":
        price, fee = float(ec.tariff.price_per_kwh), float(ec.tariff.connection_fee_month)
    else:
        price, fee = cost_recovery_tariff(cf.annualised_cost, float(served.sum())), 0.0
    income = np.array([g.income_per_month for g in site.households], dtype=float)[group_of_home]
    threshold = float(ec.affordability_threshold)
    bill = monthly_bill(price, served, fee)
    ok = affordable(bill, income, threshold)
    need = subsidy_per_month(bill, income, threshold)
    groups = affordability_by_group(bill, served, income, group_of_home, group_names, threshold, fee)

    # CO2: project diesel per home, the shared genset's fuel split like its costs
    scale = HOURS_PER_YEAR / float(sim.n_hours)
    project_diesel = (np.asarray(sim.fuel_l, dtype=float)
                      + float(sim.shared_fuel_l) * shared_cost_shares(sim.shared_diesel_received_kwh)) * scale
    co2 = avoided(project_diesel, baseline.fuel_l, baseline.kerosene_l, Y)

    # MTF tiers from the hourly series
    tiers = None
    if sim.hourly is not None:
        stats = supply_statistics(sim.hourly.load_kw, sim.hourly.unmet_kw)
        package = monthly_bill(price, np.full(n, MTF_PACKAGE_KWH_YEAR), fee) < MTF_AFFORDABILITY_SHARE * income
        tiers = mtf_tiers(package_affordable=package if np.isfinite(price) else None, **stats)

    return Economics(
        costs=costs, cash_flows=cf, baseline=baseline, payback=payback, p2p_income=income_p2p,
        tariff_kind=ec.tariff.kind, tariff_per_kwh=price, connection_fee_month=fee, threshold=threshold,
        income_per_month=income, bill_per_month=bill, affordable=ok, subsidy_per_month=need,
        by_group=groups, co2=co2, tiers=tiers, home_ids=home_ids, group_names=group_names,
        group_of_home=group_of_home,
    )


def _num(x):
    """A JSON-safe number: float, or None for NaN/inf/None."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def economics_summary(econ: Economics) -> dict:
    """The ``economics``, ``affordability`` and ``co2`` blocks of ``summary.json`` (SPEC §4).

    Money in the site's currency; undefined values (payback not within project life,
    IRR without a root, nothing served) are ``None`` (JSON null).
    ``economics.annualised_cost = npc × CRF(discount_rate, project_years)`` and
    ``lcoe_per_kwh = annualised_cost / served kWh per year`` hold exactly.
    """
    cf, pb, co2 = econ.cash_flows, econ.payback, econ.co2
    by_group = [{k: (_num(v) if isinstance(v, float) else v) for k, v in g.items()} for g in econ.by_group]
    return {
        "economics": {
            "capex": _num(cf.capex),
            "npc": _num(cf.npc),
            "annualised_cost": _num(cf.annualised_cost),
            "lcoe_per_kwh": _num(cf.lcoe_per_kwh),
            "simple_payback_years": _num(pb.village_simple_payback_years),
            "discounted_payback_years": _num(pb.village_discounted_payback_years),
            "irr": _num(pb.village_irr),
        },
        "affordability": {
            "tariff_per_kwh": _num(econ.tariff_per_kwh),
            "threshold": econ.threshold,
            "share_households_affordable": _num(np.mean(econ.affordable)) if len(econ.affordable) else None,
            "subsidy_per_month_total": _num(np.sum(econ.subsidy_per_month)),
            "by_group": by_group,
        },
        "co2": {
            "annual_t": _num(co2.annual_t),
            "baseline_annual_t": _num(co2.baseline_annual_t),
            "avoided_annual_t": _num(co2.avoided_annual_t),
            "avoided_lifetime_t": _num(co2.avoided_lifetime_t),
        },
    }


def economics_homes_frame(econ: Economics) -> pd.DataFrame:
    """Per-home economic columns for ``homes.csv`` / ``summary.json`` ``homes`` (one row per home).

    Columns: ``home, capex, npc, bill_per_month, affordable, subsidy_per_month,
    p2p_income_year, npv, simple_payback_years, discounted_payback_years, irr, mtf_tier``.
    Undefined values are ``None`` (object columns), so records serialise to JSON null.
    """
    pb = econ.payback

    def nullable(values):
        return pd.Series([_num(v) for v in np.asarray(values, dtype=float)], dtype=object)

    tier = (pd.Series([None] * len(econ.home_ids), dtype=object) if econ.tiers is None
            else pd.Series([int(t) for t in econ.tiers["tier"]], dtype=object))
    return pd.DataFrame({
        "home": econ.home_ids,
        "capex": econ.cash_flows.capex_per_home,
        "npc": econ.cash_flows.npc_per_home,
        "bill_per_month": econ.bill_per_month,
        "affordable": econ.affordable.astype(bool),
        "subsidy_per_month": econ.subsidy_per_month,
        "p2p_income_year": econ.p2p_income,
        "npv": pb.npv,
        "simple_payback_years": nullable(pb.simple_payback_years),
        "discounted_payback_years": nullable(pb.discounted_payback_years),
        "irr": nullable(pb.irr),
        "mtf_tier": tier,
    })
