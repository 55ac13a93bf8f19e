"""Designs that are not searched: the installer's rule of thumb, sizes given per group,
and a design converted for unlinked homes."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..design import Design, per_home
from ..resource.loads import Loads
from ..resource.solar import SolarResult
from ..site.schema import Site
from . import rule_of_thumb as rot


def design_month_peak_sun_hours(solar: SolarResult) -> float:
    """Worst month's mean daily plane-of-array irradiation [kWh/m2/day] = peak sun hours [h/day]."""
    return float(solar.monthly_poa_kwh_m2_day.min())


def _diesel(site: Site, loads: Loads, n: int) -> tuple[np.ndarray, float]:
    """Backup gensets sized to peak demand: each home's peak, or the village's coincident peak
    (at least the smallest genset on sale)."""
    placement = site.equipment.diesel.placement
    if placement == "per_home":
        return site.equipment.diesel.on_sale(loads.load_kw.max(axis=0)), 0.0
    if placement == "shared":
        return np.zeros(n), site.equipment.diesel.on_sale(loads.load_kw.sum(axis=1).max())
    return np.zeros(n), 0.0


def rule_of_thumb_design(site: Site, solar: SolarResult, loads: Loads) -> Design:
    """Sizes by the installer's rule (see :mod:`.rule_of_thumb`); diesel sized to peak load."""
    r = site.sizing.rule_of_thumb
    psh = r.peak_sun_hours if r.peak_sun_hours is not None else design_month_peak_sun_hours(solar)
    daily = loads.load_kw.sum(axis=0) / (loads.load_kw.shape[0] / 24.0)
    existing_pv = per_home(site, loads, "existing.pv_kwp")
    existing_bat = per_home(site, loads, "existing.battery_kwh")
    pv = np.maximum(rot.pv_kwp(daily, psh, r.system_efficiency, r.safety_factor), existing_pv)
    bat = np.maximum(rot.battery_kwh(daily, r.days_of_autonomy, site.equipment.battery.depth_of_discharge), existing_bat)
    diesel, shared = _diesel(site, loads, len(daily))
    source = "given" if r.peak_sun_hours is not None else "worst month of the site's resource"
    notes = [
        f"rule of thumb: PV = daily load / ({psh:.2f} sun-h x {r.system_efficiency:g}) x {r.safety_factor:g}; "
        f"battery = {r.days_of_autonomy:g} days x daily load / DoD {site.equipment.battery.depth_of_discharge:g} "
        f"(peak sun hours {source})"
    ]
    return Design(pv, bat, diesel, shared, existing_pv, existing_bat, "rule_of_thumb", site.equipment.diesel.placement, notes)


def fixed_design(site: Site, loads: Loads) -> Design:
    """Sizes given per household group (``households[].size``)."""
    existing_pv = per_home(site, loads, "existing.pv_kwp")
    existing_bat = per_home(site, loads, "existing.battery_kwh")
    pv = np.maximum(per_home(site, loads, "size.pv_kwp"), existing_pv)
    bat = np.maximum(per_home(site, loads, "size.battery_kwh"), existing_bat)
    n = len(pv)
    placement = site.equipment.diesel.placement
    diesel = per_home(site, loads, "size.diesel_kw") if placement == "per_home" else np.zeros(n)
    shared = float(per_home(site, loads, "size.diesel_kw").sum()) if placement == "shared" else 0.0
    notes = ["sizes as given per household group in the site file"]
    if placement == "shared":
        notes.append("shared genset rating = sum of the groups' diesel_kw per home x homes")
    return Design(pv, bat, diesel, shared, existing_pv, existing_bat, "fixed", placement, notes)


def without_links(design: Design, loads: Loads) -> Design:
    """The same design for unlinked homes: a shared genset cannot reach them, so each
    home gets its own, rated at its peak load (placement ``shared`` only)."""
    if design.placement != "shared":
        return design
    return replace(design, diesel_kw=loads.load_kw.max(axis=0), shared_diesel_kw=0.0, placement="per_home",
                   notes=design.notes + ["without P2P links the shared genset becomes one genset per home, rated at its peak load"])
