"""Weather-file readers: the boundary between files on disk and the solar model.

:func:`read_weather` reads one typical year of hourly weather from any of the formats
a planner is likely to hold — NREL TMY3 and TMY2, EnergyPlus EPW, PVGIS TMY (csv or
json) and a plain CSV (``timestamp, ghi[, dni, dhi], temp_air``) — and returns it in one
canonical shape (:class:`WeatherData`), in the style of :mod:`pvlib.iotools`: a plain
frame plus metadata, no physics.

Canonical year
--------------
* exactly 8760 rows, one per hour of the non-leap year 2023, index
  ``2023-01-01 00:00 ... 2023-12-31 23:00``, naive, in the file's *local standard time*
  (no daylight saving);
* each value is the **mean over the hour that starts at its label**
  (``[t, t + 1 h)``); files that label hours at their end (TMY3, TMY2) are shifted;
* columns ``ghi``, ``dni``, ``dhi`` [W/m2] and ``temp_air`` [degC]; ``dni``/``dhi`` are
  NaN when the file does not carry them (the solar model then decomposes GHI);
* typical-year files stitch months from different years: each row keeps its month,
  day and hour and is moved to 2023.

Every malformed file raises :class:`~p2p_size.sizing.errors.DataFileError` listing all
problems found, each naming the file, the site key, the row or column, what was expected
and how to fix it; no pandas or pvlib exception escapes for bad input.
"""
from __future__ import annotations

import io
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
import pvlib

from ..calendar import CANONICAL_YEAR, HOURS_PER_YEAR
from ..errors import DataFileError, Problem
from .textfile import (NON_ISO_HINT, SUBHOURLY_STEPS_MIN, hour_stamps_inside_the_hour, leap_day_gaps, local_time,
                       read_text, split_csv, time_steps_min)

#: Files larger than this are refused before being read [bytes].
MAX_WEATHER_FILE_BYTES = 50_000_000
#: Small negative irradiance (sensor night offset) clipped to zero [W/m2].
NEGATIVE_IRRADIANCE_TOLERANCE_W_M2 = 5.0
#: Above this, an hourly irradiance is not physical (solar constant 1361 W/m2 plus
#: cloud enhancement) and usually means Wh vs kWh or a wrong column [W/m2].
MAX_IRRADIANCE_W_M2 = 1500.0
#: Plausible air temperature range [degC].
TEMP_AIR_RANGE_C = (-90.0, 65.0)
#: Columns of the canonical frame.
COLUMNS = ("ghi", "dni", "dhi", "temp_air")
#: Said when a leap year's 29 February is dropped to fit the canonical year.
LEAP_DAY_NOTE = "29 February dropped (leap year)"

_PLAIN_REQUIRED = ("timestamp", "ghi", "temp_air")
_MAX_LISTED = 5  # rows listed per problem before "and N more"
_EXPECTED = "timestamp, ghi[, dni, dhi], temp_air"


