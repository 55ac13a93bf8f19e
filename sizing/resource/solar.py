"""Solar resource and PV output per kWp: pure numpy/pandas/pvlib, no file I/O.

Two ways to an hourly year of weather — a file read by
:mod:`p2p_size.sizing.site.weather_file`, or
:func:`~.synthetic_weather.synthesize_weather` from 12 monthly means — and one PV
chain, :func:`pv_power_per_kwp`, turning either into the hourly output of 1 kWp.

Hours follow the one calendar of :mod:`p2p_size.sizing.calendar`: a value is the mean
over the hour that starts at its label, so solar position for that row is taken at the
hour's middle (10:30 for the row labelled 10:00).

References
----------
.. [1] Holmgren, W. F., Hansen, C. W., Mikofski, M. A. (2018). pvlib python: a python
   package for modeling solar energy systems. Journal of Open Source Software 3(29), 884.
.. [2] HOMER Pro manual, "Synthetic solar data" and "How HOMER calculates the PV array
   power output" (monthly scaling of synthesised data; derating factor).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pvlib

from ..calendar import CANONICAL_YEAR, monthly_daily_mean, offset_or_solar_time_h, utc_mid_hour
from ..site.weather_file import read_weather
from .synthetic_weather import synthesize_weather

#: Wind speed assumed for cell temperature (weather frames carry none) [m/s].
DEFAULT_WIND_SPEED_M_S = 1.0


# --------------------------------------------------------------------------- result
@dataclass(frozen=True)
class SolarResult:
    """Hourly solar resource and PV output of 1 kWp for one year (8760 hours).

    Attributes
    ----------
    pv_kw_per_kwp : ndarray (8760,)
        AC-side PV output per kWp of modules, derating applied, hour-mean [kW/kWp].
    poa_w_m2 : ndarray (8760,)
        Plane-of-array irradiance [W/m2].
    ghi_w_m2 : ndarray (8760,)
        Global horizontal irradiance [W/m2].
    temp_cell_c : ndarray (8760,)
        Cell temperature [degC].
    temp_air_c : ndarray (8760,)
        Air temperature [degC].
    source : str
        Where the weather came from (file format and name, or the synthesis model).
    notes : list of str
        What was done to the data on the way (shown in the report's assumptions).
    """

    pv_kw_per_kwp: np.ndarray
    poa_w_m2: np.ndarray
    ghi_w_m2: np.ndarray
    temp_cell_c: np.ndarray
    temp_air_c: np.ndarray
    source: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def annual_yield_kwh_per_kwp(self) -> float:
        """Annual energy of 1 kWp [kWh/kWp/year] (specific yield)."""
        return float(np.sum(self.pv_kw_per_kwp))

    @property
    def peak_sun_hours(self) -> float:
        """Mean daily plane-of-array irradiation [kWh/m2/day] = hours at 1 kW/m2."""
        return float(np.sum(self.poa_w_m2) / 1000.0 / 365.0)

    @property
    def monthly_ghi_kwh_m2_day(self) -> np.ndarray:
        """Mean daily global horizontal irradiation of each month [kWh/m2/day], (12,)."""
        return monthly_daily_mean(np.asarray(self.ghi_w_m2, dtype=float)) / 1000.0

    @property
    def monthly_poa_kwh_m2_day(self) -> np.ndarray:
        """Mean daily plane-of-array irradiation of each month [kWh/m2/day] = peak sun hours, (12,)."""
        return monthly_daily_mean(np.asarray(self.poa_w_m2, dtype=float)) / 1000.0


# --------------------------------------------------------------------------- PV chain
def pv_power_per_kwp(weather: pd.DataFrame, latitude: float, longitude: float, altitude_m: float,
                     tilt_deg: float, azimuth_deg: float, derating: float, temp_coeff_per_c: float,
                     albedo: float = 0.2, timezone_offset_h: Optional[float] = None) -> SolarResult:
    """Hourly output of 1 kWp of PV from an hourly weather year (PVWatts-style chain).

    Parameters
    ----------
    weather : pandas.DataFrame
        8760 rows indexed by hour-start labels in local standard time; columns ``ghi``,
        ``dni``, ``dhi`` [W/m2] (dni/dhi may be NaN or absent) and ``temp_air`` [degC].
    latitude, longitude : float
        Site [deg], north and east positive.
    altitude_m : float
        Site altitude [m].
    tilt_deg : float
        Module tilt from horizontal [deg].
    azimuth_deg : float
        Module azimuth, clockwise from north [deg] (180 = facing south).
    derating : float
        PVWatts/HOMER derating factor (soiling, wiring, mismatch, inverter) [-].
    temp_coeff_per_c : float
        Power temperature coefficient [1/degC], e.g. -0.004.
    albedo : float, default 0.2
        Ground reflectance [-].
    timezone_offset_h : float, optional
        Offset of the index's local standard time from UTC [h]; default
        ``round(longitude / 15)``.

    Returns
    -------
    SolarResult

    Notes
    -----
    * Solar position (NREL SPA, :func:`pvlib.solarposition.get_solarposition`) at each
      hour's middle, since values are means over the hour starting at the label.
    * Where ``dni``/``dhi`` are missing, GHI is split with Erbs et al. (1982)
      (:func:`pvlib.irradiance.erbs`).
    * Plane of array: Hay & Davies (1980) sky diffuse plus isotropic ground reflection
      (:func:`pvlib.irradiance.get_total_irradiance`); beam is zero with the sun below
      the horizon at mid-hour.
    * Cell temperature: SAPM, open rack glass/polymer, wind 1 m/s (King et al. 2004).
    * DC power: PVWatts, ``P = G_poa / 1000 * (1 + gamma (T_cell - 25))`` per kWp
      (:func:`pvlib.pvsystem.pvwatts_dc`), times ``derating``; no separate inverter
      model — the derating carries its losses as in HOMER.

    References
    ----------
    .. [1] Dobos, A. P. (2014). PVWatts Version 5 Manual. NREL/TP-6A20-62641.
    .. [2] Erbs, D. G., Klein, S. A., Duffie, J. A. (1982). Estimation of the diffuse
       radiation fraction for hourly, daily and monthly-average global radiation.
       Solar Energy 28(4), 293-302.
    .. [3] Hay, J. E., Davies, J. A. (1980). Calculation of the solar radiation incident
       on an inclined surface. Proc. First Canadian Solar Radiation Data Workshop, 59-72.
    .. [4] King, D. L., Boyson, W. E., Kratochvil, J. A. (2004). Photovoltaic Array
       Performance Model. SAND2004-3535.
    """
    tz = offset_or_solar_time_h(longitude, timezone_offset_h)
    times = utc_mid_hour(pd.DatetimeIndex(weather.index), tz)
    ghi = weather["ghi"].to_numpy(dtype=float)
    temp_air = weather["temp_air"].to_numpy(dtype=float)
    position = pvlib.solarposition.get_solarposition(times, latitude, longitude, altitude=altitude_m,
                                                      method="nrel_numpy")
    zenith = position["apparent_zenith"].to_numpy()
    doy = times.day_of_year.to_numpy()
    dni_extra = np.asarray(pvlib.irradiance.get_extra_radiation(doy))
    dni, dhi = _beam_and_diffuse(weather, ghi, zenith, doy)
    irradiance = pvlib.irradiance.get_total_irradiance(
        surface_tilt=tilt_deg, surface_azimuth=azimuth_deg, solar_zenith=zenith,
        solar_azimuth=position["azimuth"].to_numpy(), dni=dni, ghi=ghi, dhi=dhi,
        dni_extra=dni_extra, albedo=albedo, model="haydavies")
    poa = np.nan_to_num(np.asarray(irradiance["poa_global"], dtype=float), nan=0.0).clip(min=0.0)
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"]
    temp_cell = np.asarray(pvlib.temperature.sapm_cell(poa, temp_air, DEFAULT_WIND_SPEED_M_S, **params))
    dc_kw = np.asarray(pvlib.pvsystem.pvwatts_dc(poa, temp_cell, pdc0=1.0, gamma_pdc=temp_coeff_per_c))
    return SolarResult(
        pv_kw_per_kwp=np.clip(dc_kw * derating, 0.0, None),
        poa_w_m2=poa,
        ghi_w_m2=ghi,
        temp_cell_c=temp_cell,
        temp_air_c=temp_air,
        source=str(weather.attrs.get("source", "")),
        notes=list(weather.attrs.get("notes", [])),
    )


def _beam_and_diffuse(weather: pd.DataFrame, ghi: np.ndarray, zenith: np.ndarray,
                      day_of_year: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """DNI and DHI [W/m2]: from the weather where given, else Erbs decomposition of GHI."""
    nan = np.full(len(ghi), np.nan)
    dni = weather["dni"].to_numpy(dtype=float) if "dni" in weather else nan
    dhi = weather["dhi"].to_numpy(dtype=float) if "dhi" in weather else nan
    missing = np.isnan(dni) | np.isnan(dhi)
    if missing.any():
        erbs = pvlib.irradiance.erbs(ghi, zenith, day_of_year)
        dni = np.where(missing, np.asarray(erbs["dni"]), dni)
        dhi = np.where(missing, np.asarray(erbs["dhi"]), dhi)
    dni = np.where(zenith < 90.0, dni, 0.0)
    return np.nan_to_num(dni), np.nan_to_num(dhi)


# --------------------------------------------------------------------------- glue
def standard_offset_h(timezone: Optional[str], longitude: float) -> float:
    """UTC offset of a zone's standard (winter, no-DST) time [h]; round(lon/15) if None."""
    if not timezone:
        return float(round(longitude / 15.0))
    zone = ZoneInfo(timezone)
    moment = datetime(CANONICAL_YEAR, 1, 1, 12, tzinfo=zone)
    return (moment.utcoffset() - moment.dst()).total_seconds() / 3600.0


def solar_resource(site, seed: int = 0) -> SolarResult:
    """The site's hourly PV output per kWp: from its weather file, or synthesised.

    Parameters
    ----------
    site : Site
        Validated site (``location``, ``solar``, ``equipment.pv``, ``resolve``).
    seed : int, default 0
        Seed for a synthesised year (ignored with a weather file).

    Returns
    -------
    SolarResult
        Tilt defaults to ``|latitude|`` and azimuth to facing the equator.
    """
    loc, solar, pv = site.location, site.solar, site.equipment.pv
    site_offset_h = standard_offset_h(loc.timezone, loc.longitude)
    if solar.tmy_file:
        data = site.data_file("solar.tmy_file", solar.tmy_file, read_weather)
        weather = data.data.copy()
        weather.attrs.update(source=data.source, notes=list(data.notes) + _distance_note(data, loc))
        offset_h = site_offset_h if data.timezone_offset_h is None else data.timezone_offset_h
    else:
        weather = synthesize_weather(loc.latitude, loc.longitude, loc.altitude_m, solar.monthly_ghi_kwh_m2_day,
                                     solar.monthly_temp_air_c, seed=seed, timezone_offset_h=site_offset_h)
        offset_h = site_offset_h
    tilt = abs(loc.latitude) if solar.tilt_deg is None else solar.tilt_deg
    azimuth = (180.0 if loc.latitude >= 0 else 0.0) if solar.azimuth_deg is None else solar.azimuth_deg
    return pv_power_per_kwp(weather, loc.latitude, loc.longitude, loc.altitude_m, tilt, azimuth,
                            pv.derating, pv.temp_coeff_per_c, albedo=solar.albedo, timezone_offset_h=offset_h)


def _distance_note(data, loc) -> list[str]:
    """A note when the weather file's own location is far from the site (> 50 km)."""
    if data.latitude is None or data.longitude is None:
        return []
    lat1, lat2 = np.radians([loc.latitude, data.latitude])
    dlon = np.radians(loc.longitude - data.longitude)
    cos_c = np.sin(lat1) * np.sin(lat2) + np.cos(lat1) * np.cos(lat2) * np.cos(dlon)
    km = 6371.0 * float(np.arccos(np.clip(cos_c, -1.0, 1.0)))
    if km > 50.0:
        return [f"weather file is for {data.latitude:.2f}, {data.longitude:.2f}, {km:.0f} km from the site"]
    return []
