"""Solar physics: the synthetic year and the PV chain, checked against inputs and pvlib.

Monthly GHI values below are representative of each climate (rounded from NASA POWER /
PVGIS climatologies); the tests only need them to be realistic, not exact.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pvlib
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from pvlib.location import Location
from pvlib.modelchain import ModelChain
from pvlib.pvsystem import PVSystem

from p2p_size.sizing.errors import SiteError
from p2p_size.sizing.resource.solar import SolarResult, pv_power_per_kwp, solar_resource, standard_offset_h
from p2p_size.sizing.resource.synthetic_weather import (clear_sky_kt_limit, daily_clearness_mtm,
                                                        hourly_extraterrestrial, synthesize_weather)
from p2p_size.sizing.site.weather_file import read_weather

PVLIB_DATA = Path(pvlib.__file__).parent / "data"
TMY3_GREENSBORO = PVLIB_DATA / "723170TYA.CSV"
TMY3_SAND_POINT = PVLIB_DATA / "703165TY.csv"

# name: latitude, longitude, altitude_m, monthly GHI [kWh/m2/day], monthly air temperature [degC]
SITES = {
    "nepal_28N": (28.3, 83.9, 1400, [4.1, 4.9, 5.8, 6.3, 6.4, 5.5, 4.6, 4.6, 4.5, 5.0, 4.5, 4.0],
                  [9, 11, 15, 18, 20, 21, 21, 21, 20, 16, 12, 9]),
    "sahel_13N": (13.5, 2.1, 220, [5.6, 6.2, 6.5, 6.6, 6.5, 6.2, 5.8, 5.5, 5.9, 6.0, 5.8, 5.4],
                  [24, 27, 31, 34, 34, 31, 28, 27, 28, 30, 28, 25]),
    "bangladesh_23N": (23.7, 90.4, 10, [4.3, 5.0, 5.7, 6.0, 5.6, 4.6, 4.4, 4.5, 4.3, 4.6, 4.5, 4.2],
                       [18, 22, 26, 29, 29, 29, 29, 29, 29, 27, 23, 19]),
    "pacific_17S": (-17.8, 177.4, 5, [6.2, 5.8, 5.3, 4.6, 4.0, 3.7, 3.9, 4.5, 5.2, 5.9, 6.3, 6.4],
                    [27, 27, 27, 26, 25, 24, 23, 23, 24, 25, 26, 27]),
    "lapland_67N": (67.4, 26.6, 180, [0.05, 0.5, 1.8, 3.6, 5.0, 5.6, 5.1, 3.6, 2.0, 0.8, 0.15, 0.02],
                    [-14, -13, -8, -2, 5, 12, 15, 12, 6, -1, -8, -12]),
}


@pytest.fixture(scope="module")
def synthetic() -> dict[str, pd.DataFrame]:
    return {name: synthesize_weather(lat, lon, alt, ghi, temp, seed=7)
            for name, (lat, lon, alt, ghi, temp) in SITES.items()}


def monthly_mean_daily(hourly: pd.Series) -> np.ndarray:
    """Mean daily sum per month [input unit * h / day]."""
    return (hourly.groupby(hourly.index.month).sum() / hourly.groupby(hourly.index.month).size() * 24).to_numpy()


def daily_kt(frame: pd.DataFrame, latitude: float, longitude: float) -> np.ndarray:
    g0, _, _ = hourly_extraterrestrial(latitude, longitude, round(longitude / 15))
    return frame["ghi"].to_numpy().reshape(365, 24).sum(axis=1) / g0.reshape(365, 24).sum(axis=1)


# --------------------------------------------------------------------------- synthetic year
@pytest.mark.parametrize("name", list(SITES))
def test_each_month_matches_its_input_within_1_percent(synthetic, name):
    ghi_kwh = SITES[name][3]
    frame = synthetic[name]
    assert frame.shape == (8760, 4)
    assert frame.index.equals(pd.date_range("2023-01-01", periods=8760, freq="h"))
    assert_allclose(monthly_mean_daily(frame["ghi"]) / 1000.0, ghi_kwh, rtol=0.01)


@pytest.mark.parametrize("name", list(SITES))
def test_ghi_non_negative_zero_at_night_and_below_clear_sky_limit(synthetic, name):
    lat, lon = SITES[name][:2]
    ghi = synthetic[name]["ghi"].to_numpy()
    g0, _, solar_hour = hourly_extraterrestrial(lat, lon, round(lon / 15))
    assert (ghi >= 0).all()
    assert (ghi[g0 == 0] == 0).all()
    assert (g0 == 0).sum() > 2000  # there is night
    # below the clear-sky limit, except in twilight months whose input exceeds it (noted)
    twilight = [int(n.split()[1].rstrip(":")) for n in synthetic[name].attrs["notes"] if "twilight" in n]
    checked = ~np.isin(synthetic[name].index.month, twilight)
    assert (ghi[checked] <= clear_sky_kt_limit(solar_hour[checked]) * g0[checked] * 1.001 + 1e-9).all()
    assert ghi.max() < 1200.0  # [W/m2] no hour brighter than a clear tropical noon


def test_same_seed_same_year_other_seed_other_year():
    lat, lon, alt, ghi, temp = SITES["sahel_13N"]
    a = synthesize_weather(lat, lon, alt, ghi, temp, seed=3)
    b = synthesize_weather(lat, lon, alt, ghi, temp, seed=3)
    c = synthesize_weather(lat, lon, alt, ghi, temp, seed=4)
    assert_array_equal(a.to_numpy(), b.to_numpy())
    daily_a = a["ghi"].to_numpy().reshape(365, 24).sum(axis=1)
    daily_c = c["ghi"].to_numpy().reshape(365, 24).sum(axis=1)
    assert np.mean(np.abs(daily_a - daily_c)) > 300.0  # [Wh/m2/day] different weather day by day
    assert_allclose(monthly_mean_daily(c["ghi"]) / 1000.0, ghi, rtol=0.01)  # same climate


@pytest.mark.parametrize("name", ["nepal_28N", "sahel_13N", "bangladesh_23N", "pacific_17S"])
def test_day_to_day_variability_is_realistic(synthetic, name):
    """Daily Kt spread and persistence as observed at low-latitude stations.

    Measured daily-Kt standard deviations within a month are about 0.05-0.25 (lower
    in clear dry seasons, higher in changeable ones); lag-1 autocorrelation of daily Kt
    is weakly positive, about 0.1-0.4 (Graham, Hollands & Unny 1988 report ~0.29).
    """
    lat, lon = SITES[name][:2]
    kt = daily_kt(synthetic[name], lat, lon)
    month = pd.date_range("2023-01-01", periods=365, freq="D").month.to_numpy()
    sd = np.array([kt[month == m].std() for m in range(1, 13)])
    assert (sd > 0.04).all() and (sd < 0.25).all(), sd
    anomaly = kt - np.array([kt[month == m].mean() for m in range(1, 13)])[month - 1]
    r1 = np.corrcoef(anomaly[:-1], anomaly[1:])[0, 1]
    assert 0.0 < r1 < 0.5, r1
    assert kt.min() > 0.0 and kt.max() < 0.9


def test_mtm_library_transcription_is_consistent():
    """Each published row is a probability distribution (rounded to 3 decimals), and the
    state ranges grow with the class of monthly Kt as in Aguiar et al. (1988)."""
    from p2p_size.sizing.resource import synthetic_weather as solar

    assert solar._MTM.shape == (10, 10, 10)
    assert_allclose(solar._MTM.sum(axis=2), 1.0, atol=0.004)
    assert (solar._MTM >= 0).all()
    assert (solar._MTM_KT_MIN < solar._MTM_KT_MAX).all()
    assert_allclose(solar._MTM_CUM[:, :, -1], 1.0, rtol=0, atol=1e-12)


def test_mtm_daily_kt_follows_the_monthly_mean():
    rng = np.random.default_rng(0)
    monthly_kt = [0.25, 0.32, 0.38, 0.42, 0.48, 0.52, 0.57, 0.62, 0.67, 0.72, 0.45, 0.55]
    kt = daily_clearness_mtm(monthly_kt, rng)
    month = pd.date_range("2023-01-01", periods=365, freq="D").month.to_numpy()
    means = [kt[month == m].mean() for m in range(1, 13)]
    assert_allclose(means, monthly_kt, atol=0.03)


def test_hourly_profile_symmetric_about_solar_noon_mid_hour_convention():
    """At longitude 0 with UTC+0, the hour 11:00-12:00 and 12:00-13:00 mirror each other."""
    frame = synthesize_weather(0.0, 0.0, 0.0, [5.5] * 12, seed=1, timezone_offset_h=0)
    by_hour = frame["ghi"].groupby(frame.index.hour).mean()
    assert_allclose(by_hour[11], by_hour[12], rtol=0.03)
    assert_allclose(by_hour[7], by_hour[16], rtol=0.08)
    assert by_hour[:5].sum() == 0 and by_hour[19:].sum() == 0  # equator: ~06:00-18:00 +- EoT


def test_timezone_offset_defaults_to_longitude_over_15():
    lat, lon, alt, ghi, temp = SITES["bangladesh_23N"]
    a = synthesize_weather(lat, lon, alt, ghi, seed=2)
    b = synthesize_weather(lat, lon, alt, ghi, seed=2, timezone_offset_h=6)
    assert_array_equal(a["ghi"].to_numpy(), b["ghi"].to_numpy())


def test_temperature_monthly_means_and_daily_cycle(synthetic):
    lat, lon, alt, ghi, temp = SITES["sahel_13N"]
    frame = synthetic["sahel_13N"]
    assert_allclose(frame["temp_air"].groupby(frame.index.month).mean().to_numpy(), temp, rtol=0, atol=1e-9)
    daily = frame["temp_air"].to_numpy().reshape(365, 24)
    hottest = daily.argmax(axis=1)
    coldest = daily.argmin(axis=1)
    assert np.isin(hottest, [13, 14, 15]).all()  # mid-afternoon (solar 15 h ~ clock 14:30)
    assert np.isin(coldest, [4, 5, 6]).all()  # around sunrise
    daily_range = daily.max(axis=1) - daily.min(axis=1)
    assert (daily_range > 5).all() and (daily_range < 16).all()  # [degC]
    kt = daily_kt(frame, lat, lon)
    assert np.corrcoef(kt, daily_range)[0, 1] > 0.5  # clearer days swing wider


def test_temperature_defaults_to_25_c():
    lat, lon, alt, ghi, _ = SITES["pacific_17S"]
    frame = synthesize_weather(lat, lon, alt, ghi)
    assert (frame["temp_air"] == 25.0).all()
    assert frame[["dni", "dhi"]].isna().all().all()
    assert "25 degC constant" in " ".join(frame.attrs["notes"])


def test_impossible_monthly_ghi_is_a_site_error():
    ghi = [12.0] + [5.0] * 11  # 12 kWh/m2/day in January at 60 N: above extraterrestrial
    with pytest.raises(SiteError, match=r"solar\.monthly_ghi_kwh_m2_day.*month 1: 12 given"):
        synthesize_weather(60.0, 10.0, 0.0, ghi)


def test_polar_night_with_zero_ghi_is_fine():
    ghi = [0.0, 0.03, 0.6, 2.7, 4.5, 5.3, 4.3, 2.6, 1.0, 0.15, 0.0, 0.0]  # Longyearbyen, Svalbard
    frame = synthesize_weather(78.2, 15.6, 0.0, ghi, seed=0)
    assert_allclose(monthly_mean_daily(frame["ghi"]) / 1000.0, ghi, rtol=0.01, atol=1e-9)


def test_twilight_light_in_polar_night_is_noted_not_refused():
    """Measured December GHI north of the Arctic circle is diffuse twilight, a few Wh/m2/day."""
    ghi = [0.01, 0.03, 0.6, 2.7, 4.5, 5.3, 4.3, 2.6, 1.0, 0.15, 0.01, 0.02]
    frame = synthesize_weather(78.2, 15.6, 0.0, ghi, seed=0)
    notes = " ".join(frame.attrs["notes"])
    assert "month 12: 0.02 kWh/m2/day given but the sun stays below the horizon all month; set to 0" in notes
    assert frame.loc[frame.index.month == 12, "ghi"].sum() == 0.0
    assert_allclose(monthly_mean_daily(frame["ghi"])[2:10] / 1000.0, ghi[2:10], rtol=0.01)


# --------------------------------------------------------------------------- PV chain
def modelchain_pvwatts_yield(path: Path, tilt: float, azimuth: float, derating: float, gamma: float,
                             drop_components: bool = False) -> float:
    """Annual kWh/kWp from pvlib's own ModelChain (PVWatts DC, SAPM cell temperature),
    run on pvlib's own read of the file with its own time stamps (hour-ending, UTC-5)."""
    raw, meta = pvlib.iotools.read_tmy3(path, map_variables=True)
    weather = raw[["ghi", "dni", "dhi", "temp_air"]].copy()
    weather["wind_speed"] = 1.0
    weather.index = raw.index - pd.Timedelta(minutes=30)  # middle of each hour
    location = Location(meta["latitude"], meta["longitude"], altitude=meta["altitude"],
                        tz=f"Etc/GMT{-int(meta['TZ']):+d}")
    system = PVSystem(surface_tilt=tilt, surface_azimuth=azimuth, albedo=0.2,
                      module_parameters={"pdc0": 1.0, "gamma_pdc": gamma},
                      inverter_parameters={"pdc0": 10.0},
                      temperature_model_parameters=pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"][
                          "open_rack_glass_polymer"])
    mc = ModelChain(system, location, aoi_model="no_loss", spectral_model="no_loss", losses_model="no_loss",
                    transposition_model="haydavies", temperature_model="sapm", dc_model="pvwatts",
                    ac_model="pvwatts")
    with warnings.catch_warnings():  # pvlib 0.16 internals still call DatetimeIndex.dayofyear
        warnings.simplefilter("ignore", pd.errors.Pandas4Warning)
        return _run_modelchain(mc, location, weather, drop_components) * derating


