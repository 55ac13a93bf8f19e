"""A user's data file as text and as a comma-separated table: the first step of each reader.

Shared by the weather reader (:mod:`.weather`) and the load-profile reader (:mod:`.loads`)
so that both refuse the same mistaken or hostile files in the same words:

* a file too large to be one year of hourly data (refused before it is read);
* a spreadsheet workbook saved under a ``.csv`` name, or any other binary file;
* a table separated by semicolons or tabs (a spreadsheet's export in many locales),
  rows with more fields than the header (usually a decimal comma: ``0,35``), and a
  column named twice;

and both read the same encodings: UTF-8 with or without a byte-order mark, UTF-16
with one (a spreadsheet's "Unicode text"), and anything else as Latin-1, with a note.
Each refusal is a :class:`~.errors.DataFileError` naming the file, the site key, the
line and the fix.

Both also read their ``timestamp`` column the same way (the last section): ISO 8601 to
local standard time (:func:`local_time`), the series' time step
(:func:`time_steps_min`, one of :data:`SUBHOURLY_STEPS_MIN` or hourly), a leap day the
file already left out not counted as a gap (:func:`leap_day_gaps`), and hourly rows
stamped inside the hour taken as that hour (:func:`hour_stamps_inside_the_hour`). Each
reader words its own problems (weather files count lines, load profiles rows).
"""
from __future__ import annotations

import warnings

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataFileError, Problem

#: Leading bytes of an Excel workbook: .xlsx (a zip archive) and .xls (OLE2).
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
_MAX_LISTED = 5
_DECIMAL_COMMA = re.compile(r"-?\d+,\d+")


def read_text(path: Path, key: str, *, what: str, max_bytes: int, expected: str) -> tuple[str, list[str]]:
    """The text of a data file, after existence, size, binary and encoding checks.

    Parameters
    ----------
    path : pathlib.Path
        The data file.
    key : str
        Site-file key naming the file (repeated in every problem).
    what : str
        What the file is, for messages: ``"weather file"``, ``"load profile file"``.
    max_bytes : int
        Larger files are refused before being read [bytes].
    expected : str
        What the file should hold, for the fix of an empty file.

    Returns
    -------
    text : str
    notes : list of str
        How the file was decoded when it was not UTF-8.

    Raises
    ------
    DataFileError
        Missing, a folder, too large, empty, a spreadsheet, a binary file.
    """
    file = str(path)

    def refuse(message: str, fix: str) -> DataFileError:
        return DataFileError([Problem(file, key, message, fix)])

    if not path.exists():
        raise refuse(f"{what} not found: {path}", "check the path; relative paths are relative to the site file's folder")
    if not path.is_file():
        raise refuse(f"{what} expected, but this path is a folder: {path}", "name the file itself, not its folder")
    size = path.stat().st_size
    if size > max_bytes:
        raise refuse(f"{what} is {size / 1e6:.1f} MB; at most {max_bytes / 1e6:.0f} MB is read "
                     "(one year of hourly data takes 0.1-2 MB)",
                     "give one year of hourly data; average minute or second data to hourly before use")
    raw = path.read_bytes()
    if raw.startswith(_SPREADSHEET_MAGIC):
        raise refuse(f"{what} is a spreadsheet workbook (Excel .xlsx/.xls), not CSV text",
                     "export the sheet as CSV (comma separated, '.' decimals, UTF-8)")
    if not raw.strip():
        raise refuse(f"{what} is empty", expected)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), ["file is UTF-16 text; decoded as UTF-16"]
        except UnicodeDecodeError as exc:
            raise refuse(f"{what} starts as UTF-16 text but byte {exc.start} is not UTF-16",
                         "save the file as CSV UTF-8") from None
    if b"\x00" in raw:
        at = raw.index(b"\x00")
        line = raw[:at].count(b"\n") + 1
        raise refuse(f"{what} holds NUL bytes (the first on line {line}, byte {at}): "
                     "a binary file, or UTF-16 text without a byte-order mark, not CSV text",
                     "export the data as CSV text (comma separated, UTF-8)")
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw[:start].count(b"\n") + 1
        return raw.decode("latin-1"), [f"file is not UTF-8 (byte 0x{raw[start]:02x} on line {line}); read as Latin-1"]