@dataclass(frozen=True)
class WeatherData:
    """One typical year of hourly weather in the canonical shape (see module doc).

    Attributes
    ----------
    data : pandas.DataFrame
        8760 rows; index naive hourly timestamps of 2023 in local standard time, each
        labelling the start of the hour it averages; columns ``ghi``, ``dni``, ``dhi``
        [W/m2] and ``temp_air`` [degC]; ``dni``/``dhi`` all-NaN when not in the file.
    latitude, longitude : float or None
        Site of the data [deg], north and east positive; None when the file doesn't say.
    altitude_m : float or None
        Altitude of the data [m].
    timezone_offset_h : float or None
        Offset of the index's local standard time from UTC [h]; None when unknown
        (a plain CSV with naive timestamps: the site's time zone applies).
    source : str
        Format name and file name, e.g. ``"TMY3 723170TYA.CSV"``.
    notes : list of str
        What was done to the data on the way in (resampling, dropped leap day, ...).
    """

    data: pd.DataFrame
    latitude: Optional[float]
    longitude: Optional[float]
    altitude_m: Optional[float]
    timezone_offset_h: Optional[float]
    source: str
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- entry point
def read_weather(path: Path, key: str = "solar.tmy_file") -> WeatherData:
    """Read a weather file of any supported format into the canonical year.

    The format is found from the content first and the extension second: EPW (first
    line ``LOCATION,``), PVGIS TMY csv (first line ``Latitude (decimal degrees)``),
    PVGIS TMY json (``outputs.tmy_hourly``), TMY3 (second line starts with
    ``Date (MM/DD/YYYY)``), TMY2 (``.tm2``), else a plain CSV.

    Parameters
    ----------
    path : pathlib.Path
        The weather file.
    key : str, default ``"solar.tmy_file"``
        The site-file key naming this file, repeated in every error message.

    Returns
    -------
    WeatherData
        The canonical hourly year and its metadata.

    Raises
    ------
    DataFileError
        The file is missing, too large, of an unknown format, or malformed; the error
        lists every problem found.

    References
    ----------
    .. [1] Wilcox, S., Marion, W. (2008). Users Manual for TMY3 Data Sets.
       NREL/TP-581-43156.
    .. [2] EnergyPlus Auxiliary Programs, "Weather Converter Program" (EPW format).
    .. [3] Huld, T., Paietta, E., Zangheri, P., Pascua, I. P. (2018). Assembling
       typical meteorological year data sets for building energy performance using
       reanalysis and satellite-based data. Atmosphere 9(2), 53 (PVGIS TMY).
    """
    path = Path(path)
    file = str(path)
    text, notes = _read_text(path, key)
    fmt = _detect_format(path, text)
    readers = {
        "EPW": _read_epw,
        "PVGIS TMY csv": _read_pvgis_csv,
        "PVGIS TMY json": _read_pvgis_json,
        "TMY3": _read_tmy3,
        "TMY2": _read_tmy2,
        "CSV": _read_plain_csv,
    }
    frame, meta, more_notes = readers[fmt](text, file, key)
    return WeatherData(
        data=frame,
        latitude=meta.get("latitude"),
        longitude=meta.get("longitude"),
        altitude_m=meta.get("altitude_m"),
        timezone_offset_h=meta.get("timezone_offset_h"),
        source=f"{fmt} {path.name}",
        notes=notes + more_notes,
    )


# --------------------------------------------------------------------------- file level
def _read_text(path: Path, key: str) -> tuple[str, list[str]]:
    """The file's text after existence, size, binary and encoding checks (see :mod:`.textfile`)."""
    return read_text(path, key, what="weather file", max_bytes=MAX_WEATHER_FILE_BYTES,
                     expected="give a TMY3, EPW, PVGIS TMY or plain CSV file with one hourly year")


def _detect_format(path: Path, text: str) -> str:
    """Name of the file format, from content then extension."""
    lines = text.lstrip().splitlines()
    first = lines[0].strip() if lines else ""
    second = lines[1].strip() if len(lines) > 1 else ""
    suffix = path.suffix.lower()
    if first.upper().startswith("LOCATION,") or suffix == ".epw":
        return "EPW"
    if first.startswith("Latitude (decimal degrees)"):
        return "PVGIS TMY csv"
    if first.startswith("{") or suffix == ".json":
        return "PVGIS TMY json"
    if second.startswith("Date (MM/DD/YYYY)"):
        return "TMY3"
    if suffix == ".tm2":
        return "TMY2"
    return "CSV"