def _run_modelchain(mc: ModelChain, location: Location, weather: pd.DataFrame, drop_components: bool) -> float:
    if drop_components:  # pvlib's Erbs on pvlib's own solar position, then the same chain
        position = location.get_solarposition(weather.index)
        erbs = pvlib.irradiance.erbs(weather["ghi"], position["apparent_zenith"], weather.index)
        weather["dni"], weather["dhi"] = erbs["dni"], erbs["dhi"]
    mc.run_model(weather)
    return float(mc.results.dc.clip(lower=0).sum())


@pytest.mark.parametrize("path, tilt, azimuth", [(TMY3_GREENSBORO, 30.0, 180.0), (TMY3_SAND_POINT, 45.0, 200.0)])
def test_tmy_yield_agrees_with_pvlib_modelchain(path, tilt, azimuth):
    w = read_weather(path)
    result = pv_power_per_kwp(w.data, w.latitude, w.longitude, w.altitude_m, tilt, azimuth,
                              derating=0.85, temp_coeff_per_c=-0.004, timezone_offset_h=w.timezone_offset_h)
    reference = modelchain_pvwatts_yield(path, tilt, azimuth, 0.85, -0.004)
    assert_allclose(result.annual_yield_kwh_per_kwp, reference, rtol=0.02)
    # Greensboro NC at 30 deg tilt: ~1400 kWh/kWp with a 0.85 derating (PVWatts gives ~1380-1450)
    if path == TMY3_GREENSBORO:
        assert 1300 < result.annual_yield_kwh_per_kwp < 1500


