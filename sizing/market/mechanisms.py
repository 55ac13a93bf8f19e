"""P2P prices and settlement: who pays whom for every kWh shared in the village.

Off-grid there is no utility to buy from or sell to, so each published mechanism is
used with two substitutions:

* the **ceiling** ``c_t`` [currency/kWh] replaces the grid (retail) buying price: it is
  a buyer's alternative, the marginal cost of a diesel kWh in hour ``t`` (fuel + O&M at
  the genset's operating point), or the baseline's cost per kWh when there is no diesel;
* the **floor** ``f`` [currency/kWh] (``p2p.price_floor_per_kwh``) replaces the
  feed-in tariff: the least a seller accepts for a kWh it sends into the pool.

The quantities the mechanisms look at, per hour and summed over the village, are

* ``S_t`` — supply: energy the homes offer to the pool before trading (PV surplus,
  plus battery energy above the reserve when batteries are shared), counted as it would
  arrive at the buyers, i.e. times ``(1 − loss_fraction)`` [kWh];
* ``D_t`` — demand: the homes' deficits before trading [kWh].

Each mechanism yields one price for the P2P share of the energy, ``p_t``; the rest of a
buyer's deficit is served at the ceiling (diesel) and the rest of a seller's surplus is
worth the floor, which is exactly how the published "average" buy/sell prices are
built (see :class:`MechanismPrices`). Only the P2P share is settled here; diesel and
curtailment are costed by the economics.

How every P2P kWh is then paid for is :mod:`.settlement`.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "PRICING_MECHANISMS",
    "MechanismPrices",
    "battery_ask_per_kwh",
    "bill_sharing",
    "double_auction",
    "fixed_price",
    "mid_market_rate",
    "supply_demand_ratio",
]

#: The names accepted by ``p2p.pricing`` in the site file.
PRICING_MECHANISMS = (
    "mid_market_rate",
    "supply_demand_ratio",
    "bill_sharing",
    "double_auction",
    "fixed",
)

_RTOL = 1e-9
_ATOL = 1e-12


class MechanismPrices(NamedTuple):
    """Hourly prices of a published mechanism, each (T,) [currency/kWh].

    Attributes
    ----------
    p2p_per_kwh : ndarray (T,)
        Price of the energy traded between homes [currency/kWh].
    buy_per_kwh : ndarray (T,)
        Published average price a buyer pays for its whole deficit: the P2P share at
        ``p2p_per_kwh`` and the rest at the ceiling [currency/kWh].
    sell_per_kwh : ndarray (T,)
        Published average price a seller gets for its whole surplus: the sold share at
        ``p2p_per_kwh`` and the rest at the floor [currency/kWh].
    """

    p2p_per_kwh: np.ndarray
    buy_per_kwh: np.ndarray
    sell_per_kwh: np.ndarray



# ---------------------------------------------------------------------------------
# The mechanisms: village totals in, hourly prices out
# ---------------------------------------------------------------------------------

def _band(supply_kwh, demand_kwh, ceiling_per_kwh, floor_per_kwh):
    s = np.asarray(supply_kwh, dtype=float)
    d = np.asarray(demand_kwh, dtype=float)
    c = np.asarray(ceiling_per_kwh, dtype=float)
    f = np.asarray(floor_per_kwh, dtype=float)
    s, d, c, f = np.broadcast_arrays(s, d, c, f)
    return s, d, c, f


def _safe_ratio(num, den, when_zero):
    """``num/den`` where ``den`` is above round-off (1e-12), ``when_zero`` elsewhere.

    Energies [kWh] and prices [currency/kWh] below 1e-12 count as zero.
    """
    out = np.array(np.broadcast_to(when_zero, np.broadcast(num, den).shape), dtype=float)
    ok = den > _ATOL
    np.divide(num, den, out=out, where=ok)
    return out


def mid_market_rate(supply_kwh: ArrayLike, demand_kwh: ArrayLike,
                    ceiling_per_kwh: ArrayLike, floor_per_kwh: ArrayLike) -> MechanismPrices:
    """Mid-market rate (MMR): P2P energy at the middle of the floor–ceiling band.

    Parameters
    ----------
    supply_kwh : array_like (T,)
        Village supply offered to the pool, as delivered, ``S`` [kWh].
    demand_kwh : array_like (T,)
        Village deficit before trading, ``D`` [kWh].
    ceiling_per_kwh : array_like (T,) or float
        ``c``, replaces the grid buying price [currency/kWh].
    floor_per_kwh : array_like (T,) or float
        ``f``, replaces the feed-in tariff [currency/kWh].

    Returns
    -------
    MechanismPrices
        ``p2p``, average ``buy`` and ``sell`` prices, each (T,) [currency/kWh].

    Notes
    -----
    .. math::

        p = \\frac{c + f}{2}

    * ``S = D``: buy = sell = ``p``.
    * ``S > D`` (surplus): buyers pay ``p``; sellers get ``p`` for the sold share and
      the floor for the rest, sell = ``(D·p + (S − D)·f) / S``.
    * ``S < D`` (shortage): sellers get ``p``; buyers pay ``p`` for the P2P share and
      the ceiling for the rest, buy = ``(S·p + (D − S)·c) / D``.
    * ``S = 0``: buy = ``c``, sell = ``p`` (nothing sold); ``D = 0``: sell = ``f``,
      buy = ``p`` (nothing bought).

    References
    ----------
    .. [1] C. Long, J. Wu, C. Zhang, L. Thomas, M. Cheng, N. Jenkins, "Peer-to-peer
       energy trading in a community microgrid", IEEE PES General Meeting, 2017.
    .. [2] Y. Zhou, J. Wu, C. Long, "Evaluation of peer-to-peer energy sharing
       mechanisms based on a multiagent simulation framework", Applied Energy 222,
       993–1022, 2018 (section on the mid-market rate).
    """
    s, d, c, f = _band(supply_kwh, demand_kwh, ceiling_per_kwh, floor_per_kwh)
    p = 0.5 * (c + f)
    sold = np.minimum(s, d)
    buy = _safe_ratio(sold * p + np.maximum(d - s, 0.0) * c, d, p)
    sell = _safe_ratio(sold * p + np.maximum(s - d, 0.0) * f, s, p)
    return MechanismPrices(p, buy, sell)


def supply_demand_ratio(supply_kwh: ArrayLike, demand_kwh: ArrayLike,
                        ceiling_per_kwh: ArrayLike, floor_per_kwh: ArrayLike) -> MechanismPrices:
    """Supply–demand ratio (SDR) pricing: the scarcer the supply, the dearer P2P energy.

    Parameters
    ----------
    supply_kwh : array_like (T,)
        Village supply offered to the pool, as delivered, ``S`` [kWh].
    demand_kwh : array_like (T,)
        Village deficit before trading, ``D`` [kWh].
    ceiling_per_kwh : array_like (T,) or float
        ``c``, replaces the grid buying price ``λ_buy`` [currency/kWh].
    floor_per_kwh : array_like (T,) or float
        ``f``, replaces the grid selling price (feed-in) ``λ_sell`` [currency/kWh].

    Returns
    -------
    MechanismPrices
        ``p2p`` (= the published internal selling price), average ``buy`` and ``sell``
        prices, each (T,) [currency/kWh].

    Notes
    -----
    With ``SDR = S / D`` (``∞`` when ``D = 0``):

    .. math::

        p_{sell} = \\begin{cases}
            \\dfrac{f\\,c}{(c - f)\\,SDR + f} & 0 \\le SDR \\le 1 \\\\
            f & SDR > 1 \\end{cases}
        \\qquad
        p_{buy} = \\begin{cases}
            p_{sell}\\,SDR + c\\,(1 - SDR) & 0 \\le SDR \\le 1 \\\\
            f & SDR > 1 \\end{cases}

    ``p_sell`` falls from ``c`` (``SDR = 0``) to ``f`` (``SDR = 1``) and is the price
    of the P2P share on both sides: a buyer's average ``p_buy`` is that price for the
    ``SDR`` share it gets from peers and the ceiling for the rest. When supply exceeds
    demand every P2P kWh is priced at the floor. ``S = D = 0`` (no trade) is priced as
    ``SDR > 1``. With ``f = 0`` and ``SDR = 0`` the formula is 0/0; the limit value of
    the ``f > 0`` case, ``c``, is used.

    References
    ----------
    .. [1] N. Liu, X. Yu, C. Wang, C. Li, L. Ma, J. Lei, "Energy-sharing model with
       price-based demand response for microgrids of peer-to-peer prosumers", IEEE
       Transactions on Power Systems 32(5), 3569–3583, 2017.
    .. [2] N. Liu, X. Yu, C. Wang, J. Wang, "Energy sharing management for microgrids
       with PV prosumers: a Stackelberg game approach", IEEE Transactions on
       Industrial Informatics 13(3), 1088–1098, 2017.
    .. [3] Y. Zhou, J. Wu, C. Long, Applied Energy 222, 993–1022, 2018 (SDR section).
    """
    s, d, c, f = _band(supply_kwh, demand_kwh, ceiling_per_kwh, floor_per_kwh)
    sdr = _safe_ratio(s, d, np.inf)            # D = 0 (incl. S = D = 0): the SDR > 1 branch
    short = sdr <= 1.0
    r = np.where(short, sdr, 1.0)              # keeps inf out of the arithmetic
    den = (c - f) * r + f
    p_sell = np.where(short, _safe_ratio(f * c, den, c), f)
    p_buy = np.where(short, p_sell * r + c * (1.0 - r), f)
    return MechanismPrices(p_sell, p_buy, p_sell)


def bill_sharing(supply_kwh: ArrayLike, demand_kwh: ArrayLike,
                 ceiling_per_kwh: ArrayLike, floor_per_kwh: ArrayLike) -> MechanismPrices:
    """Bill sharing (BS): the village's external bill shared by consumption and generation.

    Parameters
    ----------
    supply_kwh : array_like (T,)
        Village supply offered to the pool, as delivered, ``S`` [kWh].
    demand_kwh : array_like (T,)
        Village deficit before trading, ``D`` [kWh].
    ceiling_per_kwh : array_like (T,) or float
        ``c``, replaces the grid buying price [currency/kWh].
    floor_per_kwh : array_like (T,) or float
        ``f``, replaces the feed-in tariff [currency/kWh].

    Returns
    -------
    MechanismPrices
        ``p2p`` (= 0: energy shared inside the community is not priced), average ``buy``
        and ``sell`` prices, each (T,) [currency/kWh].

    Notes
    -----
    The community pays ``c·(D − S)⁺`` for what it lacks and is paid ``f·(S − D)⁺`` for
    what it has left; the cost is shared among buyers pro rata to their deficits and
    the income among sellers pro rata to their surpluses:

    .. math::

        p_{buy} = \\frac{c\\,(D - S)^+}{D}, \\qquad p_{sell} = \\frac{f\\,(S - D)^+}{S}

    (``0`` when ``D = 0`` resp. ``S = 0``). A buyer's bill ``p_buy·d_i`` equals the
    ceiling on its non-P2P share, so the P2P share itself is free: ``p2p = 0``. In
    :func:`settle` that price is lifted to the floor — with a floor, bill sharing
    settles every P2P kWh at the floor.

    References
    ----------
    .. [1] Y. Zhou, J. Wu, C. Long, "Evaluation of peer-to-peer energy sharing
       mechanisms based on a multiagent simulation framework", Applied Energy 222,
       993–1022, 2018 (bill sharing).
    .. [2] C. Long, J. Wu, Y. Zhou, N. Jenkins, "Peer-to-peer energy sharing through a
       two-stage aggregated battery control in a community microgrid", Applied Energy
       226, 261–276, 2018.
    """
    s, d, c, f = _band(supply_kwh, demand_kwh, ceiling_per_kwh, floor_per_kwh)
    buy = _safe_ratio(c * np.maximum(d - s, 0.0), d, 0.0)
    sell = _safe_ratio(f * np.maximum(s - d, 0.0), s, 0.0)
    return MechanismPrices(np.zeros_like(buy), buy, sell)


def double_auction(ask_per_kwh: ArrayLike, offer_kwh: ArrayLike, demand_kwh: ArrayLike,
                   ceiling_per_kwh: ArrayLike, floor_per_kwh: ArrayLike) -> np.ndarray:
    """Uniform-price double auction, cleared hour by hour.

    Parameters
    ----------
    ask_per_kwh : array_like (T, K)
        Sellers' asks, one per offer block (a home, or an aggregated block of equal
        asks) [currency/kWh]; clipped to ``[f, c]``.
    offer_kwh : array_like (T, K)
        Energy offered by each block, as delivered [kWh].
    demand_kwh : array_like (T,)
        Village deficit before trading; every buyer bids the ceiling [kWh].
    ceiling_per_kwh : array_like (T,) or float
        ``c``: the bid of every buyer (its alternative is diesel) [currency/kWh].
    floor_per_kwh : array_like (T,) or float
        ``f`` [currency/kWh].

    Returns
    -------
    ndarray (T,)
        Clearing price [currency/kWh], in ``[f, c]``.

    Notes
    -----
    Asks are sorted ascending into a supply curve; the demand curve is ``D`` kWh at the
    bid ``c``. The price is where the two curves meet:

    * ``D`` falls inside an offer block ``k``: ``p = a_k`` (sellers compete the price
      down to the marginal ask; e.g. all PV asks ``f`` and ``S > D`` give ``f``);
    * the supply runs out before ``D``: ``p = c`` (buyers compete it up to their bid);
    * ``D`` exactly exhausts block ``k``: the curves overlap on a vertical segment and
      the price is its midpoint, ``(a_k + min(a_{k+1}, c)) / 2`` — the "k = ½" rule. With
      all asks ``f`` and ``S = D`` this is ``(f + c)/2``, the mid-market rate.
    * ``D = 0``: no trade; ``p = f`` is reported.

    Blocks with no energy do not set the price. Equality is tested with a relative
    tolerance of 1e-9.

    References
    ----------
    .. [1] D. Friedman, "The double auction market institution: a survey", in The
       Double Auction Market: Institutions, Theories, and Evidence, Addison-Wesley, 1993.
    .. [2] M. A. Satterthwaite, S. R. Williams, "The rate of convergence to efficiency
       in the buyer's bid double auction as the market becomes large", Review of
       Economic Studies 56(4), 477–498, 1989 (k-double auction).
    .. [3] J. Liu, M. Tian, X. Mao, "Overview and prospect of distributed energy P2P
       trading", Energy Engineering 122(1), 379–404, 2025, §3.2 (clearing at the
       intersection of the aggregated curves).
    """
    a = np.atleast_2d(np.asarray(ask_per_kwh, dtype=float))
    q = np.atleast_2d(np.asarray(offer_kwh, dtype=float))
    a, q = np.broadcast_arrays(a, q)
    n_hours = a.shape[0]
    d = np.broadcast_to(np.asarray(demand_kwh, dtype=float), (n_hours,))
    c = np.broadcast_to(np.asarray(ceiling_per_kwh, dtype=float), (n_hours,))
    f = np.broadcast_to(np.asarray(floor_per_kwh, dtype=float), (n_hours,))

    q = np.maximum(q, 0.0)
    a = np.clip(a, f[:, None], c[:, None])
    a = np.where(q > 0, a, c[:, None])                 # empty blocks never set the price
    order = np.argsort(a, axis=1, kind="stable")
    a = np.take_along_axis(a, order, axis=1)
    cum = np.cumsum(np.take_along_axis(q, order, axis=1), axis=1)

    tol = _ATOL + _RTOL * d
    n_blocks = a.shape[1]
    k = np.sum(cum < (d - tol)[:, None], axis=1)        # blocks fully taken before D
    short = k >= n_blocks                               # supply runs out first
    kk = np.minimum(k, n_blocks - 1)
    rows = np.arange(n_hours)
    a_k = a[rows, kk]
    a_next = np.where(kk + 1 < n_blocks, a[rows, np.minimum(kk + 1, n_blocks - 1)], c)
    exact = np.abs(cum[rows, kk] - d) <= tol
    price = np.where(exact, 0.5 * (a_k + np.minimum(a_next, c)), a_k)
    price = np.where(short, c, price)
    return np.where(d <= _ATOL, f, price)


def fixed_price(fixed_price_per_kwh: float, ceiling_per_kwh: ArrayLike,
                floor_per_kwh: ArrayLike) -> np.ndarray:
    """A fixed P2P price, clipped into the hour's band.

    Returns
    -------
    ndarray (T,)
        ``clip(fixed_price_per_kwh, f, c_t)`` [currency/kWh].
    """
    c = np.asarray(ceiling_per_kwh, dtype=float)
    f = np.asarray(floor_per_kwh, dtype=float)
    c, f = np.broadcast_arrays(c, f)
    return np.clip(np.full(c.shape, float(fixed_price_per_kwh)), f, c)


def battery_ask_per_kwh(floor_per_kwh: float, round_trip_efficiency: float = 1.0,
                        capex_per_kwh: float = 0.0, cycle_life: float = np.inf,
                        depth_of_discharge: float = 1.0) -> float:
    """The ask of battery energy offered to the pool in a double auction.

    Parameters
    ----------
    floor_per_kwh : float
        Value of the PV kWh that charged the battery (its alternative) [currency/kWh].
    round_trip_efficiency : float
        Battery round-trip efficiency [-].
    capex_per_kwh : float
        Battery price per kWh of nominal capacity [currency/kWh].
    cycle_life : float
        Full cycles at ``depth_of_discharge`` before end of life [-].
    depth_of_discharge : float
        Usable share of the capacity [-].

    Returns
    -------
    float
        ``f / η_rt + capex / (cycle_life · DoD)`` [currency/kWh].

    Notes
    -----
    A discharged kWh costs the seller the PV energy that went in (``1/η_rt`` kWh worth
    the floor each) plus its wear: a kWh of capacity delivers ``cycle_life · DoD`` kWh
    over its life. E.g. ``f = 0.02``, ``η = 0.92``, 280/kWh, 4000 cycles at 0.8:
    0.0217 + 0.0875 = 0.1092 per kWh. The auction clips asks to ``[f, c]``.
    """
    wear = capex_per_kwh / (cycle_life * depth_of_discharge) if capex_per_kwh else 0.0
    return float(floor_per_kwh / round_trip_efficiency + wear)