def _quiet(reader, *args, **kwargs):
    """Call a pvlib reader without its pandas deprecation chatter (bad files are our errors)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return reader(*args, **kwargs)


def _fail(file: str, key: str, fmt: str, exc: Exception, fix: str) -> DataFileError:
    """A DataFileError for a file a pvlib reader could not parse."""
    detail = f"{type(exc).__name__}: {exc}".strip()
    if len(detail) > 200:
        detail = detail[:197] + "..."
    return DataFileError([Problem(file, key, f"could not be read as {fmt} ({detail})", fix)])


# --------------------------------------------------------------------------- TMY / EPW / PVGIS
def _read_tmy3(text: str, file: str, key: str):
    try:
        raw, meta = _quiet(pvlib.iotools.read_tmy3, io.StringIO(text), map_variables=True)
        date = pd.to_datetime(raw["Date (MM/DD/YYYY)"], format="%m/%d/%Y")
        hour_end = raw["Time (HH:MM)"].str.slice(0, 2).astype(int)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the file's fault
        raise _fail(file, key, "TMY3", exc, "give an unmodified TMY3 file from NREL (header line, column line, 8760 rows)")
    frame = _to_float(raw.reindex(columns=list(COLUMNS)))
    notes = ["TMY3 hour-ending labels shifted to hour-start; months moved to 2023"]
    frame = _canonical_year(frame, date.dt.month.to_numpy(), date.dt.day.to_numpy(),
                            hour_end.to_numpy() - 1, file, key, notes=notes)
    return frame, _meta(meta["latitude"], meta["longitude"], meta["altitude"], meta["TZ"]), notes


def _read_tmy2(text: str, file: str, key: str):
    try:
        raw, meta = _quiet(pvlib.iotools.read_tmy2, file)  # this reader takes a path only
    except Exception as exc:  # noqa: BLE001
        raise _fail(file, key, "TMY2", exc, "give an unmodified TMY2 (.tm2) file from NREL")
    frame = raw.rename(columns={"GHI": "ghi", "DNI": "dni", "DHI": "dhi", "DryBulb": "temp_air"})
    frame = _to_float(frame.reindex(columns=list(COLUMNS)))
    frame["temp_air"] = frame["temp_air"] / 10.0  # TMY2 stores dry-bulb in tenths of degC
    month, day = raw["month"].astype(int).to_numpy(), raw["day"].astype(int).to_numpy()
    hour_start = raw["hour"].astype(int).to_numpy() - 1  # TMY2 hour 1 covers 00:00-01:00
    notes = ["TMY2 hour-ending labels (1-24) moved to hour-start (0-23); months moved to 2023"]
    frame = _canonical_year(frame, month, day, hour_start, file, key, notes=notes)
    return frame, _meta(meta["latitude"], meta["longitude"], meta["altitude"], meta["TZ"]), notes


def _read_epw(text: str, file: str, key: str):
    try:
        raw, meta = _quiet(pvlib.iotools.read_epw, io.StringIO(text))
        month, day = raw["month"].astype(int).to_numpy(), raw["day"].astype(int).to_numpy()
        hour_start = raw["hour"].astype(int).to_numpy() - 1  # EPW hour 1 covers 00:00-01:00
    except Exception as exc:  # noqa: BLE001
        raise _fail(file, key, "EPW", exc, "give an unmodified EPW file (8 header lines, 35 fields per data row)")
    frame = _to_float(raw.reindex(columns=list(COLUMNS)))
    # EPW missing-value codes: 9999 for irradiance, 99.9 for dry-bulb temperature
    for col in ("ghi", "dni", "dhi"):
        frame.loc[frame[col] >= 9999, col] = np.nan
    frame.loc[frame["temp_air"] >= 99.9, "temp_air"] = np.nan
    notes = ["EPW months moved to 2023"]
    frame = _canonical_year(frame, month, day, hour_start, file, key, notes=notes)
    return frame, _meta(meta["latitude"], meta["longitude"], meta["altitude"], meta["TZ"]), notes


def _read_pvgis_csv(text: str, file: str, key: str):
    try:
        raw, meta = _quiet(pvlib.iotools.read_pvgis_tmy, io.BytesIO(text.encode("utf-8")), pvgis_format="csv")
    except Exception as exc:  # noqa: BLE001
        raise _fail(file, key, "PVGIS TMY csv", exc, "download the TMY again from PVGIS as csv and do not edit it")
    return _from_pvgis(raw, meta, file, key)


def _read_pvgis_json(text: str, file: str, key: str):
    try:
        src = json.loads(text)
        if not (isinstance(src, dict) and "tmy_hourly" in src.get("outputs", {})):
            raise ValueError("no 'outputs.tmy_hourly' table: not a PVGIS TMY json file")
        raw, meta = _quiet(pvlib.iotools.read_pvgis_tmy, io.StringIO(text), pvgis_format="json")
    except Exception as exc:  # noqa: BLE001
        raise _fail(file, key, "PVGIS TMY json", exc, "download the TMY again from PVGIS as json and do not edit it")
    return _from_pvgis(raw, meta, file, key)


def _from_pvgis(raw: pd.DataFrame, meta: dict, file: str, key: str):
    """PVGIS TMY (UTC, hour-start) -> canonical local-standard-time year."""
    try:
        inputs = meta.get("inputs", {})
        location = inputs.get("location", inputs)
        lat, lon = float(location["latitude"]), float(location["longitude"])
        alt = float(location.get("elevation", np.nan))
    except (KeyError, TypeError, ValueError) as exc:
        raise _fail(file, key, "PVGIS TMY", exc, "download the TMY again from PVGIS and do not edit its header")
    offset_h = float(round(lon / 15.0))
    frame = _to_float(raw.reindex(columns=list(COLUMNS)))
    idx = raw.index
    notes = [f"PVGIS UTC times moved to local standard time UTC{offset_h:+.0f} (round(longitude/15)), "
             "year wrapped; months moved to 2023"]
    frame = _canonical_year(frame, idx.month.to_numpy(), idx.day.to_numpy(), idx.hour.to_numpy(), file, key,
                            notes=notes)
    # UTC -> local standard time: shift by the offset, wrapping the year end around
    frame = pd.DataFrame(np.roll(frame.to_numpy(), int(offset_h), axis=0), index=frame.index, columns=frame.columns)
    return frame, _meta(lat, lon, None if np.isnan(alt) else alt, offset_h), notes


def _to_float(frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric columns; unreadable cells become NaN and are reported as missing values."""
    return frame.apply(lambda col: pd.to_numeric(col, errors="coerce")).astype(float)


