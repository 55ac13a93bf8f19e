"""Simulating a village: :func:`simulate` runs the kernel on :class:`~.inputs.DispatchInputs`;
:func:`dispatch_inputs` and :func:`simulate_site` build those inputs from a site and a design."""
from __future__ import annotations

import numpy as np

from ..design import Design
from ..resource.loads import Loads
from ..resource.solar import SolarResult
from ..site.schema import Site
from .failures import failures_for
from .inputs import PLACEMENTS, DispatchInputs
from .kernel import (_A_BAT_EXPORT, _A_CHARGE, _A_DIESEL, _A_DIESEL_DUMP, _A_DISCHARGE, _A_FAILED_H, _A_IMPORT,
                     _A_LOAD, _A_PV, _A_PV_EXPORT, _A_PV_SELF, _A_RUN_H, _A_SHARED_RX, _A_STARTS, _A_SURPLUS,
                     _A_UNMET, _A_UNMET_H, _N_ACC, _N_VH, _N_VIL, _V_SHARED, _V_SHARED_DUMP, _V_SHARED_FUEL,
                     _V_SHARED_LOSS, _V_SHARED_RUN_H, _V_SHARED_STARTS, _VH_SHARED, _VH_SHARED_DUMP,
                     _VH_SHARED_LOSS, _dispatch_kernel)
from .results import HourlySeries, SimulationResult

_NO_FAILURES = np.zeros((1, 1), dtype=np.bool_)


def simulate(inputs: DispatchInputs, hourly: bool = False) -> SimulationResult:
    """Simulate the village hour by hour with the dispatch rules of :mod:`p2p_size.sizing.dispatch`.

    Parameters
    ----------
    inputs : DispatchInputs
        The village: profiles, sizes, technology and sharing parameters.
    hourly : bool
        Also record the hourly series (memory ≈ 125·T·N bytes; 220 MB for 200 homes
        over a year). False is the fast path for the sizing search.

    Returns
    -------
    SimulationResult
        Annual per-home and village totals; ``hourly`` set when asked.

    Notes
    -----
    The rules, the balance equations and the sign convention are in the module
    docstring. The kernel is compiled once (``cache=True``) for float64/bool inputs.
    """
    n_hours, n_homes = inputs.n_hours, inputs.n_homes
    eta_c, eta_d = inputs.efficiencies
    soc0 = inputs.initial_soc_kwh()
    soc = soc0.copy()
    acc = np.zeros((_N_ACC, n_homes))
    vil = np.zeros(_N_VIL)
    placement = PLACEMENTS[inputs.diesel_placement]
    failed = _NO_FAILURES if inputs.failed is None else inputs.failed
    shape = (n_hours, n_homes) if hourly else (1, 1)
    rec = [np.zeros(shape) for _ in range(14)]
    h_village = np.zeros((n_hours, _N_VH) if hourly else (1, _N_VH))

    _dispatch_kernel(
        inputs.pv_kw_per_kwp, inputs.pv_kwp, inputs.load_kw, failed,
        inputs.battery_kwh, inputs.battery_power_limit_kw, soc, inputs.diesel_kw,
        eta_c, eta_d, float(inputs.depth_of_discharge), float(inputs.battery_reserve_fraction),
        bool(inputs.p2p_enabled), bool(inputs.share_batteries), float(inputs.loss_fraction),
        float(inputs.max_transfer_kw),
        placement, float(inputs.shared_diesel_kw) if placement == 2 else 0.0,
        float(inputs.fuel_intercept_l_per_h_per_kw), float(inputs.fuel_slope_l_per_kwh),
        float(inputs.min_load_ratio),
        acc, vil, hourly, *rec, h_village,
    )

    load = acc[_A_LOAD]
    unmet = acc[_A_UNMET]
    served = load - unmet
    charge = acc[_A_CHARGE]
    discharge = acc[_A_DISCHARGE]
    throughput = charge + discharge
    usable = inputs.depth_of_discharge * inputs.battery_kwh
    with np.errstate(divide="ignore", invalid="ignore"):
        unmet_fraction = np.where(load > 0, unmet / np.where(load > 0, load, 1.0), 0.0)
        cycles = np.where(usable > 0, throughput / (2.0 * np.where(usable > 0, usable, 1.0)), 0.0)
    curtailed = acc[_A_SURPLUS] - acc[_A_PV_EXPORT]
    diesel_rated = inputs.diesel_kw if placement == 1 else np.zeros(n_homes)
    export = acc[_A_PV_EXPORT] + acc[_A_BAT_EXPORT]
    imp = acc[_A_IMPORT]
    useful_diesel = (acc[_A_DIESEL].sum() - acc[_A_DIESEL_DUMP].sum()
                     + vil[_V_SHARED] - vil[_V_SHARED_DUMP] - vil[_V_SHARED_LOSS])
    served_total = served.sum()
    renewable = 1.0 - useful_diesel / served_total if served_total > 0 else 0.0
    renewable = min(max(renewable, 0.0), 1.0)   # rounding only

    hourly_series = None
    if hourly:
        (h_soc, h_charge, h_discharge, h_export, h_import, h_shared_rx,
         h_diesel, h_dump, h_curt, h_unmet, h_to_pool,
         h_pv_offer, h_battery_offer, h_ask) = rec
        hourly_series = HourlySeries(
            pv_kw=inputs.pv_kw(), load_kw=inputs.load_kw, soc_kwh=h_soc,
            battery_charge_kw=h_charge, battery_discharge_kw=h_discharge,
            battery_to_pool_kw=h_to_pool,
            pv_offer_kw=h_pv_offer, battery_offer_kw=h_battery_offer, ask_kw=h_ask,
            export_kw=h_export, import_kw=h_import, shared_diesel_received_kw=h_shared_rx,
            diesel_kw=h_diesel, diesel_dumped_kw=h_dump, curtailed_kw=h_curt,
            unmet_kw=h_unmet,
            shared_diesel_kw=h_village[:, _VH_SHARED].copy(),
            shared_diesel_dumped_kw=h_village[:, _VH_SHARED_DUMP].copy(),
            shared_diesel_losses_kw=h_village[:, _VH_SHARED_LOSS].copy(),
        )

    return SimulationResult(
        load_kwh=load.copy(),
        served_kwh=served,
        unmet_kwh=unmet.copy(),
        unmet_hours=acc[_A_UNMET_H].copy(),
        unmet_fraction=unmet_fraction,
        pv_kwh=acc[_A_PV].copy(),
        pv_used_kwh=acc[_A_PV] - curtailed,
        pv_self_consumed_kwh=acc[_A_PV_SELF].copy(),
        pv_to_battery_kwh=acc[_A_PV] - acc[_A_PV_SELF] - acc[_A_SURPLUS],
        curtailed_kwh=curtailed,
        battery_charge_kwh=charge.copy(),
        battery_discharge_kwh=discharge.copy(),
        battery_to_pool_kwh=acc[_A_BAT_EXPORT].copy(),
        battery_throughput_kwh=throughput,
        battery_losses_kwh=charge - discharge - (soc - soc0),
        equivalent_full_cycles=cycles,
        soc_initial_kwh=soc0,
        soc_final_kwh=soc,
        export_kwh=export,
        import_kwh=imp.copy(),
        shared_diesel_received_kwh=acc[_A_SHARED_RX].copy(),
        diesel_kwh=acc[_A_DIESEL].copy(),
        diesel_dumped_kwh=acc[_A_DIESEL_DUMP].copy(),
        fuel_l=(inputs.fuel_intercept_l_per_h_per_kw * diesel_rated * acc[_A_RUN_H]
                + inputs.fuel_slope_l_per_kwh * acc[_A_DIESEL]),
        diesel_running_hours=acc[_A_RUN_H].copy(),
        diesel_starts=acc[_A_STARTS].copy(),
        failed_hours=acc[_A_FAILED_H].copy(),
        p2p_traded_kwh=float(export.sum()),
        p2p_losses_kwh=float(export.sum() - imp.sum()),
        shared_diesel_kwh=float(vil[_V_SHARED]),
        shared_diesel_dumped_kwh=float(vil[_V_SHARED_DUMP]),
        shared_diesel_losses_kwh=float(vil[_V_SHARED_LOSS]),
        shared_fuel_l=float(vil[_V_SHARED_FUEL]),
        shared_diesel_running_hours=float(vil[_V_SHARED_RUN_H]),
        shared_diesel_starts=float(vil[_V_SHARED_STARTS]),
        renewable_fraction=float(renewable),
        n_hours=n_hours,
        hourly=hourly_series,
    )