def test_erbs_path_agrees_with_pvlib_erbs_and_modelchain():
    w = read_weather(TMY3_GREENSBORO)
    ghi_only = w.data.assign(dni=np.nan, dhi=np.nan)
    result = pv_power_per_kwp(ghi_only, w.latitude, w.longitude, w.altitude_m, 30.0, 180.0,
                              derating=0.85, temp_coeff_per_c=-0.004, timezone_offset_h=-5)
    reference = modelchain_pvwatts_yield(TMY3_GREENSBORO, 30.0, 180.0, 0.85, -0.004, drop_components=True)
    assert_allclose(result.annual_yield_kwh_per_kwp, reference, rtol=0.02)


def test_solar_result_shapes_units_and_properties():
    w = read_weather(TMY3_GREENSBORO)
    r = pv_power_per_kwp(w.data, w.latitude, w.longitude, w.altitude_m, 30.0, 180.0, 0.85, -0.004,
                         timezone_offset_h=-5)
    assert isinstance(r, SolarResult)
    for arr in (r.pv_kw_per_kwp, r.poa_w_m2, r.ghi_w_m2, r.temp_cell_c, r.temp_air_c):
        assert isinstance(arr, np.ndarray) and arr.shape == (8760,) and np.isfinite(arr).all()
    assert (r.pv_kw_per_kwp >= 0).all() and r.pv_kw_per_kwp.max() < 1.0  # [kW/kWp] after 0.85 derating
    assert_allclose(r.annual_yield_kwh_per_kwp, r.pv_kw_per_kwp.sum(), rtol=1e-12)
    assert_allclose(r.peak_sun_hours, r.poa_w_m2.sum() / 1000 / 365, rtol=1e-12)
    assert r.monthly_ghi_kwh_m2_day.shape == (12,)
    assert_allclose(r.monthly_ghi_kwh_m2_day.mean() * 365 / 365, w.data["ghi"].sum() / 1000 / 365, rtol=0.01)
    assert (r.temp_cell_c >= r.temp_air_c - 1e-9).all()  # cells are never cooler than air in SAPM
    # tilting toward the equator at 36 N gains plane-of-array irradiation over horizontal
    assert r.poa_w_m2.sum() > 1.08 * r.ghi_w_m2.sum()


