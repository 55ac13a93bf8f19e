"""P2P prices and settlement: who pays whom for every kWh shared in the village.

Off-grid there is no utility to buy from or sell to, so each published mechanism is
used with two substitutions (SPEC §3.4):

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

Settlement rule (who bears the link losses): buyers pay ``b_t`` for every kWh they
*receive*; the hour's money is shared among the sellers pro rata to the kWh they
*sent*, so a seller earns ``s_t = b_t · ΣI_t/ΣE_t = b_t · (1 − loss)`` per kWh sent —
sellers bear the loss. ``b_t = clip(p_t, f/(1 − loss_t), c_t)``: the buyer price is the
mechanism's price, raised just enough that the sellers still get the floor. Both
``b_t`` and ``s_t`` then lie in ``[f, c_t]`` whenever ``f ≤ c_t·(1 − loss_t)``; if the
ceiling is so close to the floor that no price satisfies both, the buyer's ceiling
wins. Payments sum to zero every hour by construction.

Sign convention: a payment > 0 is money a home receives; ``p2p_net > 0`` is a
seller's income.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from .errors import P2PSizeError, Problem

__all__ = [
    "PRICING_MECHANISMS",
    "MechanismPrices",
    "Settlement",
    "mid_market_rate",
    "supply_demand_ratio",
    "bill_sharing",
    "double_auction",
    "fixed_price",
    "battery_ask_per_kwh",
    "settle",
]

#: The names accepted by ``p2p.pricing`` in the site file.
PRICING_MECHANISMS = (
    "mid_market_rate",
    "supply_demand_ratio",
    "bill_sharing",
    "double_auction",
    "fixed",
)

# Relative tolerance for "supply equals demand" and for energy-balance checks.
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


@dataclass(frozen=True)
class Settlement:
    """The P2P money of a simulated year.

    Attributes
    ----------
    mechanism : str
        One of :data:`PRICING_MECHANISMS`.
    clearing_price_per_kwh : ndarray (T,)
        The mechanism's price ``p_t`` for P2P energy, clipped to ``[f, c_t]``, before
        the loss rule (bill sharing: the floor) [currency/kWh].
    price_per_kwh : ndarray (T,)
        ``b_t``, what buyers pay per kWh received [currency/kWh].
    sell_price_per_kwh : ndarray (T,)
        ``s_t``, what sellers get per kWh sent, ``b_t · ΣI_t/ΣE_t`` (``= b_t`` in hours
        without trade) [currency/kWh].
    p2p_income : ndarray (N,)
        Annual money received for energy sent to the pool [currency/year].
    p2p_cost : ndarray (N,)
        Annual money paid for energy received from the pool [currency/year].
    p2p_net : ndarray (N,)
        ``p2p_income − p2p_cost``; > 0 for a net seller [currency/year].
    sold_kwh, bought_kwh : ndarray (N,)
        Annual energy sent to / received from the pool [kWh/year].
    flows : ndarray (G, G)
        Who pays whom over the year: ``flows[a, b]`` is the money group ``a`` paid to
        group ``b`` (each buyer's payment split among the hour's sellers pro rata to
        their exports). Row sums are the groups' ``p2p_cost``, column sums their
        ``p2p_income`` [currency/year].
    flow_labels : ndarray (G,)
        The group of each row/column of ``flows`` (home indices when no groups given).
    payments : ndarray (T, N) or None
        Hourly money received (> 0) or paid (< 0) by each home; every row sums to zero
        [currency]. ``None`` unless asked for (it is large: T × N).
    """

    mechanism: str
    clearing_price_per_kwh: np.ndarray
    price_per_kwh: np.ndarray
    sell_price_per_kwh: np.ndarray
    p2p_income: np.ndarray
    p2p_cost: np.ndarray
    p2p_net: np.ndarray
    sold_kwh: np.ndarray
    bought_kwh: np.ndarray
    flows: np.ndarray
    flow_labels: np.ndarray
    payments: np.ndarray | None = None

    @property
    def total_paid(self) -> float:
        """Money that changed hands over the year [currency/year]."""
        return float(self.p2p_cost.sum())


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


# ---------------------------------------------------------------------------------
# Settlement
# ---------------------------------------------------------------------------------

def _as_hours_by_homes(name, value, shape):
    """A validated (T, N) energy array and its hourly village total (T,).

    Checks use reductions only (no (T, N) temporaries): ``min`` finds NaN, -inf and
    negatives, the row sums (needed anyway) find +inf.
    """
    arr = np.asarray(value, dtype=float)
    if arr.shape != shape:
        raise ValueError(f"{name}: expected shape {shape} (hours, homes), got {arr.shape}")
    if arr.size == 0:
        return arr, np.zeros(shape[0])
    low = arr.min()
    if np.isnan(low) or low < -_ATOL:
        raise ValueError(f"{name}: expected finite energies >= 0 [kWh], found {low!r}")
    if low < 0:
        arr = np.maximum(arr, 0.0)
    total = arr.sum(axis=1)
    if not np.all(np.isfinite(total)):
        raise ValueError(f"{name}: expected finite energies, found inf")
    return arr, total


def _per_hour(name, value, n_hours):
    arr = np.asarray(value, dtype=float)
    try:
        arr = np.broadcast_to(arr, (n_hours,)).astype(float)
    except ValueError:
        raise ValueError(f"{name}: expected a number or shape ({n_hours},), got {arr.shape}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: expected finite prices, found NaN or inf")
    return arr


def _need(mechanism, **arrays):
    missing = [k for k, v in arrays.items() if v is None]
    if missing:
        raise ValueError(
            f"pricing {mechanism!r} needs the pre-trade {' and '.join(missing)} (T, N) "
            "from the dispatch; pass them to settle()")


def settle(mechanism: str, export_kwh: ArrayLike, import_kwh: ArrayLike,
           ceiling_per_kwh: ArrayLike, floor_per_kwh: float, *,
           supply_kwh: ArrayLike | None = None, demand_kwh: ArrayLike | None = None,
           battery_supply_kwh: ArrayLike | None = None, loss_fraction: float = 0.0,
           fixed_price_per_kwh: float | None = None, battery_ask: ArrayLike | None = None,
           groups: ArrayLike | None = None, keep_payments: bool = False) -> Settlement:
    """Price and settle every P2P kWh of a simulated year.

    Parameters
    ----------
    mechanism : str
        One of :data:`PRICING_MECHANISMS` (site key ``p2p.pricing``).
    export_kwh : array_like (T, N)
        P2P energy each home sent into the pool in hour ``t``, before losses [kWh].
    import_kwh : array_like (T, N)
        P2P energy each home received from the pool, after losses [kWh];
        ``Σ_i import ≤ Σ_i export`` every hour.
    ceiling_per_kwh : array_like (T,) or float
        ``c_t``: diesel marginal cost, or the baseline's cost when there is no diesel
        [currency/kWh].
    floor_per_kwh : float
        ``f`` (``p2p.price_floor_per_kwh``) [currency/kWh]; must not exceed the ceiling.
    supply_kwh : array_like (T, N), optional
        Energy each home offered to the pool before trading (PV surplus, plus battery
        energy above the reserve when shared), at the home [kWh]. Required by
        ``supply_demand_ratio`` and ``double_auction``.
    demand_kwh : array_like (T, N), optional
        Each home's deficit before trading [kWh]. Required by ``supply_demand_ratio``
        and ``double_auction``.
    battery_supply_kwh : array_like (T, N), optional
        The battery part of ``supply_kwh`` [kWh]; it asks ``battery_ask`` in the
        auction, the rest (PV) asks the floor. Default: none.
    loss_fraction : float
        Link loss, to count supply as delivered when comparing it with demand [-].
    fixed_price_per_kwh : float, optional
        The price for ``mechanism="fixed"`` [currency/kWh].
    battery_ask : float or array_like (T,), optional
        Ask of battery energy in the auction [currency/kWh]; default the floor. See
        :func:`battery_ask_per_kwh`.
    groups : array_like (N,), optional
        A label per home (e.g. its household group); ``flows`` is then group × group.
        Default: every home its own group (N × N; costs O(T·N²) — pass groups for
        villages of more than a few hundred homes).
    keep_payments : bool
        Keep the hourly (T, N) ``payments``.

    Returns
    -------
    Settlement

    Raises
    ------
    P2PSizeError
        The floor exceeds the ceiling in some hour.
    ValueError
        Unknown mechanism, wrong shapes, negative energies, a missing input the
        mechanism needs, or more energy received than sent in some hour.

    Notes
    -----
    With ``p_t`` the mechanism's price (module docstring and the mechanism functions),
    ``E``/``I`` exports/imports and ``r_t = ΣI_t/ΣE_t`` (1 without trade):

    .. math::

        b_t = \\min(\\max(p_t, f / r_t), c_t), \\quad s_t = b_t\\, r_t, \\quad
        \\text{payment}_{t,i} = s_t E_{t,i} - b_t I_{t,i}

    so ``Σ_i payment_{t,i} = b_t (r_t ΣE_t − ΣI_t) = 0``. Who pays whom:
    ``flow_{t, j→i} = b_t I_{t,j} · E_{t,i} / ΣE_t``.

    References
    ----------
    .. [1] Y. Zhou, J. Wu, C. Long, "Evaluation of peer-to-peer energy sharing
       mechanisms based on a multiagent simulation framework", Applied Energy 222,
       993–1022, 2018.
    """
    if mechanism not in PRICING_MECHANISMS:
        raise ValueError(f"pricing: expected one of {', '.join(PRICING_MECHANISMS)}, got {mechanism!r}")
    e_raw = np.asarray(export_kwh, dtype=float)
    if e_raw.ndim != 2:
        raise ValueError(f"export_kwh: expected shape (hours, homes), got {e_raw.shape}")
    shape = e_raw.shape
    n_hours, n_homes = shape
    e, sent = _as_hours_by_homes("export_kwh", e_raw, shape)
    i, got = _as_hours_by_homes("import_kwh", import_kwh, shape)
    c = _per_hour("ceiling_per_kwh", ceiling_per_kwh, n_hours)
    f = float(floor_per_kwh)
    if not 0.0 <= loss_fraction < 1.0:
        raise ValueError(f"loss_fraction: expected a fraction in [0, 1), got {loss_fraction!r}")
    if np.any(c < f):
        t = int(np.argmax(c < f))
        raise P2PSizeError(Problem(
            file="", key="p2p.price_floor_per_kwh",
            message=f"the P2P price floor {f:g} exceeds the price ceiling {c[t]:g} "
                    f"(the cost of a diesel or baseline kWh) in hour {t}",
            fix="lower p2p.price_floor_per_kwh below the cost of the buyers' alternative",
            value=f))

    if np.any(got > sent * (1 + 1e-9) + 1e-9):
        t = int(np.argmax(got > sent * (1 + 1e-9) + 1e-9))
        raise ValueError(f"hour {t}: homes received {got[t]!r} kWh from the pool but only "
                         f"{sent[t]!r} kWh was sent into it")

    # -- the mechanism's price p_t ------------------------------------------------
    if mechanism == "fixed":
        if fixed_price_per_kwh is None:
            raise ValueError("pricing 'fixed' needs fixed_price_per_kwh")
        p = fixed_price(fixed_price_per_kwh, c, f)
    elif mechanism == "mid_market_rate":
        p = 0.5 * (c + f)
    elif mechanism == "bill_sharing":
        p = np.zeros(n_hours)                    # lifted to the floor below
    else:
        _need(mechanism, supply_kwh=supply_kwh, demand_kwh=demand_kwh)
        keep = 1.0 - loss_fraction
        offered = _as_hours_by_homes("supply_kwh", supply_kwh, shape)[1]
        need = _as_hours_by_homes("demand_kwh", demand_kwh, shape)[1]
        if mechanism == "supply_demand_ratio":
            p = supply_demand_ratio(keep * offered, need, c, f).p2p_per_kwh
        else:
            bat = (np.zeros(n_hours) if battery_supply_kwh is None else np.minimum(
                _as_hours_by_homes("battery_supply_kwh", battery_supply_kwh, shape)[1], offered))
            bat_ask = _per_hour("battery_ask", f if battery_ask is None else battery_ask, n_hours)
            blocks_kwh = keep * np.stack([offered - bat, bat], axis=1)
            asks = np.stack([np.full(n_hours, f), bat_ask], axis=1)
            p = double_auction(asks, blocks_kwh, need, c, f)
    p = np.clip(p, f, c)

    # -- settlement: buyers pay b per kWh received, sellers share it pro rata -------
    r = np.minimum(_safe_ratio(got, sent, 1.0), 1.0)       # delivered per kWh sent
    b = np.minimum(np.maximum(p, _safe_ratio(np.full(n_hours, f), r, c)), c)
    s = _safe_ratio(b * got, sent, b)            # = b·r, written so money balances exactly

    income = s @ e
    cost = b @ i

    # who pays whom: buyer j's payment b·I[t,j] goes to seller k in proportion E[t,k]/ΣE_t
    pay_per_sent = _safe_ratio(b, sent, 0.0)[:, None]     # (T, 1) money per kWh sent
    if groups is None:
        labels = np.arange(n_homes)
        flows = (i * pay_per_sent).T @ e
    else:
        labels, member = np.unique(np.asarray(groups), return_inverse=True)
        if member.size != n_homes:
            raise ValueError(f"groups: expected one label per home ({n_homes}), got {member.size}")
        one_hot = np.zeros((n_homes, labels.size))
        one_hot[np.arange(n_homes), member.ravel()] = 1.0
        flows = ((i @ one_hot) * pay_per_sent).T @ (e @ one_hot)

    payments = s[:, None] * e - b[:, None] * i if keep_payments else None
    return Settlement(
        mechanism=mechanism,
        clearing_price_per_kwh=p,
        price_per_kwh=b,
        sell_price_per_kwh=s,
        p2p_income=income,
        p2p_cost=cost,
        p2p_net=income - cost,
        sold_kwh=e.sum(axis=0),
        bought_kwh=i.sum(axis=0),
        flows=flows,
        flow_labels=labels,
        payments=payments,
    )
