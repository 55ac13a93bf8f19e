"""Appliance-based demand: a bottom-up stochastic model in the manner of RAMP.

References
----------
.. [1] Lombardi, F., Balderrama, S., Quoilin, S., Colombo, E. (2019). Generating
   high-resolution multi-energy load profiles for remote areas with an open-source
   stochastic model. Energy 177, 433–444. doi:10.1016/j.energy.2019.04.097
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from ..calendar import HOURS_PER_YEAR

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
    if int(n_homes) != n_homes or n_homes < 0:
        raise ValueError(f"n_homes must be a non-negative integer, got {n_homes!r}")
    if int(n_hours) != n_hours or n_hours < 1:
        raise ValueError(f"n_hours must be a positive integer, got {n_hours!r}")
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

