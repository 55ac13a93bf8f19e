"""A seeded stochastic hourly year of weather from 12 monthly means (``solar.monthly_ghi_kwh_m2_day``).

Daily clearness indices from the Markov transition matrices of Aguiar, Collares-Pereira
& Conde (1988), hourly ones from the TAG model of Aguiar & Collares-Pereira (1992),
rescaled so every month matches its given mean (as HOMER's synthetic solar data does),
and an air temperature with a daily cycle around the monthly means.

References
----------
.. [1] Aguiar, R. J., Collares-Pereira, M., Conde, J. P. (1988). Simple procedure for
   generating sequences of daily radiation values using a library of Markov transition
   matrices. Solar Energy 40(3), 269–279.
.. [2] Aguiar, R., Collares-Pereira, M. (1992). TAG: a time-dependent, autoregressive,
   Gaussian model for generating synthetic hourly radiation. Solar Energy 49(3), 167–174.
.. [3] HOMER Pro manual, "Synthetic solar data".
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional, Sequence

import numpy as np
import pandas as pd
import pvlib

from ..calendar import DAYS_PER_MONTH, HOURS_PER_YEAR, hourly_index, monthly_daily_mean, offset_or_solar_time_h
from ..errors import Problem, SiteError

#: Air temperature used when no monthly temperatures are given [degC].
DEFAULT_TEMP_AIR_C = 25.0
#: Monthly clearness index above which a monthly GHI is taken as an input error [-].
MAX_MONTHLY_CLEARNESS = 0.85
#: Near polar night, measured GHI is twilight diffuse light the extraterrestrial
#: geometry cannot carry; up to this much above the limit is accepted [kWh/m2/day].
TWILIGHT_ALLOWANCE_KWH_M2_DAY = 0.05

# ---------------------------------------------------------------------------------------
# Aguiar, Collares-Pereira & Conde (1988): library of Markov transition matrices (MTM)
# for daily clearness index Kt. One 10x10 matrix per class of monthly mean Kt
# (upper class bounds below); states are 10 equal intervals of Kt between the class's
# Kt_min and Kt_max; row = today's state, column = tomorrow's state.
# Transcribed from the matrix library published in [Aguiar et al. 1988] (data, not code).
# ---------------------------------------------------------------------------------------
_MTM_CLASS_UPPER = np.array([0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70])
_MTM_KT_MIN = np.array([0.031, 0.058, 0.051, 0.052, 0.028, 0.053, 0.044, 0.085, 0.010, 0.319])
_MTM_KT_MAX = np.array([0.705, 0.694, 0.753, 0.753, 0.807, 0.856, 0.818, 0.846, 0.842, 0.865])
_MTM = np.array([
    [  # Kt_m <= 0.30
        [0.229, 0.333, 0.208, 0.042, 0.083, 0.042, 0.042, 0.021, 0.000, 0.000],
        [0.167, 0.319, 0.194, 0.139, 0.097, 0.028, 0.042, 0.000, 0.014, 0.000],
        [0.250, 0.250, 0.091, 0.136, 0.091, 0.046, 0.046, 0.023, 0.068, 0.000],
        [0.158, 0.237, 0.158, 0.263, 0.026, 0.053, 0.079, 0.026, 0.000, 0.000],
        [0.211, 0.053, 0.211, 0.158, 0.053, 0.053, 0.158, 0.105, 0.000, 0.000],
        [0.125, 0.125, 0.250, 0.188, 0.063, 0.125, 0.000, 0.125, 0.000, 0.000],
        [0.040, 0.240, 0.080, 0.120, 0.080, 0.080, 0.120, 0.120, 0.080, 0.040],
        [0.000, 0.250, 0.000, 0.125, 0.000, 0.125, 0.125, 0.250, 0.063, 0.063],
        [0.000, 0.250, 0.000, 0.125, 0.250, 0.000, 0.250, 0.000, 0.000, 0.125],
        [0.000, 0.000, 0.000, 0.000, 0.000, 0.000, 0.500, 0.250, 0.000, 0.250],
    ],
    [  # 0.30 < Kt_m <= 0.35
        [0.000, 0.000, 0.091, 0.000, 0.364, 0.091, 0.182, 0.000, 0.273, 0.000],
        [0.118, 0.118, 0.176, 0.118, 0.059, 0.118, 0.176, 0.059, 0.059, 0.000],
        [0.067, 0.267, 0.067, 0.200, 0.067, 0.000, 0.133, 0.133, 0.000, 0.067],
        [0.118, 0.235, 0.000, 0.235, 0.059, 0.176, 0.118, 0.000, 0.059, 0.000],
        [0.077, 0.154, 0.308, 0.077, 0.154, 0.077, 0.000, 0.077, 0.077, 0.000],
        [0.083, 0.000, 0.167, 0.250, 0.083, 0.167, 0.000, 0.083, 0.167, 0.000],
        [0.222, 0.222, 0.000, 0.111, 0.111, 0.000, 0.111, 0.222, 0.000, 0.000],
        [0.091, 0.182, 0.273, 0.000, 0.091, 0.273, 0.000, 0.091, 0.000, 0.000],
        [0.111, 0.111, 0.111, 0.222, 0.000, 0.000, 0.000, 0.222, 0.111, 0.111],
        [0.000, 0.000, 0.000, 0.000, 0.000, 0.000, 0.500, 0.000, 0.000, 0.500],
    ],
    [  # 0.35 < Kt_m <= 0.40
        [0.206, 0.088, 0.176, 0.176, 0.088, 0.029, 0.176, 0.029, 0.029, 0.000],
        [0.120, 0.100, 0.140, 0.160, 0.120, 0.220, 0.100, 0.000, 0.020, 0.020],
        [0.077, 0.123, 0.185, 0.123, 0.077, 0.139, 0.092, 0.123, 0.061, 0.000],
        [0.048, 0.111, 0.095, 0.206, 0.206, 0.190, 0.095, 0.048, 0.000, 0.000],
        [0.059, 0.137, 0.118, 0.137, 0.098, 0.118, 0.118, 0.157, 0.059, 0.000],
        [0.014, 0.097, 0.139, 0.153, 0.125, 0.139, 0.208, 0.056, 0.042, 0.028],
        [0.073, 0.101, 0.116, 0.145, 0.087, 0.159, 0.203, 0.087, 0.029, 0.000],
        [0.019, 0.037, 0.111, 0.056, 0.074, 0.111, 0.185, 0.296, 0.074, 0.037],
        [0.035, 0.069, 0.035, 0.000, 0.035, 0.103, 0.172, 0.138, 0.379, 0.035],
        [0.000, 0.167, 0.167, 0.000, 0.167, 0.000, 0.000, 0.333, 0.000, 0.167],
    ],
    [  # 0.40 < Kt_m <= 0.45
        [0.167, 0.167, 0.167, 0.000, 0.083, 0.125, 0.000, 0.167, 0.125, 0.000],
        [0.117, 0.117, 0.150, 0.117, 0.083, 0.117, 0.200, 0.067, 0.017, 0.017],
        [0.049, 0.085, 0.134, 0.158, 0.098, 0.110, 0.134, 0.134, 0.061, 0.037],
        [0.039, 0.090, 0.141, 0.141, 0.167, 0.141, 0.090, 0.141, 0.039, 0.013],
        [0.009, 0.139, 0.074, 0.093, 0.194, 0.139, 0.167, 0.093, 0.074, 0.019],
        [0.036, 0.018, 0.117, 0.099, 0.144, 0.180, 0.180, 0.117, 0.072, 0.036],
        [0.000, 0.046, 0.061, 0.061, 0.136, 0.159, 0.273, 0.167, 0.098, 0.000],
        [0.016, 0.056, 0.080, 0.128, 0.104, 0.080, 0.160, 0.208, 0.136, 0.032],
        [0.011, 0.053, 0.021, 0.043, 0.128, 0.096, 0.074, 0.223, 0.277, 0.074],
        [0.000, 0.074, 0.037, 0.000, 0.074, 0.074, 0.074, 0.074, 0.333, 0.259],
    ],
    [  # 0.45 < Kt_m <= 0.50
        [0.120, 0.200, 0.160, 0.120, 0.120, 0.120, 0.080, 0.000, 0.040, 0.040],
        [0.100, 0.080, 0.120, 0.140, 0.140, 0.200, 0.180, 0.040, 0.000, 0.000],
        [0.046, 0.114, 0.068, 0.171, 0.125, 0.171, 0.080, 0.159, 0.057, 0.011],
        [0.015, 0.061, 0.084, 0.099, 0.191, 0.153, 0.153, 0.115, 0.115, 0.015],
        [0.024, 0.030, 0.098, 0.098, 0.165, 0.195, 0.195, 0.140, 0.043, 0.012],
        [0.015, 0.026, 0.062, 0.124, 0.144, 0.170, 0.170, 0.222, 0.062, 0.005],
        [0.000, 0.013, 0.045, 0.108, 0.112, 0.175, 0.188, 0.224, 0.117, 0.018],
        [0.008, 0.023, 0.054, 0.066, 0.093, 0.125, 0.191, 0.253, 0.183, 0.004],
        [0.006, 0.022, 0.061, 0.033, 0.067, 0.083, 0.139, 0.222, 0.322, 0.044],
        [0.000, 0.046, 0.091, 0.091, 0.046, 0.046, 0.136, 0.091, 0.273, 0.182],
    ],
    [  # 0.50 < Kt_m <= 0.55
        [0.250, 0.179, 0.107, 0.107, 0.143, 0.071, 0.107, 0.036, 0.000, 0.000],
        [0.133, 0.022, 0.089, 0.111, 0.156, 0.178, 0.111, 0.133, 0.067, 0.000],
        [0.064, 0.048, 0.143, 0.048, 0.175, 0.143, 0.206, 0.095, 0.079, 0.000],
        [0.000, 0.022, 0.078, 0.111, 0.156, 0.156, 0.244, 0.167, 0.044, 0.022],
        [0.016, 0.027, 0.037, 0.069, 0.160, 0.219, 0.230, 0.160, 0.075, 0.005],
        [0.013, 0.025, 0.030, 0.093, 0.144, 0.202, 0.215, 0.219, 0.055, 0.004],
        [0.006, 0.041, 0.035, 0.064, 0.090, 0.180, 0.337, 0.192, 0.049, 0.006],
        [0.012, 0.021, 0.029, 0.035, 0.132, 0.123, 0.184, 0.371, 0.082, 0.012],
        [0.008, 0.016, 0.016, 0.024, 0.071, 0.103, 0.159, 0.270, 0.309, 0.024],
        [0.000, 0.000, 0.000, 0.000, 0.059, 0.000, 0.059, 0.294, 0.412, 0.176],
    ],
    [  # 0.55 < Kt_m <= 0.60
        [0.217, 0.087, 0.000, 0.174, 0.130, 0.087, 0.087, 0.130, 0.087, 0.000],
        [0.026, 0.079, 0.132, 0.079, 0.026, 0.158, 0.158, 0.132, 0.158, 0.053],
        [0.020, 0.020, 0.020, 0.040, 0.160, 0.180, 0.160, 0.200, 0.100, 0.100],
        [0.025, 0.013, 0.038, 0.076, 0.076, 0.139, 0.139, 0.266, 0.215, 0.013],
        [0.030, 0.030, 0.050, 0.020, 0.091, 0.131, 0.162, 0.283, 0.131, 0.071],
        [0.006, 0.006, 0.013, 0.057, 0.057, 0.121, 0.204, 0.287, 0.185, 0.064],
        [0.004, 0.026, 0.037, 0.030, 0.093, 0.107, 0.193, 0.307, 0.167, 0.037],
        [0.011, 0.009, 0.014, 0.042, 0.041, 0.071, 0.152, 0.418, 0.203, 0.041],
        [0.012, 0.022, 0.022, 0.038, 0.019, 0.050, 0.113, 0.281, 0.360, 0.084],
        [0.008, 0.024, 0.039, 0.039, 0.063, 0.039, 0.118, 0.118, 0.284, 0.268],
    ],
    [  # 0.60 < Kt_m <= 0.65
        [0.067, 0.133, 0.133, 0.067, 0.067, 0.200, 0.133, 0.133, 0.067, 0.000],
        [0.118, 0.059, 0.059, 0.059, 0.059, 0.118, 0.118, 0.235, 0.118, 0.059],
        [0.000, 0.024, 0.024, 0.049, 0.146, 0.073, 0.195, 0.244, 0.195, 0.049],
        [0.026, 0.000, 0.026, 0.026, 0.053, 0.184, 0.263, 0.184, 0.237, 0.000],
        [0.014, 0.000, 0.042, 0.056, 0.069, 0.097, 0.139, 0.306, 0.278, 0.000],
        [0.009, 0.009, 0.052, 0.069, 0.052, 0.112, 0.215, 0.285, 0.138, 0.060],
        [0.009, 0.009, 0.026, 0.017, 0.094, 0.099, 0.232, 0.283, 0.210, 0.021],
        [0.010, 0.014, 0.016, 0.019, 0.027, 0.062, 0.163, 0.467, 0.202, 0.019],
        [0.004, 0.007, 0.031, 0.017, 0.033, 0.050, 0.086, 0.252, 0.469, 0.050],
        [0.000, 0.000, 0.015, 0.046, 0.031, 0.046, 0.077, 0.123, 0.446, 0.215],
    ],
    [  # 0.65 < Kt_m <= 0.70
        [0.000, 0.000, 0.000, 0.000, 0.000, 0.000, 0.000, 0.000, 1.000, 0.000],
        [0.000, 0.000, 0.000, 0.000, 0.000, 0.000, 0.000, 0.000, 1.000, 0.000],
        [0.000, 0.000, 0.000, 0.000, 0.000, 0.000, 0.250, 0.250, 0.500, 0.000],
        [0.000, 0.000, 0.000, 0.000, 0.250, 0.000, 0.000, 0.375, 0.250, 0.125],
        [0.000, 0.000, 0.000, 0.083, 0.000, 0.167, 0.167, 0.250, 0.333, 0.000],
        [0.000, 0.000, 0.042, 0.042, 0.042, 0.083, 0.083, 0.292, 0.292, 0.125],
        [0.000, 0.000, 0.032, 0.000, 0.000, 0.032, 0.129, 0.387, 0.355, 0.065],
        [0.000, 0.000, 0.000, 0.038, 0.038, 0.075, 0.047, 0.340, 0.415, 0.047],
        [0.004, 0.004, 0.007, 0.007, 0.011, 0.030, 0.052, 0.141, 0.654, 0.089],
        [0.000, 0.000, 0.000, 0.000, 0.061, 0.061, 0.030, 0.030, 0.349, 0.470],
    ],
    [  # Kt_m > 0.70
        [0.000, 0.000, 0.000, 0.000, 0.000, 0.000, 0.000, 0.000, 1.000, 0.000],
        [0.100, 0.100, 0.100, 0.100, 0.100, 0.100, 0.100, 0.100, 0.100, 0.100],
        [0.000, 0.000, 0.000, 0.250, 0.000, 0.000, 0.000, 0.500, 0.250, 0.000],
        [0.000, 0.000, 0.143, 0.143, 0.000, 0.143, 0.143, 0.429, 0.000, 0.000],
        [0.000, 0.000, 0.000, 0.200, 0.000, 0.000, 0.200, 0.400, 0.200, 0.000],
        [0.000, 0.000, 0.000, 0.000, 0.000, 0.000, 0.222, 0.444, 0.333, 0.000],
        [0.000, 0.000, 0.000, 0.000, 0.080, 0.080, 0.080, 0.480, 0.240, 0.040],
        [0.000, 0.000, 0.027, 0.009, 0.027, 0.018, 0.135, 0.523, 0.252, 0.009],
        [0.000, 0.000, 0.000, 0.022, 0.000, 0.043, 0.043, 0.326, 0.511, 0.054],
        [0.000, 0.000, 0.000, 0.143, 0.000, 0.000, 0.000, 0.143, 0.714, 0.000],
    ],
])
# the published rows are rounded to 3 decimals; renormalise so each row is a distribution
_MTM_CUM = np.cumsum(_MTM / _MTM.sum(axis=2, keepdims=True), axis=2)


# --------------------------------------------------------------------------- geometry
def hourly_extraterrestrial(latitude: float, longitude: float, timezone_offset_h: float,
                            substeps: int = 12) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hour-mean extraterrestrial horizontal irradiance and sun height of the canonical year.

    Each hour is sampled at ``substeps`` instants; hours the sun only partly spends above
    the horizon (sunrise/sunset) get their true partial mean.

    Parameters
    ----------
    latitude, longitude : float
        Site [deg], north and east positive.
    timezone_offset_h : float
        Local standard time offset from UTC [h].
    substeps : int, default 12
        Samples per hour.

    Returns
    -------
    g0_w_m2 : ndarray (8760,)
        Mean extraterrestrial irradiance on a horizontal plane over the hour [W/m2].
    sin_alpha : ndarray (8760,)
        Mean sine of the solar elevation over the sunlit part of the hour [-]; 0 at night.
    solar_hour_from_noon : ndarray (8760,)
        Apparent solar time at mid-hour minus 12 [h].

    Notes
    -----
    Declination and equation of time from Spencer (1971), extraterrestrial normal
    irradiance from Spencer's eccentricity series with a solar constant of 1366.1 W/m2,
    all via :mod:`pvlib.solarposition` and :func:`pvlib.irradiance.get_extra_radiation`.

    References
    ----------
    .. [1] Spencer, J. W. (1971). Fourier series representation of the position of the
       sun. Search 2(5), 172.
    """
    return _hourly_extraterrestrial_cached(float(latitude), float(longitude), float(timezone_offset_h), int(substeps))