def _meta(lat, lon, alt, tz) -> dict:
    return {"latitude": float(lat), "longitude": float(lon),
            "altitude_m": None if alt is None else float(alt),
            "timezone_offset_h": None if tz is None else float(tz)}


# --------------------------------------------------------------------------- canonical year
def _canonical_year(frame: pd.DataFrame, month, day, hour_start, file: str, key: str,
                    row_label: Optional[np.ndarray] = None, notes: Optional[list[str]] = None) -> pd.DataFrame:
    """Move rows to 2023 keeping month/day/hour, drop Feb 29, check the year is whole.

    Also checks values (NaN, negative or excessive irradiance, temperature range) and
    raises one DataFileError with every problem found. A dropped Feb 29 is said in
    ``notes`` when given.
    """
    month, day, hour_start = (np.asarray(a, dtype=float) for a in (month, day, hour_start))
    if row_label is None:
        row_label = np.array([f"row {i + 1}" for i in range(len(frame))])
    stamps = pd.to_datetime(pd.DataFrame({"year": CANONICAL_YEAR, "month": month, "day": day, "hour": hour_start}),
                            errors="coerce")
    unreadable = stamps.isna().to_numpy() & ~((month == 2) & (day == 29))
    leap = (month == 2) & (day == 29)
    if leap.any() and notes is not None:
        notes.append(LEAP_DAY_NOTE)
    keep = ~leap & ~unreadable
    frame, labels = frame.loc[keep].copy(), row_label[keep]
    frame.index = pd.DatetimeIndex(stamps[keep])
    problems = []
    if unreadable.any():
        problems.append(Problem(file, key, f"{unreadable.sum()} rows have no valid date and hour: "
                                f"{_listed(row_label[unreadable])}",
                                "restore the file's date/time columns (one row per hour of the year)"))
    row_label = labels
    problems += _year_problems(frame.index, row_label, file, key) + _value_problems(frame, row_label, file, key)
    if problems:
        raise DataFileError(problems)
    frame = frame.sort_index()
    frame.index.name = "time"
    frame.index.freq = "h"
    for col in ("ghi", "dni", "dhi"):
        frame[col] = frame[col].clip(lower=0.0)
    return frame[list(COLUMNS)].astype(float)


def _year_problems(index: pd.DatetimeIndex, row_label, file, key) -> list[Problem]:
    problems = []
    dup = index.duplicated(keep="first")
    if dup.any():
        problems.append(Problem(file, key, f"{dup.sum()} duplicate hours: {_listed(row_label[dup], index[dup])}",
                                "keep one row per hour"))
    expected = pd.date_range(f"{CANONICAL_YEAR}-01-01", periods=HOURS_PER_YEAR, freq="h")
    missing = expected.difference(index)
    if len(missing):
        shown = ", ".join(t.strftime("%m-%d %H:00") for t in missing[:_MAX_LISTED])
        more = f" and {len(missing) - _MAX_LISTED} more" if len(missing) > _MAX_LISTED else ""
        problems.append(Problem(file, key,
                                f"expected all {HOURS_PER_YEAR} hours of one year, {len(missing)} hours are missing "
                                f"(month-day hour: {shown}{more})",
                                "give one complete hourly year (8760 rows; a leap year's Feb 29 is dropped)"))
    return problems


