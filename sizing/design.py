"""A design: what each home gets (PV, battery, genset) and the shared genset.

:func:`rule_of_thumb_design` and :func:`fixed_design` turn a site into a
:class:`Design`; the optimiser (``sizing.method: optimize``) searches over designs.
Existing systems (``households[].existing``) count towards a home's installed size and
are not bought again.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from . import rule_of_thumb as rot
from .loads import Loads
from .schema import Site
from .solar import SolarResult


@dataclass(frozen=True)
class Design:
    """Installed sizes per home.

    Attributes
    ----------
    pv_kwp : ndarray (N,) — PV per home, existing included [kWp]
    battery_kwh : ndarray (N,) — nominal battery capacity per home, existing included [kWh]
    diesel_kw : ndarray (N,) — per-home genset rating [kW] (zeros unless placement per_home)
    shared_diesel_kw : float — shared genset rating [kW] (0 unless placement shared)
    existing_pv_kwp, existing_battery_kwh : ndarray (N,) — already in place, not bought [kWp], [kWh]
    method : str — how the sizes were chosen
    placement : {"none", "per_home", "shared"} — where the gensets of this design are
    notes : list of str — what a reader should know about them
    """

    pv_kwp: np.ndarray
    battery_kwh: np.ndarray
    diesel_kw: np.ndarray
    shared_diesel_kw: float
    existing_pv_kwp: np.ndarray
    existing_battery_kwh: np.ndarray
    method: str
    placement: str = "none"
    notes: list[str] = field(default_factory=list)

    @property
    def new_pv_kwp(self) -> np.ndarray:
        return np.maximum(self.pv_kwp - self.existing_pv_kwp, 0.0)

    @property
    def new_battery_kwh(self) -> np.ndarray:
        return np.maximum(self.battery_kwh - self.existing_battery_kwh, 0.0)

    @property
    def diesel_kw_total(self) -> float:
        return float(self.diesel_kw.sum() + self.shared_diesel_kw)


def per_home(site: Site, loads: Loads, attr: str) -> np.ndarray:
    """A per-group attribute of ``households`` spread to every home (N,)."""
    values = []
    for g in site.households:
        obj = g
        for part in attr.split("."):
            obj = getattr(obj, part) if obj is not None else None
        values.append(0.0 if obj is None else float(obj))
    return np.asarray(values, dtype=float)[loads.group_of_home]


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


def standalone_design(design: Design, loads: Loads) -> Design:
    """The same design for unlinked homes: a shared genset cannot reach them, so each
    home gets its own, rated at its peak load (placement ``shared`` only)."""
    if design.placement != "shared":
        return design
    return replace(design, diesel_kw=loads.load_kw.max(axis=0), shared_diesel_kw=0.0, placement="per_home",
                   notes=design.notes + ["without P2P links the shared genset becomes one genset per home, rated at its peak load"])