def test_solar_result_properties_by_hand():
    # the test above compares each property with the very sum that defines it; here a year
    # whose answers are known on paper:
    #   PV 0.5 kW/kWp every hour: 0.5 x 8760 = 4380 kWh/kWp
    #   POA 1000 W/m2 for 5 h a day: 5 kWh/m2/day = 5 peak sun hours
    #   GHI 500 W/m2 from 06:00 to 18:00 (12 h): 6 kWh/m2/day; doubled in January (744 h): 12
    hour = np.arange(8760) % 24
    ghi = np.where((hour >= 6) & (hour < 18), 500.0, 0.0)
    ghi[:744] *= 2
    r = SolarResult(pv_kw_per_kwp=np.full(8760, 0.5), poa_w_m2=np.where(hour < 5, 1000.0, 0.0),
                    ghi_w_m2=ghi, temp_cell_c=np.full(8760, 25.0), temp_air_c=np.full(8760, 25.0))
    assert_allclose(r.annual_yield_kwh_per_kwp, 4380.0, rtol=1e-12)
    assert_allclose(r.peak_sun_hours, 5.0, rtol=1e-12)
    assert_allclose(r.monthly_ghi_kwh_m2_day, [12.0] + [6.0] * 11, rtol=1e-12)
    assert_allclose(r.monthly_poa_kwh_m2_day, 5.0, rtol=1e-12)