def _value_problems(frame: pd.DataFrame, row_label, file, key) -> list[Problem]:
    """NaN, negative or excessive irradiance and implausible temperature, per column."""
    problems = []
    present = [c for c in COLUMNS if c in frame.columns]
    has_components = {"dni", "dhi"} <= set(present) and frame[["dni", "dhi"]].notna().any().any()
    for col in present:
        values = frame[col].to_numpy(dtype=float)
        if col in ("dni", "dhi") and not has_components:
            continue
        nan = np.isnan(values)
        if nan.any():
            problems.append(Problem(file, f"{key} (column {col})",
                                    f"{nan.sum()} missing values (NaN, empty or unreadable): {_listed(row_label[nan])}",
                                    "fill the gaps (e.g. from a neighbouring station or PVGIS) so every hour has a value"))
        if col == "temp_air":
            lo, hi = TEMP_AIR_RANGE_C
            bad = ~nan & ((values < lo) | (values > hi))
            if bad.any():
                hint = " (looks like kelvin)" if np.nanmean(values) > 200 else ""
                problems.append(Problem(file, f"{key} (column temp_air)",
                                        f"{bad.sum()} temperatures outside {lo:g}..{hi:g} degC{hint}: "
                                        f"{_listed(row_label[bad], values[bad])}",
                                        "give the air temperature in degC"))
            continue
        negative = ~nan & (values < -NEGATIVE_IRRADIANCE_TOLERANCE_W_M2)
        if negative.any():
            problems.append(Problem(file, f"{key} (column {col})",
                                    f"{negative.sum()} irradiance values below -{NEGATIVE_IRRADIANCE_TOLERANCE_W_M2:g} W/m2 "
                                    f"(irradiance cannot be negative): {_listed(row_label[negative], values[negative])}",
                                    "correct the data; small night offsets down to -5 W/m2 are clipped to 0 automatically"))
        high = ~nan & (values > MAX_IRRADIANCE_W_M2)
        if high.any():
            problems.append(Problem(file, f"{key} (column {col})",
                                    f"{high.sum()} irradiance values above {MAX_IRRADIANCE_W_M2:g} W/m2: "
                                    f"{_listed(row_label[high], values[high])}",
                                    "give hourly mean irradiance in W/m2 (not Wh, kJ or a sum)"))
    return problems


def _listed(labels, values=None) -> str:
    """'line 3 (-12.0), line 7 (-9.0) and 4 more' — the first few offenders."""
    labels = list(labels)
    if values is None:
        shown = labels[:_MAX_LISTED]
    else:
        shown = [f"{lab} ({_fmt(v)})" for lab, v in zip(labels[:_MAX_LISTED], list(values)[:_MAX_LISTED])]
    more = f" and {len(labels) - _MAX_LISTED} more" if len(labels) > _MAX_LISTED else ""
    return ", ".join(shown) + more


def _fmt(v) -> str:
    if isinstance(v, (pd.Timestamp,)):
        return v.strftime("%m-%d %H:%M")
    if isinstance(v, (float, np.floating)):
        return f"{v:g}"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return repr(v)


