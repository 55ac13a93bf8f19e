"""The one calendar every hourly series of p2p-size lives in.

An hourly value is the mean over the hour that starts at its label, in local standard
time (no daylight saving): the row labelled ``10:00`` covers 10:00–11:00. Every series
is mapped to one non-leap year, :data:`CANONICAL_YEAR` (typical-year files stitch months
of different years; a leap year's 29 February is dropped), so hour ``t`` of any series
is the same clock hour of the same day.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

#: The canonical (non-leap) year every hourly series is mapped to.
CANONICAL_YEAR = 2023
#: Hours in the canonical year.
HOURS_PER_YEAR = 8760
#: Hours in a leap year (a profile of this length has 29 February dropped).
HOURS_PER_LEAP_YEAR = 8784
#: Days per month of the canonical year.
DAYS_PER_MONTH = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
#: Day of the year (0-based) on which each month starts.
MONTH_START_DAY = np.concatenate([[0], np.cumsum(DAYS_PER_MONTH)[:-1]])


def hourly_index() -> pd.DatetimeIndex:
    """The canonical hourly index: 2023-01-01 00:00 ... 2023-12-31 23:00, naive local standard time."""
    return pd.date_range(f"{CANONICAL_YEAR}-01-01", periods=HOURS_PER_YEAR, freq="h", name="time")


def monthly_daily_mean(hourly: np.ndarray) -> np.ndarray:
    """Mean daily sum of an hourly series (8760,) in each month of the canonical year, (12,)."""
    month = hourly_index().month.to_numpy() - 1
    return np.bincount(month, weights=hourly, minlength=12) / DAYS_PER_MONTH


def utc_mid_hour(index: pd.DatetimeIndex, timezone_offset_h: float) -> pd.DatetimeIndex:
    """Middle of each hour-start-labelled local-standard-time hour, in UTC (where the sun is for that hour's mean)."""
    shift = pd.Timedelta(minutes=30) - pd.Timedelta(hours=float(timezone_offset_h))
    return (index + shift).tz_localize("UTC")


def offset_or_solar_time_h(longitude: float, timezone_offset_h: float | None) -> float:
    """``timezone_offset_h``, or the solar time zone ``round(longitude / 15)`` when it is None [h]."""
    return float(round(longitude / 15.0)) if timezone_offset_h is None else float(timezone_offset_h)


def hour_calendar(n_hours: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Month (0–11), hour of day (0–23) and season of each of ``n_hours`` hours from 1 January.

    Seasons: 0 = Dec–Feb, 1 = Mar–May, 2 = Jun–Aug, 3 = Sep–Nov.
    """
    hours = np.arange(n_hours)
    day_of_year = hours // 24
    month = np.searchsorted(MONTH_START_DAY, day_of_year, side="right") - 1
    season = ((month + 1) % 12) // 3
    return month, hours % 24, season


__all__ = ["CANONICAL_YEAR", "DAYS_PER_MONTH", "HOURS_PER_LEAP_YEAR", "HOURS_PER_YEAR", "MONTH_START_DAY",
           "hour_calendar", "hourly_index",
           "monthly_daily_mean", "offset_or_solar_time_h", "utc_mid_hour"]
