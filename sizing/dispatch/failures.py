"""Equipment outages: the seeded mask of hours in which a home's PV and battery are out of service."""
from __future__ import annotations

import numpy as np

def failure_mask(n_hours: int, n_homes: int, rate_per_home_year: float,
                 mean_duration_days: float, rng) -> np.ndarray:
    """Hours in which each home's PV/battery system is out of service.

    Parameters
    ----------
    n_hours : int
        Simulated hours T.
    n_homes : int
        Homes N.
    rate_per_home_year : float
        Outage starts per home per year (8760 h) [1/year].
    mean_duration_days : float
        Mean outage length [days].
    rng : numpy.random.Generator or int or None
        Random generator, or a seed for one.

    Returns
    -------
    ndarray (T, N) of bool
        True while a home is failed.

    Notes
    -----
    Outage starts of each home form a homogeneous Poisson process in calendar time: the
    number of starts in T hours is Poisson with mean ``rate·T/8760``, each start uniform
    over the hours. Each outage lasts an exponential time of mean
    ``mean_duration_days·24`` h, rounded up to whole hours (at least one). Overlapping
    outages merge; an outage running past the end is cut there. Repairs restore the
    system as it was (the battery keeps the energy it had).
    """
    rng = np.random.default_rng(rng)
    mask = np.zeros((n_hours, n_homes), dtype=bool)
    if n_hours == 0 or n_homes == 0 or rate_per_home_year <= 0.0:
        return mask
    counts = rng.poisson(rate_per_home_year * n_hours / 8760.0, size=n_homes)
    total = int(counts.sum())
    if total == 0:
        return mask
    homes = np.repeat(np.arange(n_homes), counts)
    starts = rng.integers(0, n_hours, size=total)
    durations = np.maximum(1, np.ceil(rng.exponential(mean_duration_days * 24.0, size=total))).astype(np.int64)
    ends = np.minimum(starts + durations, n_hours)
    edges = np.zeros((n_hours + 1, n_homes), dtype=np.int64)
    np.add.at(edges, (starts, homes), 1)
    np.add.at(edges, (ends, homes), -1)
    mask[:] = np.cumsum(edges[:-1], axis=0) > 0
    return mask


def failures_for(site, n_hours: int, n_homes: int, seed: int) -> np.ndarray | None:
    """The seeded outage mask (T, N) of ``site.failures``, or None without failures."""
    f = site.failures
    if f is None or f.rate_per_home_year <= 0:
        return None
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xFA11]))
    return failure_mask(n_hours, n_homes, f.rate_per_home_year, f.mean_duration_days, rng)

