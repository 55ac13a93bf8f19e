"""Time value of money: capital recovery factor, discounting, replacements and salvage.

Pure numpy, vectorised over homes. The conventions are HOMER Pro's (real discount
rate, end-of-year cash flows, year 0 = the capital outlay) and are written out with
their equations in ``docs/economics.md``.

Timing convention
-----------------
A cash-flow array has ``project_years + 1`` entries: index 0 is the capital spent at the
start, index ``y`` (1..Y) everything that happens during year ``y``, discounted as if paid
at its end, ``1/(1 + i)^y``.
"""
from __future__ import annotations

import numpy as np

# A component lasting this many years or more is never replaced within any project
# (the schema caps project_years at 50); used for "never wears out" (zero use).
_EPS = 1e-9


def crf(discount_rate, years):
    """Capital recovery factor: the annuity that repays 1 over ``years`` at ``discount_rate``.

    Parameters
    ----------
    discount_rate : float or ndarray
        Real discount rate [fraction/year], ``>= 0``.
    years : float or ndarray
        Number of years ``N`` [years], ``> 0``.

    Returns
    -------
    float or ndarray
        CRF [1/year].

    Notes
    -----
    .. math:: \\mathrm{CRF}(i, N) = \\frac{i (1 + i)^N}{(1 + i)^N - 1}

    Edge cases (as PyPSA's ``annuity``): ``i = 0`` gives ``1/N`` (the limit, straight-line
    repayment); ``N = 1`` gives ``1 + i``; a large ``i`` tends to ``i`` (only the
    interest is paid for ever). ``N <= 0`` or ``i < 0`` raise ``ValueError``.

    References
    ----------
    HOMER Pro 3.x manual, "Capital Recovery Factor".
    PyPSA, ``pypsa.costs``/``technology-data`` ``annuity(n, r)``.
    """
    i = np.asarray(discount_rate, dtype=float)
    n = np.asarray(years, dtype=float)
    if np.any(n <= 0):
        raise ValueError(f"crf: years must be > 0, got {years!r}")
    if np.any(i < 0):
        raise ValueError(f"crf: discount_rate must be >= 0 (a fraction), got {discount_rate!r}")
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        growth = np.power(1.0 + i, n)
        out = np.where(i > 0, i * growth / (growth - 1.0), 1.0 / n)
        # (1+i)^N overflows to inf for huge i·N: the limit is i
        out = np.where(np.isfinite(growth), out, i)
    return out[()] if out.ndim == 0 else out


def discount_factors(discount_rate: float, project_years: int) -> np.ndarray:
    """Discount factor of every year, ``1/(1 + i)^y`` for ``y = 0..Y``, shape (Y+1,) [-]."""
    y = np.arange(int(project_years) + 1, dtype=float)
    return 1.0 / np.power(1.0 + float(discount_rate), y)


def present_worth_factor(discount_rate, years):
    """Uniform-series present worth factor: present value of 1 paid at the end of each of ``years`` years.

    Parameters
    ----------
    discount_rate : float or ndarray
        Real discount rate [fraction/year], ``>= 0``.
    years : float or ndarray
        Number of yearly payments [years], ``> 0``.

    Returns
    -------
    float or ndarray
        PWF [years] = ``1 / CRF(i, N)``.

    Notes
    -----
    .. math:: \\mathrm{PWF}(i, N) = \\frac{(1 + i)^N - 1}{i (1 + i)^N} = \\frac{1}{\\mathrm{CRF}(i, N)},
       \\qquad \\mathrm{PWF}(0, N) = N

    References
    ----------
    HOMER Pro 3.x manual, "Present Value" / "Capital Recovery Factor".
    """
    return 1.0 / crf(discount_rate, years)


def npv(discount_rate: float, cash_flows) -> np.ndarray | float:
    """Net present value of yearly cash flows, year 0 undiscounted.

    Parameters
    ----------
    discount_rate : float
        Real discount rate [fraction/year].
    cash_flows : array-like (..., Y+1)
        Cash flow of years 0..Y along the last axis [currency]; leading axes (e.g. homes)
        are kept.

    Returns
    -------
    float or ndarray (...)
        ``Σ_y cf_y / (1 + i)^y`` [currency].

    Notes
    -----
    Same convention as :func:`numpy_financial.npv` (first value at t = 0), vectorised over
    the leading axes.
    """
    cf = np.asarray(cash_flows, dtype=float)
    out = cf @ discount_factors(discount_rate, cf.shape[-1] - 1)
    return out[()] if np.ndim(out) == 0 else out


