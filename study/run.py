"""One village, end to end: site -> resource & loads -> design -> simulated year -> results.

Pure computation: no CLI, no templates, no file I/O except :meth:`RunResult.write_hourly`
which the CLI calls inside its staging folder.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Optional

import numpy as np
import pandas as pd

from ..economics.cashflow import CostInputs
from ..economics.evaluate import (Economics, baseline_cost_per_kwh, baseline_for, economics_homes_frame,
                                  economics_summary, evaluate_economics)
from ..economics.sensitivity import sensitivity, tornado_records
from ..economics.verdict import verdict
from ..sizing.design import Design
from ..sizing.dispatch import SimulationResult, simulate_site
from ..sizing.errors import P2PSizeError, Problem
from ..sizing.market import Settlement, settle_site
from ..sizing.resource import Loads, SolarResult, build_loads, solar_resource
from ..sizing.search import rule_of_thumb as rot
from ..sizing.search.alternatives import alternatives, lower_bound_summary
from ..sizing.search.designs import design_month_peak_sun_hours, fixed_design, rule_of_thumb_design, standalone_design
from ..sizing.search.lp_bound import LPBound, npc_lower_bound
from ..sizing.search.optimize import optimize_design
from ..sizing.site.schema import Site


@dataclass
class RunResult:
    """Everything one run produced; the reports and writers read it."""

    site: Site
    seed: int
    p2p: bool
    solar: SolarResult
    loads: Loads
    design: Design
    sim: SimulationResult
    settlement: Optional[Settlement]
    econ: "Economics"
    summary: dict
    homes: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def choose_design(site: Site, solar: SolarResult, loads: Loads, *, p2p: bool = True, seed: int = 0,
                  bound: Optional[LPBound] = None) -> Design:
    """The design for ``sizing.method``: optimised per home (sharing in the loop when
    ``p2p``), the rule of thumb, or fixed sizes."""
    method = site.sizing.method
    if method == "fixed":
        design = fixed_design(site, loads)
    elif method == "rule_of_thumb":
        design = rule_of_thumb_design(site, solar, loads)
    else:
        return optimize_design(site, solar, loads, p2p=p2p, seed=seed, start=bound)
    return design if p2p else standalone_design(design, loads)


#: Bytes per home-hour a run holds at its peak: the hourly record of the dispatch
#: (~125 B), the loads and PV profiles, the settlement and report series (measured
#: ~0.8 GB peak for 200 homes, of which ~0.35 GB is the interpreter and libraries).
BYTES_PER_HOME_HOUR = 260
BASE_MEMORY_GB = 0.5


def check_memory(site: Site, n_hours: int = 8760) -> float:
    """Estimated peak memory of a run [GB]; refuse early above ``P2P_SIZE_MAX_MEMORY_GB``.

    The limit defaults to 4 GB; set the environment variable to raise it (the machine
    must have that memory free).
    """
    import os

    limit = float(os.environ.get("P2P_SIZE_MAX_MEMORY_GB", "4"))
    need = BASE_MEMORY_GB + site.n_homes * n_hours * BYTES_PER_HOME_HOUR / 1e9
    if need > limit:
        raise P2PSizeError(Problem(
            str(site.source_file or ""), "households",
            f"{site.n_homes:,} homes need about {need:.1f} GB for a year of hourly results per home, "
            f"above the {limit:g} GB limit",
            "split the village into several site files (each run per feeder or hamlet), or raise the limit "
            "with the environment variable P2P_SIZE_MAX_MEMORY_GB (e.g. P2P_SIZE_MAX_MEMORY_GB=8) on a machine "
            "that has the memory"))
    return need


def evaluate(site: Site, *, seed: int = 0, p2p: bool = True,
             on_step: Optional[Callable[[str], None]] = None) -> RunResult:
    """Run one village: resource, loads, design, the simulated year and its summary."""
    step = on_step or (lambda name: None)
    check_memory(site)
    solar = solar_resource(site, seed=seed)
    step("household loads")
    loads = build_loads(site, seed=seed)
    step("sizing")
    p2p_on = p2p and site.p2p.enabled
    bound = npc_lower_bound(site, solar, loads, p2p=p2p_on)
    design = choose_design(site, solar, loads, p2p=p2p_on, seed=seed, bound=bound)
    step("simulation")
    sim = simulate_site(site, design, solar, loads, p2p=p2p_on, seed=seed, record_hourly=True)
    step("economics")
    baseline = baseline_for(site, CostInputs.from_site(site), loads.load_kw)
    settlement = None
    if p2p_on:
        settlement = settle_site(site, design, sim, loads.group_of_home,
                                 baseline_cost_per_kwh(baseline, loads.load_kw))
    econ = evaluate_economics(site, design, sim, loads, p2p=p2p_on, settlement=settlement)
    homes = homes_frame(site, loads, design, sim).merge(economics_homes_frame(econ), on="home", how="left")
    summary = build_summary(site, seed, p2p_on, solar, loads, design, sim, homes)
    summary.update(economics_summary(econ))
    summary["p2p"] = p2p_summary(site, settlement)
    summary["sizing"].update(lower_bound_summary(bound, econ.cash_flows.npc))
    summary["alternatives"] = alternatives(site, solar, loads, seed, design=design if p2p_on else None, bound=bound)
    summary["baseline"] = {"kind": baseline.kind, "annual_cost": float(baseline.cost[:, 1].sum()),
                           "cost_per_kwh": baseline_cost_per_kwh(baseline, loads.load_kw)}
    summary["verdict"] = verdict(summary, site.sizing.max_unmet_fraction, summary["baseline"]["cost_per_kwh"],
                                 econ.tariff_kind)

    def resimulate(load_scale: float):
        """The same design with every home's load scaled (load-growth sensitivity)."""
        scaled = replace(loads, load_kw=loads.load_kw * load_scale)
        s = simulate_site(site, design, solar, scaled, p2p=p2p_on, seed=seed, record_hourly=True)
        st = settle_site(site, design, s, loads.group_of_home, baseline_cost_per_kwh(baseline, scaled.load_kw)) if p2p_on else None
        return s, scaled, st

    summary["sensitivity"] = tornado_records(
        sensitivity(site, design, sim, loads, p2p_on, settlement, resimulate=resimulate))
    if site.failures is not None:
        solo = simulate_site(site, standalone_design(design, loads), solar, loads, p2p=False, seed=seed) if p2p_on else sim
        summary["resilience"] = resilience_summary(sim, solo, p2p_on)
        summary["resilience"].update(other_failure_draws(site, design, solar, loads, p2p_on, seed))
        homes["failed_hours"] = sim.failed_hours
        homes["unmet_kwh_without_sharing"] = solo.unmet_kwh
        homes["unmet_hours_without_sharing"] = solo.unmet_hours
    return RunResult(site, seed, p2p_on, solar, loads, design, sim, settlement, econ, summary, homes)


