"""Hourly electricity demand of every home of a village.

Three ways to describe a household group's demand (SPEC §3.2), all ending in one
hourly profile per home, ``load_kw`` (T, N) [kW]:

* an **archetype**: a built-in normalised 24-hour shape × the group's daily energy,
  with seeded home-to-home and day-to-day variability (:func:`archetype_loads`);
* a **measured profile** from a CSV file (:func:`read_load_profile`), varied per home
  the same way (:func:`vary_profile`);
* **appliances**: a bottom-up stochastic model in the manner of RAMP
  (Lombardi et al. 2019), re-implemented in vectorised numpy
  (:func:`appliance_loads`, whose docstring says why RAMP itself is not called).

Time steps are one hour, so a value in kW is also the energy of that hour in kWh.
Hour 0 of a day is 00:00–01:00 local time; a year is 365 days (8760 h), and a profile
that runs past the end of the year wraps around to its start (the same convention as
a typical meteorological year).

:func:`build_loads` is the glue from a validated ``Site`` to a :class:`Loads` result.
Every random draw comes from a :class:`numpy.random.Generator` passed in, so a run is
reproducible from its seed.

References
----------
.. [1] Lombardi, F., Balderrama, S., Quoilin, S., Colombo, E. (2019). Generating
   high-resolution multi-energy load profiles for remote areas with an open-source
   stochastic model. Energy 177, 433–444. doi:10.1016/j.energy.2019.04.097
.. [2] Bhatia, M., Angelou, N. (2015). Beyond Connections: Energy Access Redefined.
   ESMAP Technical Report 008/15, World Bank (the Multi-Tier Framework, MTF).
.. [3] Mandelli, S., Brivio, C., Colombo, E., Merlo, M. (2016). A sizing methodology
   based on Levelized Cost of Supplied and Lost Energy for off-grid rural
   electrification systems. Renewable Energy 89, 475–488.
.. [4] Blodgett, C., Dauenhauer, P., Louie, H., Kickham, L. (2017). Accuracy of
   energy-use surveys in predicting rural mini-grid user consumption. Energy for
   Sustainable Development 41, 88–105.
.. [5] ESMAP (2019). Mini Grids for Half a Billion People: Market Outlook and Handbook
   for Decision Makers. World Bank (chapter on productive uses of electricity).
.. [6] WHO, World Bank (2015). Access to Modern Energy Services for Health Facilities
   in Resource-Constrained Settings.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import DataFileError, Problem
from .textfile import (NON_ISO_HINT, SUBHOURLY_STEPS_MIN, hour_stamps_inside_the_hour, leap_day_gaps, local_time,
                       read_text, split_csv, time_steps_min)

__all__ = [
    "ARCHETYPES",
    "HOURS_PER_YEAR",
    "MAX_PROFILE_FILE_BYTES",
    "LoadProfile",
    "Loads",
    "appliance_loads",
    "archetype_loads",
    "build_loads",
    "read_load_profile",
    "vary_profile",
    "window_hours",
]

HOURS_PER_YEAR = 8760
HOURS_PER_LEAP_YEAR = 8784
MAX_PROFILE_FILE_BYTES = 50_000_000
# What one connection of an off-grid village plausibly uses, mean over the year [kWh/day]:
# a single LED lamp for an hour is ~0.005, a mill or a clinic with a fridge ~30-50. Outside
# these the numbers are most likely in the wrong unit (W or Wh for kW or kWh, or the reverse).
PLAUSIBLE_DAILY_KWH = (0.005, 100.0)
#: First hour of 29 February in a leap year that starts on 1 January 00:00: (31 + 28) days.
_FEB29_FIRST_HOUR = (31 + 28) * 24


def _normalised(weights: Sequence[float]) -> np.ndarray:
    shape = np.asarray(weights, dtype=float)
    if shape.shape != (24,) or np.any(shape < 0):
        raise AssertionError("an archetype needs 24 non-negative hourly weights")
    shape = shape / shape.sum()
    shape.setflags(write=False)
    return shape


#: Built-in normalised 24-hour demand shapes (each sums to 1; index 0 is 00:00–01:00
#: local time). They are *representative*, not measured: drawn to reproduce the
#: timing and peak-to-average ratios reported for the user class in the studies named
#: in each entry's comment. Use a measured profile (``load_profile_file``) or the
#: appliance model when the village has its own data.
ARCHETYPES: dict[str, np.ndarray] = {
    # Rural home with lighting, radio/TV and phone charging (MTF Tiers 1–3): a low night
    # base (phone charging, a security light), a small early-morning bump and a dominant
    # 18–22 h lighting/TV peak of ~3.4x the mean. After the measured mini-grid customer
    # profiles of Blodgett et al. 2017 [4], the low-income users of the RAMP case study
    # (Lombardi et al. 2019 [1]) and the MTF surveys [2]. Representative, not measured.
    "evening_peak": _normalised([
        0.5, 0.4, 0.4, 0.4, 0.4, 0.6,   # 00–06 h
        1.0, 1.2, 0.8, 0.6, 0.6, 0.6,   # 06–12 h
        0.7, 0.7, 0.6, 0.6, 0.7, 1.0,   # 12–18 h
        2.8, 4.0, 4.2, 3.6, 2.2, 1.0,   # 18–24 h
    ]),
    # Constant demand (refrigeration, telecom, pumping to a tank): the neutral shape,
    # useful as a reference and for loads with no daily rhythm. Representative.
    "flat": _normalised([1.0] * 24),
    # Shop, workshop, bar or mill open 8–18 h, with shop lighting into the early evening
    # and a small night security load; a lunch dip at 12 h. After the commercial users
    # of Blodgett et al. 2017 [4] and the shop/workshop classes of LoadProGen
    # (Mandelli et al. 2016 [3]). Representative, not measured.
    "daytime_business": _normalised([
        0.2, 0.2, 0.2, 0.2, 0.2, 0.2,   # 00–06 h
        0.5, 1.5, 3.0, 3.5, 3.6, 3.6,   # 06–12 h
        3.0, 3.2, 3.6, 3.6, 3.4, 2.6,   # 12–18 h
        1.6, 1.0, 0.5, 0.3, 0.2, 0.2,   # 18–24 h
    ]),
    # Home with a pre-dawn/early-morning peak (lighting, radio, cooking before leaving
    # for the fields) and the evening peak, as reported for rural households in South
    # Asia and Latin America (MTF surveys [2]; the higher-income users of the RAMP case
    # study [1] have the same two-window pattern). Representative, not measured.
    "morning_evening": _normalised([
        0.4, 0.3, 0.3, 0.3, 0.5, 1.5,   # 00–06 h
        2.6, 2.4, 1.2, 0.7, 0.6, 0.6,   # 06–12 h
        0.8, 0.7, 0.6, 0.6, 0.8, 1.4,   # 12–18 h
        2.8, 3.4, 3.0, 2.2, 1.2, 0.6,   # 18–24 h
    ]),
    # Agro-processing (grain mill, rice huller, oil press, cassava grater) run in
    # daylight, 8–17 h with a midday maximum and almost nothing at night: the
    # "productive use" pattern mini-grid developers promote to absorb PV output
    # (ESMAP 2019 [5], ch. on productive uses). Representative, not measured.
    "productive_use": _normalised([
        0.1, 0.1, 0.1, 0.1, 0.1, 0.1,   # 00–06 h
        0.3, 1.0, 2.5, 4.0, 5.0, 5.5,   # 06–12 h
        5.0, 5.5, 5.0, 4.0, 2.5, 1.2,   # 12–18 h
        0.4, 0.2, 0.1, 0.1, 0.1, 0.1,   # 18–24 h
    ]),
    # Rural health post / dispensary: a 24-h base from vaccine refrigeration (about half
    # of the daily energy), consultations with lighting and small equipment 7–17 h, and
    # night lighting for deliveries and emergencies. After WHO & World Bank 2015 [6] and
    # the hospital user of the RAMP case study [1] (three fridges, lights, PCs).
    # Representative, not measured.
    "health_post": _normalised([
        1.2, 1.2, 1.2, 1.2, 1.2, 1.3,   # 00–06 h
        1.6, 2.4, 3.2, 3.4, 3.4, 3.3,   # 06–12 h
        3.0, 3.2, 3.3, 3.2, 2.8, 2.2,   # 12–18 h
        2.0, 1.9, 1.7, 1.5, 1.3, 1.2,   # 18–24 h
    ]),
    # Primary/secondary school: classes 7–15 h (lighting, PCs, printer), a freezer as
    # the 24-h base, occasional evening use (adult classes, community meetings). After
    # the school user of the RAMP case study [1]. Weekends and holidays are not
    # modelled (every day is a school day), which errs on the side of more demand.
    # Representative, not measured.
    "school": _normalised([
        0.6, 0.6, 0.6, 0.6, 0.6, 0.6,   # 00–06 h
        0.8, 2.5, 4.5, 5.0, 5.0, 4.8,   # 06–12 h
        3.0, 4.0, 4.2, 2.5, 1.2, 0.8,   # 12–18 h
        1.0, 1.0, 0.8, 0.6, 0.6, 0.6,   # 18–24 h
    ]),
}

#: Largest random shift of a home's daily shape [h]; reached at load_variability >= 0.1.
MAX_SHAPE_SHIFT_H = 1.0
#: Hour-to-hour jitter (lognormal sigma) as a share of load_variability.
HOURLY_JITTER_SHARE = 0.5


# --------------------------------------------------------------------------------------
# Random factors with mean exactly 1
# --------------------------------------------------------------------------------------
def _mean_one_lognormal(sigma: float, size: Any, rng: np.random.Generator) -> np.ndarray:
    """Draw lognormal factors whose expectation is exactly 1.

    Notes
    -----
    If ``X = exp(mu + sigma Z)`` with ``Z ~ N(0, 1)`` then ``E[X] = exp(mu + sigma²/2)``;
    choosing ``mu = -sigma²/2`` gives ``E[X] = 1`` exactly, for any ``sigma``, with
    ``X > 0`` always and a coefficient of variation ``sqrt(exp(sigma²) - 1) ≈ sigma``
    for small ``sigma``. Unlike a truncated normal (HOMER's day-to-day noise), there
    is no clipping at zero, so the mean is not biased. ``sigma = 0`` returns ones
    without touching ``rng``.
    """
    if sigma == 0.0:
        return np.ones(size)
    return np.exp(rng.normal(-0.5 * sigma * sigma, sigma, size=size))


def _home_and_day_factors(
    variability: float, n_days: int, n_homes: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Home scale (N,) and day factors (n_days, N), both lognormal with mean 1."""
    home = _mean_one_lognormal(variability, n_homes, rng)
    day = _mean_one_lognormal(variability, (n_days, n_homes), rng)
    return home, day


def _check_common(daily_or_none: float | None, n_homes: int, variability: float,
                  n_hours: int) -> None:
    if daily_or_none is not None and not (np.isfinite(daily_or_none) and daily_or_none >= 0):
        raise ValueError(f"daily_load_kwh must be finite and >= 0, got {daily_or_none!r}")
    if int(n_homes) != n_homes or n_homes < 0:
        raise ValueError(f"n_homes must be a non-negative integer, got {n_homes!r}")
    if not (np.isfinite(variability) and variability >= 0):
        raise ValueError(f"variability must be finite and >= 0, got {variability!r}")
    if int(n_hours) != n_hours or n_hours < 1:
        raise ValueError(f"n_hours must be a positive integer, got {n_hours!r}")


def _resolve_shape(shape: str | Sequence[float] | np.ndarray) -> np.ndarray:
    if isinstance(shape, str):
        try:
            return ARCHETYPES[shape]
        except KeyError:
            close = difflib.get_close_matches(shape, ARCHETYPES, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"unknown load shape {shape!r}; built-in shapes are "
                f"{', '.join(sorted(ARCHETYPES))}.{hint}"
            ) from None
    arr = np.asarray(shape, dtype=float)
    if arr.shape != (24,) or not np.all(np.isfinite(arr)) or np.any(arr < 0) or arr.sum() <= 0:
        raise ValueError("a custom load shape needs 24 finite, non-negative hourly weights "
                         "with a positive sum")
    return arr / arr.sum()


def _shifted_shapes(shape: np.ndarray, shift_h: np.ndarray) -> np.ndarray:
    """Daily shapes (N, 24) shifted later by ``shift_h`` (N,) hours, circularly.

    A fractional shift is a linear interpolation between the two neighbouring integer
    rolls: ``(1 - f) roll(s, k) + f roll(s, k + 1)`` with ``k = floor(shift)``,
    ``f = shift - k``. Both rolls sum to 1, so every shifted shape sums to 1 exactly.
    """
    k = np.floor(shift_h).astype(int)
    f = (shift_h - k)[:, None]
    hours = np.arange(24)
    rolled_k = shape[(hours[None, :] - k[:, None]) % 24]
    rolled_k1 = shape[(hours[None, :] - k[:, None] - 1) % 24]
    return (1.0 - f) * rolled_k + f * rolled_k1


# --------------------------------------------------------------------------------------
# Archetypes
# --------------------------------------------------------------------------------------
def archetype_loads(
    shape: str | Sequence[float] | np.ndarray,
    daily_load_kwh: float,
    n_homes: int,
    variability: float,
    rng: np.random.Generator,
    n_hours: int = HOURS_PER_YEAR,
) -> np.ndarray:
    """Hourly demand of ``n_homes`` homes from a daily shape and a daily energy.

    Parameters
    ----------
    shape : str or array_like (24,)
        Name of a built-in archetype (a key of :data:`ARCHETYPES`) or 24 non-negative
        hourly weights (normalised here).
    daily_load_kwh : float
        Mean daily energy of one home [kWh/day].
    n_homes : int
        Number of homes to generate.
    variability : float
        ``load_variability`` of the site file [-]: the lognormal sigma of the
        home-to-home and of the day-to-day factor (≈ their coefficient of variation).
        0 gives identical, deterministic homes.
    rng : numpy.random.Generator
        Source of every random draw.
    n_hours : int, default 8760
        Length of the profile [h].

    Returns
    -------
    load_kw : ndarray (n_hours, n_homes)
        Demand of each home in each hour [kW], finite and >= 0.

    Notes
    -----
    For home ``h``, day ``d`` and hour-of-day ``k``::

        P[d, k, h] = E_day · a_h · b_dh · s_h[k] j_dkh / Σ_k' s_h[k'] j_dk'h

    with ``E_day = daily_load_kwh`` and

    * ``a_h`` — home scale, lognormal, sigma = ``variability``, mean exactly 1;
    * ``b_dh`` — day factor, lognormal, sigma = ``variability``, mean exactly 1,
      independent between days and homes;
    * ``s_h`` — the archetype shifted later by a uniform random
      ``δ_h ∈ [-w, w]`` hours with ``w = min(1 h, 10 h × variability)`` (so the
      evening peak moves by up to ±1 h between homes); the shift is circular and
      linear-interpolated, so ``Σ_k s_h[k] = 1`` exactly;
    * ``j_dkh`` — hour-to-hour jitter, lognormal, sigma = ``variability / 2``; the
      day is renormalised, so the jitter only moves energy between hours of a day.

    Hence a day's energy is exactly ``E_day a_h b_dh`` and, because ``a`` and ``b``
    are independent with ``E[a] = E[b] = 1`` (``mu = -sigma²/2``, see
    ``_mean_one_lognormal``), ``E[annual energy] = E_day × 365`` exactly for
    ``n_hours = 8760``; with ``variability = 0`` every factor is exactly 1 and the
    annual energy is ``E_day × 365`` to rounding. The realised annual energy of one
    home scatters around it with a coefficient of variation ≈ ``variability``
    (dominated by ``a_h``; ``b`` averages out over 365 days).

    References
    ----------
    .. [1] Lombardi et al. (2019), Energy 177, 433–444 — stochastic variability of
       rural load profiles.
    .. [2] HOMER Pro manual, "Random variability" (day-to-day and timestep-to-timestep
       noise on a synthetic load), whose mean-biasing truncation is avoided here.
    """
    _check_common(daily_load_kwh, n_homes, variability, n_hours)
    base = _resolve_shape(shape)
    n_homes = int(n_homes)
    n_days = -(-int(n_hours) // 24)
    variability = float(variability)

    home, day = _home_and_day_factors(variability, n_days, n_homes, rng)
    max_shift_h = min(MAX_SHAPE_SHIFT_H, 10.0 * variability)
    shift_h = (rng.uniform(-max_shift_h, max_shift_h, n_homes) if max_shift_h > 0
               else np.zeros(n_homes))
    shapes = _shifted_shapes(base, shift_h)                      # (N, 24)

    jitter = _mean_one_lognormal(HOURLY_JITTER_SHARE * variability, (n_days, 24, n_homes), rng)
    hourly = jitter * shapes.T[None, :, :]                       # (D, 24, N)
    day_sum = hourly.sum(axis=1, keepdims=True)
    np.divide(hourly, day_sum, out=hourly, where=day_sum > 0)
    hourly *= (float(daily_load_kwh) * home)[None, None, :] * day[:, None, :]
    return hourly.reshape(n_days * 24, n_homes)[: int(n_hours)]


def vary_profile(
    profile_kw: np.ndarray,
    n_homes: int,
    variability: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Give each of ``n_homes`` homes its own copy of one measured profile.

    Parameters
    ----------
    profile_kw : ndarray (T,)
        One home's hourly demand [kW], e.g. from :func:`read_load_profile`.
    n_homes : int
        Number of homes.
    variability : float
        Lognormal sigma of the home scale and day factor [-]; 0 gives identical copies.
    rng : numpy.random.Generator
        Source of every random draw.

    Returns
    -------
    load_kw : ndarray (T, n_homes)
        ``profile_kw[t] · a_h · b_{day(t), h}`` [kW], with the same mean-one lognormal
        factors as :func:`archetype_loads`, so each home's expected energy equals the
        profile's. The measured hour-to-hour shape is kept: no jitter, no shift.
    """
    profile_kw = np.asarray(profile_kw, dtype=float)
    if profile_kw.ndim != 1 or not np.all(np.isfinite(profile_kw)) or np.any(profile_kw < 0):
        raise ValueError("profile_kw must be a 1-D array of finite, non-negative values")
    _check_common(None, n_homes, variability, len(profile_kw))
    n_hours = len(profile_kw)
    n_days = -(-n_hours // 24)
    home, day = _home_and_day_factors(float(variability), n_days, int(n_homes), rng)
    day_of_hour = np.arange(n_hours) // 24
    return profile_kw[:, None] * home[None, :] * day[day_of_hour, :]


# --------------------------------------------------------------------------------------
# Measured profile from CSV
# --------------------------------------------------------------------------------------
#: Cells read as "no value": reported as empty, not as non-numeric.
_BLANK_CELLS = ("", "nan", "na", "n/a", "null", "none", "-")
#: The canonical year profile rows are mapped to (non-leap, as the weather's).
_CANONICAL_YEAR = 2023
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
    moved = pd.to_datetime(pd.DataFrame({"year": _CANONICAL_YEAR, "month": index.month, "day": index.day,
                                         "hour": index.hour}))
    year = pd.date_range(f"{_CANONICAL_YEAR}-01-01", periods=HOURS_PER_YEAR, freq="h")
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


# --------------------------------------------------------------------------------------
# Appliances (RAMP-style, vectorised)
# --------------------------------------------------------------------------------------
#: Daily time-of-use variability of an appliance (RAMP's ``time_fraction_random_variability``;
#: 0.1–0.2 in the case studies of Lombardi et al. 2019) [-].
APPLIANCE_TIME_VARIABILITY = 0.2
#: Shortest switch-on event (RAMP's ``func_cycle``, 5–30 min in its case studies) [h].
APPLIANCE_MIN_CYCLE_H = 0.5
#: Most switch-on events of one appliance unit in a day.
APPLIANCE_MAX_EVENTS = 3

def _field(obj: Any, name: str) -> Any:
    if isinstance(obj, Mapping):
        return obj[name]
    return getattr(obj, name)


def window_hours(window: Sequence[float]) -> float:
    """Length of a daily window ``[start_h, end_h]`` [h]; it may wrap midnight.

    ``[18, 2]`` is 8 h (18:00–02:00); ``[0, 24]`` and ``[7, 7]`` are the whole day.
    """
    start_h, end_h = float(window[0]), float(window[1])
    length = (end_h - start_h) % 24.0
    return 24.0 if length == 0.0 else length


def appliance_loads(
    appliances: Iterable[Any],
    n_homes: int,
    rng: np.random.Generator,
    n_hours: int = HOURS_PER_YEAR,
) -> np.ndarray:
    """Stochastic bottom-up demand of ``n_homes`` homes from their appliances.

    Every home owns the same list of appliances. This is the core of RAMP
    (Lombardi et al. 2019), re-implemented in vectorised numpy at continuous time
    and aggregated to hours exactly.

    Parameters
    ----------
    appliances : iterable of objects or mappings
        Each with ``name``, ``count`` (units per home), ``power_w`` (per unit [W]),
        ``hours_per_day`` (mean daily on-time of each unit [h]) and ``window``
        ``[start_h, end_h]`` (local hours in which it may run; may wrap midnight,
        e.g. ``[18, 2]``; ``hours_per_day`` must not exceed the window length).
    n_homes : int
        Number of homes.
    rng : numpy.random.Generator
        Source of every random draw.
    n_hours : int, default 8760
        Length of the profile [h].

    Returns
    -------
    load_kw : ndarray (n_hours, n_homes)
        Demand of each home in each hour [kW], >= 0, and zero outside the union of
        the appliance windows.

    Notes
    -----
    For each home, day and unit of an appliance (units switch independently, which
    gives RAMP's coincidence diversity):

    1. daily on-time ``T = hours_per_day · U(1 - r, 1 + r)``, ``r = 0.2`` (RAMP's
       ``time_fraction_random_variability``), with ``r`` narrowed so ``T`` never
       exceeds the window ``W``; ``E[T] = hours_per_day`` exactly;
    2. ``T`` is split into ``k`` switch-on events, ``k`` uniform in
       ``1 … min(3, floor(T / 0.5 h))``, each at least 0.5 h long (RAMP's
       ``func_cycle``) with the rest split at random (flat Dirichlet);
    3. the events are placed at random without overlap inside the window: the free
       time ``W - T`` is cut into ``k + 1`` random gaps (flat Dirichlet), the exact
       way to draw ``k`` non-overlapping intervals uniformly;
    4. each event's power ``power_w / 1000`` [kW] is spread over the hours it
       overlaps, in proportion to the overlap (continuous time, no minute grid):
       a difference array with fractional end points, cumulated over time.

    So the expected energy of an appliance per home and day is
    ``count × power_w × hours_per_day / 1000`` [kWh] and no energy falls outside its
    window. A window that wraps midnight spills into the next day; the last day of
    the year spills into the first.

    Why not call RAMP itself: the installed ``rampdemand`` 0.5.2 took 4.9–7.3 s to
    generate 30 days for a 200-home village of 3–4 appliances each at minute
    resolution (one ``User`` per home, so homes stay separate), i.e. 60–90 s for a
    year on this 2-core machine — far above the ~10 s a CLI run can spend on loads.
    Its seeding is also unfit: ``UseCase(random_seed=...)`` seeds Python's global
    ``random`` module (a process-wide side effect, unsafe with other code drawing
    from it) and ``random_seed=0`` is silently ignored (``if self.random_seed:``).
    This implementation generates the same village-year in well under a second.
    What it leaves out from RAMP: randomised window edges (``random_var_w``),
    duty cycles, peak-time coincidence, occasional use and weekday/weekend types.

    References
    ----------
    .. [1] Lombardi, F., Balderrama, S., Quoilin, S., Colombo, E. (2019). Generating
       high-resolution multi-energy load profiles for remote areas with an open-source
       stochastic model. Energy 177, 433–444. doi:10.1016/j.energy.2019.04.097
    """
    _check_common(None, n_homes, 0.0, n_hours)
    n_homes = int(n_homes)
    n_hours = int(n_hours)
    n_days = -(-n_hours // 24)
    specs = []
    for app in appliances:
        name = _field(app, "name")
        count = int(_field(app, "count"))
        power_kw = float(_field(app, "power_w")) / 1000.0
        hours = float(_field(app, "hours_per_day"))
        window = _field(app, "window")
        width_h = window_hours(window)
        if count < 0 or power_kw < 0 or hours < 0:
            raise ValueError(f"appliance {name!r}: count, power_w and hours_per_day must be >= 0")
        if hours > width_h + 1e-9:
            raise ValueError(f"appliance {name!r}: hours_per_day {hours:g} h exceeds its "
                             f"window {list(window)} of {width_h:g} h")
        if count and power_kw and hours:
            specs.append((count, power_kw, min(hours, width_h), float(window[0]) % 24.0, width_h))

    load_kw = np.zeros((n_hours, n_homes))
    if not specs:
        return load_kw
    # Homes are drawn in blocks that keep each temporary array near 2 million elements
    # (about 16 MB), so memory stays bounded for large villages and many units.
    max_units = max(count for count, *_ in specs)
    block = max(1, 2_000_000 // (n_days * max_units * (APPLIANCE_MAX_EVENTS + 1)))
    for first in range(0, n_homes, block):
        homes = min(block, n_homes - first)
        load_kw[:, first:first + homes] = _appliance_block(specs, homes, n_days, n_hours, rng)
    return load_kw


def _appliance_block(
    specs: list[tuple[int, float, float, float, float]],
    n_homes: int,
    n_days: int,
    n_hours: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """:func:`appliance_loads` for one block of homes; ``specs`` holds, per appliance,
    ``(count, power_kw, hours_per_day, window_start_h, window_h)``."""
    n_timeline = n_days * 24 + 48            # two spare days for events that spill over
    diff = np.zeros(n_timeline * n_homes)    # difference array, index = hour * N + home
    days = np.arange(n_days)
    home_of = np.arange(n_homes)[:, None, None, None]
    n_ev = APPLIANCE_MAX_EVENTS
    for count, power_kw, hours, start_h, width_h in specs:
        size = (n_homes, n_days, count)
        # 1. daily on-time, mean exactly `hours`, never longer than the window
        spread = min(APPLIANCE_TIME_VARIABILITY, width_h / hours - 1.0)
        on_h = hours * rng.uniform(1.0 - spread, 1.0 + spread, size=size)
        # 2. number of events (1 … k_max) and their durations (each >= min cycle)
        k_max = np.clip(np.floor(on_h / APPLIANCE_MIN_CYCLE_H), 1, n_ev)
        k = 1 + np.floor(rng.random(size) * k_max).astype(int)
        active = np.arange(n_ev) < k[..., None]
        weights = rng.exponential(size=size + (n_ev,)) * active
        weights /= weights.sum(axis=-1, keepdims=True)
        min_cycle = np.minimum(APPLIANCE_MIN_CYCLE_H, on_h / k)
        dur_h = active * min_cycle[..., None] + (on_h - k * min_cycle)[..., None] * weights
        # 3. k + 1 random gaps share the free time W - T; gap i comes before event i
        gaps = rng.exponential(size=size + (n_ev + 1,)) * (np.arange(n_ev + 1) <= k[..., None])
        gaps *= ((width_h - on_h) / gaps.sum(axis=-1))[..., None]
        start_in_window = np.cumsum(gaps[..., :-1], axis=-1) + np.cumsum(dur_h, axis=-1) - dur_h
        t_on = (days[None, :, None, None] * 24.0 + start_h) + start_in_window
        # 4. fractional difference array: +P from t_on, -P from t_off
        for t, power in ((t_on, power_kw), (t_on + dur_h, -power_kw)):
            hour = np.floor(t)
            frac = (t - hour).ravel()
            idx = (hour.astype(np.int64) * n_homes + home_of).ravel()
            diff += np.bincount(idx, weights=power * (1.0 - frac), minlength=diff.size)
            diff += np.bincount(idx + n_homes, weights=power * frac, minlength=diff.size)

    load = np.cumsum(diff.reshape(n_timeline, n_homes), axis=0)
    year_h = n_days * 24
    load[: n_timeline - year_h] += load[year_h:]                 # wrap spill-over to the start
    load = load[:n_hours]
    load[load < 1e-9] = 0.0                                      # cumsum round-off [kW]
    return load


# --------------------------------------------------------------------------------------
# Result and glue
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Loads:
    """Hourly demand of every home of a village.

    Attributes
    ----------
    load_kw : ndarray (T, N)
        Demand per hour and home [kW] (one-hour steps, so also [kWh] per step).
    group_of_home : ndarray (N,) of int
        Index into ``group_names`` (and ``site.households``) of each home's group.
    group_names : list of str
        Household group names, in site-file order.
    home_ids : list of str
        One id per home, ``"<group name>-<number>"``, e.g. ``"low income-001"``.
    notes : list of str
        What was done to the groups' load profile files on the way in (averaged to
        hours, 29 February dropped, ...), each starting with the group and the file,
        e.g. ``"shop (shop.csv): averaged from 15-minute data to hourly means"``.
    """

    load_kw: np.ndarray
    group_of_home: np.ndarray
    group_names: list[str]
    home_ids: list[str]
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = self.load_kw.shape[1] if self.load_kw.ndim == 2 else -1
        if n < 0 or self.group_of_home.shape != (n,) or len(self.home_ids) != n:
            raise ValueError("Loads: load_kw must be (T, N) with N group_of_home and home_ids")

    @property
    def n_homes(self) -> int:
        """Number of homes N."""
        return self.load_kw.shape[1]

    @property
    def annual_kwh(self) -> np.ndarray:
        """Energy demand of each home over the profile (a year for 8760 h) (N,) [kWh]."""
        return self.load_kw.sum(axis=0)


def _plausibility_notes(group, index: int, load_kw: np.ndarray) -> list[str]:
    """A note when a group's homes use implausibly much or little energy (a unit slip).

    Not an error: a site may really hold one big consumer. The note names the key the
    numbers came from and the likely fix; it reaches the console, summary.json
    (``loads.notes``) and the report.
    """
    if load_kw.size == 0:
        return []
    daily = float(load_kw.mean()) * 24.0                      # kWh/day per home, mean over homes and days
    lo, hi = PLAUSIBLE_DAILY_KWH
    prefix = f"households[{index}]"
    if getattr(group, "load_profile_file", None):
        source = (f"{prefix}.load_profile_file", "if its load_kw column is in W, divide it by 1,000",
                  "if its load_kw column is in MW, multiply it by 1,000")
    elif getattr(group, "appliances", None):
        source = (f"{prefix}.appliances", "check power_w (watts), count and hours_per_day",
                  "power_w is in watts: if kilowatts were entered, multiply them by 1,000")
    else:
        source = (f"{prefix}.daily_load_kwh", "if it was given in Wh, divide it by 1,000",
                  "if it was given in MWh, multiply it by 1,000")
    key, too_much, too_little = source
    if daily > hi:
        return [f"{group.name}: each home uses {daily:,.0f} kWh a day on average (peak {float(load_kw.max()):,.1f} kW), "
                f"more than a household or village business does ({lo:g}–{hi:g} kWh/day); {key}: {too_much}"]
    if 0.0 < daily < lo:
        return [f"{group.name}: each home uses {1000 * daily:.2f} Wh a day on average, less than one LED lamp for "
                f"an hour; {key}: {too_little}"]
    return []


def build_loads(site: Any, seed: int = 0) -> Loads:
    """Hourly demand of every home of a validated site.

    Parameters
    ----------
    site : Site
        Validated site (``sizing.schema.Site``); uses ``site.households`` and
        ``site.base_dir``.
    seed : int, default 0
        Seed of the run. Group ``i`` draws from ``SeedSequence(seed).spawn(...)[i]``
        (spawn key ``(i,)``), so appending a group, or resizing or changing another
        group, never changes this group's homes.

    Returns
    -------
    Loads
        Homes in site-file order, group by group.

    Notes
    -----
    A group's source is, in this order: ``load_profile_file`` (the profile varied per
    home by ``load_variability``, :func:`vary_profile`), ``appliances``
    (:func:`appliance_loads`, whose own randomness replaces ``load_variability``),
    else ``daily_load_kwh`` with ``load_shape`` (default ``evening_peak``,
    :func:`archetype_loads`).
    """
    groups = list(site.households)
    children = np.random.SeedSequence(seed).spawn(len(groups))
    columns, group_of_home, home_ids, notes = [], [], [], []
    for i, (group, child) in enumerate(zip(groups, children)):
        rng = np.random.default_rng(child)
        count = int(group.count)
        variability = float(getattr(group, "load_variability", 0.0) or 0.0)
        if getattr(group, "load_profile_file", None):
            key = f"households[{i}].load_profile_file"
            if hasattr(site, "data_file"):  # read once: validation already parsed it
                profile = site.data_file(key, group.load_profile_file, read_load_profile)
            else:
                profile = read_load_profile(Path(site.base_dir) / Path(group.load_profile_file).expanduser(), key)
            notes.extend(f"{group.name} ({profile.source}): {note}" for note in profile.notes)
            load_kw = vary_profile(profile.load_kw, count, variability, rng)
        elif getattr(group, "appliances", None):
            load_kw = appliance_loads(group.appliances, count, rng)
        else:
            load_kw = archetype_loads(getattr(group, "load_shape", None) or "evening_peak",
                                      float(group.daily_load_kwh), count, variability, rng)
        notes.extend(_plausibility_notes(group, i, load_kw))
        columns.append(load_kw)
        group_of_home.append(np.full(count, i, dtype=int))
        width = max(3, len(str(count)))
        home_ids.extend(f"{group.name}-{h + 1:0{width}d}" for h in range(count))

    return Loads(
        load_kw=(np.concatenate(columns, axis=1) if columns
                 else np.zeros((HOURS_PER_YEAR, 0))),
        group_of_home=(np.concatenate(group_of_home) if group_of_home
                       else np.zeros(0, dtype=int)),
        group_names=[str(g.name) for g in groups],
        home_ids=home_ids,
        notes=notes,
    )