def test_hotter_air_lowers_yield_by_the_temperature_coefficient():
    w = read_weather(TMY3_GREENSBORO)
    args = (w.latitude, w.longitude, w.altitude_m, 30.0, 180.0, 0.85, -0.004)
    base = pv_power_per_kwp(w.data, *args, timezone_offset_h=-5)
    hot = pv_power_per_kwp(w.data.assign(temp_air=w.data["temp_air"] + 10), *args, timezone_offset_h=-5)
    # PVWatts is linear in cell temperature: +10 degC costs 0.004 * 10 of every kWh/m2 of POA
    expected_loss_kwh = 0.85 * 0.004 * 10 * base.poa_w_m2.sum() / 1000.0
    assert_allclose(base.annual_yield_kwh_per_kwp - hot.annual_yield_kwh_per_kwp, expected_loss_kwh, rtol=1e-9)
    assert_allclose(hot.temp_cell_c - base.temp_cell_c, 10.0, atol=1e-9)


def test_synthetic_yield_plausible_for_the_sahel(synthetic):
    lat, lon, alt, ghi, temp = SITES["sahel_13N"]
    r = pv_power_per_kwp(synthetic["sahel_13N"], lat, lon, alt, 15.0, 180.0, 0.85, -0.004)
    assert_allclose(r.monthly_ghi_kwh_m2_day, ghi, rtol=0.01)
    # PVGIS gives ~1650-1750 kWh/kWp at 14 % system loss for Niamey; with 0.85 derating and
    # 25-35 degC air we expect the same band
    assert 1550 < r.annual_yield_kwh_per_kwp < 1850
    assert 5.8 < r.peak_sun_hours < 6.5