def resilience_summary(sim: SimulationResult, solo: SimulationResult, p2p_on: bool) -> dict:
    """How homes whose PV/battery failed fared, with sharing and as standalone systems.

    Both simulations see the same seeded outages; ``solo`` is the same design without
    links (a shared genset becomes one per home). Figures cover the homes that failed.
    """
    hit = sim.failed_hours > 0
    return {
        "failed_homes": int(hit.sum()),
        "failed_home_hours": float(sim.failed_hours.sum()),
        "sharing_simulated": p2p_on,
        "unmet_kwh_failed_homes_with_sharing": float(sim.unmet_kwh[hit].sum()),
        "unmet_kwh_failed_homes_without_sharing": float(solo.unmet_kwh[hit].sum()),
        "unmet_hours_failed_homes_with_sharing": float(sim.unmet_hours[hit].sum()),
        "unmet_hours_failed_homes_without_sharing": float(solo.unmet_hours[hit].sum()),
        "unmet_kwh_village_with_sharing": float(sim.unmet_kwh.sum()),
        "unmet_kwh_village_without_sharing": float(solo.unmet_kwh.sum()),
    }


#: How many other draws of the outages the chosen design is simulated in (see other_failure_draws).
OTHER_FAILURE_DRAWS = 3


def other_failure_draws(site: Site, design: Design, solar: SolarResult, loads: Loads, p2p_on: bool, seed: int) -> dict:
    """The chosen design in :data:`OTHER_FAILURE_DRAWS` other random draws of the outages.

    The run's outages are one seeded draw, and sizing meets every home's target in that
    draw — knowing which homes it breaks (the optimiser may give those homes a genset and
    the others none). Drawn again at the same rate and duration (seeds ``seed + 1``, ...),
    other homes fail: these figures say how many then exceed the target, so the report
    does not claim more than one draw shows.
    """
    target = site.sizing.max_unmet_fraction
    over, worst = [], []
    for k in range(1, OTHER_FAILURE_DRAWS + 1):
        other = simulate_site(site, design, solar, loads, p2p=p2p_on, seed=seed + k)
        over.append(int((other.unmet_fraction > target + 1e-9).sum()))
        worst.append(float(other.unmet_fraction.max()))
    return {"other_failure_draws": OTHER_FAILURE_DRAWS,
            "homes_over_target_in_other_draws_most": max(over),
            "worst_home_unmet_fraction_in_other_draws": max(worst)}


def p2p_summary(site: Site, settlement: Optional[Settlement]) -> dict:
    """The P2P market block: mechanism, mean prices, money that changed hands."""
    if settlement is None:
        return {"enabled": False, "pricing": site.p2p.pricing}
    traded = settlement.sold_kwh.sum()
    return {
        "enabled": True,
        "pricing": settlement.mechanism,
        "money_traded_per_year": float(settlement.total_paid),
        "mean_buy_price_per_kwh": float(settlement.p2p_cost.sum() / settlement.bought_kwh.sum()) if settlement.bought_kwh.sum() > 0 else None,
        "mean_sell_price_per_kwh": float(settlement.p2p_income.sum() / traded) if traded > 0 else None,
        "sellers": int((settlement.p2p_net > 0).sum()),
        "buyers": int((settlement.p2p_net < 0).sum()),
    }


