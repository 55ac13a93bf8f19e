"""The typed result of one study: ``summary.json`` is its serialisation.

:class:`StudySummary` and its sections are the contract between a run and everything
that reads it — the report, the batch comparison, the console table, ``homes.csv`` and
users' own tools. Field names carry their units (``_kwh``, ``_kwp``, ``_kw``, ``_l``,
``_t``, ``_per_kwh``, ``_fraction``, ``_years``; money in the site's ``currency``,
fractions 0–1). A value that does not exist — a payback not within the project life,
an IRR without a root, a lower bound not computed — is ``None`` (JSON ``null``), never
a made-up number.

:func:`build_summary` is the one place the summary is built; :func:`summary_json`
serialises it and :func:`json_schema` gives its JSON Schema, shipped as
``summary.schema.json`` beside this module (a test fails when it drifts:
``make schema`` rewrites it).

A few fields exist only for some runs and are then absent from the JSON (not
``null``): ``resilience`` and the per-home ``failed_hours``,
``unmet_kwh_without_sharing`` and ``unmet_hours_without_sharing`` with ``failures``,
and the market figures of ``p2p`` when sharing is on.
"""
from __future__ import annotations

import json
import math
from typing import Optional

import numpy as np
from pydantic import BaseModel, ConfigDict

__all__ = ["Affordability", "AffordabilityByGroup", "Alternative", "Alternatives", "BaselineToday", "CO2Result",
           "EconomicsSummary", "EnergySummary", "HomeResult", "LoadsSummary", "Location", "P2PMarket", "Resilience",
           "RuleOfThumbCheck", "SensitivityRow", "SizingSummary", "SolarSummary", "StudySummary", "Verdict",
           "affordability_section", "alternative_section", "build_summary", "co2_section", "economics_section",
           "home_money", "homes_table", "json_schema", "sensitivity_rows", "summary_json"]


class _Section(BaseModel):
    """Base of every section: unknown keys are refused when a summary is read back."""

    model_config = ConfigDict(extra="forbid")


def number(x) -> Optional[float]:
    """A JSON-safe number: float, or None for NaN, inf or None."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


# --------------------------------------------------------------------------- sections
class Location(_Section):
    latitude: float
    longitude: float
    altitude_m: float


class SolarSummary(_Section):
    """The solar resource of the run."""

    source: str
    annual_ghi_kwh_m2: float
    annual_yield_kwh_per_kwp: float
    peak_sun_hours: float
    design_month_peak_sun_hours: float
    notes: list[str]


class LoadsSummary(_Section):
    annual_kwh: float
    notes: list[str]


class SizingSummary(_Section):
    """The chosen design in totals, and how far its NPC is from the LP lower bound."""

    method: str
    max_unmet_fraction: float
    pv_kwp_total: float
    battery_kwh_total: float
    diesel_kw_total: float
    npc_lower_bound: Optional[float]
    gap_to_lower_bound: Optional[float]
    notes: list[str]
    lower_bound_note: str


class EnergySummary(_Section):
    """Village energy over the simulated year [kWh, L]; fractions of the load."""

    load_kwh: float
    served_kwh: float
    unmet_fraction: float
    p2p_traded_kwh: float
    p2p_losses_kwh: float
    diesel_kwh: float
    fuel_l: float
    curtailed_kwh: float
    renewable_fraction: float
    max_home_unmet_fraction: float


class RuleOfThumbCheck(_Section):
    """What 1 kWp delivers a day by the installer's rule and in the simulated year [kWh/kWp/day]."""

    peak_sun_hours: float
    system_efficiency: float
    safety_factor: float
    kwh_per_kwp_day_raw: float
    kwh_per_kwp_day_derated: float
    kwh_per_kwp_day_simulated: float


class HomeResult(_Section):
    """One home: its sizes, its year and its money. ``homes.csv`` has one row of these per home."""

    home: str
    group: str
    income_per_month: float
    pv_kwp: float
    battery_kwh: float
    diesel_kw: float
    load_kwh: float
    served_kwh: float
    unmet_kwh: float
    unmet_fraction: float
    unmet_hours: float
    pv_kwh: float
    curtailed_kwh: float
    battery_throughput_kwh: float
    equivalent_full_cycles: float
    export_kwh: float
    import_kwh: float
    diesel_kwh: float
    fuel_l: float
    capex: float
    npc: float
    bill_per_month: float
    affordable: bool
    subsidy_per_month: float
    p2p_income_year: float
    npv: float
    simple_payback_years: Optional[float]
    discounted_payback_years: Optional[float]
    irr: Optional[float]
    mtf_tier: Optional[int]
    failed_hours: Optional[float] = None
    unmet_kwh_without_sharing: Optional[float] = None
    unmet_hours_without_sharing: Optional[float] = None


