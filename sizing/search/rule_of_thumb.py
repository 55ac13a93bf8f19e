"""The classic off-grid rule of thumb, as installers size solar home systems.

PV = daily load / (peak sun hours x system efficiency) x safety factor
battery = days of autonomy x daily load / depth of discharge

Worked check from the field study (S. Wang 2024, thesis on peer-to-peer energy sharing
in off-grid communities, section 4.3): a 120 W panel under
5 effective sun-hours gives 0.12 kW x 5 h = 0.6 kWh/day before losses (the study's own
figure; 200 units -> 120 kWh/day); with its 70 % charging efficiency and 1.2 safety
factor one unit serves 0.12 x 5 x 0.7 / 1.2 = 0.35 kWh/day.
"""
from __future__ import annotations

import numpy as np


def pv_kwp(daily_load_kwh, peak_sun_hours, system_efficiency, safety_factor):
    """PV size by the rule of thumb.

    Parameters
    ----------
    daily_load_kwh : array_like — mean daily energy per home [kWh/day]
    peak_sun_hours : float — effective full-sun hours per day [h/day]
    system_efficiency : float — charging and system efficiency [fraction]
    safety_factor : float — oversizing factor [-]

    Returns
    -------
    ndarray — PV per home [kWp]

    Notes
    -----
    .. math:: P_{pv} = \\frac{E_{day}}{H_{psh}\\,\\eta} \\cdot SF
    """
    return np.asarray(daily_load_kwh, dtype=float) / (peak_sun_hours * system_efficiency) * safety_factor


def battery_kwh(daily_load_kwh, days_of_autonomy, depth_of_discharge):
    """Battery size by the rule of thumb.

    Parameters
    ----------
    daily_load_kwh : array_like — mean daily energy per home [kWh/day]
    days_of_autonomy : float — days the battery alone must carry the load [days]
    depth_of_discharge : float — usable share of nominal capacity [fraction]

    Returns
    -------
    ndarray — nominal battery capacity per home [kWh]

    Notes
    -----
    .. math:: C_{bat} = \\frac{D_{aut}\\,E_{day}}{DoD}
    """
    return days_of_autonomy * np.asarray(daily_load_kwh, dtype=float) / depth_of_discharge


def deliverable_kwh_per_day(pv_kwp, peak_sun_hours, system_efficiency=1.0, safety_factor=1.0):
    """Daily energy a panel can be counted on for, by the same rule [kWh/day].

    With efficiency 1 and safety factor 1 this is the field study's raw figure
    (0.12 kWp x 5 h = 0.6 kWh/day); with 0.7 and 1.2 it is 0.35 kWh/day.
    """
    return np.asarray(pv_kwp, dtype=float) * peak_sun_hours * system_efficiency / safety_factor
