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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import DataFileError, Problem

__all__ = [
    "ARCHETYPES",
    "HOURS_PER_YEAR",
    "MAX_PROFILE_FILE_BYTES",
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
MAX_PROFILE_FILE_BYTES = 50 * 1024 * 1024
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
def _rows_text(rows: np.ndarray, limit: int = 8) -> str:
    """'row 5' / 'rows 3, 17, 44 and 12 more'."""
    rows = [int(r) for r in rows]
    if len(rows) == 1:
        return f"row {rows[0]}"
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"rows {shown}{more}"


def read_load_profile(path: str | Path, key: str) -> np.ndarray:
    """Read one home's hourly demand from a CSV file.

    Parameters
    ----------
    path : str or pathlib.Path
        CSV file with a header line and a ``load_kw`` column [kW] (optionally a
        ``timestamp`` column; other columns are ignored). Rows are hours:

        * 8760 rows — one 365-day year, used as is;
        * 24 rows — one typical day, repeated for 365 days;
        * 8784 rows — a leap year: 29 February is dropped (found from ``timestamp``
          when there is one, else taken to be the 60th day, hours 1416–1439 counted from 0).
    key : str
        Site-file key that names the file, e.g. ``households[2].load_profile_file``;
        used in error messages.

    Returns
    -------
    load_kw : ndarray (8760,)
        Hourly demand [kW], finite and >= 0.

    Raises
    ------
    DataFileError
        With every problem found: missing or unreadable file, file over 50 MB, no
        ``load_kw`` column, wrong number of rows, empty/NaN, non-numeric, infinite or
        negative cells (with their row numbers as a spreadsheet shows them: the header
        line is row 1), unparseable timestamps or timestamps that are not hourly steps.
    """
    path = Path(path)
    file = str(path)

    def problem(message: str, fix: str, where: str = "", value: Any = None) -> Problem:
        return Problem(file=file, key=f"{key} ({where})" if where else key,
                       message=message, fix=fix, value=value)

    if not path.exists():
        raise DataFileError([problem(
            "load profile file not found",
            "check the path; relative paths are relative to the site file's folder")])
    if not path.is_file():
        raise DataFileError([problem(
            "expected a CSV file but this path is a folder",
            "point load_profile_file at the CSV file itself")])
    size = path.stat().st_size
    if size > MAX_PROFILE_FILE_BYTES:
        raise DataFileError([problem(
            f"file is {size / 1024 ** 2:.1f} MB; a load profile file may be at most "
            f"{MAX_PROFILE_FILE_BYTES // 1024 ** 2} MB (8760 hourly rows take well under 1 MB)",
            "keep only the timestamp and load_kw columns, hourly, for one year")])

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True,
                            encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise DataFileError([problem(
            "file is empty; expected a header line with a load_kw column and 24, 8760 or "
            "8784 hourly rows", "write the hourly demand in kW under a 'load_kw' header")]) from None
    except UnicodeDecodeError:
        raise DataFileError([problem(
            "file is not UTF-8 text (is it a spreadsheet or a binary file?)",
            "export the sheet as CSV (comma-separated, UTF-8)")]) from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataFileError([problem(
            f"cannot read the file as CSV: {first}",
            "check that every line has the same number of comma-separated fields")]) from None

    columns = {str(c).strip(): c for c in frame.columns}
    problems: list[Problem] = []
    n_rows = len(frame)
    if n_rows not in (24, HOURS_PER_YEAR, HOURS_PER_LEAP_YEAR):
        problems.append(problem(
            f"expected 8760 hourly rows (one year), 24 (one typical day) or 8784 (a leap "
            f"year) below the header, got {n_rows} rows",
            "give one value per hour: a full year, or one typical day to be repeated",
            value=n_rows))
    if "load_kw" not in columns:
        lower = {name.lower(): name for name in columns}
        close = difflib.get_close_matches("load_kw", list(lower), n=1, cutoff=0.5)
        hint = f" (did you mean {lower[close[0]]!r}?)" if close else ""
        fix = "name the column with the hourly demand in kW exactly 'load_kw' in the header line"
        separator = next((sep for sep in (";", "\t") if any(sep in name for name in columns)), None)
        if separator:
            fix = (f"the file seems to separate columns with {separator!r}; save it as CSV with "
                   "commas between columns and dots as decimal separator")
        problems.append(problem(f"no 'load_kw' column; found columns {list(columns)}{hint}", fix))
        raise DataFileError(problems)

    # Rows are numbered as a spreadsheet (or an editor) shows them: the header is row 1.
    row = np.arange(2, n_rows + 2)
    text = frame[columns["load_kw"]].astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    blank = text.str.lower().isin(["", "nan", "na", "n/a", "null", "none", "-"]).to_numpy()
    non_numeric = np.isnan(values) & ~blank
    infinite = np.isinf(values)
    negative = values < 0
    col = "column load_kw"
    if blank.any():
        problems.append(problem(
            f"{blank.sum()} empty or NaN cell(s); every hour needs a demand value in kW",
            "fill the gaps (e.g. interpolate, or copy the same hour of a neighbouring day)",
            where=f"{_rows_text(row[blank])}, {col}"))
    if non_numeric.any():
        bad = text.to_numpy()[non_numeric]
        problems.append(problem(
            f"{non_numeric.sum()} non-numeric cell(s); expected numbers in kW such as 0.35, "
            f"got {', '.join(repr(v) for v in bad[:3])}{' ...' if len(bad) > 3 else ''}",
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

    feb29 = None
    if "timestamp" in columns:
        stamp_text = frame[columns["timestamp"]].astype(str).str.strip()
        try:
            stamps = pd.to_datetime(stamp_text, errors="coerce", format="mixed")
        except (ValueError, TypeError):   # mixed UTC offsets
            stamps = pd.to_datetime(stamp_text, errors="coerce", format="mixed", utc=True)
        bad_stamp = stamps.isna().to_numpy()
        if bad_stamp.any():
            problems.append(problem(
                f"{bad_stamp.sum()} timestamp(s) could not be read as a date and time",
                "use ISO 8601, e.g. 2023-01-01 13:00, or drop the timestamp column",
                where=f"{_rows_text(row[bad_stamp])}, column timestamp",
                value=stamp_text.to_numpy()[bad_stamp][0]))
        elif n_rows > 1:
            step_h = stamps.diff().dt.total_seconds().to_numpy()[1:] / 3600.0
            off = np.flatnonzero(step_h != 1.0)
            if off.size:
                i = off[0]
                problems.append(problem(
                    f"timestamps must advance by exactly 1 hour; from row {row[i]} to row "
                    f"{row[i + 1]} they move by {step_h[i]:g} h ({off.size} such step(s) in "
                    f"the file)",
                    "give one row per hour, in order, without gaps or repeats",
                    where=f"row {row[i + 1]}, column timestamp", value=stamp_text.iloc[i + 1]))
            elif n_rows == HOURS_PER_LEAP_YEAR:
                feb29 = ((stamps.dt.month == 2) & (stamps.dt.day == 29)).to_numpy()
                if feb29.sum() != 24:
                    feb29 = None  # the timestamps mark no leap day: drop by position

    if problems:
        raise DataFileError(problems)

    if n_rows == 24:
        return np.tile(values, 365)
    if n_rows == HOURS_PER_LEAP_YEAR:
        if feb29 is None:
            feb29 = np.zeros(n_rows, dtype=bool)
            feb29[_FEB29_FIRST_HOUR:_FEB29_FIRST_HOUR + 24] = True
        return values[~feb29]
    return values


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
    """

    load_kw: np.ndarray
    group_of_home: np.ndarray
    group_names: list[str]
    home_ids: list[str]

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
    columns, group_of_home, home_ids = [], [], []
    for i, (group, child) in enumerate(zip(groups, children)):
        rng = np.random.default_rng(child)
        count = int(group.count)
        variability = float(getattr(group, "load_variability", 0.0) or 0.0)
        if getattr(group, "load_profile_file", None):
            path = Path(site.base_dir) / Path(group.load_profile_file).expanduser()
            profile_kw = read_load_profile(path, key=f"households[{i}].load_profile_file")
            load_kw = vary_profile(profile_kw, count, variability, rng)
        elif getattr(group, "appliances", None):
            load_kw = appliance_loads(group.appliances, count, rng)
        else:
            load_kw = archetype_loads(getattr(group, "load_shape", None) or "evening_peak",
                                      float(group.daily_load_kwh), count, variability, rng)
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
    )