@lru_cache(maxsize=32)
def _hourly_extraterrestrial_cached(latitude: float, longitude: float, timezone_offset_h: float,
                                    substeps: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # sample instants, as hours after 2023-01-01 00:00 UTC
    hours_utc = (np.arange(HOURS_PER_YEAR)[:, None] + (np.arange(substeps) + 0.5) / substeps
                 - timezone_offset_h).ravel()
    doy = np.floor(hours_utc / 24.0) % 365 + 1
    declination = pvlib.solarposition.declination_spencer71(doy)
    eot_min = pvlib.solarposition.equation_of_time_spencer71(doy)
    # the hour angle of pvlib.solarposition.hour_angle, vectorised (that one loops in Python)
    hour_angle_deg = 15.0 * (hours_utc % 24.0 - 12.0) + longitude + eot_min / 4.0
    hour_angle_deg = (hour_angle_deg + 180.0) % 360.0 - 180.0  # wrap to [-180, 180)
    zenith = pvlib.solarposition.solar_zenith_analytical(np.radians(latitude), np.radians(hour_angle_deg), declination)
    cos_z = np.clip(np.cos(zenith), 0.0, None).reshape(HOURS_PER_YEAR, substeps)
    e0 = np.asarray(pvlib.irradiance.get_extra_radiation(doy)).reshape(HOURS_PER_YEAR, substeps)
    g0 = np.mean(e0 * cos_z, axis=1)
    sunlit = np.count_nonzero(cos_z > 0, axis=1)
    sin_alpha = np.where(sunlit > 0, cos_z.sum(axis=1) / np.maximum(sunlit, 1), 0.0)
    mid_hour_utc = np.arange(HOURS_PER_YEAR) + 0.5 - timezone_offset_h
    mid_eot_min = pvlib.solarposition.equation_of_time_spencer71(np.floor(mid_hour_utc / 24.0) % 365 + 1)
    solar_hour_from_noon = ((mid_hour_utc % 24.0 - 12.0 + longitude / 15.0 + mid_eot_min / 60.0) + 12.0) % 24.0 - 12.0
    for arr in (g0, sin_alpha, solar_hour_from_noon):
        arr.setflags(write=False)  # shared by the cache
    return g0, sin_alpha, solar_hour_from_noon


# --------------------------------------------------------------------------- daily Kt
def daily_clearness_mtm(monthly_kt: Sequence[float], rng: np.random.Generator,
                        attempts: int = 20, tolerance: float = 0.01) -> np.ndarray:
    """Daily clearness indices of one year from the Aguiar et al. (1988) Markov chain.

    Parameters
    ----------
    monthly_kt : sequence of 12 float
        Monthly mean daily clearness index Kt_m = H / H0 [-].
    rng : numpy.random.Generator
        Source of randomness (seeded by the caller).
    attempts : int, default 20
        Each month is generated up to this many times; the sequence whose mean is
        closest to Kt_m is kept (the acceptance step of Aguiar et al.).
    tolerance : float, default 0.01
        Accept a month at once when ``|mean(Kt) - Kt_m| <= tolerance`` [-].

    Returns
    -------
    ndarray (365,)
        Daily clearness index Kt [-].

    Notes
    -----
    The matrix is chosen by the class of Kt_m (upper bounds 0.30, 0.35, ..., 0.70, and
    above). Its 10 states are equal intervals between the class's Kt_min and Kt_max;
    tomorrow's state is drawn from the row of today's state, and Kt is uniform within
    the drawn interval. The chain carries over month boundaries.

    References
    ----------
    .. [1] Aguiar, R. J., Collares-Pereira, M., Conde, J. P. (1988). Simple procedure for
       generating sequences of daily radiation values using a library of Markov
       transition matrices. Solar Energy 40(3), 269-279.
    """
    kt_out = np.empty(DAYS_PER_MONTH.sum())
    kt_prev = float(monthly_kt[0])
    start = 0
    for m, n_days in enumerate(DAYS_PER_MONTH):
        cls = int(np.searchsorted(_MTM_CLASS_UPPER, monthly_kt[m], side="left"))
        best, best_err = None, np.inf
        for _ in range(attempts):
            seq = _mtm_month(cls, kt_prev, n_days, rng)
            err = abs(seq.mean() - monthly_kt[m])
            if err < best_err:
                best, best_err = seq, err
            if err <= tolerance:
                break
        kt_out[start:start + n_days] = best
        kt_prev = best[-1]
        start += n_days
    return kt_out


def _mtm_month(cls: int, kt_prev: float, n_days: int, rng: np.random.Generator) -> np.ndarray:
    kt_min, kt_max = _MTM_KT_MIN[cls], _MTM_KT_MAX[cls]
    step = (kt_max - kt_min) / 10.0
    draws = rng.random((n_days, 2))
    seq = np.empty(n_days)
    state = int(np.clip((kt_prev - kt_min) // step, 0, 9))
    for d in range(n_days):
        state = min(int(np.searchsorted(_MTM_CUM[cls, state], draws[d, 0], side="right")), 9)
        seq[d] = kt_min + (state + draws[d, 1]) * step
    return seq


# --------------------------------------------------------------------------- hourly kt
def hourly_clearness_tag(daily_kt: np.ndarray, sin_alpha: np.ndarray, solar_hour_from_noon: np.ndarray,
                         rng: np.random.Generator, redraws: int = 10) -> np.ndarray:
    """Hourly clearness index from the TAG model of Aguiar & Collares-Pereira (1992).

    Parameters
    ----------
    daily_kt : ndarray (365,)
        Daily clearness index Kt [-].
    sin_alpha : ndarray (365, 24)
        Mean sine of solar elevation over the sunlit part of each hour [-]; 0 at night.
    solar_hour_from_noon : ndarray (365, 24)
        Solar time at mid-hour minus 12 [h].
    rng : numpy.random.Generator
        Source of randomness.
    redraws : int, default 10
        Out-of-bounds values are redrawn up to this many times, then clipped.

    Returns
    -------
    ndarray (365, 24)
        Hourly clearness index kt in ``[0, kt_cs]`` [-]; 0 when the sun is down.

    Notes
    -----
    ``kt = kt_m + sigma * y`` with the mean (time-dependent) part

    .. math:: k_{t,m} = \\lambda + \\varepsilon \\exp(-\\kappa / \\sin\\alpha),
       \\lambda = -0.19 + 1.12 K_t + 0.24 e^{-8 K_t},
       \\varepsilon = 0.32 - 1.6 (K_t - 0.5)^2,
       \\kappa = 0.19 + 2.27 K_t^2 - 2.51 K_t^3

    and a normalised first-order autoregressive residual
    ``y_h = phi_1 y_{h-1} + r``, ``r ~ N(0, 1 - phi_1^2)`` (so ``var(y) = 1``), with
    ``phi_1 = 0.38 + 0.06 cos(7.4 K_t - 2.5)`` and
    ``sigma = A exp(B (1 - sin alpha))``, ``A = 0.14 exp(-20 (K_t - 0.35)^2)``,
    ``B = 3 (K_t - 0.45)^2 + 16 K_t^5``. The chain restarts (y = 0) each sunrise.
    Values are bounded by 0 and the clear-sky limit
    ``kt_cs = 0.88 cos(pi (t_solar - 12) / 30)`` of the same paper.

    References
    ----------
    .. [1] Aguiar, R., Collares-Pereira, M. (1992). TAG: a time-dependent,
       autoregressive, Gaussian model for generating synthetic hourly radiation.
       Solar Energy 49(3), 167-174.
    """
    kt_d = np.asarray(daily_kt, dtype=float)[:, None]
    day = sin_alpha > 0
    s = np.where(day, sin_alpha, 1.0)
    lam = -0.19 + 1.12 * kt_d + 0.24 * np.exp(-8.0 * kt_d)
    eps = 0.32 - 1.6 * (kt_d - 0.5) ** 2
    kap = 0.19 + 2.27 * kt_d ** 2 - 2.51 * kt_d ** 3
    kt_mean = lam + eps * np.exp(-kap / s)
    a_sigma = 0.14 * np.exp(-20.0 * (kt_d - 0.35) ** 2)
    b_sigma = 3.0 * (kt_d - 0.45) ** 2 + 16.0 * kt_d ** 5
    sigma = a_sigma * np.exp(b_sigma * (1.0 - s))
    phi = (0.38 + 0.06 * np.cos(7.4 * kt_d - 2.5))[:, 0]
    kt_cs = clear_sky_kt_limit(solar_hour_from_noon)
    kt = np.zeros_like(sin_alpha, dtype=float)
    y_prev = np.zeros(len(kt_d))
    innovation_sd = np.sqrt(1.0 - phi ** 2)
    for h in range(sin_alpha.shape[1]):
        lit = day[:, h]
        y = phi * y_prev + innovation_sd * rng.standard_normal(len(kt_d))
        k = kt_mean[:, h] + sigma[:, h] * y
        for _ in range(redraws):
            out = lit & ((k < 0) | (k > kt_cs[:, h]))
            if not out.any():
                break
            y[out] = phi[out] * y_prev[out] + innovation_sd[out] * rng.standard_normal(out.sum())
            k[out] = kt_mean[out, h] + sigma[out, h] * y[out]
        kt[:, h] = np.where(lit, np.clip(k, 0.0, kt_cs[:, h]), 0.0)
        y_prev = np.where(lit, y, 0.0)
    return kt


def clear_sky_kt_limit(solar_hour_from_noon: np.ndarray) -> np.ndarray:
    """Upper bound of the hourly clearness index of Aguiar & Collares-Pereira (1992) [-].

    ``kt_cs = 0.88 cos(pi (t_solar - 12) / 30)`` with ``t_solar`` the solar time at
    mid-hour [h].
    """
    return 0.88 * np.cos(np.pi * np.clip(solar_hour_from_noon, -12, 12) / 30.0)


# --------------------------------------------------------------------------- scaling
def _scale_to_targets(ghi: np.ndarray, cap: np.ndarray, groups: np.ndarray, target: np.ndarray,
                      iterations: int = 30) -> np.ndarray:
    """Scale hourly values so each group's sum equals its target, respecting a cap.

    Alternates scaling and capping; a final uncapped scaling makes the sums exact even
    where the target cannot be reached under the cap (HOMER's monthly scaling).
    """
    ghi = ghi.copy()
    for i in range(iterations + 1):
        sums = np.bincount(groups, weights=ghi, minlength=len(target))
        factor = np.divide(target, sums, out=np.ones_like(target), where=sums > 0)
        ghi *= factor[groups]
        if i < iterations:
            ghi = np.minimum(ghi, cap)
    return ghi


# --------------------------------------------------------------------------- temperature
def daily_temperature_profile(monthly_temp_air_c: Sequence[float], daily_kt: np.ndarray,
                              latitude: float, solar_hour_from_noon: np.ndarray) -> np.ndarray:
    """Hourly air temperature around each month's mean, coolest at sunrise, warmest at 15 h.

    Parameters
    ----------
    monthly_temp_air_c : sequence of 12 float
        Monthly mean air temperature [degC].
    daily_kt : ndarray (365,)
        Daily clearness index [-]; clearer days swing wider.
    latitude : float
        Site latitude [deg].
    solar_hour_from_noon : ndarray (365, 24)
        Solar time at mid-hour minus 12 [h].

    Returns
    -------
    ndarray (8760,)
        Air temperature [degC]; each month's mean equals its input exactly.

    Notes
    -----
    Daily range ``DeltaT = 5 + 10 K_t`` [degC] (about 7 degC on an overcast day, 12 degC
    on a clear one — typical of inland tropical stations; coastal sites swing less).
    The profile is a half-cosine rising from sunrise (``t_sr = 12 - omega_s / 15`` solar
    hours, ``cos omega_s = -tan(phi) tan(delta)``) to 15 h solar time, and a half-cosine
    falling from 15 h to the next sunrise, in the spirit of the two-branch diurnal models
    reviewed by Reicosky et al. (1989). Each month is then shifted so its mean is the
    input.

    References
    ----------
    .. [1] Reicosky, D. C., Winkelman, L. J., Baker, J. M., Baker, D. G. (1989).
       Accuracy of hourly air temperatures calculated from daily minima and maxima.
       Agricultural and Forest Meteorology 46, 193-209.
    .. [2] Duffie, J. A., Beckman, W. A. (2013). Solar Engineering of Thermal Processes,
       4th ed., section 1.6 (sunrise hour angle).
    """
    n_days = len(daily_kt)
    doy = np.arange(1, n_days + 1)
    declination = pvlib.solarposition.declination_spencer71(doy)
    cos_ws = np.clip(-np.tan(np.radians(latitude)) * np.tan(declination), -1.0, 1.0)
    t_sunrise = 12.0 - np.degrees(np.arccos(cos_ws)) / 15.0  # solar time [h]
    t_max = np.maximum(15.0, t_sunrise + 1.0)
    t = solar_hour_from_noon + 12.0
    t = np.where(t < t_sunrise[:, None], t + 24.0, t)  # pre-dawn hours belong to the falling branch
    rising = t <= t_max[:, None]
    up = -np.cos(np.pi * (t - t_sunrise[:, None]) / (t_max - t_sunrise)[:, None])
    down = np.cos(np.pi * (t - t_max[:, None]) / (t_sunrise + 24.0 - t_max)[:, None])
    shape = np.where(rising, up, down)  # -1 at sunrise, +1 at t_max
    half_range = 0.5 * (5.0 + 10.0 * np.asarray(daily_kt))[:, None]
    anomaly = (half_range * shape).ravel()
    month = hourly_index().month.to_numpy() - 1
    monthly_anomaly = np.bincount(month, weights=anomaly, minlength=12) / np.bincount(month, minlength=12)
    return np.asarray(monthly_temp_air_c, dtype=float)[month] + anomaly - monthly_anomaly[month]


# --------------------------------------------------------------------------- synthesis
def synthesize_weather(latitude: float, longitude: float, altitude_m: float,
                       monthly_ghi_kwh_m2_day: Sequence[float],
                       monthly_temp_air_c: Optional[Sequence[float]] = None,
                       seed: int = 0, timezone_offset_h: Optional[float] = None) -> pd.DataFrame:
    """A seeded stochastic hourly year whose monthly means match the 12 given values.

    Parameters
    ----------
    latitude, longitude : float
        Site [deg], north and east positive.
    altitude_m : float
        Site altitude [m] (kept for the interface; the statistical models are
        altitude-free and the monthly rescaling carries the site's actual level).
    monthly_ghi_kwh_m2_day : sequence of 12 float
        Monthly mean daily global horizontal irradiation [kWh/m2/day].
    monthly_temp_air_c : sequence of 12 float, optional
        Monthly mean air temperature [degC]. If omitted, 25 degC every hour — a
        tropical lowland default; give real values for mountain or high-latitude sites,
        since PV output falls about 0.4 %/degC of cell temperature.
    seed : int, default 0
        Seed of the random generator: the same seed gives the identical year.
    timezone_offset_h : float, optional
        Local standard time offset from UTC [h]; default ``round(longitude / 15)``.

    Returns
    -------
    pandas.DataFrame
        8760 rows, index :func:`hourly_index` (hour-start labels, local standard time);
        columns ``ghi`` [W/m2], ``dni`` and ``dhi`` (NaN: decomposed later, like a
        GHI-only file) and ``temp_air`` [degC]. ``attrs["source"]`` and
        ``attrs["notes"]`` describe the synthesis.

    Raises
    ------
    SiteError
        A monthly GHI that no sky can give at this latitude (above 85 % of the
        extraterrestrial irradiation, or sun in polar night).

    Notes
    -----
    1. Monthly clearness ``Kt_m = H / H0`` with ``H0`` the monthly mean daily
       extraterrestrial horizontal irradiation (:func:`hourly_extraterrestrial`).
    2. Daily ``Kt`` from the Markov transition matrices of Aguiar et al. (1988)
       (:func:`daily_clearness_mtm`).
    3. Hourly ``kt`` from the TAG model of Aguiar & Collares-Pereira (1992)
       (:func:`hourly_clearness_tag`); ``GHI = kt * G0``, zero with the sun down.
    4. Each day is scaled to its ``Kt * H0``, then each month to the input — exactly,
       as HOMER does — keeping every hour under the clear-sky limit where possible.
    5. Air temperature: :func:`daily_temperature_profile`.

    References
    ----------
    .. [1] Aguiar, R. J., Collares-Pereira, M., Conde, J. P. (1988). Solar Energy 40(3),
       269-279.
    .. [2] Aguiar, R., Collares-Pereira, M. (1992). Solar Energy 49(3), 167-174.
    .. [3] HOMER Pro manual, "Synthetic solar data" (Graham algorithm, monthly scaling).
    """
    tz = offset_or_solar_time_h(longitude, timezone_offset_h)
    target = np.asarray(monthly_ghi_kwh_m2_day, dtype=float) * 1000.0  # Wh/m2/day
    g0, sin_alpha, solar_hour = hourly_extraterrestrial(latitude, longitude, tz)
    month = hourly_index().month.to_numpy() - 1
    day = np.arange(HOURS_PER_YEAR) // 24
    h0_month = monthly_daily_mean(g0)
    monthly_kt, twilight_notes = _check_monthly_kt(target, h0_month)
    rng = np.random.default_rng(seed)
    daily_kt = daily_clearness_mtm(np.clip(monthly_kt, 0.05, MAX_MONTHLY_CLEARNESS), rng)
    shape = (len(daily_kt), 24)
    kt = hourly_clearness_tag(daily_kt, sin_alpha.reshape(shape), solar_hour.reshape(shape), rng).ravel()
    cap = clear_sky_kt_limit(solar_hour) * g0
    h0_day = np.bincount(day, weights=g0)
    # kt floor 0.01: even the darkest overcast hour lets some light through, and a day
    # always has something to scale
    ghi = _scale_to_targets(np.maximum(kt, 0.01) * g0, cap, day, daily_kt * h0_day, iterations=5)
    ghi = _scale_to_targets(ghi, cap, month, target * DAYS_PER_MONTH)
    actual_kt = np.divide(np.bincount(day, weights=ghi), h0_day, out=np.zeros_like(h0_day), where=h0_day > 0)
    if monthly_temp_air_c is None:
        temp = np.full(HOURS_PER_YEAR, DEFAULT_TEMP_AIR_C)
    else:
        temp = daily_temperature_profile(monthly_temp_air_c, actual_kt, latitude, solar_hour.reshape(shape))
    frame = pd.DataFrame({"ghi": ghi, "dni": np.nan, "dhi": np.nan, "temp_air": temp}, index=hourly_index())
    frame.attrs["source"] = f"synthetic year (Aguiar MTM daily + TAG hourly), seed {seed}"
    frame.attrs["notes"] = [
        "hourly GHI synthesised from monthly means (Aguiar et al. 1988 Markov matrices, "
        "Aguiar & Collares-Pereira 1992 TAG model) and scaled to match each month exactly",
        "air temperature: monthly means with a daily cycle" if monthly_temp_air_c is not None
        else f"air temperature: {DEFAULT_TEMP_AIR_C:g} degC constant (no monthly temperatures given)",
    ] + twilight_notes
    return frame


def _check_monthly_kt(target_wh_m2_day: np.ndarray, h0_month: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Monthly clearness index [-] and notes; refuses values no sky can give.

    A month above :data:`MAX_MONTHLY_CLEARNESS` but within the twilight allowance (near
    polar night) is accepted: its energy goes to its few sunlit hours, or, with the sun
    below the horizon all month, it is set to zero — both noted.
    """
    limit_wh = MAX_MONTHLY_CLEARNESS * h0_month
    allowance_wh = TWILIGHT_ALLOWANCE_KWH_M2_DAY * 1000.0
    bad = np.flatnonzero(target_wh_m2_day > limit_wh + allowance_wh)
    if len(bad):
        listed = ", ".join(f"month {m + 1}: {target_wh_m2_day[m] / 1000:g} given, at most "
                           f"{limit_wh[m] / 1000:.2f} possible" for m in bad)
        raise SiteError([Problem("", "solar.monthly_ghi_kwh_m2_day",
                                 f"monthly GHI above {MAX_MONTHLY_CLEARNESS:.0%} of the extraterrestrial irradiation "
                                 f"at this latitude ({listed}) [kWh/m2/day]",
                                 "check the values are daily means in kWh/m2/day (not monthly sums or MJ) "
                                 "and that location.latitude is right")])
    notes = []
    for m in np.flatnonzero((target_wh_m2_day > limit_wh) & (target_wh_m2_day > 0)):
        if h0_month[m] > 0:
            notes.append(f"month {m + 1}: {target_wh_m2_day[m] / 1000:g} kWh/m2/day is twilight-level; "
                         "put on the few hours the sun is up")
        else:
            notes.append(f"month {m + 1}: {target_wh_m2_day[m] / 1000:g} kWh/m2/day given but the sun stays "
                         "below the horizon all month; set to 0")
    kt = np.divide(target_wh_m2_day, h0_month, out=np.zeros(12), where=h0_month > 0)
    return kt, notes

