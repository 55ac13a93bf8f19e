"""What the dispatch kernel needs for one village: :class:`DispatchInputs`."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import P2PSizeError, Problem
from .kernel import PLACEMENTS

def _as_home_vector(value, n_homes: int, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(n_homes, float(arr))
    if arr.shape != (n_homes,):
        raise ValueError(f"{name}: expected shape ({n_homes},) [one value per home], got {arr.shape}")
    return np.ascontiguousarray(arr)


@dataclass(frozen=True, kw_only=True)
class DispatchInputs:
    """Everything the hourly dispatch needs for one village.

    Keyword arguments only. Arrays are coerced to contiguous float64 (bool for ``failed``)
    on construction; scalars given for per-home vectors are broadcast to all homes. The
    equipment's physics (efficiencies, limits, fuel curve) has no defaults here: a run
    takes it from the site file (:func:`~.simulate.equipment_parameters`). Use
    :func:`dataclasses.replace` to try other sizes (the sizing optimiser does).

    Parameters
    ----------
    pv_kw_per_kwp : ndarray (T,) or (T, N)
        PV output per installed kWp, after derating and temperature [kW/kWp]; one
        profile for all homes (T,) or one per home (T, N). To pass PV power directly,
        give it here with ``pv_kwp = 1``.
    load_kw : ndarray (T, N)
        Household demand, hourly mean [kW].
    pv_kwp : ndarray (N,)
        Installed PV per home [kWp].
    battery_kwh : ndarray (N,)
        Nominal battery capacity per home [kWh].
    battery_power_kw : ndarray (N,), optional
        Battery charge/discharge power limit on the home bus (AC side) [kW]. Default
        None: ``max_c_rate · battery_kwh``, evaluated at use (so a
        :func:`dataclasses.replace` of ``battery_kwh`` rescales it); see
        :attr:`battery_power_limit_kw`.
    diesel_kw : ndarray (N,), optional
        Per-home genset rating [kW]; used with placement ``per_home`` only. Default 0.
    shared_diesel_kw : float
        Shared village genset rating [kW]; used with placement ``shared`` only.
    diesel_placement : {"none", "per_home", "shared"} or {0, 1, 2}
        Where the gensets are.
    round_trip_efficiency : float
        Battery AC-to-AC round-trip efficiency [-]; charge and discharge efficiency are
        each its square root unless given explicitly.
    charge_efficiency, discharge_efficiency : float, optional
        Override the √RTE split [-]: stored = ``η_c``·charged, delivered =
        ``η_d``·withdrawn.
    depth_of_discharge : float
        Usable share of the nominal capacity [-]; SoC never below ``(1 − DoD)·capacity``.
    max_c_rate : float
        Power per kWh of capacity [1/h] when ``battery_power_kw`` is not given.
    initial_soc_fraction : float
        State of charge at the start, as a share of nominal capacity [-]; default 1.0
        (full, HOMER's default); raised to the DoD floor if lower.
    p2p_enabled : bool
        Homes are linked and share through the pool (steps 4–5).
    share_batteries : bool
        Neighbours' batteries may discharge to the pool.
    battery_reserve_fraction : float
        Batteries discharge to the pool only above this share of their usable capacity
        (above the DoD floor) [-].
    loss_fraction : float
        Share of every P2P (and shared-genset) transfer lost on the way [-].
    max_transfer_kw : float
        Cap on each home's hourly import and on its hourly export [kW]; ``inf`` for none.
    fuel_intercept_l_per_h_per_kw : float
        Fuel curve intercept F0 [L/h per kW rated].
    fuel_slope_l_per_kwh : float
        Fuel curve slope F1 [L/kWh].
    min_load_ratio : float
        Minimum genset output while running, as a share of its rating [-].
    failed : ndarray (T, N) of bool, optional
        Hours in which a home's PV and battery are out of service (see
        :func:`failure_mask`).
    """

    pv_kw_per_kwp: np.ndarray
    load_kw: np.ndarray
    pv_kwp: np.ndarray
    battery_kwh: np.ndarray
    # the equipment's physics: no defaults here, the site file's schema has them
    # (simulate.equipment_parameters maps a validated site onto these fields)
    round_trip_efficiency: float
    depth_of_discharge: float
    max_c_rate: float
    share_batteries: bool
    battery_reserve_fraction: float
    loss_fraction: float
    max_transfer_kw: float
    fuel_intercept_l_per_h_per_kw: float
    fuel_slope_l_per_kwh: float
    min_load_ratio: float
    battery_power_kw: np.ndarray | None = None
    diesel_kw: np.ndarray | float = 0.0
    shared_diesel_kw: float = 0.0
    diesel_placement: str | int = "none"
    charge_efficiency: float | None = None
    discharge_efficiency: float | None = None
    initial_soc_fraction: float = 1.0
    p2p_enabled: bool = True
    failed: np.ndarray | None = None

    def __post_init__(self):
        set_ = object.__setattr__
        load = np.ascontiguousarray(self.load_kw, dtype=np.float64)
        if load.ndim != 2:
            raise ValueError(f"load_kw: expected shape (T, N) [hours, homes], got {load.shape}")
        n_hours, n_homes = load.shape
        set_(self, "load_kw", load)
        prof = np.asarray(self.pv_kw_per_kwp, dtype=np.float64)
        if prof.ndim == 1:
            prof = prof[:, None]
        if prof.ndim != 2 or prof.shape[0] != n_hours or prof.shape[1] not in (1, n_homes):
            raise ValueError(
                f"pv_kw_per_kwp: expected shape ({n_hours},) or ({n_hours}, {n_homes}), "
                f"got {np.shape(self.pv_kw_per_kwp)}")
        set_(self, "pv_kw_per_kwp", np.ascontiguousarray(prof))
        set_(self, "pv_kwp", _as_home_vector(self.pv_kwp, n_homes, "pv_kwp"))
        set_(self, "battery_kwh", _as_home_vector(self.battery_kwh, n_homes, "battery_kwh"))
        # battery_power_kw stays None when not given, so that dataclasses.replace with a
        # new battery_kwh rescales the power by max_c_rate (see battery_power_limit_kw)
        if self.battery_power_kw is not None:
            set_(self, "battery_power_kw",
                 _as_home_vector(self.battery_power_kw, n_homes, "battery_power_kw"))
        set_(self, "diesel_kw", _as_home_vector(self.diesel_kw, n_homes, "diesel_kw"))
        placement = self.diesel_placement
        if isinstance(placement, str):
            if placement not in PLACEMENTS:
                raise ValueError(f"diesel_placement: expected one of {sorted(PLACEMENTS)}, got {placement!r}")
        elif int(placement) not in PLACEMENTS.values():
            raise ValueError(f"diesel_placement: expected 0, 1 or 2, got {placement!r}")
        else:
            placement = {v: k for k, v in PLACEMENTS.items()}[int(placement)]
        set_(self, "diesel_placement", placement)
        if self.failed is not None:
            failed = np.ascontiguousarray(self.failed, dtype=np.bool_)
            if failed.shape != (n_hours, n_homes):
                raise ValueError(f"failed: expected shape ({n_hours}, {n_homes}), got {failed.shape}")
            set_(self, "failed", failed)
        for name in ("round_trip_efficiency", "depth_of_discharge"):
            v = getattr(self, name)
            if not 0.0 < v <= 1.0:
                raise ValueError(f"{name}: expected a fraction in (0, 1], got {v!r}")
        for name in ("charge_efficiency", "discharge_efficiency"):
            v = getattr(self, name)
            if v is not None and not 0.0 < v <= 1.0:
                raise ValueError(f"{name}: expected a fraction in (0, 1], got {v!r}")
        for name in ("battery_reserve_fraction", "min_load_ratio", "initial_soc_fraction"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name}: expected a fraction in [0, 1], got {v!r}")
        if not 0.0 <= self.loss_fraction < 1.0:
            raise ValueError(f"loss_fraction: expected a fraction in [0, 1), got {self.loss_fraction!r}")
        if not self.max_transfer_kw >= 0.0:
            raise ValueError(f"max_transfer_kw: expected >= 0 [kW], got {self.max_transfer_kw!r}")
        if not self.max_c_rate > 0.0:
            raise ValueError(f"max_c_rate: expected > 0 [1/h], got {self.max_c_rate!r}")
        for name in ("pv_kwp", "battery_kwh", "battery_power_limit_kw", "diesel_kw"):
            if np.any(getattr(self, name) < 0.0):
                raise ValueError(f"{name}: expected non-negative sizes")
        if self.shared_diesel_kw < 0.0:
            raise ValueError(f"shared_diesel_kw: expected >= 0 [kW], got {self.shared_diesel_kw!r}")
        if placement == "shared" and not self.p2p_enabled and self.shared_diesel_kw > 0.0:
            raise P2PSizeError(Problem(
                file="", key="equipment.diesel.placement",
                message="a shared genset reaches the homes only through the P2P links, "
                        "but p2p is disabled (standalone homes)",
                fix="use placement per_home or none for standalone systems, or enable p2p",
                value="shared"))

    @property
    def n_hours(self) -> int:
        """Number of simulated hours T."""
        return self.load_kw.shape[0]

    @property
    def n_homes(self) -> int:
        """Number of homes N."""
        return self.load_kw.shape[1]

    @property
    def battery_power_limit_kw(self) -> np.ndarray:
        """Battery power limit per home, given or ``max_c_rate · battery_kwh``, (N,) [kW]."""
        if self.battery_power_kw is None:
            return self.battery_kwh * float(self.max_c_rate)
        return self.battery_power_kw

    @property
    def efficiencies(self) -> tuple[float, float]:
        """Battery (charge, discharge) efficiency [-]."""
        root = math.sqrt(self.round_trip_efficiency)
        eta_c = root if self.charge_efficiency is None else float(self.charge_efficiency)
        eta_d = root if self.discharge_efficiency is None else float(self.discharge_efficiency)
        return eta_c, eta_d

    def pv_kw(self) -> np.ndarray:
        """PV power available to each home (zero while failed), (T, N) [kW]."""
        pv = self.pv_kw_per_kwp * self.pv_kwp[None, :]
        if self.failed is not None:
            pv = np.where(self.failed, 0.0, pv)
        return pv

    def initial_soc_kwh(self) -> np.ndarray:
        """State of charge at the start, (N,) [kWh]."""
        floor = (1.0 - self.depth_of_discharge) * self.battery_kwh
        return np.maximum(self.initial_soc_fraction * self.battery_kwh, floor)

