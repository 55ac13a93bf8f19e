"""Hourly electricity demand of every home of a village.

Three ways to describe a household group's demand (the site file's ``households[]``), all ending in one
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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import difflib

import numpy as np

from ..calendar import HOURS_PER_YEAR
from ..site.load_profile_file import read_load_profile
from .appliances import appliance_loads

__all__ = [
    "ARCHETYPES",
    "Loads",
    "archetype_loads",
    "build_loads",
    "vary_profile",
]

# What one connection of an off-grid village plausibly uses, mean over the year [kWh/day]:
# a single LED lamp for an hour is ~0.005, a mill or a clinic with a fridge ~30-50. Outside
# these the numbers are most likely in the wrong unit (W or Wh for kW or kWh, or the reverse).
PLAUSIBLE_DAILY_KWH = (0.005, 100.0)


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
        Validated site (``sizing.site.schema.Site``); uses ``site.households`` and
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
