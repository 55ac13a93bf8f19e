"""A design: what each home gets (PV, battery, genset) and the shared genset.

:class:`Design` is the interface between the search (:mod:`p2p_size.sizing.search`,
which builds designs) and everything that simulates, settles or costs one. Existing
systems (``households[].existing``) count towards a home's installed size and are not
bought again.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np



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


def per_home(site, loads, attr: str) -> np.ndarray:
    """A per-group attribute of ``households`` spread to every home (N,)."""
    values = []
    for g in site.households:
        obj = g
        for part in attr.split("."):
            obj = getattr(obj, part) if obj is not None else None
        values.append(0.0 if obj is None else float(obj))
    return np.asarray(values, dtype=float)[loads.group_of_home]