def dispatch_inputs(site: Site, design: Design, solar: SolarResult, loads: Loads, *, p2p: bool,
                    failed: np.ndarray | None) -> DispatchInputs:
    """The kernel's inputs for ``design`` on ``site``."""
    placement = design.placement
    if placement == "shared" and not p2p:
        raise ValueError("standalone homes cannot use a shared genset; convert the design with without_links()")
    return DispatchInputs(
        pv_kw_per_kwp=solar.pv_kw_per_kwp,
        load_kw=loads.load_kw,
        pv_kwp=design.pv_kwp,
        battery_kwh=design.battery_kwh,
        diesel_kw=design.diesel_kw,
        shared_diesel_kw=design.shared_diesel_kw,
        diesel_placement=placement,
        p2p_enabled=p2p,
        failed=failed,
        **equipment_parameters(site),
    )


def equipment_parameters(site: Site) -> dict:
    """The :class:`DispatchInputs` fields the site file sets for every design: battery
    efficiency and limits, the P2P links and pool rules, the gensets' fuel curve."""
    eq = site.equipment
    return dict(
        round_trip_efficiency=eq.battery.round_trip_efficiency,
        depth_of_discharge=eq.battery.depth_of_discharge,
        max_c_rate=eq.battery.max_c_rate,
        share_batteries=site.p2p.share_batteries,
        battery_reserve_fraction=site.p2p.battery_reserve_fraction,
        loss_fraction=eq.p2p_link.loss_fraction,
        max_transfer_kw=eq.p2p_link.max_transfer_kw,
        fuel_intercept_l_per_h_per_kw=eq.diesel.fuel_intercept_l_per_h_per_kw,
        fuel_slope_l_per_kwh=eq.diesel.fuel_slope_l_per_kwh,
        min_load_ratio=eq.diesel.min_load_ratio,
    )


def simulate_site(site: Site, design: Design, solar: SolarResult, loads: Loads, *, p2p: bool,
                  seed: int = 0, record_hourly: bool = False) -> SimulationResult:
    """Simulate ``design`` for a year on ``site`` (with its failures, if any)."""
    failed = failures_for(site, *loads.load_kw.shape, seed=seed)
    return simulate(dispatch_inputs(site, design, solar, loads, p2p=p2p, failed=failed), hourly=record_hourly)