class EconomicsSummary(_Section):
    """The village's costs (HOMER's definitions) and its payback against today's spending."""

    capex: Optional[float]
    npc: Optional[float]
    annualised_cost: Optional[float]
    lcoe_per_kwh: Optional[float]
    simple_payback_years: Optional[float]
    discounted_payback_years: Optional[float]
    irr: Optional[float]


class AffordabilityByGroup(_Section):
    group: str
    homes: int
    income_per_month: Optional[float]
    median_bill_month: Optional[float]
    share_households_affordable: Optional[float]
    highest_affordable_tariff_all: Optional[float]
    highest_affordable_tariff_median: Optional[float]
    subsidy_per_month_total: Optional[float]


class Affordability(_Section):
    tariff_per_kwh: Optional[float]
    threshold: float
    share_households_affordable: Optional[float]
    subsidy_per_month_total: Optional[float]
    by_group: list[AffordabilityByGroup]


class CO2Result(_Section):
    """Tonnes of CO2 a year with the project and today, and what the project avoids."""

    annual_t: Optional[float]
    baseline_annual_t: Optional[float]
    avoided_annual_t: Optional[float]
    avoided_lifetime_t: Optional[float]


class P2PMarket(_Section):
    """The P2P market; the money figures only when sharing is on."""

    enabled: bool
    pricing: str
    money_traded_per_year: Optional[float] = None
    mean_buy_price_per_kwh: Optional[float] = None
    mean_sell_price_per_kwh: Optional[float] = None
    sellers: Optional[int] = None
    buyers: Optional[int] = None


class Alternative(_Section):
    """One way to serve the village, designed, simulated and costed on the same inputs."""

    capex: Optional[float]
    npc: Optional[float]
    lcoe_per_kwh: Optional[float]
    unmet_fraction: float
    max_home_unmet_fraction: float
    pv_kwp_total: float
    battery_kwh_total: float
    diesel_kw_total: float
    notes: list[str]


class Alternatives(_Section):
    p2p: Alternative
    standalone: Alternative
    minigrid: Alternative
    rule_of_thumb: Alternative


class BaselineToday(_Section):
    """What the village spends on energy today: the first year's spend and per kWh of the load."""

    kind: str
    annual_cost: float
    cost_per_kwh: Optional[float]


class Verdict(_Section):
    status: str
    reason: str


class SensitivityRow(_Section):
    """LCOE and discounted payback with one input moved to its low and high value."""

    parameter: str
    low_multiplier: float
    high_multiplier: float
    lcoe_base: Optional[float]
    lcoe_low: Optional[float]
    lcoe_high: Optional[float]
    payback_base: Optional[float]
    payback_low: Optional[float]
    payback_high: Optional[float]
    lcoe_swing: Optional[float]


class Resilience(_Section):
    """Homes whose PV or battery failed, with sharing and as standalone systems, and the
    design in other random draws of the outages."""

    failed_homes: int
    failed_home_hours: float
    sharing_simulated: bool
    unmet_kwh_failed_homes_with_sharing: float
    unmet_kwh_failed_homes_without_sharing: float
    unmet_hours_failed_homes_with_sharing: float
    unmet_hours_failed_homes_without_sharing: float
    unmet_kwh_village_with_sharing: float
    unmet_kwh_village_without_sharing: float
    other_failure_draws: int
    homes_over_target_in_other_draws_most: int
    worst_home_unmet_fraction_in_other_draws: float


class StudySummary(_Section):
    """One village's study: ``summary.json``."""

    site: str
    n_homes: int
    currency: str
    seed: int
    p2p_enabled: bool
    location: Location
    solar: SolarSummary
    loads: LoadsSummary
    sizing: SizingSummary
    energy: EnergySummary
    rule_of_thumb_check: RuleOfThumbCheck
    homes: list[HomeResult]
    economics: EconomicsSummary
    affordability: Affordability
    co2: CO2Result
    p2p: P2PMarket
    alternatives: Alternatives
    baseline: BaselineToday
    verdict: Verdict
    sensitivity: list[SensitivityRow]
    resilience: Optional[Resilience] = None

    @property
    def home_columns(self) -> list[str]:
        """The per-home columns this run has (``homes.csv`` and ``homes`` in ``summary.json``)."""
        return list(self.homes[0].model_dump(exclude_unset=True)) if self.homes else list(HomeResult.model_fields)