# --------------------------------------------------------------------------- tables
def homes_frame(site: Site, loads: Loads, design: Design, sim: SimulationResult) -> pd.DataFrame:
    """One row per home: sizes and annual energy [kWp, kWh, kW, L]."""
    g = loads.group_of_home
    income = np.array([h.income_per_month for h in site.households])[g]
    return pd.DataFrame({
        "home": loads.home_ids,
        "group": [loads.group_names[i] for i in g],
        "income_per_month": income,
        "pv_kwp": design.pv_kwp,
        "battery_kwh": design.battery_kwh,
        "diesel_kw": design.diesel_kw,
        "load_kwh": sim.load_kwh,
        "served_kwh": sim.served_kwh,
        "unmet_kwh": sim.unmet_kwh,
        "unmet_fraction": sim.unmet_fraction,
        "unmet_hours": sim.unmet_hours,
        "pv_kwh": sim.pv_kwh,
        "curtailed_kwh": sim.curtailed_kwh,
        "battery_throughput_kwh": sim.battery_throughput_kwh,
        "equivalent_full_cycles": sim.equivalent_full_cycles,
        "export_kwh": sim.export_kwh,
        "import_kwh": sim.import_kwh,
        "diesel_kwh": sim.diesel_kwh,
        "fuel_l": sim.fuel_l,
    })


def build_summary(site: Site, seed: int, p2p_on: bool, solar: SolarResult, loads: Loads,
                  design: Design, sim: SimulationResult, homes: pd.DataFrame) -> dict:
    """The stable ``summary.json`` structure (SPEC section 4)."""
    load = float(sim.load_kwh.sum())
    served = float(sim.served_kwh.sum())
    diesel_kwh = float(sim.diesel_kwh.sum() + sim.shared_diesel_kwh)
    fuel = float(sim.fuel_l.sum() + sim.shared_fuel_l)
    r = site.sizing.rule_of_thumb
    psh = r.peak_sun_hours if r.peak_sun_hours is not None else design_month_peak_sun_hours(solar)
    summary = {
        "site": site.name,
        "n_homes": int(site.n_homes),  # the count; "homes" (below) lists every home
        "currency": site.currency,
        "seed": seed,
        "p2p_enabled": p2p_on,
        "location": {"latitude": site.location.latitude, "longitude": site.location.longitude,
                     "altitude_m": site.location.altitude_m},
        "solar": {
            "source": solar.source,
            "annual_ghi_kwh_m2": float(np.sum(solar.ghi_w_m2) / 1000.0),
            "annual_yield_kwh_per_kwp": float(solar.annual_yield_kwh_per_kwp),
            "peak_sun_hours": float(solar.peak_sun_hours),
            "design_month_peak_sun_hours": design_month_peak_sun_hours(solar),
            "notes": list(solar.notes),
        },
        "loads": {"annual_kwh": float(np.sum(loads.annual_kwh)), "notes": list(loads.notes)},
        "sizing": {
            "method": design.method,
            "max_unmet_fraction": float(site.sizing.max_unmet_fraction),
            "pv_kwp_total": float(design.pv_kwp.sum()),
            "battery_kwh_total": float(design.battery_kwh.sum()),
            "diesel_kw_total": design.diesel_kw_total,
            "npc_lower_bound": None,
            "gap_to_lower_bound": None,
            "notes": list(design.notes),
        },
        "energy": {
            "load_kwh": load,
            "served_kwh": served,
            "unmet_fraction": 0.0 if load == 0 else float(1.0 - served / load),
            "p2p_traded_kwh": float(sim.p2p_traded_kwh),
            "p2p_losses_kwh": float(sim.p2p_losses_kwh),
            "diesel_kwh": diesel_kwh,
            "fuel_l": fuel,
            "curtailed_kwh": float(sim.curtailed_kwh.sum()),
            "renewable_fraction": float(sim.renewable_fraction),
            "max_home_unmet_fraction": float(np.max(sim.unmet_fraction)) if len(sim.unmet_fraction) else 0.0,
        },
        "rule_of_thumb_check": {
            "peak_sun_hours": psh,
            "system_efficiency": r.system_efficiency,
            "safety_factor": r.safety_factor,
            "kwh_per_kwp_day_raw": float(rot.deliverable_kwh_per_day(1.0, psh)),
            "kwh_per_kwp_day_derated": float(rot.deliverable_kwh_per_day(1.0, psh, r.system_efficiency, r.safety_factor)),
            "kwh_per_kwp_day_simulated": float(solar.annual_yield_kwh_per_kwp / 365.0),
        },
        "homes": homes.to_dict(orient="records"),
    }
    return summary
