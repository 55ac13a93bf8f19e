"""Cash flows of a design over the project: per home and year, by component and cost category.

HOMER's definitions (real terms, end-of-year flows, year 0 = capital): net present cost
(NPC), annualised cost = NPC × CRF, levelised cost of energy (LCOE) = annualised cost /
energy served. Equations and sources: ``docs/economics.md``.

Every money array is ``(components, categories, homes, years)``; a village figure is
the sum over homes, so per-home cash flows add up to the village's by construction. A
shared genset's costs are split among homes in proportion to the shared-genset energy
each received.

Sign convention: a cost is > 0; the salvage value is booked as a negative cost in the
last year.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..sizing.calendar import HOURS_PER_YEAR
from .finance import crf, discount_factors, remaining_life_fraction, replacement_schedule, units_bought

COMPONENTS = ("pv", "battery", "controller", "diesel", "p2p_link", "distribution", "logistics")
CATEGORIES = ("capital", "replacement", "om", "fuel", "salvage")
_C = {name: k for k, name in enumerate(COMPONENTS)}
_K = {name: k for k, name in enumerate(CATEGORIES)}


@dataclass(frozen=True)
class CostInputs:
    """Prices, lifetimes and financial terms, as plain numbers (the site's ``equipment`` and
    ``economics`` sections). Sensitivity runs change one with :func:`dataclasses.replace`.

    Money is in the site's currency; ``*_per_kwp`` per kW peak, ``*_per_kwh`` per kWh of
    nominal battery capacity, ``diesel_om_per_kw_running_hour`` per running hour per kW rated.
    """

    pv_capex_per_kwp: float
    pv_om_per_kwp_year: float
    pv_lifetime_years: float
    battery_capex_per_kwh: float
    battery_om_per_kwh_year: float
    battery_lifetime_years: float
    battery_cycle_life: float
    controller_capex_per_home: float
    controller_lifetime_years: float
    diesel_capex_per_kw: float
    diesel_om_per_kw_running_hour: float
    diesel_lifetime_hours: float
    fuel_price_per_litre: float
    link_capex_per_home: float
    link_lifetime_years: float
    distribution_capex_per_home: float
    distribution_lifetime_years: float
    transport_per_home: float
    installation_per_home: float
    transport_fraction_of_equipment: float
    discount_rate: float
    project_years: int

    @classmethod
    def from_site(cls, site) -> "CostInputs":
        """The cost inputs of a validated :class:`~p2p_size.sizing.site.schema.Site`."""
        eq, ec = site.equipment, site.economics
        return cls(
            pv_capex_per_kwp=eq.pv.capex_per_kwp,
            pv_om_per_kwp_year=eq.pv.om_per_kwp_year,
            pv_lifetime_years=eq.pv.lifetime_years,
            battery_capex_per_kwh=eq.battery.capex_per_kwh,
            battery_om_per_kwh_year=eq.battery.om_per_kwh_year,
            battery_lifetime_years=eq.battery.lifetime_years,
            battery_cycle_life=eq.battery.cycle_life,
            controller_capex_per_home=eq.controller.capex_per_home,
            controller_lifetime_years=eq.controller.lifetime_years,
            diesel_capex_per_kw=eq.diesel.capex_per_kw,
            diesel_om_per_kw_running_hour=eq.diesel.om_per_kw_running_hour,
            diesel_lifetime_hours=eq.diesel.lifetime_hours,
            fuel_price_per_litre=eq.diesel.fuel_price_per_litre,
            link_capex_per_home=eq.p2p_link.capex_per_home,
            link_lifetime_years=eq.p2p_link.lifetime_years,
            distribution_capex_per_home=eq.minigrid.distribution_capex_per_home,
            distribution_lifetime_years=eq.minigrid.lifetime_years,
            transport_per_home=eq.logistics.transport_per_home,
            installation_per_home=eq.logistics.installation_per_home,
            transport_fraction_of_equipment=eq.logistics.transport_fraction_of_equipment,
            discount_rate=ec.discount_rate,
            project_years=ec.project_years,
        )


@dataclass(frozen=True)
class Operation:
    """What the simulated year says about use, per home, scaled to one year (8760 h).

    Attributes
    ----------
    served_kwh : ndarray (N,) — load served per year [kWh/year]
    battery_cycles : ndarray (N,) — equivalent full cycles per year [1/year]
    diesel_running_hours : ndarray (N,) — per-home genset running hours per year [h/year]
    fuel_l : ndarray (N,) — per-home genset fuel per year [L/year]
    shared_running_hours : float — shared genset running hours per year [h/year]
    shared_fuel_l : float — shared genset fuel per year [L/year]
    shared_share : ndarray (N,) — each home's share of the shared genset's costs [-], sums to 1
    """

    served_kwh: np.ndarray
    battery_cycles: np.ndarray
    diesel_running_hours: np.ndarray
    fuel_l: np.ndarray
    shared_running_hours: float
    shared_fuel_l: float
    shared_share: np.ndarray

    @classmethod
    def from_simulation(cls, sim) -> "Operation":
        """Annual use from a :class:`~p2p_size.sizing.dispatch.SimulationResult`.

        Totals over ``sim.n_hours`` are scaled by ``8760 / n_hours`` (exactly 1 for a year).
        """
        scale = HOURS_PER_YEAR / float(sim.n_hours)
        return cls(
            served_kwh=np.asarray(sim.served_kwh, dtype=float) * scale,
            battery_cycles=np.asarray(sim.equivalent_full_cycles, dtype=float) * scale,
            diesel_running_hours=np.asarray(sim.diesel_running_hours, dtype=float) * scale,
            fuel_l=np.asarray(sim.fuel_l, dtype=float) * scale,
            shared_running_hours=float(sim.shared_diesel_running_hours) * scale,
            shared_fuel_l=float(sim.shared_fuel_l) * scale,
            shared_share=shared_cost_shares(sim.shared_diesel_received_kwh),
        )


def shared_cost_shares(received_kwh) -> np.ndarray:
    """Each home's share of a shared genset's costs [-]: its share of the genset energy
    received, ``e_n / Σ e``; equal shares when no home received any."""
    e = np.asarray(received_kwh, dtype=float)
    total = e.sum()
    if len(e) == 0:
        return e
    return e / total if total > 0 else np.full(len(e), 1.0 / len(e))


def battery_life_years(calendar_life_years, cycle_life, cycles_per_year) -> np.ndarray:
    """Battery life [years]: the calendar life or the cycle life, whichever ends first.

    Notes
    -----
    .. math:: L_{bat} = \\min\\left(L_{cal}, \\frac{N_{cycles}}{\\mathrm{EFC}_{year}}\\right)

    with ``EFC_year`` the equivalent full cycles per year from the simulation (HOMER's
    "throughput-limited" life with calendar float life). No cycling → the calendar life.
    """
    efc = np.asarray(cycles_per_year, dtype=float)
    with np.errstate(divide="ignore"):
        cycle_years = np.where(efc > 0, float(cycle_life) / np.where(efc > 0, efc, 1.0), np.inf)
    return np.minimum(float(calendar_life_years), cycle_years)


def genset_life_years(lifetime_hours, running_hours_per_year) -> np.ndarray:
    """Genset life [years] = ``lifetime_hours / running hours per year``; ``inf`` when it never runs (HOMER)."""
    h = np.asarray(running_hours_per_year, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(h > 0, float(lifetime_hours) / np.where(h > 0, h, 1.0), np.inf)


def _asset(new_cost, full_cost, life, project_years: int) -> np.ndarray:
    """Capital, replacement and salvage lines of one component, (3, N, Y+1) [currency].

    ``new_cost``: what is bought at year 0 (existing equipment excluded); ``full_cost``:
    the price of the whole installed size, paid at each replacement. The salvage is the
    remaining life of the last unit × its cost — the full cost when that unit is a
    replacement, the new part only when the first unit is still in service.
    """
    new_cost = np.asarray(new_cost, dtype=float)
    full_cost = np.asarray(full_cost, dtype=float)
    life = np.broadcast_to(np.asarray(life, dtype=float), new_cost.shape)
    out = np.zeros((3,) + new_cost.shape + (project_years + 1,))
    out[0, ..., 0] = new_cost
    out[1] = full_cost[..., None] * replacement_schedule(life, project_years)
    last_unit = np.where(units_bought(life, project_years) >= 2, full_cost, new_cost)
    out[2, ..., -1] = -last_unit * remaining_life_fraction(life, project_years)
    return out


@dataclass(frozen=True)
class CashFlows:
    """Yearly costs of a design over the project.

    Attributes
    ----------
    flows : ndarray (C, K, N, Y+1)
        Cost of each component (``COMPONENTS``), category (``CATEGORIES``), home and
        year 0..Y [currency]; salvage < 0.
    served_kwh : ndarray (N,) — energy served per year [kWh/year]
    discount_rate : float — real [fraction/year]
    project_years : int — Y [years]
    battery_life_years, diesel_life_years : ndarray (N,) — component lives used [years]
    shared_diesel_life_years : float [years]
    """

    flows: np.ndarray
    served_kwh: np.ndarray
    discount_rate: float
    project_years: int
    battery_life_years: np.ndarray
    diesel_life_years: np.ndarray
    shared_diesel_life_years: float
    components: tuple = COMPONENTS
    categories: tuple = CATEGORIES

    # per home -----------------------------------------------------------------
    @property
    def per_home(self) -> np.ndarray:
        """Total cost per home and year, (N, Y+1) [currency]."""
        return self.flows.sum(axis=(0, 1))

    @property
    def capex_per_home(self) -> np.ndarray:
        """Initial capital per home, logistics included, (N,) [currency]."""
        return self.flows[:, _K["capital"], :, 0].sum(axis=0)

    @property
    def npc_per_home(self) -> np.ndarray:
        """Net present cost per home, (N,) [currency]."""
        return self.per_home @ discount_factors(self.discount_rate, self.project_years)

    # village ------------------------------------------------------------------
    @property
    def village(self) -> np.ndarray:
        """Total cost of the village per year, (Y+1,) [currency]."""
        return self.flows.sum(axis=(0, 1, 2))

    @property
    def by_category(self) -> dict[str, np.ndarray]:
        """Village cost per year of each category, name → (Y+1,) [currency]."""
        s = self.flows.sum(axis=(0, 2))
        return {name: s[k] for k, name in enumerate(self.categories)}

    @property
    def by_component(self) -> dict[str, np.ndarray]:
        """Village cost per year of each component, name → (Y+1,) [currency]."""
        s = self.flows.sum(axis=(1, 2))
        return {name: s[c] for c, name in enumerate(self.components)}

    @property
    def capex(self) -> float:
        """Initial capital of the village [currency]."""
        return float(self.capex_per_home.sum())

    @property
    def npc(self) -> float:
        """Net present cost of the village, ``Σ_y C_y / (1+i)^y`` [currency]."""
        return float(self.village @ discount_factors(self.discount_rate, self.project_years))

    @property
    def crf(self) -> float:
        """Capital recovery factor of the project [1/year]."""
        return float(crf(self.discount_rate, self.project_years))

    @property
    def annualised_cost(self) -> float:
        """``NPC × CRF(i, Y)`` [currency/year]."""
        return self.npc * self.crf

    @property
    def lcoe_per_kwh(self) -> float:
        """``annualised cost / energy served per year`` [currency/kWh]; NaN when nothing is served."""
        served = float(self.served_kwh.sum())
        return self.annualised_cost / served if served > 0 else float("nan")

    def npc_by(self, axis: str) -> dict[str, float]:
        """Present value of the village's costs by ``"component"`` or ``"category"`` [currency]."""
        df = discount_factors(self.discount_rate, self.project_years)
        parts = self.by_component if axis == "component" else self.by_category
        return {name: float(v @ df) for name, v in parts.items()}

    def frame(self) -> pd.DataFrame:
        """Village cash flows as a tidy table: year, component, category, cost [currency]."""
        s = self.flows.sum(axis=2)
        c, k, y = np.meshgrid(np.arange(s.shape[0]), np.arange(s.shape[1]), np.arange(s.shape[2]), indexing="ij")
        return pd.DataFrame({
            "year": y.ravel(),
            "component": np.asarray(self.components)[c.ravel()],
            "category": np.asarray(self.categories)[k.ravel()],
            "cost": s.ravel(),
        })