# --------------------------------------------------------------------------- (de)serialisation
def summary_json(summary: StudySummary) -> str:
    """``summary.json``: the summary as indented JSON; fields a run does not have are left out."""
    return json.dumps(summary.model_dump(exclude_unset=True), indent=2, allow_nan=False)


def json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of ``summary.json``, generated from :class:`StudySummary`."""
    schema = StudySummary.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "p2p-size summary.json"
    return schema


def homes_table(summary: StudySummary):
    """``homes.csv``: one row per home, the columns of ``summary.homes`` (a pandas DataFrame)."""
    import pandas as pd

    columns = summary.home_columns
    return pd.DataFrame([[getattr(h, c) for c in columns] for h in summary.homes], columns=columns, dtype=object)


def finite_or_none(values) -> list[Optional[float]]:
    """An array as a list of JSON-safe numbers (NaN and inf as None)."""
    return [number(v) for v in np.asarray(values, dtype=float)]


# --------------------------------------------------------------------------- the one builder
def build_summary(*, site, seed: int, p2p: bool, solar, loads, design, sim, econ, settlement, bound, alternatives,
                  baseline, baseline_cost_per_kwh: float, sensitivity, solo=None, other_draws=None) -> StudySummary:
    """The typed summary of one study, from the objects :func:`~.run.evaluate` computed.

    Parameters
    ----------
    site : Site
    seed : int
    p2p : bool — homes linked (sharing simulated)
    solar : SolarResult ; loads : Loads ; design : Design
    sim : SimulationResult — the design's year (with its hourly series)
    econ : EconomicsResult
    settlement : Settlement or None (no sharing)
    bound : LPBound — the perfect-foresight lower bound on NPC
    alternatives : dict of AlternativeResult — ``p2p``, ``standalone``, ``minigrid``, ``rule_of_thumb``
    baseline : BaselineCosts ; baseline_cost_per_kwh : float — today's spend per kWh of the load
    sensitivity : DataFrame — :func:`~p2p_size.economics.sensitivity.tornado` rows
    solo : SimulationResult, optional — the design without links in the same outages (with ``failures``)
    other_draws : OtherDraws, optional — the design in other draws of the outages (with ``failures``)
    """
    from ..economics.verdict import verdict
    from ..sizing.search import rule_of_thumb as rot
    from ..sizing.search.designs import design_month_peak_sun_hours

    load = float(sim.load_kwh.sum())
    served = float(sim.served_kwh.sum())
    r = site.sizing.rule_of_thumb
    psh = r.peak_sun_hours if r.peak_sun_hours is not None else design_month_peak_sun_hours(solar)
    cf = econ.cash_flows
    energy = EnergySummary(
        load_kwh=load, served_kwh=served, unmet_fraction=0.0 if load == 0 else float(1.0 - served / load),
        p2p_traded_kwh=sim.p2p_traded_kwh, p2p_losses_kwh=sim.p2p_losses_kwh,
        diesel_kwh=float(sim.diesel_kwh.sum() + sim.shared_diesel_kwh), fuel_l=float(sim.fuel_l.sum() + sim.shared_fuel_l),
        curtailed_kwh=float(sim.curtailed_kwh.sum()), renewable_fraction=sim.renewable_fraction,
        max_home_unmet_fraction=float(np.max(sim.unmet_fraction)) if len(sim.unmet_fraction) else 0.0)
    economics, affordability = economics_section(econ), affordability_section(econ)
    today = BaselineToday(kind=baseline.kind, annual_cost=float(baseline.cost[:, 1].sum()),
                          cost_per_kwh=number(baseline_cost_per_kwh))
    v = verdict(worst_home_unmet_fraction=energy.max_home_unmet_fraction,
                max_unmet_fraction=site.sizing.max_unmet_fraction, lcoe_per_kwh=economics.lcoe_per_kwh,
                tariff_per_kwh=affordability.tariff_per_kwh,
                share_households_affordable=affordability.share_households_affordable,
                threshold=affordability.threshold, subsidy_per_month_total=affordability.subsidy_per_month_total,
                n_homes=int(site.n_homes), currency=site.currency, baseline_cost_per_kwh=today.cost_per_kwh,
                tariff_kind=econ.tariff_kind)
    return StudySummary(
        site=site.name, n_homes=int(site.n_homes), currency=site.currency, seed=seed, p2p_enabled=p2p,
        location=Location(latitude=site.location.latitude, longitude=site.location.longitude,
                          altitude_m=site.location.altitude_m),
        solar=SolarSummary(source=solar.source, annual_ghi_kwh_m2=float(np.sum(solar.ghi_w_m2) / 1000.0),
                           annual_yield_kwh_per_kwp=solar.annual_yield_kwh_per_kwp,
                           peak_sun_hours=solar.peak_sun_hours,
                           design_month_peak_sun_hours=design_month_peak_sun_hours(solar), notes=list(solar.notes)),
        loads=LoadsSummary(annual_kwh=float(np.sum(loads.annual_kwh)), notes=list(loads.notes)),
        sizing=SizingSummary(
            method=design.method, max_unmet_fraction=float(site.sizing.max_unmet_fraction),
            pv_kwp_total=float(design.pv_kwp.sum()), battery_kwh_total=float(design.battery_kwh.sum()),
            diesel_kw_total=design.diesel_kw_total, npc_lower_bound=bound.npc,
            gap_to_lower_bound=float(cf.npc / bound.npc - 1.0) if bound.npc > 0 else None,
            notes=list(design.notes), lower_bound_note=bound.method_note),
        energy=energy,
        rule_of_thumb_check=RuleOfThumbCheck(
            peak_sun_hours=psh, system_efficiency=r.system_efficiency, safety_factor=r.safety_factor,
            kwh_per_kwp_day_raw=float(rot.deliverable_kwh_per_day(1.0, psh)),
            kwh_per_kwp_day_derated=float(rot.deliverable_kwh_per_day(1.0, psh, r.system_efficiency, r.safety_factor)),
            kwh_per_kwp_day_simulated=float(solar.annual_yield_kwh_per_kwp / 365.0)),
        homes=_homes(site, loads, design, sim, econ, solo),
        economics=economics, affordability=affordability,
        co2=co2_section(econ),
        p2p=_market(site, settlement),
        alternatives=Alternatives(**{name: alternative_section(a) for name, a in alternatives.items()}),
        baseline=today,
        verdict=Verdict(status=v.status, reason=v.reason),
        sensitivity=sensitivity_rows(sensitivity),
        **({"resilience": _resilience(sim, solo, p2p, other_draws)} if solo is not None else {}),
    )


def _homes(site, loads, design, sim, econ, solo) -> list[HomeResult]:
    """One :class:`HomeResult` per home: sizes and energy [kWp, kWh, kW, L], then money."""
    g = loads.group_of_home
    income = np.array([h.income_per_month for h in site.households], dtype=float)[g]
    columns = {
        "home": list(loads.home_ids), "group": [loads.group_names[i] for i in g], "income_per_month": income,
        "pv_kwp": design.pv_kwp, "battery_kwh": design.battery_kwh, "diesel_kw": design.diesel_kw,
        "load_kwh": sim.load_kwh, "served_kwh": sim.served_kwh, "unmet_kwh": sim.unmet_kwh,
        "unmet_fraction": sim.unmet_fraction, "unmet_hours": sim.unmet_hours, "pv_kwh": sim.pv_kwh,
        "curtailed_kwh": sim.curtailed_kwh, "battery_throughput_kwh": sim.battery_throughput_kwh,
        "equivalent_full_cycles": sim.equivalent_full_cycles, "export_kwh": sim.export_kwh,
        "import_kwh": sim.import_kwh, "diesel_kwh": sim.diesel_kwh, "fuel_l": sim.fuel_l,
        **home_money(econ),
    }
    if solo is not None:
        columns.update(failed_hours=sim.failed_hours, unmet_kwh_without_sharing=solo.unmet_kwh,
                       unmet_hours_without_sharing=solo.unmet_hours)
    names = list(columns)
    values = [v.tolist() if isinstance(v, np.ndarray) else list(v) for v in columns.values()]
    return [HomeResult(**dict(zip(names, row))) for row in zip(*values)]


def economics_section(econ) -> EconomicsSummary:
    """The village's costs and payback from an :class:`~p2p_size.economics.evaluate.EconomicsResult`."""
    cf, pb = econ.cash_flows, econ.payback
    return EconomicsSummary(
        capex=number(cf.capex), npc=number(cf.npc), annualised_cost=number(cf.annualised_cost),
        lcoe_per_kwh=number(cf.lcoe_per_kwh), simple_payback_years=number(pb.village_simple_payback_years),
        discounted_payback_years=number(pb.village_discounted_payback_years), irr=number(pb.village_irr))