# --------------------------------------------------------------------------- plain CSV
def _read_plain_csv(text: str, file: str, key: str):
    """Plain CSV ``timestamp, ghi[, dni, dhi], temp_air`` -> canonical year.

    Problems are collected across columns, values and timestamps and raised together;
    only a file that cannot be split into a table at all stops at the first problem.
    """
    table = _parse_table(text, file, key)
    problems = _column_problems(table, file, key)
    numeric, more = _numeric_columns(table, file, key)
    problems += more
    labels = np.array([f"line {n}" for n in table["_line"]])
    problems += _value_problems(numeric, labels, file, key)
    if "timestamp" in table.columns:
        index, tz_offset_h, notes, more, iso = _parse_timestamps(table, file, key)
        problems += more
        if index is not None and not more:
            index, more_notes = hour_stamps_inside_the_hour(index)
            notes += more_notes
            problems += _step_problems(index, table["_line"].to_numpy(), file, key, "" if iso else NON_ISO_HINT)
    if problems:
        raise DataFileError(problems)
    numeric.index = index
    numeric["_line"] = table["_line"].to_numpy()
    hourly, more_notes = _to_hourly(numeric, file, key)
    notes += more_notes
    irr = hourly.reindex(columns=["ghi", "dni", "dhi"])
    tiny = irr.lt(0) & irr.ge(-NEGATIVE_IRRADIANCE_TOLERANCE_W_M2)
    if tiny.any().any():
        notes.append(f"{int(tiny.sum().sum())} small negative irradiance values (>= -5 W/m2) clipped to 0")
    if hourly.index[0].year != CANONICAL_YEAR or hourly.index[0].month != 1:
        notes.append(f"timestamps moved to {CANONICAL_YEAR} keeping month, day and hour")
    idx = hourly.index
    frame = _canonical_year(hourly.reindex(columns=list(COLUMNS)).astype(float), idx.month, idx.day, idx.hour,
                            file, key, np.array([f"line {n:g}" for n in hourly["_line"]]), notes=notes)
    return frame, {"timezone_offset_h": tz_offset_h}, notes


def _parse_table(text: str, file: str, key: str) -> pd.DataFrame:
    """The CSV as a table of strings with a ``_line`` column; structural problems raise at once."""
    header, rows, lines = split_csv(text, file, key, _EXPECTED)
    if not rows:
        raise DataFileError([Problem(file, key, "the table has a header but no data rows",
                                     "give one hourly year (8760 rows)")])
    table = pd.DataFrame(rows, columns=[name.lower() for name in header], dtype=str)
    table["_line"] = lines  # 1-based line numbers in the file
    return table


def _column_problems(table: pd.DataFrame, file: str, key: str) -> list[Problem]:
    problems = []
    missing = [c for c in _PLAIN_REQUIRED if c not in table.columns]
    if missing:
        found = ", ".join(c for c in table.columns if c != "_line")
        problems.append(Problem(file, key, f"missing columns: {', '.join(missing)}; the file has: {found}; "
                                f"expected {_EXPECTED}",
                                "name the columns in the header line timestamp, ghi, temp_air (optionally dni, dhi)"))
    if ("dni" in table.columns) != ("dhi" in table.columns):
        problems.append(Problem(file, key, "only one of dni, dhi is given; give both or neither (GHI is then decomposed)",
                                "add the other column or remove this one"))
    return problems


