"""Glue between a validated site and the dispatch kernel: one call simulates a design."""
from __future__ import annotations

import numpy as np

from .design import Design
from .dispatch import DispatchInputs, SimulationResult, failure_mask, simulate
from .loads import Loads
from .schema import Site
from .solar import SolarResult


def failures_for(site: Site, n_hours: int, n_homes: int, seed: int) -> np.ndarray | None:
    """The seeded outage mask (T, N) of ``site.failures``, or None without failures."""
    f = site.failures
    if f is None or f.rate_per_home_year <= 0:
        return None
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xFA11]))
    return failure_mask(n_hours, n_homes, f.rate_per_home_year, f.mean_duration_days, rng)


def dispatch_inputs(site: Site, design: Design, solar: SolarResult, loads: Loads, *, p2p: bool,
                    failed: np.ndarray | None) -> DispatchInputs:
    """The kernel's inputs for ``design`` on ``site``."""
    eq = site.equipment
    placement = design.placement
    if placement == "shared" and not p2p:
        raise ValueError("standalone homes cannot use a shared genset; convert the design with standalone_design()")
    return DispatchInputs(
        pv_kw_per_kwp=solar.pv_kw_per_kwp,
        load_kw=loads.load_kw,
        pv_kwp=design.pv_kwp,
        battery_kwh=design.battery_kwh,
        diesel_kw=design.diesel_kw,
        shared_diesel_kw=design.shared_diesel_kw,
        diesel_placement=placement,
        round_trip_efficiency=eq.battery.round_trip_efficiency,
        depth_of_discharge=eq.battery.depth_of_discharge,
        max_c_rate=eq.battery.max_c_rate,
        p2p_enabled=p2p,
        share_batteries=site.p2p.share_batteries,
        battery_reserve_fraction=site.p2p.battery_reserve_fraction,
        loss_fraction=eq.p2p_link.loss_fraction,
        max_transfer_kw=eq.p2p_link.max_transfer_kw,
        fuel_intercept_l_per_h_per_kw=eq.diesel.fuel_intercept_l_per_h_per_kw,
        fuel_slope_l_per_kwh=eq.diesel.fuel_slope_l_per_kwh,
        min_load_ratio=eq.diesel.min_load_ratio,
        failed=failed,
    )


def simulate_site(site: Site, design: Design, solar: SolarResult, loads: Loads, *, p2p: bool,
                  seed: int = 0, record_hourly: bool = False) -> SimulationResult:
    """Simulate ``design`` for a year on ``site`` (with its failures, if any)."""
    failed = failures_for(site, *loads.load_kw.shape, seed=seed)
    return simulate(dispatch_inputs(site, design, solar, loads, p2p=p2p, failed=failed), hourly=record_hourly)