def affordability_section(econ) -> Affordability:
    """The tariff against incomes, village-wide and by household group."""
    return Affordability(
        tariff_per_kwh=number(econ.tariff_per_kwh), threshold=econ.threshold,
        share_households_affordable=number(np.mean(econ.affordable)) if len(econ.affordable) else None,
        subsidy_per_month_total=number(np.sum(econ.subsidy_per_month)),
        by_group=[AffordabilityByGroup(**{k: (number(v) if isinstance(v, float) else v) for k, v in g.items()})
                  for g in econ.by_group])


def co2_section(econ) -> CO2Result:
    co2 = econ.co2
    return CO2Result(annual_t=number(co2.annual_t), baseline_annual_t=number(co2.baseline_annual_t),
                     avoided_annual_t=number(co2.avoided_annual_t), avoided_lifetime_t=number(co2.avoided_lifetime_t))


def home_money(econ) -> dict[str, list]:
    """The per-home money columns of :class:`HomeResult`, in order (lists of N values;
    None where a payback or IRR does not exist)."""
    cf, pb = econ.cash_flows, econ.payback
    n = len(econ.bill_per_month)
    return {
        "capex": cf.capex_per_home.tolist(), "npc": cf.npc_per_home.tolist(),
        "bill_per_month": np.asarray(econ.bill_per_month, dtype=float).tolist(),
        "affordable": np.asarray(econ.affordable, dtype=bool).tolist(),
        "subsidy_per_month": np.asarray(econ.subsidy_per_month, dtype=float).tolist(),
        "p2p_income_year": np.asarray(econ.p2p_income, dtype=float).tolist(), "npv": np.asarray(pb.npv).tolist(),
        "simple_payback_years": finite_or_none(pb.simple_payback_years),
        "discounted_payback_years": finite_or_none(pb.discounted_payback_years),
        "irr": finite_or_none(pb.irr),
        "mtf_tier": [None] * n if econ.tiers is None else [int(t) for t in econ.tiers["tier"]],
    }