def _numeric_columns(table: pd.DataFrame, file: str, key: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The weather columns as floats; non-numeric cells reported (empty cells become NaN)."""
    problems, columns = [], {}
    for col in (c for c in COLUMNS if c in table.columns):
        cells = table[col].str.strip()
        values = pd.to_numeric(cells.replace("", np.nan), errors="coerce")
        bad = values.isna() & cells.ne("") & ~cells.str.lower().isin(["nan", "na", "n/a", "null"])
        if bad.any():
            comma = cells[bad].str.match(r"^-?\d+,\d+$").any()
            hint = "; values like '12,5' use a decimal comma — write 12.5" if comma else ""
            where = table["_line"][bad].map("line {}".format).to_numpy()
            problems.append(Problem(file, f"{key} (column {col})",
                                    f"{bad.sum()} non-numeric cells: {_listed(where, cells[bad].to_numpy())}{hint}",
                                    "put plain numbers (W/m2, degC) in every cell, '.' as the decimal mark"))
            values = values.where(~bad, 0.0)  # reported once, not again as NaN
        columns[col] = values.to_numpy(dtype=float)
    return pd.DataFrame(columns), problems


def _parse_timestamps(table: pd.DataFrame, file: str, key: str):
    """Timestamps -> naive local standard time (:func:`~.textfile.local_time`): the index, the UTC
    offset if the file gives one, notes, problems, whether they were ISO 8601."""
    raw = table["timestamp"].str.strip()
    lines = table["_line"].map("line {}".format).to_numpy()
    stamps = local_time(raw)
    bad, naive = stamps.unreadable, stamps.without_offset
    if bad.any():
        return None, None, [], [Problem(file, f"{key} (column timestamp)",
                                        f"{bad.sum()} timestamps are not dates: {_listed(lines[bad], raw[bad].to_numpy())}",
                                        "write ISO 8601 timestamps like 2023-01-01 00:00 or 2023-01-01T00:00+05:45")], False
    if naive.any():
        return None, None, [], [Problem(file, f"{key} (column timestamp)",
                                        f"{naive.sum()} timestamps have no UTC offset while others do: "
                                        f"{_listed(lines[naive], raw[naive].to_numpy())}",
                                        "write all timestamps the same way (all naive local standard time, or all with offset)")], True
    return stamps.index, stamps.offset_h, list(stamps.notes), [], stamps.iso


def _step_problems(index: pd.DatetimeIndex, lines: np.ndarray, file: str, key: str, hint: str = "") -> list[Problem]:
    """Duplicates, disorder, irregular steps and wrong length of a time series; ``hint`` ends
    the fixes of the problems a day/month swap would cause (dates not in ISO 8601)."""
    key_ts = f"{key} (column timestamp)"
    labels = np.array([f"line {n}" for n in lines])
    dup = index.duplicated(keep="first")
    if dup.any():
        return [Problem(file, key_ts, f"{dup.sum()} duplicate timestamps: {_listed(labels[dup], index[dup])}",
                        "keep one row per time step" + hint)]
    if len(index) < 2:
        return [Problem(file, key, f"only {len(index)} row; expected 8760 hourly rows (one year)",
                        "give one complete hourly year")]
    steps_min, step = time_steps_min(index)
    if (steps_min < 0).any():
        back = np.flatnonzero(steps_min < 0) + 1
        return [Problem(file, key_ts, f"timestamps go backwards at {_listed(labels[back], index[back])}",
                        "sort the rows by time" + hint)]
    if step != 60 and step not in SUBHOURLY_STEPS_MIN:
        return [Problem(file, key_ts, f"time step is {step:g} minutes; expected hourly (60) or a sub-hourly step "
                        f"dividing the hour ({', '.join(map(str, SUBHOURLY_STEPS_MIN))} min)",
                        "give hourly data (8760 rows)")]
    irregular = np.flatnonzero((steps_min != step) & ~leap_day_gaps(index, steps_min, step))
    if len(irregular):
        after = [f"{lab} ({_fmt(index[i])} after {_fmt(index[i - 1])})"
                 for lab, i in zip(labels[irregular + 1], irregular + 1)]
        more = f" and {len(irregular) - _MAX_LISTED} more" if len(irregular) > _MAX_LISTED else ""
        return [Problem(file, key_ts, f"{len(irregular)} gaps or irregular steps in a {step:g}-minute series: "
                        f"{', '.join(after[:_MAX_LISTED])}{more}",
                        "fill the missing time steps so the series is regular and complete" + hint)]
    per_hour = 60 / step
    n_hours = len(index) / per_hour
    leap_hours = ((index.month == 2) & (index.day == 29)).sum() / per_hour
    if n_hours - leap_hours != HOURS_PER_YEAR or index[0].minute != 0:
        what = f"{len(index)} rows of {step:g}-minute data ({n_hours:g} hours)" if step != 60 else f"{len(index)} rows"
        return [Problem(file, key, f"expected one year: 8760 hourly rows (8784 in a leap year), got {what} "
                        f"from {index[0]:%Y-%m-%d %H:%M} to {index[-1]:%Y-%m-%d %H:%M}",
                        "give exactly one year of hourly data, starting at hh:00" + hint)]
    return []


def _to_hourly(table: pd.DataFrame, file: str, key: str) -> tuple[pd.DataFrame, list[str]]:
    """Resample a regular sub-hourly series to hourly means (hour-start labels)."""
    step_min = (table.index[1] - table.index[0]).total_seconds() / 60.0
    if step_min >= 60:
        return table, []
    hourly = table.drop(columns="_line").resample("h").mean()
    hourly["_line"] = table["_line"].resample("h").first()
    hourly = hourly[hourly["_line"].notna()]  # an hour without rows: a leap day the file already left out
    return hourly, [f"resampled from {step_min:g}-minute data to hourly means"]
