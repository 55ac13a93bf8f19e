"""Settlement: who pays whom for every kWh shared in the village.

:func:`settle` prices every hour with the chosen mechanism (:mod:`.mechanisms`) inside
the band ``[floor, ceiling]`` (:mod:`.ceiling`) and books the money per home and per
group; :func:`settle_site` does it for a simulated village.

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

import numpy as np
from numpy.typing import ArrayLike

from ..design import Design
from ..dispatch.results import SimulationResult
from ..errors import P2PSizeError, Problem
from ..site.schema import Site
from .ceiling import ceiling_per_kwh
from .mechanisms import (_ATOL, PRICING_MECHANISMS, _safe_ratio, battery_ask_per_kwh, bill_sharing, double_auction,
                         fixed_price, mid_market_rate, supply_demand_ratio)

__all__ = ["Settlement", "settle", "settle_site"]


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
        p = mid_market_rate(sent, got, c, f).p2p_per_kwh
    elif mechanism == "bill_sharing":
        p = bill_sharing(sent, got, c, f).p2p_per_kwh      # 0, lifted to the floor below
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


def settle_site(site: Site, design: Design, sim: SimulationResult, group_of_home: np.ndarray,
                baseline_per_kwh: float) -> Settlement:
    """Price and settle every P2P kWh of the simulated year (needs the hourly series).

    Pre-trade supply and demand per home and hour come from the dispatch record: what a
    home offered the pool (PV surplus and battery energy above the reserve) and what it
    still lacked after its own PV and battery.
    """
    h = sim.hourly
    if h is None:
        raise ValueError("settlement needs the hourly series: simulate(..., hourly=True)")
    ceiling = ceiling_per_kwh(site, design, sim, baseline_per_kwh)
    floor = site.p2p.price_floor_per_kwh
    ceiling = np.maximum(ceiling, floor / (1.0 - site.equipment.p2p_link.loss_fraction))
    supply = h.pv_offer_kw + h.battery_offer_kw
    demand = h.ask_kw
    battery = site.equipment.battery
    ask = battery_ask_per_kwh(floor, battery.round_trip_efficiency, battery.capex_per_kwh,
                              battery.cycle_life, battery.depth_of_discharge)
    return settle(site.p2p.pricing, h.export_kw, h.import_kw, ceiling, floor,
                  supply_kwh=supply, demand_kwh=demand, battery_supply_kwh=h.battery_offer_kw,
                  loss_fraction=site.equipment.p2p_link.loss_fraction,
                  fixed_price_per_kwh=site.p2p.fixed_price_per_kwh, battery_ask=ask, groups=group_of_home)