def sensitivity_rows(tornado) -> list[SensitivityRow]:
    """The tornado's rows (:func:`~p2p_size.economics.sensitivity.tornado`), NaN as None."""
    return [SensitivityRow(**{k: (v if k == "parameter" else number(v)) for k, v in row.items()})
            for row in tornado.to_dict(orient="records")]


def _market(site, settlement) -> P2PMarket:
    """The P2P market block: mechanism, mean prices, money that changed hands."""
    if settlement is None:
        return P2PMarket(enabled=False, pricing=site.p2p.pricing)
    traded = settlement.sold_kwh.sum()
    bought = settlement.bought_kwh.sum()
    return P2PMarket(
        enabled=True, pricing=settlement.mechanism, money_traded_per_year=float(settlement.total_paid),
        mean_buy_price_per_kwh=float(settlement.p2p_cost.sum() / bought) if bought > 0 else None,
        mean_sell_price_per_kwh=float(settlement.p2p_income.sum() / traded) if traded > 0 else None,
        sellers=int((settlement.p2p_net > 0).sum()), buyers=int((settlement.p2p_net < 0).sum()))


def alternative_section(a) -> Alternative:
    """An :class:`~p2p_size.sizing.search.alternatives.AlternativeResult` in the summary: costs and totals."""
    d = a.design
    return Alternative(capex=number(a.capex), npc=number(a.npc), lcoe_per_kwh=number(a.lcoe_per_kwh),
                       unmet_fraction=a.unmet_fraction, max_home_unmet_fraction=a.max_home_unmet_fraction,
                       pv_kwp_total=float(d.pv_kwp.sum()), battery_kwh_total=float(d.battery_kwh.sum()),
                       diesel_kw_total=d.diesel_kw_total, notes=list(a.notes))


def _resilience(sim, solo, p2p: bool, other_draws) -> Resilience:
    """How homes whose PV/battery failed fared, with sharing and as standalone systems.

    Both simulations see the same seeded outages; ``solo`` is the same design without
    links (a shared genset becomes one per home). Figures cover the homes that failed.
    """
    hit = sim.failed_hours > 0
    return Resilience(
        failed_homes=int(hit.sum()), failed_home_hours=float(sim.failed_hours.sum()), sharing_simulated=p2p,
        unmet_kwh_failed_homes_with_sharing=float(sim.unmet_kwh[hit].sum()),
        unmet_kwh_failed_homes_without_sharing=float(solo.unmet_kwh[hit].sum()),
        unmet_hours_failed_homes_with_sharing=float(sim.unmet_hours[hit].sum()),
        unmet_hours_failed_homes_without_sharing=float(solo.unmet_hours[hit].sum()),
        unmet_kwh_village_with_sharing=float(sim.unmet_kwh.sum()),
        unmet_kwh_village_without_sharing=float(solo.unmet_kwh.sum()),
        other_failure_draws=other_draws.draws,
        homes_over_target_in_other_draws_most=other_draws.homes_over_target_most,
        worst_home_unmet_fraction_in_other_draws=other_draws.worst_home_unmet_fraction)