def split_csv(text: str, file: str, key: str, expected: str) -> tuple[list[str], list[list[str]], np.ndarray]:
    """A comma-separated table as header, rows of cells and the rows' line numbers.

    Blank lines are skipped; trailing rows of empty cells (a spreadsheet's formatted but
    empty rows, ``,,``) are dropped; cells keep their text (leading blanks removed).

    Parameters
    ----------
    text : str
        The file's text.
    file, key : str
        The file and the site key naming it, for messages.
    expected : str
        The columns expected, e.g. ``"timestamp, ghi[, dni, dhi], temp_air"``.

    Returns
    -------
    header : list of str
        Column names, stripped (case kept).
    rows : list of list of str
        The data rows, each as long as the header.
    lines : ndarray of int
        The 1-based line number of each row in the file (the header's line is before them).

    Raises
    ------
    DataFileError
        Columns separated by semicolons or tabs, rows with another number of fields
        than the header (a decimal comma is named when it is the likely cause), a column
        named twice.
    """
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    try:
        numbered = [(reader.line_num, row) for row in reader if row]
    except csv.Error as exc:  # e.g. a field over the csv module's size limit: not a table of numbers
        raise DataFileError([Problem(file, key, f"line {reader.line_num} cannot be split into fields ({exc})",
                                     f"give a comma-separated table: a header line {expected}, then one row per line")]) from None
    if not numbered:
        raise DataFileError([Problem(file, key, "the file holds no table", f"give a header line {expected}, then the rows")])
    (header_line, header), body = numbered[0], numbered[1:]
    while body and not any(cell.strip() for cell in body[-1][1]):
        body.pop()
    raw_lines = text.splitlines()

    if len(header) == 1:
        for sep, name in ((";", "semicolons (';')"), ("\t", "tabs ('\\t')")):
            if sep in header[0]:
                sample = raw_lines[header_line:header_line + 50]
                decimal = any(_DECIMAL_COMMA.fullmatch(cell.strip()) for line in sample for cell in line.split(sep))
                extra = " and decimal commas (0,35)" if decimal else ""
                raise DataFileError([Problem(
                    file, key, f"the file uses {name} as delimiter{extra}; expected columns {expected} "
                    "separated by commas",
                    "use commas between columns and '.' as the decimal mark "
                    "(in a spreadsheet: save as CSV with ',' separator)", header[0][:80])])

    n = len(header)
    wrong = [(line, len(row)) for line, row in body if len(row) != n]
    if wrong:
        decimal = any(_has_decimal_comma(raw_lines[line - 1]) for line, k in wrong[:20] if k > n)
        hint = "; values like 0,35 use a decimal comma, which splits them in two" if decimal else ""
        shown = ", ".join(f"line {line} ({k} fields)" for line, k in wrong[:_MAX_LISTED])
        more = f" and {len(wrong) - _MAX_LISTED} more" if len(wrong) > _MAX_LISTED else ""
        raise DataFileError([Problem(
            file, key,
            f"{len(wrong)} rows have a different number of fields than the header ({n}): {shown}{more}{hint}",
            "use commas only between columns and '.' as the decimal mark")])

    names = [name.strip() for name in header]
    twice = sorted({name for name in names if name and [m.lower() for m in names].count(name.lower()) > 1})
    if twice:
        raise DataFileError([Problem(file, key, f"column {twice[0]!r} appears more than once in the header (line {header_line})",
                                     "keep one column of each name")])
    return names, [row for _, row in body], np.array([line for line, _ in body], dtype=int)


def _has_decimal_comma(line: str) -> bool:
    """Does an unquoted ``12,5`` look split in two: an integer field then 1-3 digits?"""
    fields = next(csv.reader([line]), [])
    return any(a.strip().lstrip("-").isdigit() and b.strip().isdigit() and len(b.strip()) <= 3
               for a, b in zip(fields, fields[1:]))


# --------------------------------------------------------------------------- timestamps
#: Sub-hourly steps a timestamped series may have; it is averaged to hourly means [min].
SUBHOURLY_STEPS_MIN = (1, 2, 3, 5, 6, 10, 12, 15, 20, 30)
_WITH_OFFSET = r"(?:Z|[+-]\d\d:?\d\d)$"


@dataclass(frozen=True)
class LocalStamps:
    """A timestamp column read as naive local standard time (:func:`local_time`).

    Attributes
    ----------
    index : DatetimeIndex or None
        Naive local standard time; None when a stamp is unreadable or the offsets are mixed.
    offset_h : float or None
        UTC offset of that standard time when the stamps carry offsets [h].
    unreadable : ndarray of bool
        Stamps that are not dates in ISO 8601 (or, when none is, in any format pandas reads).
    without_offset : ndarray of bool
        Stamps without a UTC offset while others have one (all False when one is unreadable).
    notes : list of str
        Daylight-saving time undone.
    """

    index: pd.DatetimeIndex | None
    offset_h: float | None
    unreadable: np.ndarray
    without_offset: np.ndarray
    notes: list[str] = field(default_factory=list)
    iso: bool = True


