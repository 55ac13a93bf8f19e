"""What a simulated year gives: annual totals per home and village, and the hourly series."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

@dataclass(frozen=True)
class HourlySeries:
    """Hourly flows of every home, each (T, N), plus village series (T,).

    Attributes
    ----------
    pv_kw : PV available (zero while failed) [kW]
    load_kw : demand [kW]
    soc_kwh : battery energy stored at the end of the hour [kWh]
    battery_charge_kw, battery_discharge_kw : battery flows on the home bus [kW]
    battery_to_pool_kw : part of the discharge sent to the pool [kW]
    export_kw : P2P energy sent into the pool (leaves the home) [kW]
    import_kw : P2P energy received from peers [kW]
    shared_diesel_received_kw : shared-genset energy received through the link [kW]
    diesel_kw : per-home genset output [kW]
    diesel_dumped_kw : per-home genset output neither used nor stored [kW]
    curtailed_kw : PV curtailed [kW]
    unmet_kw : load not served [kW]
    shared_diesel_kw, shared_diesel_dumped_kw, shared_diesel_losses_kw : (T,) village [kW]
    pv_offer_kw : pre-trade PV surplus offered to the pool (step 4), within the export
        cap, at the home [kW]; 0 without P2P
    battery_offer_kw : pre-trade battery energy above the reserve offered to the pool
        [kW]; evaluated only in hours where PV offers fall short of the asks (0 otherwise)
    ask_kw : pre-trade deficit asked from the pool, within the import cap [kW]; 0
        without P2P. With ``pv_offer_kw`` and ``battery_offer_kw``, the supply and demand
        that P2P pricing mechanisms (supply-demand ratio, double auction) need.
    """

    pv_kw: np.ndarray
    load_kw: np.ndarray
    soc_kwh: np.ndarray
    battery_charge_kw: np.ndarray
    battery_discharge_kw: np.ndarray
    battery_to_pool_kw: np.ndarray
    export_kw: np.ndarray
    import_kw: np.ndarray
    shared_diesel_received_kw: np.ndarray
    diesel_kw: np.ndarray
    diesel_dumped_kw: np.ndarray
    curtailed_kw: np.ndarray
    unmet_kw: np.ndarray
    shared_diesel_kw: np.ndarray
    shared_diesel_dumped_kw: np.ndarray
    shared_diesel_losses_kw: np.ndarray
    pv_offer_kw: np.ndarray
    battery_offer_kw: np.ndarray
    ask_kw: np.ndarray

    @property
    def battery_kw(self) -> np.ndarray:
        """Net battery power on the home bus, > 0 discharging, (T, N) [kW]."""
        return self.battery_discharge_kw - self.battery_charge_kw

    @property
    def served_kw(self) -> np.ndarray:
        """Load served, (T, N) [kW]."""
        return self.load_kw - self.unmet_kw

    @property
    def p2p_losses_kw(self) -> np.ndarray:
        """P2P losses of the village, (T,) [kW]."""
        return self.export_kw.sum(axis=1) - self.import_kw.sum(axis=1)


@dataclass(frozen=True)
class SimulationResult:
    """Annual energy flows of a village, per home (N,) and for the village.

    Energies are sums over the simulated hours (a year for an 8760-h input).
    Battery charge/discharge are on the home bus (AC side).

    Attributes
    ----------
    load_kwh, served_kwh, unmet_kwh : (N,) demand, served and unmet load [kWh]
    unmet_hours : (N,) hours with unmet load above 1e-9 kW [h]
    unmet_fraction : (N,) ``unmet_kwh / load_kwh`` (0 for a home without load) [-]
    pv_kwh : (N,) PV available (zero while failed) [kWh]
    pv_used_kwh : (N,) PV put to use — own load, own battery, exported — i.e.
        ``pv_kwh − curtailed_kwh`` [kWh]
    pv_self_consumed_kwh : (N,) PV serving the home's own load directly [kWh]
    pv_to_battery_kwh : (N,) PV charging the home's own battery [kWh]
    curtailed_kwh : (N,) PV curtailed [kWh]
    battery_charge_kwh, battery_discharge_kwh : (N,) [kWh]
    battery_to_pool_kwh : (N,) part of the discharge sent to the pool [kWh]
    battery_throughput_kwh : (N,) charge + discharge [kWh]
    battery_losses_kwh : (N,) charge − discharge − (final − initial SoC) [kWh]
    equivalent_full_cycles : (N,) ``throughput / (2 · DoD · capacity)`` — full cycles
        of the usable capacity, the basis of a cycle life rated at that DoD [-]
    soc_initial_kwh, soc_final_kwh : (N,) [kWh]
    export_kwh : (N,) P2P energy sent into the pool [kWh]
    import_kwh : (N,) P2P energy received from peers [kWh]
    shared_diesel_received_kwh : (N,) shared-genset energy received [kWh]
    diesel_kwh : (N,) per-home genset output, dumped part included [kWh]
    diesel_dumped_kwh : (N,) [kWh]
    fuel_l : (N,) per-home genset fuel [L]
    diesel_running_hours, diesel_starts : (N,) per-home genset [h], [-]
    failed_hours : (N,) hours out of service [h]
    p2p_traded_kwh : village P2P energy sold (sent, measured at sellers) [kWh]
    p2p_losses_kwh : village P2P losses, ``Σ export − Σ import`` [kWh]
    shared_diesel_kwh, shared_diesel_dumped_kwh, shared_diesel_losses_kwh : [kWh]
    shared_fuel_l : [L]
    shared_diesel_running_hours, shared_diesel_starts : [h], [-]
    renewable_fraction : village ``1 − useful diesel / served``, useful diesel being
        genset output not dumped (HOMER's renewable fraction, dump excluded) [-]
    n_hours : simulated hours T
    hourly : :class:`HourlySeries` or None (fast path)
    """

    load_kwh: np.ndarray
    served_kwh: np.ndarray
    unmet_kwh: np.ndarray
    unmet_hours: np.ndarray
    unmet_fraction: np.ndarray
    pv_kwh: np.ndarray
    pv_used_kwh: np.ndarray
    pv_self_consumed_kwh: np.ndarray
    pv_to_battery_kwh: np.ndarray
    curtailed_kwh: np.ndarray
    battery_charge_kwh: np.ndarray
    battery_discharge_kwh: np.ndarray
    battery_to_pool_kwh: np.ndarray
    battery_throughput_kwh: np.ndarray
    battery_losses_kwh: np.ndarray
    equivalent_full_cycles: np.ndarray
    soc_initial_kwh: np.ndarray
    soc_final_kwh: np.ndarray
    export_kwh: np.ndarray
    import_kwh: np.ndarray
    shared_diesel_received_kwh: np.ndarray
    diesel_kwh: np.ndarray
    diesel_dumped_kwh: np.ndarray
    fuel_l: np.ndarray
    diesel_running_hours: np.ndarray
    diesel_starts: np.ndarray
    failed_hours: np.ndarray
    p2p_traded_kwh: float
    p2p_losses_kwh: float
    shared_diesel_kwh: float
    shared_diesel_dumped_kwh: float
    shared_diesel_losses_kwh: float
    shared_fuel_l: float
    shared_diesel_running_hours: float
    shared_diesel_starts: float
    renewable_fraction: float
    n_hours: int
    hourly: HourlySeries | None = field(default=None, repr=False)

    # village totals -----------------------------------------------------------
    @property
    def n_homes(self) -> int:
        return self.load_kwh.shape[0]

    @property
    def village_load_kwh(self) -> float:
        return float(self.load_kwh.sum())

    @property
    def village_served_kwh(self) -> float:
        return float(self.served_kwh.sum())

    @property
    def village_unmet_kwh(self) -> float:
        return float(self.unmet_kwh.sum())

    @property
    def village_unmet_fraction(self) -> float:
        load = self.village_load_kwh
        return self.village_unmet_kwh / load if load > 0 else 0.0

    @property
    def village_diesel_kwh(self) -> float:
        """Per-home and shared genset output [kWh]."""
        return float(self.diesel_kwh.sum()) + self.shared_diesel_kwh

    @property
    def village_fuel_l(self) -> float:
        """Per-home and shared genset fuel [L]."""
        return float(self.fuel_l.sum()) + self.shared_fuel_l

    @property
    def village_curtailed_kwh(self) -> float:
        return float(self.curtailed_kwh.sum())

    def energy_summary(self) -> dict:
        """Village energy totals under the ``summary.json`` ``energy`` keys [kWh, L, -]."""
        return {
            "load_kwh": self.village_load_kwh,
            "served_kwh": self.village_served_kwh,
            "unmet_fraction": self.village_unmet_fraction,
            "p2p_traded_kwh": self.p2p_traded_kwh,
            "p2p_losses_kwh": self.p2p_losses_kwh,
            "diesel_kwh": self.village_diesel_kwh,
            "fuel_l": self.village_fuel_l,
            "curtailed_kwh": self.village_curtailed_kwh,
            "renewable_fraction": self.renewable_fraction,
        }

    def homes_frame(self, home_ids=None) -> pd.DataFrame:
        """Per-home annual totals as a DataFrame, one row per home."""
        names = [f.name for f in self.__dataclass_fields__.values()]
        data = {n: getattr(self, n) for n in names
                if isinstance(getattr(self, n), np.ndarray)}
        index = pd.Index(np.arange(self.n_homes) if home_ids is None else home_ids, name="home")
        return pd.DataFrame(data, index=index)

    def hourly_frame(self, timestamps=None, home_ids=None) -> pd.DataFrame:
        """The hourly series as a tidy (long) table, one row per hour and home.

        Parameters
        ----------
        timestamps : array-like (T,), optional
            Labels of the hours (e.g. a ``DatetimeIndex``); default hour number 0..T−1.
        home_ids : array-like (N,), optional
            Labels of the homes; default 0..N−1.

        Returns
        -------
        DataFrame (``home`` categorical when ``home_ids`` are given) with columns ``time, home, pv_kw, load_kw, served_kw, unmet_kw,
        soc_kwh, battery_kw (> 0 discharging), export_kw, import_kw,
        shared_diesel_received_kw, diesel_kw, diesel_dumped_kw, curtailed_kw``
        (float32 for the flows, to keep ``hourly.parquet`` small), rows ordered by
        time then home.
        """
        h = self.hourly
        if h is None:
            raise ValueError("no hourly series: call simulate(..., hourly=True)")
        n_hours, n_homes = h.load_kw.shape
        time = np.arange(n_hours) if timestamps is None else np.asarray(timestamps)
        codes = np.tile(np.arange(n_homes), n_hours)
        cols = {
            "time": np.repeat(time, n_homes),
            # a categorical: one label per home, not one string per row (T·N rows)
            "home": codes if home_ids is None else pd.Categorical.from_codes(codes, categories=list(home_ids)),
        }
        series = {
            "pv_kw": h.pv_kw, "load_kw": h.load_kw, "served_kw": h.served_kw,
            "unmet_kw": h.unmet_kw, "soc_kwh": h.soc_kwh, "battery_kw": h.battery_kw,
            "export_kw": h.export_kw, "import_kw": h.import_kw,
            "shared_diesel_received_kw": h.shared_diesel_received_kw,
            "diesel_kw": h.diesel_kw, "diesel_dumped_kw": h.diesel_dumped_kw,
            "curtailed_kw": h.curtailed_kw,
        }
        for name, arr in series.items():
            cols[name] = np.asarray(arr, dtype=np.float32).reshape(-1)
        return pd.DataFrame(cols)

    def village_hourly_frame(self, timestamps=None) -> pd.DataFrame:
        """Village hourly totals (T rows): load, served, PV, P2P trade and losses, diesel."""
        h = self.hourly
        if h is None:
            raise ValueError("no hourly series: call simulate(..., hourly=True)")
        n_hours = h.load_kw.shape[0]
        index = pd.Index(np.arange(n_hours) if timestamps is None else timestamps, name="time")
        return pd.DataFrame({
            "load_kw": h.load_kw.sum(axis=1),
            "served_kw": h.served_kw.sum(axis=1),
            "unmet_kw": h.unmet_kw.sum(axis=1),
            "pv_kw": h.pv_kw.sum(axis=1),
            "curtailed_kw": h.curtailed_kw.sum(axis=1),
            "soc_kwh": h.soc_kwh.sum(axis=1),
            "p2p_traded_kw": h.export_kw.sum(axis=1),
            "p2p_losses_kw": h.p2p_losses_kw,
            "diesel_kw": h.diesel_kw.sum(axis=1) + h.shared_diesel_kw,
        }, index=index)

