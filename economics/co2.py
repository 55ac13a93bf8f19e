"""CO2 from burning diesel and kerosene, and what the project avoids.

Emission factors are combustion (tank-to-exhaust) CO2 only, IPCC 2006 defaults.

References
----------
IPCC (2006). 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 2
Energy, Ch. 1 Introduction: Table 1.2 (net calorific values) and Table 1.4 (default
CO2 emission factors for combustion).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Diesel [kg CO2/L] (IPCC 2006, Tables 1.2 and 1.4): gas/diesel oil 74 100 kg/TJ × NCV 43.0 TJ/Gg ×
#: 0.84 kg/L = 2.68 kg/L.
DIESEL_KG_PER_L = 2.68

#: IPCC default for "other kerosene" [kg CO2/TJ] (Table 1.4).
KEROSENE_KG_PER_TJ = 71_900.0
#: Net calorific value of other kerosene [TJ/Gg] = [MJ/kg] (Table 1.2).
KEROSENE_NCV_MJ_PER_KG = 43.8
#: Density of kerosene [kg/L] (typical 0.78–0.82).
KEROSENE_DENSITY_KG_PER_L = 0.80
#: Kerosene [kg CO2/L] = 71 900 kg/TJ × 43.8 MJ/kg × 0.80 kg/L × 1e-6 TJ/MJ = 2.519 kg/L
#: (i.e. 0.03504 TJ/kL × 71.9 t/TJ).
KEROSENE_KG_PER_L = KEROSENE_KG_PER_TJ * KEROSENE_NCV_MJ_PER_KG * KEROSENE_DENSITY_KG_PER_L * 1e-6


def emissions_t(diesel_l=0.0, kerosene_l=0.0):
    """CO2 from fuel burnt [t CO2].

    Parameters
    ----------
    diesel_l : float or ndarray — diesel [L]
    kerosene_l : float or ndarray — kerosene [L]

    Returns
    -------
    float or ndarray — [t CO2]

    Notes
    -----
    .. math:: m_{CO_2} = (2.68\\, V_{diesel} + 2.519\\, V_{kerosene}) / 1000
    """
    return (DIESEL_KG_PER_L * np.asarray(diesel_l, dtype=float)
            + KEROSENE_KG_PER_L * np.asarray(kerosene_l, dtype=float)) / 1000.0


@dataclass(frozen=True)
class CO2:
    """CO2 of the project and the baseline [t CO2].

    Attributes
    ----------
    annual_t : float — project, per year [t/year]
    baseline_annual_t : float — baseline, per year [t/year]
    avoided_annual_t : float — baseline − project [t/year] (< 0: the project emits more)
    avoided_lifetime_t : float — ``avoided_annual_t × project_years`` [t]
    per_home_avoided_annual_t : ndarray (N,) — [t/year]; the shared genset's fuel is split
        among homes like its costs
    """

    annual_t: float
    baseline_annual_t: float
    avoided_annual_t: float
    avoided_lifetime_t: float
    per_home_avoided_annual_t: np.ndarray


def avoided(project_diesel_l, baseline_diesel_l, baseline_kerosene_l, project_years: int) -> CO2:
    """CO2 avoided by the project.

    Parameters
    ----------
    project_diesel_l : ndarray (N,) — project diesel per home and year [L/year]
    baseline_diesel_l, baseline_kerosene_l : ndarray (N,) — baseline fuel per home and year [L/year]
    project_years : int — [years]

    Returns
    -------
    CO2

    Notes
    -----
    Fuel use is taken as the same every year, so the lifetime figure is
    ``project_years × annual`` (no discounting of tonnes).
    """
    project = emissions_t(diesel_l=project_diesel_l)
    baseline = emissions_t(diesel_l=baseline_diesel_l, kerosene_l=baseline_kerosene_l)
    per_home = np.asarray(baseline - project, dtype=float)
    a, b = float(np.sum(project)), float(np.sum(baseline))
    return CO2(a, b, b - a, (b - a) * int(project_years), per_home)