def build_cash_flows(costs: CostInputs, *, pv_kwp, new_pv_kwp, battery_kwh, new_battery_kwh,
                     diesel_kw, shared_diesel_kw: float, operation: Operation, p2p: bool,
                     distribution: bool = False) -> CashFlows:
    """Cash flows of every home over the project.

    Parameters
    ----------
    costs : CostInputs
        Prices, lifetimes, discount rate and project years.
    pv_kwp, battery_kwh : ndarray (N,)
        Installed PV [kWp] and nominal battery capacity [kWh], existing included
        (O&M and replacements are on the whole size).
    new_pv_kwp, new_battery_kwh : ndarray (N,)
        The part bought now [kWp], [kWh] (existing systems are not bought again).
    diesel_kw : ndarray (N,)
        Per-home genset ratings [kW].
    shared_diesel_kw : float
        Shared genset rating [kW].
    operation : Operation
        Annual use from the simulation.
    p2p : bool
        Homes are linked: one P2P link per home.
    distribution : bool
        A central mini-grid's distribution network per home (the mini-grid alternative).

    Returns
    -------
    CashFlows

    Notes
    -----
    Capital at year 0 (new equipment + logistics):

    .. math:: C_0 = \\underbrace{c_{pv} P^{new} + c_{bat} B^{new} + c_{ctl} + c_{link}
              + c_{dist} + c_{gen} G}_{E_0} + t_{home} + i_{home} + f_{tr} E_0

    with one controller per home, a link per home when ``p2p``, the shared genset's
    capital split by ``operation.shared_share``. Each component is replaced at the end
    of its life (:func:`~p2p_size.economics.finance.replacement_schedule`) at the price
    of its whole installed size, plus ``f_tr`` of that price for transport (booked
    under ``logistics``/``replacement``; the per-home transport and installation are
    not repeated). Lives: PV, controller, link and distribution by their years, battery
    by :func:`battery_life_years`, gensets by :func:`genset_life_years`. O&M per year:
    ``om_pv·P + om_bat·B + om_gen·G·h_run``; fuel ``= litres × price``. Salvage at year
    Y: HOMER's linear remaining life of each component's last unit (no salvage on
    logistics).

    NPC, annualised cost and LCOE:

    .. math:: NPC = \\sum_{y=0}^{Y} \\frac{C_y}{(1+i)^y}, \\quad
              C_{ann} = NPC \\cdot CRF(i, Y), \\quad LCOE = \\frac{C_{ann}}{E_{served}}

    References
    ----------
    HOMER Pro 3.x manual: "Net Present Cost", "Capital Recovery Factor", "Salvage Value",
    "Levelized Cost of Energy", "Generator Fuel Curve".
    """
    Y = int(costs.project_years)
    pv_kwp = np.asarray(pv_kwp, dtype=float)
    n = pv_kwp.shape[0]
    flows = np.zeros((len(COMPONENTS), len(CATEGORIES), n, Y + 1))
    cap, rep, om, fuel, salv = (_K[k] for k in CATEGORIES)
    years = slice(1, Y + 1)

    def put(component, lines):
        c = _C[component]
        flows[c, cap] += lines[0]
        flows[c, rep] += lines[1]
        flows[c, salv] += lines[2]

    # PV
    put("pv", _asset(costs.pv_capex_per_kwp * np.asarray(new_pv_kwp, dtype=float),
                     costs.pv_capex_per_kwp * pv_kwp, np.full(n, costs.pv_lifetime_years), Y))
    flows[_C["pv"], om, :, years] = (costs.pv_om_per_kwp_year * pv_kwp)[:, None]

    # battery
    bat = np.asarray(battery_kwh, dtype=float)
    bat_life = battery_life_years(costs.battery_lifetime_years, costs.battery_cycle_life, operation.battery_cycles)
    put("battery", _asset(costs.battery_capex_per_kwh * np.asarray(new_battery_kwh, dtype=float),
                          costs.battery_capex_per_kwh * bat, bat_life, Y))
    flows[_C["battery"], om, :, years] = (costs.battery_om_per_kwh_year * bat)[:, None]

    # controller (one per home) and P2P link / distribution (one per home when used)
    ones = np.ones(n)
    put("controller", _asset(costs.controller_capex_per_home * ones, costs.controller_capex_per_home * ones,
                             np.full(n, costs.controller_lifetime_years), Y))
    if p2p:
        put("p2p_link", _asset(costs.link_capex_per_home * ones, costs.link_capex_per_home * ones,
                               np.full(n, costs.link_lifetime_years), Y))
    if distribution:
        put("distribution", _asset(costs.distribution_capex_per_home * ones, costs.distribution_capex_per_home * ones,
                                   np.full(n, costs.distribution_lifetime_years), Y))

    # gensets: per home, and the shared one split by the energy each home received
    gen_kw = np.asarray(diesel_kw, dtype=float) * ones
    gen_life = genset_life_years(costs.diesel_lifetime_hours, operation.diesel_running_hours)
    gen_cost = costs.diesel_capex_per_kw * gen_kw
    put("diesel", _asset(gen_cost, gen_cost, gen_life, Y))
    flows[_C["diesel"], om, :, years] = (costs.diesel_om_per_kw_running_hour * gen_kw * operation.diesel_running_hours)[:, None]
    flows[_C["diesel"], fuel, :, years] = (costs.fuel_price_per_litre * operation.fuel_l)[:, None]
    shared_life = float(genset_life_years(costs.diesel_lifetime_hours, operation.shared_running_hours))
    if shared_diesel_kw > 0:
        share = np.asarray(operation.shared_share, dtype=float)
        shared_cost = costs.diesel_capex_per_kw * float(shared_diesel_kw) * share
        put("diesel", _asset(shared_cost, shared_cost, np.full(n, shared_life), Y))
        shared_om = costs.diesel_om_per_kw_running_hour * float(shared_diesel_kw) * operation.shared_running_hours
        flows[_C["diesel"], om, :, years] += (shared_om * share)[:, None]
        flows[_C["diesel"], fuel, :, years] += (costs.fuel_price_per_litre * operation.shared_fuel_l * share)[:, None]

    # logistics: per-home transport and installation, plus a share of the equipment
    # bought (at year 0 and at every replacement) for transport to a remote site
    f = costs.transport_fraction_of_equipment
    log = _C["logistics"]
    flows[log, cap, :, 0] = costs.transport_per_home + costs.installation_per_home + f * flows[:log, cap, :, 0].sum(axis=0)
    flows[log, rep] = f * flows[:log, rep].sum(axis=0)

    return CashFlows(
        flows=flows,
        served_kwh=np.asarray(operation.served_kwh, dtype=float),
        discount_rate=float(costs.discount_rate),
        project_years=Y,
        battery_life_years=bat_life,
        diesel_life_years=gen_life,
        shared_diesel_life_years=shared_life,
    )


def cash_flows_for(costs: CostInputs, design, sim, *, p2p: bool, distribution: bool = False) -> CashFlows:
    """:func:`build_cash_flows` for a :class:`~p2p_size.sizing.design.Design` and its simulated year."""
    return build_cash_flows(
        costs,
        pv_kwp=design.pv_kwp, new_pv_kwp=design.new_pv_kwp,
        battery_kwh=design.battery_kwh, new_battery_kwh=design.new_battery_kwh,
        diesel_kw=design.diesel_kw, shared_diesel_kw=float(design.shared_diesel_kw),
        operation=Operation.from_simulation(sim), p2p=p2p, distribution=distribution,
    )