def test_southern_hemisphere_panel_faces_north():
    lat, lon, alt, ghi, temp = SITES["pacific_17S"]
    frame = synthesize_weather(lat, lon, alt, ghi, temp, seed=0)
    north = pv_power_per_kwp(frame, lat, lon, alt, 18.0, 0.0, 0.85, -0.004)
    south = pv_power_per_kwp(frame, lat, lon, alt, 18.0, 180.0, 0.85, -0.004)
    assert north.annual_yield_kwh_per_kwp > 1.1 * south.annual_yield_kwh_per_kwp


# --------------------------------------------------------------------------- glue
def test_standard_offset_of_iana_zones():
    assert standard_offset_h("Asia/Kathmandu", 85.3) == 5.75
    assert standard_offset_h("America/New_York", -74.0) == -5.0  # not the summer -4
    assert standard_offset_h("Pacific/Fiji", 178.0) == 12.0
    assert standard_offset_h(None, -79.95) == -5.0


def site_stub(base_dir: Path, **solar) -> SimpleNamespace:
    """A stand-in carrying exactly the Site fields solar_resource reads."""
    solar_ns = SimpleNamespace(tmy_file=None, monthly_ghi_kwh_m2_day=None, monthly_temp_air_c=None,
                               tilt_deg=None, azimuth_deg=None, albedo=0.2)
    for k, v in solar.items():
        setattr(solar_ns, k, v)
    return SimpleNamespace(
        location=SimpleNamespace(latitude=36.1, longitude=-79.95, altitude_m=273.0, timezone="America/New_York"),
        solar=solar_ns,
        equipment=SimpleNamespace(pv=SimpleNamespace(derating=0.85, temp_coeff_per_c=-0.004)),
        base_dir=base_dir,
        resolve=lambda rel: base_dir / rel,
    )


def test_solar_resource_from_a_tmy_file_relative_to_the_site(tmp_path):
    (tmp_path / "weather").mkdir()
    (tmp_path / "weather" / "tmy.csv").write_bytes(TMY3_GREENSBORO.read_bytes())
    import yaml

    from p2p_size.sizing.site import load_site

    (tmp_path / "site.yaml").write_text(yaml.safe_dump({
        "name": "Greensboro test", "location": {"latitude": 36.1, "longitude": -79.95, "altitude_m": 273},
        "solar": {"tmy_file": "weather/tmy.csv", "tilt_deg": 30.0, "azimuth_deg": 180.0},
        "households": [{"name": "all", "count": 2, "income_per_month": 60, "daily_load_kwh": 0.35}],
    }))
    site = load_site(tmp_path / "site.yaml")  # reads the file once; solar_resource reuses it
    assert "solar.tmy_file" in site._parsed
    r = solar_resource(site)
    reference = modelchain_pvwatts_yield(TMY3_GREENSBORO, 30.0, 180.0, 0.85, -0.004)
    assert_allclose(r.annual_yield_kwh_per_kwp, reference, rtol=0.02)
    assert r.source == "TMY3 tmy.csv"
    assert any("hour-start" in n for n in r.notes)


def test_solar_resource_synthetic_with_the_real_schema():
    from p2p_size.sizing.site.schema import Site  # here, so a schema in flux breaks only this test

    lat, lon, alt, ghi, temp = SITES["nepal_28N"]
    site = Site.model_validate({
        "name": "Mountain village",
        "location": {"latitude": lat, "longitude": lon, "altitude_m": alt, "timezone": "Asia/Kathmandu"},
        "solar": {"monthly_ghi_kwh_m2_day": ghi, "monthly_temp_air_c": temp},
        "households": [{"name": "all", "count": 200, "income_per_month": 60, "daily_load_kwh": 0.35}],
    })
    r = solar_resource(site, seed=5)
    assert_allclose(r.monthly_ghi_kwh_m2_day, ghi, rtol=0.01)
    again = solar_resource(site, seed=5)
    assert_array_equal(r.pv_kw_per_kwp, again.pv_kw_per_kwp)
    assert "seed 5" in r.source
    # tilt defaults to |latitude| facing south: POA gains over horizontal at 28 N
    assert r.peak_sun_hours > 1.05 * float(np.mean(ghi))
    # cool mountain air: 1 kWp gives 1450-1750 kWh/yr at ~5 kWh/m2/day (PVGIS Pokhara ~1550)
    assert 1400 < r.annual_yield_kwh_per_kwp < 1800
