"""The resource a village lives on: its hourly solar year and every home's hourly load.

:mod:`.solar` (pvlib's PV chain, :func:`solar_resource`), :mod:`.synthetic_weather`
(an hourly year from 12 monthly means), :mod:`.loads` (archetypes, measured profiles
varied per home, :func:`build_loads`), :mod:`.appliances` (RAMP-style bottom-up loads).
"""
from .appliances import appliance_loads
from .loads import ARCHETYPES, Loads, archetype_loads, build_loads, vary_profile
from .solar import SolarResult, pv_power_per_kwp, solar_resource
from .synthetic_weather import synthesize_weather

__all__ = ["ARCHETYPES", "Loads", "SolarResult", "appliance_loads", "archetype_loads", "build_loads",
           "pv_power_per_kwp", "solar_resource", "synthesize_weather", "vary_profile"]
