"""The project against what homes do today: payback, NPV and IRR.

The *net cash flow* of a home is what it saves each year by switching from its baseline
(:mod:`.baseline`: baseline cost − project cost) plus its net P2P income; year 0 is
minus its capital. Payback is reached when the cumulative net cash flow turns
non-negative (HOMER's definition), interpolated linearly within the year; a payback not
reached within the project is NaN here and ``None`` in ``summary.json`` — never a
made-up number.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy_financial as npf

from .finance import discount_factors


def payback_years(net_cash_flow) -> np.ndarray:
    """Years until the cumulative net cash flow turns non-negative.

    Parameters
    ----------
    net_cash_flow : ndarray (Y+1,) or (N, Y+1)
        Net cash flow (savings − costs) per year 0..Y [currency]; discount it first for
        a discounted payback.

    Returns
    -------
    float or ndarray (N,)
        Payback [years], fractional; 0 when year 0 is already non-negative; NaN when
        the cumulative flow stays negative over the project (not within project life).

    Notes
    -----
    With cumulative flow :math:`S_y`, the first year ``y`` with :math:`S_y \\ge 0` and
    :math:`S_{y-1} < 0`:

    .. math:: t = (y - 1) + \\frac{-S_{y-1}}{S_y - S_{y-1}}

    (cash earned evenly through the year). A cumulative flow that dips below zero again
    later (a replacement) does not undo the payback: the first crossing counts (HOMER).

    References
    ----------
    HOMER Pro 3.x manual, "Simple Payback", "Discounted Payback".
    """
    cf = np.asarray(net_cash_flow, dtype=float)
    flat = np.atleast_2d(cf)
    cum = np.cumsum(flat, axis=1)
    reached = cum >= 0
    any_reached = reached.any(axis=1)
    first = np.argmax(reached, axis=1)
    rows = np.arange(flat.shape[0])
    prev = cum[rows, np.maximum(first - 1, 0)]
    step = flat[rows, first]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(first == 0, 0.0, (first - 1) + (-prev) / np.where(step > 0, step, 1.0))
    t = np.where(any_reached, t, np.nan)
    return t[0] if cf.ndim == 1 else t


def irr(net_cash_flow) -> np.ndarray:
    """Internal rate of return of each row with :func:`numpy_financial.irr` [fraction/year].

    NaN where undefined (no sign change, or no real root); see numpy-financial's ``irr``.
    """
    cf = np.asarray(net_cash_flow, dtype=float)
    flat = np.atleast_2d(cf)
    out = np.full(flat.shape[0], np.nan)
    for k, row in enumerate(flat):
        if (row > 0).any() and (row < 0).any():
            out[k] = npf.irr(row)
    return out[0] if cf.ndim == 1 else out


@dataclass(frozen=True)
class Payback:
    """The project against the baseline, per home (N,) and for the village (scalars).

    Attributes
    ----------
    net_cash_flow : ndarray (N, Y+1) — savings + P2P income − project costs [currency]
    simple_payback_years, discounted_payback_years : ndarray (N,) — [years], NaN if not within project life
    npv : ndarray (N,) — net present value at the discount rate [currency]
    irr : ndarray (N,) — [fraction/year], NaN when undefined
    village_* : the same for the village's summed net cash flow
    """

    net_cash_flow: np.ndarray
    simple_payback_years: np.ndarray
    discounted_payback_years: np.ndarray
    npv: np.ndarray
    village_net_cash_flow: np.ndarray
    village_simple_payback_years: float
    village_discounted_payback_years: float
    village_npv: float
    village_irr: float

    @functools.cached_property
    def irr(self) -> np.ndarray:
        """Per-home IRR (N,) [fraction/year], NaN when undefined; computed when first asked
        (a polynomial root per home: the sensitivity runs never need it)."""
        return irr(self.net_cash_flow)


def compare(project_cost, baseline_cost, p2p_income, discount_rate: float) -> Payback:
    """Payback, NPV and IRR of the project against the baseline.

    Parameters
    ----------
    project_cost : ndarray (N, Y+1) — project cost per home and year [currency]
    baseline_cost : ndarray (N, Y+1) — baseline cost per home and year [currency]
    p2p_income : ndarray (N,) — net P2P income per year (> 0 received, sellers) [currency/year]
    discount_rate : float — real [fraction/year]

    Returns
    -------
    Payback

    Notes
    -----
    .. math:: CF_{n,y} = B_{n,y} - C_{n,y} + I^{p2p}_n [y \\ge 1], \\qquad
              NPV_n = \\sum_y \\frac{CF_{n,y}}{(1+i)^y}

    The village's flow is the sum over homes (P2P payments between homes cancel there).
    IRR is the rate that makes the NPV zero (numpy-financial); discounted payback uses
    :math:`CF_{n,y}/(1+i)^y`.
    """
    project_cost = np.asarray(project_cost, dtype=float)
    net = np.asarray(baseline_cost, dtype=float) - project_cost
    net[:, 1:] += np.asarray(p2p_income, dtype=float)[:, None]
    df = discount_factors(discount_rate, net.shape[1] - 1)
    village = net.sum(axis=0)
    return Payback(
        net_cash_flow=net,
        simple_payback_years=payback_years(net),
        discounted_payback_years=payback_years(net * df),
        npv=net @ df,
        village_net_cash_flow=village,
        village_simple_payback_years=float(payback_years(village)),
        village_discounted_payback_years=float(payback_years(village * df)),
        village_npv=float(village @ df),
        village_irr=float(irr(village)),
    )
