"""One entry point from a simulated design to its economics.

:func:`evaluate_economics` computes cash flows, the baseline comparison, tariffs and
affordability, MTF tiers and CO2 into an :class:`EconomicsResult` (arrays per home,
NaN where a value does not exist); the study's summary reports it
(:mod:`p2p_size.study.summary`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..sizing.calendar import HOURS_PER_YEAR
from .cashflow import CashFlows, CostInputs, cash_flows_for, shared_cost_shares
from .co2 import CO2, avoided
from .baseline import BaselineCosts, GensetUse, diesel_baseline, household_genset_use, kerosene_baseline
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

@dataclass(frozen=True)
class EconomicsResult:
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


def p2p_income_of(p2p_net, n_homes: int) -> np.ndarray:
    """Each home's net annual P2P income (> 0 received) [currency/year], (N,).

    ``p2p_net`` is the settlement's :attr:`~p2p_size.sizing.market.Settlement.p2p_net`,
    or None without sharing (zeros).
    """
    if p2p_net is None:
        return np.zeros(n_homes)
    out = np.asarray(p2p_net, dtype=float)
    if out.shape != (n_homes,):
        raise ValueError(f"p2p_net: expected {n_homes} per-home P2P incomes, got shape {out.shape}")
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


def today_genset_use(site, load_kw) -> GensetUse | None:
    """Today's household gensets of a diesel baseline (``economics.baseline.kind: diesel``) over
    the simulated hours — their ratings, fuel and running hours — or None for another baseline.

    Computed once per load and passed to :func:`baseline_for`: the fuel depends on the load
    only, so every price case of a sensitivity reuses it.
    """
    base = site.economics.baseline
    if base.kind != "diesel":
        return None
    load_kw = np.asarray(load_kw, dtype=float)
    d = site.equipment.diesel
    n = load_kw.shape[1]
    rating = d.on_sale(load_kw.max(axis=0)) if base.genset_kw_per_home is None else np.full(n, base.genset_kw_per_home)
    return household_genset_use(load_kw, rating, d.fuel_intercept_l_per_h_per_kw, d.fuel_slope_l_per_kwh,
                                d.min_load_ratio, hours_per_day=base.hours_per_day)


def baseline_for(site, costs: CostInputs, load_kw, use: GensetUse | None = None) -> BaselineCosts:
    """What the homes spend today (``economics.baseline``): kerosene, or a genset per home.

    ``use``: today's gensets on this load (:func:`today_genset_use`); computed when None.
    """
    base = site.economics.baseline
    load_kw = np.asarray(load_kw, dtype=float)
    n, Y = load_kw.shape[1], int(costs.project_years)
    if base.kind == "kerosene":
        return kerosene_baseline(base.spend_per_home_month, base.kerosene_litres_per_home_month, n, Y)
    return diesel_baseline(costs, use if use is not None else today_genset_use(site, load_kw))


def baseline_cost_per_kwh(baseline: BaselineCosts, load_kw) -> float:
    """Today's cost of the village's energy service per kWh of its load [currency/kWh]:
    the first year's baseline spend over the annual load."""
    load_kw = np.asarray(load_kw, dtype=float)
    annual_load = float(load_kw.sum()) * HOURS_PER_YEAR / load_kw.shape[0]
    return float(baseline.cost[:, 1].sum()) / annual_load if annual_load > 0 else float("nan")


def evaluate_economics(site, design, sim, loads, p2p: bool, p2p_income=None, costs: CostInputs | None = None,
                       genset_use: GensetUse | None = None) -> EconomicsResult:
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
    p2p_income : ndarray (N,), optional
        Each home's net annual P2P income, the settlement's ``p2p_net`` [currency/year];
        None without sharing.
    costs : CostInputs, optional
        Override the site's prices (sensitivity runs); default ``CostInputs.from_site(site)``.
    genset_use : GensetUse, optional
        Today's household gensets on this load (:func:`today_genset_use`), computed once by
        the caller; computed here when None.

    Returns
    -------
    EconomicsResult
    """
    costs = CostInputs.from_site(site) if costs is None else costs
    ec = site.economics
    n = sim.n_homes
    Y = int(costs.project_years)
    load_kw = np.asarray(getattr(loads, "load_kw", loads), dtype=float)
    group_of_home, group_names, home_ids = _groups(site, loads, n)

    cf = cash_flows_for(costs, design, sim, p2p=p2p)

    baseline = baseline_for(site, costs, load_kw, genset_use)

    income_p2p = p2p_income_of(p2p_income if p2p else None, n)
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

    return EconomicsResult(
        costs=costs, cash_flows=cf, baseline=baseline, payback=payback, p2p_income=income_p2p,
        tariff_kind=ec.tariff.kind, tariff_per_kwh=price, connection_fee_month=fee, threshold=threshold,
        income_per_month=income, bill_per_month=bill, affordable=ok, subsidy_per_month=need,
        by_group=groups, co2=co2, tiers=tiers, home_ids=home_ids, group_names=group_names,
        group_of_home=group_of_home,
    )