def local_time(text: pd.Series) -> LocalStamps:
    """Stamps (stripped strings) as naive local standard time: ISO 8601 when every stamp is
    (:func:`iso_local_time`), else any format pandas reads (e.g. ``1/31/2023 13:00``) with
    ``iso`` False and a note naming it. Day and month may be swapped in such dates; a swap
    shows as a series that goes backwards or has gaps, so the readers add
    :data:`NON_ISO_HINT` to those problems' fixes."""
    stamps = iso_local_time(text)
    if not stamps.unreadable.any():
        return stamps
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            index = pd.DatetimeIndex(pd.to_datetime(text, errors="coerce", format="mixed"))
    except (ValueError, TypeError):  # e.g. several UTC offsets in a non-ISO format
        index = pd.DatetimeIndex([pd.NaT] * len(text))
    bad = np.asarray(index.isna())
    none = np.zeros(len(text), dtype=bool)
    if bad.any():
        return LocalStamps(None, None, bad, none, iso=False)
    return LocalStamps(index, None, bad, none, [f"timestamps read from a non-ISO 8601 format such as {text.iloc[0]!r}"],
                       iso=False)


def iso_local_time(text: pd.Series) -> LocalStamps:
    """ISO 8601 stamps (stripped strings) as naive local standard time.

    Stamps without an offset are taken as local standard time as written; stamps with
    one are moved to the standard time of the smallest offset in the file (summer time
    undone, with a note).
    """
    stamps = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    unreadable = stamps.isna().to_numpy()
    none = np.zeros(len(text), dtype=bool)
    if unreadable.any():
        return LocalStamps(None, None, unreadable, none)
    aware = text.str.contains(_WITH_OFFSET, regex=True).to_numpy()
    if aware.any() and not aware.all():
        return LocalStamps(None, None, unreadable, ~aware)
    naive_utc = pd.DatetimeIndex(stamps.dt.tz_localize(None).to_numpy())
    if not aware.any():
        return LocalStamps(naive_utc, None, unreadable, none)
    offsets_h = np.array([pd.Timestamp(t).utcoffset().total_seconds() / 3600.0 for t in text])
    standard_h = float(offsets_h.min())  # standard time is the smaller of standard/summer
    notes = ([f"daylight-saving timestamps moved to standard time UTC{standard_h:+g}"]
             if offsets_h.max() != standard_h else [])
    return LocalStamps(naive_utc + pd.Timedelta(hours=standard_h), standard_h, unreadable, none, notes)


#: what a reader adds to the fix of a series problem when its dates were not ISO 8601
NON_ISO_HINT = ("; write ISO 8601 timestamps (2023-01-31 13:00): in dates like 01/02/2023 "
                "day and month are ambiguous")


def time_steps_min(index: pd.DatetimeIndex) -> tuple[np.ndarray, float]:
    """The steps between consecutive stamps and the most common one [min] (≥ 2 stamps)."""
    steps = np.diff(index.as_unit("s").asi8) / 60.0
    return steps, float(pd.Series(steps).mode().iloc[0])


def leap_day_gaps(index: pd.DatetimeIndex, steps_min: np.ndarray, step: float) -> np.ndarray:
    """Which steps jump exactly over a leap year's 29 February (the file left it out): not gaps."""
    after = index[1:]
    return ((steps_min == step + 24 * 60) & after.is_leap_year & (after.month == 3) & (after.day == 1)
            & (after.hour == 0) & (after.minute == 0))


def hour_stamps_inside_the_hour(index: pd.DatetimeIndex) -> tuple[pd.DatetimeIndex, list[str]]:
    """Hourly rows all stamped at the same minute past the hour (hh:30 — the middle of the
    hour, as NSRDB and several satellite services label; hh:10 in PVGIS series) belong to
    the hour that contains the stamp: they are moved to hh:00, with a note. Anything else
    is returned as it is, for the reader's own checks."""
    if len(index) < 2:
        return index, []
    minute = index.minute
    if minute[0] == 0 or not (minute == minute[0]).all() or not (index.second == 0).all() \
            or time_steps_min(index)[1] != 60.0:
        return index, []
    return index.floor("h"), [f"hourly timestamps at hh:{minute[0]:02d} taken as the hour they fall in "
                              f"(hh:00 to hh+1:00)"]
