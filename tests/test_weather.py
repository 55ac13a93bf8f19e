"""Weather-file readers: every format into the canonical year, every bad file refused.

Good files come from pvlib's shipped data (TMY3, TMY2) or are written here from that
data in the other formats (EPW, PVGIS csv/json, plain CSV), so each reader is checked
against values known independently of it.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from p2p_size.sizing.site import weather_file as weather_module
from p2p_size.sizing.errors import DataFileError
from p2p_size.sizing.site.weather_file import WeatherData, read_weather

PVLIB_DATA = Path(pvlib.__file__).parent / "data"
TMY3_GREENSBORO = PVLIB_DATA / "723170TYA.CSV"  # Greensboro NC, UTC-5, hour-ending labels
TMY3_SAND_POINT = PVLIB_DATA / "703165TY.csv"  # Sand Point AK, UTC-9
TMY2_MIAMI = PVLIB_DATA / "12839.tm2"
CANONICAL = pd.date_range("2023-01-01", periods=8760, freq="h")
MONTH_YEARS = [2005, 2011, 2007, 2014, 2009, 2012, 2006, 2016, 2010, 2013, 2008, 2015]


# --------------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def greensboro() -> WeatherData:
    return read_weather(TMY3_GREENSBORO)


def write_plain_csv(path: Path, frame: pd.DataFrame, index: pd.DatetimeIndex | None = None,
                    fmt: str = "%Y-%m-%d %H:%M", columns=("ghi", "dni", "dhi", "temp_air")) -> Path:
    out = frame.loc[:, list(columns)].copy()
    out.index = (frame.index if index is None else index).strftime(fmt)
    out.index.name = "timestamp"
    out.to_csv(path)
    return path


def write_epw(path: Path, w: WeatherData) -> Path:
    """An EnergyPlus weather file (8 header lines, 35 fields, hour 1-24) from a canonical year."""
    header = [
        f"LOCATION,Greensboro,NC,USA,TMY3,723170,{w.latitude},{w.longitude},{w.timezone_offset_h},{w.altitude_m}",
        "DESIGN CONDITIONS,0", "TYPICAL/EXTREME PERIODS,0", "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0", "COMMENTS 1,written by test_weather.py",
        "COMMENTS 2,", "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31",
    ]
    rows = []
    for t, (ghi, dni, dhi, temp) in zip(w.data.index, w.data.to_numpy()):
        year = MONTH_YEARS[t.month - 1]
        fields = [year, t.month, t.day, t.hour + 1, 60, "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9*9",
                  temp, 5.0, 60, 98000, 0, 0, 300, ghi, dni, dhi] + [0] * 19
        rows.append(",".join(str(f) for f in fields))
    path.write_text("\n".join(header + rows) + "\n")
    return path


def pvgis_rows(w: WeatherData, offset_h: int) -> tuple[list[str], np.ndarray]:
    """UTC timestamps (months from different years) and values, from a local canonical year."""
    utc = np.roll(w.data.to_numpy(), -offset_h, axis=0)  # local = UTC + offset
    stamps = [f"{MONTH_YEARS[t.month - 1]}{t:%m%d:%H}00" for t in CANONICAL]
    return stamps, utc


def write_pvgis_csv(path: Path, w: WeatherData) -> Path:
    offset_h = round(w.longitude / 15)
    stamps, utc = pvgis_rows(w, offset_h)
    lines = [f"Latitude (decimal degrees): {w.latitude:.3f}", f"Longitude (decimal degrees): {w.longitude:.3f}",
             f"Elevation (m): {w.altitude_m:.0f}", "Irradiance Time Offset (h): 0.1", "month,year"]
    lines += [f"{m + 1},{y}" for m, y in enumerate(MONTH_YEARS)]
    lines.append("time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP")
    lines += [f"{s},{v[3]},60.0,{v[0]},{v[1]},{v[2]},300.0,2.0,180.0,98000" for s, v in zip(stamps, utc)]
    lines += ["T2m: 2-m air temperature (degree Celsius)", "G(h): Global irradiance on the horizontal plane (W/m2)",
              "PVGIS (c) European Union, 2001-2024"]
    path.write_text("\r\n".join(lines) + "\r\n")
    return path


def write_pvgis_json(path: Path, w: WeatherData) -> Path:
    offset_h = round(w.longitude / 15)
    stamps, utc = pvgis_rows(w, offset_h)
    hourly = [{"time(UTC)": s, "T2m": v[3], "RH": 60.0, "G(h)": v[0], "Gb(n)": v[1], "Gd(h)": v[2],
               "IR(h)": 300.0, "WS10m": 2.0, "WD10m": 180.0, "SP": 98000} for s, v in zip(stamps, utc)]
    src = {"inputs": {"location": {"latitude": w.latitude, "longitude": w.longitude, "elevation": w.altitude_m},
                      "meteo_data": {"radiation_db": "PVGIS-SARAH2"}},
           "outputs": {"months_selected": [{"month": m + 1, "year": y} for m, y in enumerate(MONTH_YEARS)],
                       "tmy_hourly": hourly},
           "meta": {"inputs": {"location": {"description": "Selected location"}}}}
    path.write_text(json.dumps(src))
    return path


def problems_text(exc: DataFileError) -> str:
    return str(exc)


def assert_canonical(frame: pd.DataFrame):
    assert frame.shape == (8760, 4)
    assert list(frame.columns) == ["ghi", "dni", "dhi", "temp_air"]
    assert frame.index.equals(CANONICAL)
    assert frame.index.tz is None


# --------------------------------------------------------------------------- TMY3 / TMY2
def test_tmy3_greensboro_canonical_and_shifted_to_hour_start(greensboro):
    raw, meta = pvlib.iotools.read_tmy3(TMY3_GREENSBORO, map_variables=True)
    assert_canonical(greensboro.data)
    assert (greensboro.latitude, greensboro.longitude, greensboro.altitude_m) == (36.1, -79.95, 273.0)
    assert greensboro.timezone_offset_h == -5.0
    assert greensboro.source == "TMY3 723170TYA.CSV"
    # the file's row "01/01/1988 13:00" (hour ending 13:00) is the hour 12:00-13:00
    row = raw[(raw["Date (MM/DD/YYYY)"] == "01/01/1988") & (raw["Time (HH:MM)"] == "13:00")].iloc[0]
    assert greensboro.data.loc["2023-01-01 12:00", "ghi"] == row["ghi"]
    assert greensboro.data.loc["2023-01-01 12:00", "temp_air"] == row["temp_air"]
    # the year's last row (12/31 24:00) is the hour 23:00-24:00 of Dec 31
    last = raw[raw["Time (HH:MM)"] == "24:00"].iloc[-1]
    assert greensboro.data.iloc[-1]["temp_air"] == last["temp_air"]
    # nothing lost: annual sums identical to the file's
    assert_allclose(greensboro.data[["ghi", "dni", "dhi"]].sum().to_numpy(),
                    raw[["ghi", "dni", "dhi"]].sum().to_numpy(), rtol=0, atol=1e-9)


def test_tmy3_sand_point_alaska():
    w = read_weather(TMY3_SAND_POINT)
    assert_canonical(w.data)
    assert w.timezone_offset_h == -9.0
    assert_allclose(w.data["ghi"].mean(), 94.662, atol=0.01)  # [W/m2], from the file


def test_tmy2_miami_hour_labels_and_tenths_of_degree():
    w = read_weather(TMY2_MIAMI)
    assert_canonical(w.data)
    assert w.source == "TMY2 12839.tm2"
    # the file's first sunlit hour on Jan 1 is hour 8 (07:00-08:00) with GHI 10 W/m2
    assert w.data.loc["2023-01-01 06:00", "ghi"] == 0.0
    assert w.data.loc["2023-01-01 07:00", "ghi"] == 10.0
    assert 20 < w.data["temp_air"].mean() < 30  # Miami annual mean ~24 degC, stored in tenths


# --------------------------------------------------------------------------- EPW / PVGIS
def test_epw_round_trip(tmp_path, greensboro):
    w = read_weather(write_epw(tmp_path / "greensboro.epw", greensboro))
    assert w.source == "EPW greensboro.epw"
    assert (w.latitude, w.longitude, w.timezone_offset_h, w.altitude_m) == (36.1, -79.95, -5.0, 273.0)
    pd.testing.assert_frame_equal(w.data, greensboro.data, check_freq=False, check_names=False)


def test_epw_missing_value_codes_are_reported(tmp_path, greensboro):
    data = greensboro.data.copy()
    data.iloc[100, 0] = 9999.0  # EPW "missing" code for GHI
    bad = WeatherData(data, 36.1, -79.95, 273.0, -5.0, "x")
    with pytest.raises(DataFileError) as err:
        read_weather(write_epw(tmp_path / "gaps.epw", bad))
    text = problems_text(err.value)
    assert "gaps.epw" in text and "column ghi" in text and "1 missing values" in text and "row 101" in text


@pytest.mark.parametrize("writer, fmt", [(write_pvgis_csv, "PVGIS TMY csv"), (write_pvgis_json, "PVGIS TMY json")])
def test_pvgis_tmy_utc_moved_to_local_standard_time(tmp_path, greensboro, writer, fmt):
    suffix = ".csv" if "csv" in fmt else ".json"
    w = read_weather(writer(tmp_path / f"pvgis{suffix}", greensboro))
    assert w.source == f"{fmt} pvgis{suffix}"
    assert w.timezone_offset_h == -5.0  # round(-79.95 / 15)
    assert (w.latitude, w.longitude, w.altitude_m) == (36.1, -79.95, 273.0)
    assert any("UTC-5" in n for n in w.notes)
    pd.testing.assert_frame_equal(w.data, greensboro.data, check_freq=False, check_names=False)


def test_epw_with_unreadable_cell(tmp_path, greensboro):
    path = write_epw(tmp_path / "typo.epw", greensboro)
    lines = path.read_text().splitlines()
    fields = lines[8 + 12].split(",")
    fields[13] = "12O"  # letter O typed for a zero, in the GHI field of Jan 1 12:00
    lines[8 + 12] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataFileError, match=r"typo\.epw: solar\.tmy_file \(column ghi\): 1 missing values.*row 13"):
        read_weather(path)


def test_truncated_pvgis_csv(tmp_path, greensboro):
    path = write_pvgis_csv(tmp_path / "cut.csv", greensboro)
    path.write_text("\n".join(path.read_text().splitlines()[:3000]))
    with pytest.raises(DataFileError) as err:
        read_weather(path)
    text = str(err.value)
    assert "cut.csv: solar.tmy_file: 5778 rows have no valid date and hour" in text
    assert "5778 hours are missing" in text


def test_pvgis_json_that_is_not_pvgis(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"hello": [1, 2, 3]}))
    with pytest.raises(DataFileError, match=r"other\.json.*could not be read as PVGIS TMY json.*tmy_hourly"):
        read_weather(path)


def test_truncated_tmy3_is_a_data_file_error(tmp_path):
    lines = TMY3_GREENSBORO.read_text().splitlines()
    path = tmp_path / "short.csv"
    path.write_text("\n".join(lines[:2 + 5000]) + "\n")
    with pytest.raises(DataFileError) as err:
        read_weather(path, key="solar.tmy_file")
    text = problems_text(err.value)
    assert "short.csv: solar.tmy_file" in text and "3760 hours are missing" in text


# --------------------------------------------------------------------------- plain CSV: good
def test_plain_csv_round_trip(tmp_path, greensboro):
    w = read_weather(write_plain_csv(tmp_path / "plain.csv", greensboro.data))
    assert w.source == "CSV plain.csv"
    assert w.timezone_offset_h is None and w.latitude is None
    assert w.notes == []
    pd.testing.assert_frame_equal(w.data, greensboro.data, check_freq=False, check_names=False)


def test_plain_csv_ghi_only_gives_nan_components(tmp_path, greensboro):
    w = read_weather(write_plain_csv(tmp_path / "ghi.csv", greensboro.data, columns=("ghi", "temp_air")))
    assert w.data[["dni", "dhi"]].isna().all().all()
    assert_allclose(w.data["ghi"], greensboro.data["ghi"], rtol=0, atol=0)


def test_plain_csv_leap_year_drops_feb_29(tmp_path, greensboro):
    index = pd.date_range("2020-01-01", periods=8784, freq="h")
    frame = pd.DataFrame(index=index, columns=["ghi", "dni", "dhi", "temp_air"], dtype=float)
    not_leap_day = ~((index.month == 2) & (index.day == 29))
    frame.loc[not_leap_day] = greensboro.data.to_numpy()
    frame.loc[~not_leap_day] = [0.0, 0.0, 0.0, -40.0]  # would be visible if kept
    w = read_weather(write_plain_csv(tmp_path / "leap.csv", frame))
    assert "29 February dropped (leap year)" in w.notes
    pd.testing.assert_frame_equal(w.data, greensboro.data, check_freq=False, check_names=False)


def test_plain_csv_year_starting_mid_year_is_rotated(tmp_path, greensboro):
    index = pd.date_range("2021-07-01", periods=8760, freq="h")
    frame = greensboro.data.loc[[t.replace(year=2023) for t in index]].set_axis(index)
    w = read_weather(write_plain_csv(tmp_path / "july.csv", frame))
    pd.testing.assert_frame_equal(w.data, greensboro.data, check_freq=False, check_names=False)
    assert any("moved to 2023" in n for n in w.notes)


def test_plain_csv_30_minute_data_resampled_to_hourly_means(tmp_path, greensboro):
    index = pd.date_range("2023-01-01", periods=2 * 8760, freq="30min")
    hourly = greensboro.data.to_numpy()
    wiggle = np.tile([[-10.0, -10.0, -10.0, -1.0], [10.0, 10.0, 10.0, 1.0]], (8760, 1))
    values = np.repeat(hourly, 2, axis=0) + np.where(np.repeat(hourly, 2, axis=0) > 20, wiggle, 0.0)
    frame = pd.DataFrame(values, index=index, columns=["ghi", "dni", "dhi", "temp_air"])
    w = read_weather(write_plain_csv(tmp_path / "halfhour.csv", frame))
    assert "resampled from 30-minute data to hourly means" in w.notes
    assert_allclose(w.data.to_numpy(), hourly, rtol=0, atol=1e-9)


@pytest.mark.parametrize("minute", [30, 10])
def test_plain_csv_hourly_rows_stamped_inside_the_hour(tmp_path, greensboro, minute):
    # hh:30 (the middle of each hour, NSRDB-style) or hh:10 (PVGIS series): the hour the stamp falls in
    index = pd.date_range(f"2023-01-01 00:{minute:02d}", periods=8760, freq="h")
    w = read_weather(write_plain_csv(tmp_path / "mid.csv", greensboro.data, index=index))
    assert f"hourly timestamps at hh:{minute:02d} taken as the hour they fall in (hh:00 to hh+1:00)" in w.notes
    pd.testing.assert_frame_equal(w.data, greensboro.data, check_freq=False, check_names=False)


def test_plain_csv_with_minutes_that_differ_is_still_refused(tmp_path, greensboro):
    index = pd.date_range("2023-01-01 00:30", periods=8760, freq="h").to_series()
    index.iloc[100] = index.iloc[100] - pd.Timedelta(minutes=30)  # one row at hh:00 among hh:30 rows
    path = write_plain_csv(tmp_path / "mixed.csv", greensboro.data, index=pd.DatetimeIndex(index))
    with pytest.raises(DataFileError):
        read_weather(path)


def test_plain_csv_with_utc_offset_timestamps(tmp_path, greensboro):
    path = tmp_path / "nepal.csv"
    write_plain_csv(path, greensboro.data, fmt="%Y-%m-%dT%H:%M+05:45")
    w = read_weather(path)
    assert w.timezone_offset_h == 5.75
    pd.testing.assert_frame_equal(w.data, greensboro.data, check_freq=False, check_names=False)


def test_plain_csv_latin1_and_tiny_negatives(tmp_path, greensboro):
    frame = greensboro.data.copy()
    frame.iloc[0, 0] = -2.5  # night sensor offset
    frame["station"] = "Thiès"  # an extra column with a Latin-1 character
    out = frame.copy()
    out.index = out.index.strftime("%Y-%m-%d %H:%M")
    out.index.name = "timestamp"
    path = tmp_path / "latin1.csv"
    path.write_bytes(out.to_csv().encode("latin-1"))
    w = read_weather(path)
    assert "file is not UTF-8 (byte 0xe8 on line 2); read as Latin-1" in w.notes
    assert any("1 small negative irradiance values" in n for n in w.notes)
    assert w.data.iloc[0, 0] == 0.0
    assert (w.data[["ghi", "dni", "dhi"]] >= 0).all().all()


# --------------------------------------------------------------------------- plain CSV: bad
@pytest.fixture()
def good_rows(greensboro) -> pd.DataFrame:
    return greensboro.data.copy()


def expect_problem(path: Path, *fragments: str, key: str = "solar.tmy_file") -> str:
    with pytest.raises(DataFileError) as err:
        read_weather(path, key=key)
    text = problems_text(err.value)
    assert path.name in text and key in text, text
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    return text


def test_wrong_length(tmp_path, good_rows):
    path = write_plain_csv(tmp_path / "short.csv", good_rows.iloc[:8000])
    expect_problem(path, "expected one year: 8760 hourly rows", "got 8000 rows", "2023-01-01 00:00 to 2023-11-30 07:00")


def test_gap(tmp_path, good_rows):
    path = write_plain_csv(tmp_path / "gap.csv", good_rows.drop(good_rows.index[100:103]))
    expect_problem(path, "1 gaps or irregular steps in a 60-minute series", "line 102",
                   "01-05 07:00 after 01-05 03:00", "fill the missing time steps")


def test_duplicate_timestamp(tmp_path, good_rows):
    index = good_rows.index.to_numpy().copy()
    index[51] = index[50]
    path = write_plain_csv(tmp_path / "dup.csv", good_rows, index=pd.DatetimeIndex(index))
    expect_problem(path, "1 duplicate timestamps", "line 53", "keep one row per time step")


def test_non_numeric_cells_and_nan_and_negative_all_reported(tmp_path, good_rows):
    path = write_plain_csv(tmp_path / "mixed.csv", good_rows)
    lines = path.read_text().splitlines()
    def with_ghi(line: str, ghi: str) -> str:
        stamp, _, dni, dhi, temp = line.split(",")
        return ",".join([stamp, ghi, dni, dhi, temp])

    lines[10] = with_ghi(lines[10], "n/a?")    # non-numeric ghi (line 11)
    lines[4000] = with_ghi(lines[4000], "")    # empty ghi -> NaN (line 4001)
    lines[4001] = with_ghi(lines[4001], "-40")  # negative beyond the noise (line 4002)
    path.write_text("\n".join(lines) + "\n")
    text = expect_problem(path, "3 problems found", "column ghi", "1 non-numeric cells: line 11 ('n/a?')",
                          "1 missing values (NaN, empty or unreadable): line 4001",
                          "irradiance values below -5 W/m2", "line 4002 (-40)")
    assert "fix:" in text


def test_nan_word_in_temperature(tmp_path, good_rows):
    good_rows.iloc[[5, 6], 3] = np.nan
    path = write_plain_csv(tmp_path / "nan.csv", good_rows)
    expect_problem(path, "column temp_air", "2 missing values (NaN, empty or unreadable): line 7, line 8")


def test_missing_columns_named_with_what_exists(tmp_path, good_rows):
    frame = good_rows.rename(columns={"temp_air": "t2m"})
    path = write_plain_csv(tmp_path / "cols.csv", frame, columns=("ghi", "dni", "dhi", "t2m"))
    expect_problem(path, "missing columns: temp_air", "the file has: timestamp, ghi, dni, dhi, t2m",
                   "expected timestamp, ghi[, dni, dhi], temp_air")


def test_missing_column_and_bad_values_reported_together(tmp_path, good_rows):
    good_rows.iloc[3, 0] = -100.0
    path = write_plain_csv(tmp_path / "both.csv", good_rows, columns=("ghi", "dni", "dhi"))
    expect_problem(path, "2 problems found", "missing columns: temp_air", "line 5 (-100)")


def test_only_dni_without_dhi(tmp_path, good_rows):
    path = write_plain_csv(tmp_path / "dni.csv", good_rows, columns=("ghi", "dni", "temp_air"))
    expect_problem(path, "only one of dni, dhi is given")


def test_semicolon_delimiter_and_decimal_comma(tmp_path, good_rows):
    path = tmp_path / "excel_fr.csv"
    out = good_rows.copy()
    out.index = out.index.strftime("%Y-%m-%d %H:%M")
    out.index.name = "timestamp"
    path.write_text(out.to_csv(sep=";", decimal=","))
    expect_problem(path, "uses semicolons (';') as delimiter", "decimal commas", "use commas between columns")


def test_decimal_comma_in_a_comma_file(tmp_path, good_rows):
    path = write_plain_csv(tmp_path / "comma.csv", good_rows)
    lines = path.read_text().splitlines()
    lines[20] = "2023-01-01 19:00,0,0,0,12,5"
    path.write_text("\n".join(lines) + "\n")
    expect_problem(path, "1 rows have a different number of fields than the header (5)", "line 21",
                   "decimal comma")


def test_quoted_decimal_comma_is_non_numeric_with_hint(tmp_path, good_rows):
    path = write_plain_csv(tmp_path / "quoted.csv", good_rows)
    lines = path.read_text().splitlines()
    lines[20] = '2023-01-01 19:00,0,0,0,"12,5"'
    path.write_text("\n".join(lines) + "\n")
    expect_problem(path, "column temp_air", "non-numeric cells: line 21 ('12,5')", "write 12.5")


def test_day_month_dates_are_refused_with_an_iso_hint(tmp_path, good_rows):
    # read as month/day where the day is <= 12, the series jumps about: refused, and the fix
    # says why (the same rule as load profiles, sizing/textfile.py)
    path = write_plain_csv(tmp_path / "dates.csv", good_rows, fmt="%d/%m/%Y %H:%M")
    expect_problem(path, "column timestamp", "timestamps go backwards", "day and month are ambiguous")


def test_month_day_dates_that_read_consistently_are_accepted_with_a_note(tmp_path, good_rows):
    iso = read_weather(write_plain_csv(tmp_path / "iso.csv", good_rows))
    other = read_weather(write_plain_csv(tmp_path / "us.csv", good_rows, fmt="%m/%d/%Y %H:%M"))
    assert_allclose(other.data["ghi"].to_numpy(), iso.data["ghi"].to_numpy())
    assert "timestamps read from a non-ISO 8601 format such as '01/01/2023 00:00'" in other.notes


def test_unreadable_timestamps(tmp_path, good_rows):
    path = write_plain_csv(tmp_path / "dates.csv", good_rows)
    lines = path.read_text().splitlines()
    lines[1] = "noon on new year," + lines[1].split(",", 1)[1]
    path.write_text("\n".join(lines) + "\n")
    expect_problem(path, "timestamps are not dates", "line 2", "2023-01-01T00:00+05:45")


def test_kelvin_temperatures(tmp_path, good_rows):
    good_rows["temp_air"] += 273.15
    path = write_plain_csv(tmp_path / "kelvin.csv", good_rows)
    expect_problem(path, "temperatures outside -90..65 degC (looks like kelvin)")


def test_irradiance_in_wrong_units(tmp_path, good_rows):
    good_rows["ghi"] *= 3.6  # kJ/m2 per hour instead of W/m2
    path = write_plain_csv(tmp_path / "kj.csv", good_rows)
    expect_problem(path, "irradiance values above 1500 W/m2", "not Wh, kJ or a sum")


def test_too_large_file_refused_before_reading(tmp_path, good_rows, monkeypatch):
    path = write_plain_csv(tmp_path / "big.csv", good_rows)
    monkeypatch.setattr(weather_module, "MAX_WEATHER_FILE_BYTES", 100_000)
    expect_problem(path, "weather file is 0.3 MB; at most 0 MB is read")


def test_size_limit_is_50_mb():
    assert weather_module.MAX_WEATHER_FILE_BYTES == 50_000_000


def test_missing_empty_and_spreadsheet_files(tmp_path):
    expect_problem(tmp_path / "nowhere.csv", "weather file not found")
    (tmp_path / "empty.csv").write_text("")
    expect_problem(tmp_path / "empty.csv", "weather file is empty")
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    expect_problem(tmp_path / "book.xlsx", "spreadsheet", "export the sheet as CSV")
    (tmp_path / "header.csv").write_text("timestamp,ghi,temp_air\n")
    expect_problem(tmp_path / "header.csv", "header but no data rows")


# --------------------------------------------------------------------------- year length, leap years
def test_8759_rows_refused(tmp_path, good_rows):
    path = write_plain_csv(tmp_path / "short.csv", good_rows.iloc[:-1])
    expect_problem(path, "expected one year: 8760 hourly rows (8784 in a leap year), got 8759 rows",
                   "from 2023-01-01 00:00 to 2023-12-31 22:00")


def test_8784_rows_of_a_non_leap_year_refused(tmp_path, good_rows):
    # one year and one day, no 29 February: nothing may be dropped silently
    index = pd.date_range("2023-01-01", periods=8784, freq="h")
    frame = pd.concat([good_rows, good_rows.iloc[:24]]).set_axis(index)
    expect_problem(write_plain_csv(tmp_path / "long.csv", frame), "got 8784 rows",
                   "from 2023-01-01 00:00 to 2024-01-01 23:00")


@pytest.mark.parametrize("freq", ["h", "30min"])
def test_leap_year_without_its_29_february_is_accepted(tmp_path, greensboro, freq):
    per_hour = 2 if freq == "30min" else 1
    index = pd.date_range("2020-01-01", periods=8784 * per_hour, freq=freq)
    index = index[~((index.month == 2) & (index.day == 29))]
    frame = pd.DataFrame(np.repeat(greensboro.data.to_numpy(), per_hour, axis=0), index=index,
                         columns=greensboro.data.columns)
    w = read_weather(write_plain_csv(tmp_path / "leap_without_29.csv", frame))
    pd.testing.assert_frame_equal(w.data, greensboro.data, check_freq=False, check_names=False)
    assert not any("29 February" in n for n in w.notes)  # nothing was dropped


def test_epw_of_a_leap_year_drops_29_february_and_says_so(tmp_path, greensboro):
    path = write_epw(tmp_path / "leap.epw", greensboro)
    lines = path.read_text().splitlines()
    header, rows = lines[:8], [r.split(",") for r in lines[8:]]
    for r in rows:
        r[0] = "2020"
    feb28 = [i for i, r in enumerate(rows) if r[1] == "2" and r[2] == "28"]
    leap_day = [[*r[:2], "29", *r[3:6], "-30.0", *r[7:]] for r in (rows[i] for i in feb28)]
    rows = rows[:feb28[-1] + 1] + leap_day + rows[feb28[-1] + 1:]
    path.write_text("\n".join(header + [",".join(r) for r in rows]) + "\n")
    w = read_weather(path)
    assert len(rows) == 8784
    assert "29 February dropped (leap year)" in w.notes
    assert_allclose(w.data["temp_air"], greensboro.data["temp_air"])  # the -30 degC leap day is gone


# --------------------------------------------------------------------------- encodings and binary files
def test_utf16_text_is_decoded_and_said(tmp_path, good_rows):
    text = write_plain_csv(tmp_path / "plain.csv", good_rows).read_text()
    path = tmp_path / "unicode.csv"
    path.write_bytes(text.encode("utf-16"))
    w = read_weather(path)
    assert w.notes[0] == "file is UTF-16 text; decoded as UTF-16"
    pd.testing.assert_frame_equal(w.data, good_rows, check_freq=False, check_names=False)
    path.write_bytes(text.replace(",", "\t").encode("utf-16"))  # a spreadsheet's "Unicode text"
    expect_problem(path, "uses tabs ('\\t') as delimiter", "use commas between columns")


def test_binary_file_refused(tmp_path):
    path = tmp_path / "logger.dat"
    path.write_bytes(b"timestamp,ghi,temp_air\n" + bytes(range(256)) * 8)
    expect_problem(path, "weather file holds NUL bytes (the first on line 2, byte 23)", "not CSV text",
                   "export the data as CSV text")


def test_spreadsheet_trailing_empty_rows_and_a_column_named_twice(tmp_path, good_rows):
    path = write_plain_csv(tmp_path / "excel.csv", good_rows)
    path.write_text(path.read_text() + ",,,,\n,,,,\n")
    w = read_weather(path)  # the formatted-but-empty rows a spreadsheet exports are ignored
    pd.testing.assert_frame_equal(w.data, good_rows, check_freq=False, check_names=False)
    text = path.read_text().splitlines()
    text[0] = "timestamp,ghi,GHI,dhi,temp_air"
    path.write_text("\n".join(text) + "\n")
    expect_problem(path, "column 'GHI' appears more than once in the header (line 1)")


# --------------------------------------------------------------------------- notes reach the report
def test_resampling_note_reaches_the_solar_result(tmp_path, greensboro):
    """WeatherData.notes -> SolarResult.notes -> summary.json solar.notes -> the report's "Solar data" line."""
    from p2p_size.sizing.site import load_site
    from p2p_size.sizing.resource.solar import solar_resource

    from .conftest import SMALL_SITE, write_site

    index = pd.date_range("2023-01-01", periods=4 * 8760, freq="15min")
    frame = pd.DataFrame(np.repeat(greensboro.data.to_numpy(), 4, axis=0), index=index, columns=greensboro.data.columns)
    write_plain_csv(tmp_path / "quarter_hourly.csv", frame)
    solar = {k: v for k, v in SMALL_SITE["solar"].items() if not k.startswith("monthly_")}
    site = load_site(write_site(tmp_path, {**SMALL_SITE, "solar": {**solar, "tmy_file": "quarter_hourly.csv"}}))
    result = solar_resource(site)
    assert "resampled from 15-minute data to hourly means" in result.notes
    assert_allclose(result.ghi_w_m2, greensboro.data["ghi"], atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["timestamp", "ghi", "temp_air", "dni", "dhi", ",", ";", "\n", "0", "-40", "25,5",
                                 "NaN", "", "2023-01-01 00:00", "2024-02-29 00:30", "\"", "é", "\x00", "1e400", " "]),
                max_size=60))
def test_any_text_is_weather_or_a_data_file_error(tmp_path_factory, parts):
    path = tmp_path_factory.mktemp("fuzz") / "w.csv"
    path.write_text("".join(parts), encoding="utf-8")
    try:
        w = read_weather(path)
    except DataFileError as exc:
        assert exc.problems, "a DataFileError must carry at least one problem"
        for p in exc.problems:
            assert p.file == str(path) and p.key.startswith("solar.tmy_file") and p.message and p.fix
    else:   # read: then it is a canonical year of non-negative, finite irradiance
        assert_canonical(w.data)
        assert np.isfinite(w.data["ghi"]).all() and (w.data["ghi"] >= 0).all()
