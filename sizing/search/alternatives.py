"""The same village four ways, each a full design simulated and costed by the same economics.

* ``standalone`` — solar home systems, no links, sized by the same optimiser with
  ``p2p=False`` (a shared genset becomes one genset per home);
* ``p2p`` — the P2P mesh, the run's own design (optimised with sharing in the loop);
* ``minigrid`` — one central plant: all loads pooled on one bus, grossed up by
  ``equipment.minigrid.distribution_loss_fraction``, sized by the same optimiser as a
  one-bus village (its genset, if any, on the bus); costed with the distribution network
  (``distribution_capex_per_home`` per home) instead of P2P links, one controller/meter,
  transport and installation per home; outages of home equipment do not apply;
* ``rule_of_thumb`` — the installer's rule (:func:`~.design.rule_of_thumb_design`),
  simulated with sharing.

Each is an :class:`AlternativeResult`: the design, its simulated year and its costs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...economics.cashflow import CostInputs, Operation, build_cash_flows, cash_flows_for
from ..calendar import HOURS_PER_YEAR
from ..design import Design
from ..dispatch import SimulationResult, dispatch_inputs, simulate, simulate_site
from ..resource.loads import Loads
from ..resource.solar import SolarResult
from ..site.schema import Site
from .designs import rule_of_thumb_design
from .lp_bound import LPBound, npc_lower_bound
from .optimize import StandaloneOptimum, optimize_design, standalone_optimum

__all__ = ["AlternativeResult", "alternatives", "minigrid_design"]


@dataclass(frozen=True)
class AlternativeResult:
    """One way to serve the village: its design, simulated year and costs.

    capex, npc : float — [currency]
    lcoe_per_kwh : float — [currency/kWh] (NaN when nothing is served)
    unmet_fraction : float — the village's unmet share of its load [-]
    max_home_unmet_fraction : float — the worst home's [-]
    notes : list of str — how it was designed
    """

    design: Design
    sim: SimulationResult
    capex: float
    npc: float
    lcoe_per_kwh: float
    unmet_fraction: float
    max_home_unmet_fraction: float
    notes: list[str] = field(default_factory=list)


def _entry(design: Design, sim, cf, notes=()) -> AlternativeResult:
    load = float(sim.load_kwh.sum())
    return AlternativeResult(
        design=design, sim=sim, capex=cf.capex, npc=cf.npc, lcoe_per_kwh=cf.lcoe_per_kwh,
        unmet_fraction=0.0 if load == 0 else float(sim.unmet_kwh.sum() / load),
        max_home_unmet_fraction=float(np.max(sim.unmet_fraction)) if sim.n_homes else 0.0,
        notes=list(notes) or list(design.notes))


def _fixed_npc_and_capex(costs: CostInputs, n: int, *, distribution: bool) -> tuple[float, float]:
    z = np.zeros(n)
    op = Operation(served_kwh=np.ones(n), battery_cycles=z, diesel_running_hours=z, fuel_l=z,
                   shared_running_hours=0.0, shared_fuel_l=0.0, shared_share=np.full(n, 1.0 / n))
    cf = build_cash_flows(costs, pv_kwp=z, new_pv_kwp=z, battery_kwh=z, new_battery_kwh=z, diesel_kw=z,
                          shared_diesel_kw=0.0, operation=op, p2p=False, distribution=distribution)
    return cf.npc, cf.capex


def minigrid_design(site: Site, solar: SolarResult, loads: Loads, *, max_evaluations: int = 150,
                    start: LPBound | None = None) -> AlternativeResult:
    """The central mini-grid: one bus with the village's load / (1 − distribution losses).

    ``start``: the run's LP bound (pooled sizes), the search's starting shape; without it
    the optimiser solves the bus's own LP (~1 s).

    Returns the one-bus design, its simulated year and its costs (the distribution network
    instead of links, a meter, transport and installation per home).
    """
    loss = site.equipment.minigrid.distribution_loss_fraction
    bus_kw = loads.load_kw.sum(axis=1, keepdims=True) / (1.0 - loss)
    bus = Loads(load_kw=bus_kw, group_of_home=np.zeros(1, dtype=int), group_names=["village bus"],
                home_ids=["village bus"])
    plant_site = site.model_copy(deep=True)
    if plant_site.equipment.diesel.placement == "shared":
        plant_site.equipment.diesel.placement = "per_home"   # the plant's genset sits on the one bus
    for g in plant_site.households:
        if getattr(g, "existing", None) is not None:
            g.existing = None                               # home systems do not feed a central plant
    design = optimize_design(plant_site, solar, bus, p2p=False, failed=np.zeros(bus_kw.shape, dtype=bool),
                             max_evaluations=max_evaluations, on_infeasible="best_effort", start=start)
    sim = simulate(dispatch_inputs(plant_site, design, solar, bus, p2p=False, failed=None))
    costs = CostInputs.from_site(site)
    plant = cash_flows_for(costs, design, sim, p2p=False)
    one_npc, one_capex = _fixed_npc_and_capex(costs, 1, distribution=False)
    n_npc, n_capex = _fixed_npc_and_capex(costs, loads.n_homes, distribution=True)
    npc = plant.npc - one_npc + n_npc
    capex = plant.capex - one_capex + n_capex
    served_homes = float(sim.served_kwh.sum()) * (1.0 - loss) * HOURS_PER_YEAR / sim.n_hours
    load = float(loads.load_kw.sum())
    return AlternativeResult(
        design=design, sim=sim, capex=capex, npc=npc,
        lcoe_per_kwh=npc * plant.crf / served_homes if served_homes > 0 else float("nan"),
        unmet_fraction=0.0 if load == 0 else float(sim.unmet_kwh.sum() / sim.load_kwh.sum()),
        max_home_unmet_fraction=float(sim.unmet_kwh.sum() / sim.load_kwh.sum()) if load else 0.0,
        notes=[f"one central plant on a bus carrying the village load / (1 - {loss:g} distribution losses), "
               "sized by the same optimiser; distribution network, meter, transport and installation per home; "
               "home-equipment outages do not apply"] + list(design.notes))


def alternatives(site: Site, solar: SolarResult, loads: Loads, seed: int = 0, *,
                 design: Design | None = None, bound: LPBound | None = None,
                 standalone: StandaloneOptimum | None = None) -> dict[str, AlternativeResult]:
    """The four designs side by side (see module docstring), each simulated and costed.

    Parameters
    ----------
    design : Design, optional
        The run's P2P design (``method`` whatever the site asks); optimised here when None.
    bound : LPBound, optional
        The LP bound already computed for the run; reused as the optimiser's start.
    standalone : StandaloneOptimum, optional
        The standalone optimum the run already searched (:func:`~.optimize.standalone_optimum`
        with the same inputs and ``start=bound``); searched here when None.

    Returns
    -------
    dict of AlternativeResult
        ``p2p``, ``standalone``, ``minigrid`` and ``rule_of_thumb``, in that order.
    """
    costs = CostInputs.from_site(site)
    if bound is None:
        bound = npc_lower_bound(site, solar, loads, p2p=True)
    out = {}
    if standalone is None:
        standalone = standalone_optimum(site, solar, loads, seed=seed, start=bound)
    if design is None:
        design = optimize_design(site, solar, loads, p2p=True, seed=seed, start=bound, standalone=standalone)
    sim = simulate_site(site, design, solar, loads, p2p=True, seed=seed)
    out["p2p"] = _entry(design, sim, cash_flows_for(costs, design, sim, p2p=True))

    sa = standalone.design
    sa_sim = simulate_site(site, sa, solar, loads, p2p=False, seed=seed)
    out["standalone"] = _entry(sa, sa_sim, cash_flows_for(costs, sa, sa_sim, p2p=False))

    out["minigrid"] = minigrid_design(site, solar, loads, start=bound)

    rot = rule_of_thumb_design(site, solar, loads)
    rot_sim = simulate_site(site, rot, solar, loads, p2p=True, seed=seed)
    out["rule_of_thumb"] = _entry(rot, rot_sim, cash_flows_for(costs, rot, rot_sim, p2p=True))
    return out