def _lives(lifetime_years) -> np.ndarray:
    life = np.asarray(lifetime_years, dtype=float)
    if np.any(~(life > 0)):
        raise ValueError(f"lifetime must be > 0 years (np.inf for never), got {lifetime_years!r}")
    return life


def units_bought(lifetime_years, project_years: float) -> np.ndarray:
    """Units installed over the project: the first plus every replacement, ``ceil(P / L)`` [-].

    ``L = inf`` (a component that never wears out) gives 1.
    """
    life = _lives(lifetime_years)
    with np.errstate(divide="ignore"):
        n = np.ceil(float(project_years) / life - _EPS)
    return np.maximum(n, 1.0)


def replacement_schedule(lifetime_years, project_years: int) -> np.ndarray:
    """How many replacements fall in each project year.

    Parameters
    ----------
    lifetime_years : float or ndarray (N,)
        Component life ``L`` [years], ``> 0``, may be fractional; ``np.inf`` never wears out.
    project_years : int
        Project life ``P`` [years].

    Returns
    -------
    ndarray (P+1,) or (N, P+1)
        Replacements per year (index 0 is always 0; the initial purchase is capital).

    Notes
    -----
    A unit installed at time ``t`` dies at ``t + L`` and is replaced then, for every
    ``k·L < P`` (k = 1, 2, ...). A replacement at a fractional time ``k·L`` is booked in
    the year during which the life runs out, year ``ceil(k·L)`` (end-of-year
    convention: HOMER replaces a component in the year its life runs out). Nothing is
    replaced at ``k·L = P`` exactly: the project ends then (HOMER books a replacement and
    an equal full salvage in that year instead, the same net present cost). The count up
    to year ``y`` is

    .. math:: C(y) = \\min(\\lfloor y / L \\rfloor, \\lceil P / L \\rceil - 1)

    and the schedule is its first difference. Several replacements may fall in the
    same year when ``L < 1``.

    References
    ----------
    HOMER Pro 3.x manual, "Replacement Cost", "Salvage Value".
    """
    life = _lives(lifetime_years)
    y = np.arange(int(project_years) + 1, dtype=float)
    with np.errstate(divide="ignore"):
        upto = np.floor(y / life[..., None] + _EPS)
    cumulative = np.minimum(upto, (units_bought(life, project_years) - 1.0)[..., None])
    return np.diff(cumulative, axis=-1, prepend=0.0)


def remaining_life_fraction(lifetime_years, project_years: float) -> np.ndarray:
    """Share of the last unit's life left at the end of the project, ``R_rem / R_comp`` [-].

    Parameters
    ----------
    lifetime_years : float or ndarray (N,)
        Component life ``R_comp`` [years], ``> 0``; ``np.inf`` gives 1.
    project_years : float
        Project life ``R_proj`` [years].

    Returns
    -------
    float or ndarray (N,)
        In ``[0, 1)`` for a finite life (1 for ``np.inf``).

    Notes
    -----
    HOMER's linear salvage: the salvage value at the end of the project is

    .. math:: S = C_{rep} \\frac{R_{rem}}{R_{comp}}, \\quad
              R_{rem} = R_{comp} - (R_{proj} - R_{rep}), \\quad
              R_{rep} = R_{comp} \\, \\mathrm{INT}(R_{proj} / R_{comp})

    with ``R_rep`` the *replacement cost duration* (HOMER's legacy rule, without the
    later "replacement at the end" refinements). This function uses the equivalent
    ``R_rem = ⌈P/L⌉·L − P``, which equals HOMER's value whenever ``P/L`` is not an
    integer; when it is, HOMER's ``R_rem = L`` (full salvage of a unit bought in the
    last year) is paired here with no such purchase and ``R_rem = 0`` — the same net
    present cost, see :func:`replacement_schedule`.

    References
    ----------
    HOMER Pro 3.x manual, "Salvage Value".
    """
    life = _lives(lifetime_years)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = units_bought(life, project_years) - float(project_years) / life
    frac = np.where(np.isinf(life), 1.0, np.clip(frac, 0.0, 1.0))
    return frac[()] if frac.ndim == 0 else frac

