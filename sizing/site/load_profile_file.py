"""The load-profile reader: one home's hourly demand from a CSV file.

:func:`read_load_profile` accepts one year of hourly rows (8760, or 8784 in a leap year,
29 February dropped), a regular 1–30 minute series with timestamps (averaged to hours),
or 24 rows for one typical day, and refuses everything else with a
:class:`~p2p_size.sizing.errors.DataFileError` naming the file, the site key, the rows
and the fix (the text-file screen of :mod:`.textfile` comes first).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..calendar import CANONICAL_YEAR, HOURS_PER_LEAP_YEAR, HOURS_PER_YEAR
from ..errors import DataFileError, Problem
from .textfile import (NON_ISO_HINT, SUBHOURLY_STEPS_MIN, hour_stamps_inside_the_hour, leap_day_gaps, local_time,
                       read_text, split_csv, time_steps_min)

#: Files larger than this are refused before being read [bytes].
MAX_PROFILE_FILE_BYTES = 50_000_000
#: First hour of 29 February in a leap year that starts on 1 January 00:00: (31 + 28) days.
_FEB29_FIRST_HOUR = (31 + 28) * 24

#: Cells read as "no value": reported as empty, not as non-numeric.
_BLANK_CELLS = ("", "nan", "na", "n/a", "null", "none", "-")
_EXPECTED_COLUMNS = "load_kw[, timestamp]"


@dataclass(frozen=True)
class LoadProfile:
    """One home's hourly demand read from a CSV file (:func:`read_load_profile`).

    Attributes
    ----------
    load_kw : ndarray (8760,)
        Hourly demand [kW], finite and >= 0; index 0 is 1 January 00:00-01:00.
    source : str
        The file's name.
    notes : list of str
        What was done to the data on the way in (averaged to hours, 29 February
        dropped, rows moved to calendar order, a typical day repeated), for the report.
    """

    load_kw: np.ndarray
    source: str
    notes: list[str] = field(default_factory=list)


def _rows_text(rows: np.ndarray, limit: int = 8) -> str:
    """'row 5' / 'rows 3, 17, 44 and 12 more'."""
    rows = [int(r) for r in rows]
    if len(rows) == 1:
        return f"row {rows[0]}"
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"rows {shown}{more}"


def read_load_profile(path: str | Path, key: str) -> LoadProfile:
    """Read one home's hourly demand from a CSV file.

    Parameters
    ----------
    path : str or pathlib.Path
        Comma-separated text with a header line and a ``load_kw`` column [kW], and
        optionally a ``timestamp`` column (ISO 8601, e.g. ``2023-01-01 13:00``); other
        columns are ignored. Rows are hours:

        * 8760 rows — one 365-day year;
        * 24 rows — one typical day, repeated for 365 days;
        * 8784 rows — a leap year: 29 February is dropped (found from ``timestamp``
          when there is one, else taken to be the 60th day, rows 1418–1441 counting
          the header as row 1).

        With timestamps, rows may also be a regular sub-hourly series (1–30 min steps
        that divide the hour), averaged to hourly means; a year may start on any date
        and is moved to calendar order keeping each row's month, day and hour (as the
        weather is); a leap year whose 29 February was already removed is accepted.
    key : str
        Site-file key that names the file, e.g. ``households[2].load_profile_file``;
        used in error messages.

    Returns
    -------
    LoadProfile
        ``load_kw`` (8760,) hourly demand [kW], finite and >= 0, and notes saying
        what was done to the data.

    Raises
    ------
    DataFileError
        With every problem found: missing or unreadable file, file over 50 MB, a
        spreadsheet or binary file, columns separated by ``;`` or tabs, decimal
        commas, no ``load_kw`` column, wrong number of rows, empty/NaN, non-numeric,
        infinite or negative cells, unreadable, duplicate, missing or backward
        timestamps — each with its row numbers as a spreadsheet shows them (the
        header line is row 1).
    """
    path = Path(path)
    file = str(path)

    def problem(message: str, fix: str, where: str = "", value: Any = None) -> Problem:
        return Problem(file=file, key=f"{key} ({where})" if where else key,
                       message=message, fix=fix, value=value)

    text, notes = read_text(path, key, what="load profile file", max_bytes=MAX_PROFILE_FILE_BYTES,
                            expected="write the hourly demand in kW under a 'load_kw' header line")
    header, rows, row = split_csv(text, file, key, _EXPECTED_COLUMNS)
    columns = {name: i for i, name in enumerate(header)}
    stamp_column = next((i for i, name in enumerate(header) if name.lower() == "timestamp"), None)
    n_rows = len(rows)

    problems: list[Problem] = []
    if n_rows == 0:
        raise DataFileError(_row_count_problems(0, None, problem, subhourly_hint=False))
    if "load_kw" not in columns:
        lower = {name.lower(): name for name in columns}
        close = difflib.get_close_matches("load_kw", list(lower), n=1, cutoff=0.5)
        hint = f" (did you mean {lower[close[0]]!r}?)" if close else ""
        problems.append(problem(f"no 'load_kw' column; found columns {header}{hint}",
                                "name the column with the hourly demand in kW exactly 'load_kw' in the header line"))
        if stamp_column is None:
            problems += _row_count_problems(n_rows, None, problem)
        raise DataFileError(problems)

    text_kw = pd.Series([r[columns["load_kw"]] for r in rows], dtype=object).astype(str).str.strip()
    values = pd.to_numeric(text_kw, errors="coerce").to_numpy(dtype=float)
    problems += _value_problems(text_kw, values, row, problem)

    if stamp_column is None:
        problems += _row_count_problems(n_rows, None, problem)
        if problems:
            raise DataFileError(problems)
        return LoadProfile(_by_position(values, notes), path.name, notes)

    stamps, iso, stamp_notes, stamp_problems = _parse_stamps([r[stamp_column] for r in rows], row, problem)
    problems += stamp_problems
    if stamps is None:  # unreadable timestamps: the row count can still be checked
        problems += _row_count_problems(n_rows, None, problem, subhourly_hint=False)
        raise DataFileError(problems)
    stamps, inside_notes = hour_stamps_inside_the_hour(stamps)
    stamp_notes += inside_notes
    step_min, step_problems = _step_problems(stamps, row, problem, iso)
    problems += step_problems
    if not step_problems:
        problems += _row_count_problems(n_rows, (stamps, step_min), problem)
    if problems:
        raise DataFileError(problems)
    notes += stamp_notes
    hourly = pd.Series(values, index=stamps)
    if step_min < 60:
        hourly = hourly.resample("h").mean().dropna()  # an hour with no rows is an already-dropped Feb 29
        notes.append(f"averaged from {step_min:g}-minute data to hourly means")
    load_kw, more_notes, problems = _calendar_order(hourly, problem)
    if problems:
        raise DataFileError(problems)
    return LoadProfile(load_kw, path.name, notes + more_notes)


def _value_problems(text: pd.Series, values: np.ndarray, row: np.ndarray, problem) -> list[Problem]:
    """Empty/NaN, non-numeric, infinite and negative demand cells (``values``: ``text`` as
    numbers, NaN where unreadable), each with its rows."""
    blank = text.str.lower().isin(_BLANK_CELLS).to_numpy()
    non_numeric = np.isnan(values) & ~blank
    infinite = np.isinf(values)
    negative = values < 0
    col = "column load_kw"
    problems = []
    if blank.any():
        problems.append(problem(
            f"{blank.sum()} empty or NaN cell(s); every hour needs a demand value in kW",
            "fill the gaps (e.g. interpolate, or copy the same hour of a neighbouring day)",
            where=f"{_rows_text(row[blank])}, {col}"))
    if non_numeric.any():
        bad = text.to_numpy()[non_numeric]
        comma = any(re.fullmatch(r"-?\d+,\d+", v) for v in bad)
        problems.append(problem(
            f"{non_numeric.sum()} non-numeric cell(s); expected numbers in kW such as 0.35, "
            f"got {', '.join(repr(v) for v in bad[:3])}{' ...' if len(bad) > 3 else ''}"
            f"{'; values like 0,35 use a decimal comma' if comma else ''}",
            "use a dot as decimal separator and no units or thousands separators",
            where=f"{_rows_text(row[non_numeric])}, {col}"))
    if infinite.any():
        problems.append(problem(
            f"{infinite.sum()} infinite value(s); expected finite demand in kW",
            "replace them with the measured demand",
            where=f"{_rows_text(row[infinite])}, {col}"))
    if negative.any():
        problems.append(problem(
            f"{negative.sum()} negative value(s), lowest {values[negative].min():g} kW; "
            f"demand must be >= 0 kW",
            "remove generation or meter-reversal values; demand is never negative",
            where=f"{_rows_text(row[negative])}, {col}"))
    return problems


def _row_count_problems(n_rows: int, timed, problem, subhourly_hint: bool = True) -> list[Problem]:
    """Wrong number of rows: 24, 8760 or 8784 hours are expected.

    ``timed`` is ``(stamps, step_min)`` for a timestamped file (sub-hourly rows count
    as the hours they cover), None otherwise (a row count that is a multiple of a year
    or day gets a hint that the data may be sub-hourly, unless ``subhourly_hint`` is False).
    """
    if timed is not None:
        stamps, step_min = timed
        per_hour = 60.0 / step_min
        n_hours = n_rows / per_hour
        aligned = step_min >= 60 or stamps[0].minute == 0  # sub-hourly rows are averaged per clock hour
        if n_hours in (24, HOURS_PER_YEAR, HOURS_PER_LEAP_YEAR) and aligned:
            return []
        what = (f"{n_rows} rows of {step_min:g}-minute data ({n_hours:g} hours)" if step_min < 60
                else f"{n_rows} rows")
        start = "" if aligned else f", starting at {stamps[0]:%H:%M} instead of a full hour"
        return [problem(
            f"expected 8760 hourly rows (one year), 24 (one typical day) or 8784 (a leap year) below the "
            f"header, got {what} from {stamps[0]:%Y-%m-%d %H:%M} to {stamps[-1]:%Y-%m-%d %H:%M}{start}",
            "give one value per hour (or per sub-hourly step, starting at hh:00): a full year, or one "
            "typical day to be repeated", value=n_rows)]
    if n_rows in (24, HOURS_PER_YEAR, HOURS_PER_LEAP_YEAR):
        return []
    hint, fix = "", "give one value per hour: a full year, or one typical day to be repeated"
    for per_hour in (60 // s for s in reversed(SUBHOURLY_STEPS_MIN) if subhourly_hint):
        if n_rows in (24 * per_hour, HOURS_PER_YEAR * per_hour, HOURS_PER_LEAP_YEAR * per_hour):
            hint = (f"; {n_rows} rows = {per_hour} x {n_rows // per_hour} looks like "
                    f"{60 // per_hour}-minute data")
            fix = ("add a 'timestamp' column (ISO 8601, e.g. 2023-01-01 00:15) so the rows are averaged "
                   "to hourly means, or average them to hours yourself")
            break
    return [problem(
        f"expected 8760 hourly rows (one year), 24 (one typical day) or 8784 (a leap year) below the "
        f"header, got {n_rows} rows{hint}", fix, value=n_rows)]


def _by_position(values: np.ndarray, notes: list[str]) -> np.ndarray:
    """8760 hourly values from 24, 8760 or 8784 rows without timestamps."""
    if len(values) == 24:
        notes.append("one typical day repeated for 365 days")
        return np.tile(values, 365)
    if len(values) == HOURS_PER_LEAP_YEAR:
        notes.append("8784 rows without timestamps taken as a leap year from 1 January; "
                     "rows 1418-1441 (29 February) dropped")
        keep = np.ones(len(values), dtype=bool)
        keep[_FEB29_FIRST_HOUR:_FEB29_FIRST_HOUR + 24] = False
        return values[keep]
    return values


def _parse_stamps(cells: list[str], row: np.ndarray, problem):
    """Timestamps as naive local (standard) time, whether they were ISO 8601, notes, problems.

    ISO 8601 is read as written; timestamps with a UTC offset are moved to the local
    standard time of the smallest offset (summer time is undone). Other formats are
    tried as a fallback, but day/month order is ambiguous in them, so if the series
    they give is not regular the problem says so.
    """
    text = pd.Series(cells, dtype=object).astype(str).str.strip()
    where = "column timestamp"
    stamps = local_time(text)
    bad, naive = stamps.unreadable, stamps.without_offset
    if bad.any():
        return None, False, [], [problem(
            f"{bad.sum()} timestamp(s) could not be read as a date and time",
            "use ISO 8601, e.g. 2023-01-01 13:00, or drop the timestamp column",
            where=f"{_rows_text(row[bad])}, {where}", value=text.to_numpy()[bad][0])]
    if naive.any():
        return None, True, [], [problem(
            f"{naive.sum()} timestamp(s) have no UTC offset while others do",
            "write all timestamps the same way (all local time, or all with their offset)",
            where=f"{_rows_text(row[naive])}, {where}", value=text.to_numpy()[naive][0])]
    return stamps.index, stamps.iso, list(stamps.notes), []


def _step_problems(stamps: pd.DatetimeIndex, row: np.ndarray, problem, iso: bool) -> tuple[float, list[Problem]]:
    """The time step [min] and the problems of the series: repeats, disorder, gaps.

    A leap year whose 29 February is missing is not a gap. ``iso`` False (the dates
    were in another format) adds to each fix that day and month may have been swapped.
    """
    where = "column timestamp"
    fix_iso = "" if iso else NON_ISO_HINT
    if len(stamps) < 2:
        return 60.0, []
    steps_min, step = time_steps_min(stamps)
    dup = np.flatnonzero(steps_min == 0) + 1
    if dup.size:
        return 60.0, [problem(
            f"{dup.size} duplicate timestamp(s): {', '.join(f'row {row[i]} repeats row {row[i - 1]} ({stamps[i]:%Y-%m-%d %H:%M})' for i in dup[:3])}"
            f"{' ...' if dup.size > 3 else ''}",
            "keep one row per time step" + fix_iso, where=f"{_rows_text(row[dup])}, {where}")]
    back = np.flatnonzero(steps_min < 0) + 1
    if back.size:
        i = back[0]
        return 60.0, [problem(
            f"timestamps go backwards {back.size} time(s), first from row {row[i - 1]} ({stamps[i - 1]:%Y-%m-%d %H:%M}) "
            f"to row {row[i]} ({stamps[i]:%Y-%m-%d %H:%M})",
            "sort the rows by time" + fix_iso,
            where=f"{_rows_text(row[back])}, {where}")]
    if step != 60 and step not in SUBHOURLY_STEPS_MIN:
        return step, [problem(
            f"the time step is {step:g} minutes; expected hourly rows, or a sub-hourly step that divides the hour "
            f"({', '.join(map(str, SUBHOURLY_STEPS_MIN))} min)",
            "give one row per hour" + fix_iso, where=where)]
    feb29_gap = leap_day_gaps(stamps, steps_min, step)
    irregular = np.flatnonzero((steps_min != step) & ~feb29_gap) + 1
    if irregular.size:
        shown = ", ".join(f"row {row[i]} ({stamps[i]:%Y-%m-%d %H:%M} after {stamps[i - 1]:%Y-%m-%d %H:%M})"
                          for i in irregular[:3])
        missing = int(np.clip((steps_min[irregular - 1] - step) / step, 0, None).sum())
        what = f"{missing} time step(s) missing" if (steps_min[irregular - 1] % step == 0).all() else "irregular steps"
        return step, [problem(
            f"{irregular.size} gap(s) in a {step:g}-minute series, {what}: {shown}{' ...' if irregular.size > 3 else ''}",
            "fill the missing time steps so the series is regular and complete" + fix_iso,
            where=f"{_rows_text(row[irregular])}, {where}")]
    return step, []


def _calendar_order(hourly: pd.Series, problem) -> tuple[np.ndarray, list[str], list[Problem]]:
    """8760 hourly values in calendar order from a regular hourly series of 24, 8760 or 8784 hours.

    A day is ordered by hour of day; a year keeps each row's month, day and hour in
    2023 (29 February dropped), so it may start on any date; every hour of 2023 must
    then be there once.
    """
    index = hourly.index
    if len(hourly) == 24:
        order = np.argsort(index.hour, kind="stable")
        notes = ["one typical day repeated for 365 days"]
        if index[0].hour != 0:
            notes.append(f"the day starts at {index[0]:%H:%M}; hours put in clock order")
        return np.tile(hourly.to_numpy()[order], 365), notes, []
    notes = []
    leap = (index.month == 2) & (index.day == 29)
    if leap.any():
        notes.append("29 February dropped (leap year)")
    hourly, index = hourly[~leap], index[~leap]
    moved = pd.to_datetime(pd.DataFrame({"year": CANONICAL_YEAR, "month": index.month, "day": index.day,
                                         "hour": index.hour}))
    year = pd.date_range(f"{CANONICAL_YEAR}-01-01", periods=HOURS_PER_YEAR, freq="h")
    missing = year.difference(pd.DatetimeIndex(moved))
    repeated = pd.DatetimeIndex(moved).duplicated()
    if len(missing) or repeated.any():
        span = f"{hourly.index[0]:%Y-%m-%d %H:%M} to {hourly.index[-1]:%Y-%m-%d %H:%M}"
        what = []
        for label, hours in (("missing", missing), ("there twice", pd.DatetimeIndex(moved[repeated]))):
            if len(hours):
                shown = ", ".join(t.strftime("%m-%d %H:00") for t in hours[:5])
                more = f" and {len(hours) - 5} more" if len(hours) > 5 else ""
                what.append(f"{len(hours)} hours of the year are {label} (month-day hour: {shown}{more})")
        return hourly.to_numpy(), notes, [problem(
            f"the rows from {span} are not one calendar year: {'; '.join(what)}",
            "give exactly one year: 8760 hourly rows, or 8784 in a leap year (29 February is dropped)",
            where="column timestamp")]
    if index[0].month != 1 or index[0].day != 1 or index[0].hour != 0:
        notes.append(f"the year starts on {index[0]:%Y-%m-%d %H:%M}; rows moved to calendar order "
                     "keeping month, day and hour")
    order = np.argsort(pd.DatetimeIndex(moved).asi8, kind="stable")
    return hourly.to_numpy()[order], notes, []

