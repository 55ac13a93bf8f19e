"""P2P prices and settlement: published formulas at their corner cases, and invariants.

Throughout the hand-computed cases: ceiling c = 0.40, floor f = 0.02 [currency/kWh],
so the mid-market price is (0.40 + 0.02)/2 = 0.21.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose

from p2p_size.sizing import market as pr
from p2p_size.sizing.errors import P2PSizeError

C, F = 0.40, 0.02
MID = 0.21

# Corner cases as (S, D) village totals [kWh]:
#   S = D, S > D, S < D, zero supply, zero demand, nothing at all
S = np.array([5.0, 10.0, 4.0, 0.0, 3.0, 0.0])
D = np.array([5.0, 4.0, 10.0, 3.0, 0.0, 0.0])


def test_mid_market_rate_corner_cases():
    got = pr.mid_market_rate(S, D, C, F)
    assert_allclose(got.p2p_per_kwh, MID, rtol=1e-12)
    # buy:  S=D -> 0.21;  S>D -> 0.21;  S<D: (4*0.21 + 6*0.40)/10 = 3.24/10 = 0.324;
    #       S=0: all at the ceiling 0.40;  D=0: nothing bought, 0.21;  nothing: 0.21
    assert_allclose(got.buy_per_kwh, [0.21, 0.21, 0.324, 0.40, 0.21, 0.21], rtol=1e-12)
    # sell: S=D -> 0.21;  S>D: (4*0.21 + 6*0.02)/10 = 0.96/10 = 0.096;  S<D -> 0.21;
    #       S=0: nothing sold, 0.21;  D=0: all at the floor 0.02;  nothing: 0.21
    assert_allclose(got.sell_per_kwh, [0.21, 0.096, 0.21, 0.21, 0.02, 0.21], rtol=1e-12)


def test_supply_demand_ratio_corner_cases():
    got = pr.supply_demand_ratio(S, D, C, F)
    # S<D: SDR = 0.4, sell = 0.02*0.40 / (0.38*0.4 + 0.02) = 0.008/0.172 = 0.0465116...
    #      buy = 0.0465116*0.4 + 0.40*0.6 = 0.0186047 + 0.24 = 0.2586047
    # S=D: SDR = 1, sell = 0.008/(0.38 + 0.02) = 0.02 = f, buy = f
    # S>D, D=0 and nothing at all: SDR > 1 -> f on both sides
    # S=0: SDR = 0, sell = 0.008/0.02 = 0.40 = c, buy = c
    sell = [0.02, 0.02, 0.008 / 0.172, 0.40, 0.02, 0.02]
    buy = [0.02, 0.02, 0.008 / 0.172 * 0.4 + 0.24, 0.40, 0.02, 0.02]
    assert_allclose(got.sell_per_kwh, sell, rtol=1e-12)
    assert_allclose(got.buy_per_kwh, buy, rtol=1e-12)
    assert_allclose(got.p2p_per_kwh, sell, rtol=1e-12)
    assert_allclose(got.buy_per_kwh[2], 0.2586046511627907, rtol=1e-12)


def test_supply_demand_ratio_is_monotone_between_ceiling_and_floor():
    sdr = np.linspace(0.0, 1.0, 101)
    p = pr.supply_demand_ratio(sdr, np.ones_like(sdr), C, F).p2p_per_kwh
    assert p[0] == pytest.approx(C) and p[-1] == pytest.approx(F)
    assert np.all(np.diff(p) < 0)


def test_supply_demand_ratio_with_a_zero_floor():
    # f = 0: the formula is 0/0 at SDR = 0 (the ceiling is used) and 0 for SDR > 0
    got = pr.supply_demand_ratio([0.0, 2.0], [4.0, 4.0], C, 0.0)
    assert_allclose(got.p2p_per_kwh, [C, 0.0], atol=1e-15)


def test_bill_sharing_corner_cases():
    got = pr.bill_sharing(S, D, C, F)
    # buy = c (D - S)+ / D: S=D 0;  S>D 0;  S<D 0.40*6/10 = 0.24;  S=0 0.40;  D=0 0;  nothing 0
    assert_allclose(got.buy_per_kwh, [0.0, 0.0, 0.24, 0.40, 0.0, 0.0], atol=1e-15)
    # sell = f (S - D)+ / S: S=D 0;  S>D 0.02*6/10 = 0.012;  S<D 0;  S=0 0;  D=0 0.02;  nothing 0
    assert_allclose(got.sell_per_kwh, [0.0, 0.012, 0.0, 0.0, 0.02, 0.0], atol=1e-15)
    # energy shared inside the community is free: buy = (S·0 + (D - S)·c)/D as above
    assert_allclose(got.p2p_per_kwh, 0.0)


# The auction: PV offers ask f, battery offers ask 0.12; every buyer bids c.
def _auction(pv, bat, demand):
    asks = np.column_stack([np.full(len(pv), F), np.full(len(pv), 0.12)])
    offers = np.column_stack([pv, bat])
    return pr.double_auction(asks, offers, demand, C, F)


def test_double_auction_corner_cases():
    pv = np.array([5.0, 10.0, 4.0, 0.0, 3.0, 0.0])
    no_bat = np.zeros(6)
    # S=D: curves overlap on [f, c] -> (0.02 + 0.40)/2 = 0.21 (the mid-market rate)
    # S>D: the marginal PV ask -> 0.02;  S<D and S=0: buyers set it -> 0.40;
    # D=0 and nothing: no trade, reported at the floor 0.02
    assert_allclose(_auction(pv, no_bat, D), [0.21, 0.02, 0.40, 0.40, 0.02, 0.02], rtol=1e-12)


def test_double_auction_battery_sets_the_price_in_between():
    pv = np.full(5, 4.0)
    bat = np.full(5, 3.0)
    demand = np.array([3.0, 4.0, 5.0, 7.0, 9.0])
    # D < PV: 0.02;  D = PV: (0.02 + 0.12)/2 = 0.07;  PV < D < PV + bat: 0.12;
    # D = PV + bat: (0.12 + 0.40)/2 = 0.26;  D > all supply: 0.40
    assert_allclose(_auction(pv, bat, demand), [0.02, 0.07, 0.12, 0.26, 0.40], rtol=1e-12)


def test_double_auction_ignores_empty_blocks_and_clips_asks():
    asks = np.array([[0.5, 0.0, 0.30]])        # 0.5 > c and 0.0 < f are clipped
    offers = np.array([[2.0, 0.0, 2.0]])       # the 0.0 ask offers nothing
    assert_allclose(pr.double_auction(asks, offers, [2.0], C, F), [(0.30 + 0.40) / 2])
    assert_allclose(pr.double_auction(asks, offers, [3.0], C, F), [0.40])


def test_fixed_price_is_clipped_to_the_band():
    assert_allclose(pr.fixed_price(0.25, [0.40, 0.20, 0.40], F), [0.25, 0.20, 0.25])
    assert_allclose(pr.fixed_price(0.01, [0.40], F), [F])


def test_battery_ask():
    # 0.02/0.92 + 280/(4000*0.8) = 0.0217391 + 0.0875
    assert pr.battery_ask_per_kwh(0.02, 0.92, 280, 4000, 0.8) == pytest.approx(0.02 / 0.92 + 0.0875)
    assert pr.battery_ask_per_kwh(0.02) == pytest.approx(0.02)


# ---------------------------------------------------------------------------------
# Settlement, solved on paper: 3 homes, 3 hours, 5 % link loss
# ---------------------------------------------------------------------------------
#   hour 0: A sends 6, B sends 4, C receives 9.5   (0.95 x 10)
#   hour 1: C sends 2, A receives 1.9
#   hour 2: nothing traded
EXPORT = np.array([[6.0, 4.0, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]])
IMPORT = np.array([[0.0, 0.0, 9.5], [1.9, 0.0, 0.0], [0.0, 0.0, 0.0]])


def test_settle_mid_market_rate_by_hand():
    out = pr.settle("mid_market_rate", EXPORT, IMPORT, C, F, keep_payments=True)
    # buyers pay 0.21 per kWh received; sellers get 0.21 x 0.95 = 0.1995 per kWh sent
    assert_allclose(out.price_per_kwh, MID, rtol=1e-12)
    assert_allclose(out.sell_price_per_kwh, [0.1995, 0.1995, 0.21], rtol=1e-12)
    # hour 0: C pays 9.5 x 0.21 = 1.995, A gets 6 x 0.1995 = 1.197, B 4 x 0.1995 = 0.798
    # hour 1: A pays 1.9 x 0.21 = 0.399, C gets 2 x 0.1995 = 0.399
    assert_allclose(out.payments, [[1.197, 0.798, -1.995], [-0.399, 0.0, 0.399], [0, 0, 0]],
                    rtol=1e-12, atol=1e-15)
    assert_allclose(out.p2p_income, [1.197, 0.798, 0.399], rtol=1e-12)
    assert_allclose(out.p2p_cost, [0.399, 0.0, 1.995], rtol=1e-12)
    assert_allclose(out.p2p_net, [0.798, 0.798, -1.596], rtol=1e-12)
    assert_allclose(out.sold_kwh, [6.0, 4.0, 2.0])
    assert_allclose(out.bought_kwh, [1.9, 0.0, 9.5])
    # who pays whom: C -> A 1.197, C -> B 0.798, A -> C 0.399
    assert_allclose(out.flows, [[0, 0, 0.399], [0, 0, 0], [1.197, 0.798, 0]], rtol=1e-12, atol=1e-15)
    assert_allclose(out.flow_labels, [0, 1, 2])


def test_settle_floor_protects_sellers_from_the_loss():
    # fixed at the floor: buyers pay 0.02/0.95 = 0.0210526 so sellers still get 0.02
    out = pr.settle("fixed", EXPORT, IMPORT, C, F, fixed_price_per_kwh=0.0)
    assert_allclose(out.clearing_price_per_kwh, F)
    assert_allclose(out.price_per_kwh[:2], F / 0.95, rtol=1e-12)
    assert_allclose(out.sell_price_per_kwh[:2], F, rtol=1e-12)
    # hour 0: C pays 9.5 x 0.02/0.95 = 0.20, A gets 6 x 0.02 = 0.12, B 4 x 0.02 = 0.08;
    # hour 1: A pays 1.9 x 0.02/0.95 = 0.04, C gets 2 x 0.02 = 0.04
    # -> net A 0.12 - 0.04 = 0.08, B 0.08, C -0.20 + 0.04 = -0.16
    assert_allclose(out.p2p_net, [0.08, 0.08, -0.16], rtol=1e-12)
    # bill sharing prices P2P energy at zero, so it settles at the floor the same way
    bs = pr.settle("bill_sharing", EXPORT, IMPORT, C, F)
    assert_allclose(bs.p2p_net, out.p2p_net, rtol=1e-12)


def test_settle_groups_aggregate_the_flows():
    out = pr.settle("mid_market_rate", EXPORT, IMPORT, C, F, groups=["x", "x", "y"])
    assert list(out.flow_labels) == ["x", "y"]
    # x = {A, B}, y = {C}: y pays x 1.995, x pays y 0.399
    assert_allclose(out.flows, [[0.0, 0.399], [1.995, 0.0]], rtol=1e-12, atol=1e-15)


def test_settle_supply_demand_ratio_and_auction_use_pre_trade_totals():
    # hour 0: offers 10 sent (9.5 delivered), deficits 19 -> SDR = 0.5;
    #   p = 0.008 / (0.38*0.5 + 0.02) = 0.008/0.21 = 0.0380952
    supply = EXPORT.copy()
    demand = np.array([[0.0, 0.0, 19.0], [1.9, 0.0, 0.0], [0.0, 0.0, 0.0]])
    out = pr.settle("supply_demand_ratio", EXPORT, IMPORT, C, F, supply_kwh=supply,
                    demand_kwh=demand, loss_fraction=0.05)
    assert_allclose(out.clearing_price_per_kwh, [0.008 / 0.21, F, F], rtol=1e-12)
    # the auction: hour 0 short of supply -> c; hour 1 delivered 1.9 = demand 1.9 ->
    # (f + c)/2; hour 2 no demand -> f
    out = pr.settle("double_auction", EXPORT, IMPORT, C, F, supply_kwh=supply,
                    demand_kwh=demand, loss_fraction=0.05)
    assert_allclose(out.clearing_price_per_kwh, [C, MID, F], rtol=1e-12)
    with pytest.raises(ValueError, match="pre-trade"):
        pr.settle("supply_demand_ratio", EXPORT, IMPORT, C, F)


def test_settle_rejects_bad_input():
    with pytest.raises(ValueError, match="expected one of"):
        pr.settle("pay_as_bid", EXPORT, IMPORT, C, F)
    with pytest.raises(P2PSizeError, match="price_floor_per_kwh"):
        pr.settle("mid_market_rate", EXPORT, IMPORT, [0.4, 0.01, 0.4], F)
    with pytest.raises(ValueError, match="received"):
        pr.settle("mid_market_rate", EXPORT, IMPORT * 1.1, C, F)
    with pytest.raises(ValueError, match=">= 0"):
        pr.settle("mid_market_rate", -EXPORT, IMPORT, C, F)
    with pytest.raises(ValueError, match="shape"):
        pr.settle("mid_market_rate", EXPORT, IMPORT[:, :2], C, F)
    with pytest.raises(ValueError, match="fixed_price_per_kwh"):
        pr.settle("fixed", EXPORT, IMPORT, C, F)


# ---------------------------------------------------------------------------------
# Invariants
# ---------------------------------------------------------------------------------

@st.composite
def villages(draw):
    """Random hourly P2P flows that obey the dispatch's contract.

    Each home is, per hour, a seller or a buyer (role); sellers send E, buyers receive
    Σ E·(1 − loss) pro rata to random weights. Pre-trade supply ≥ export, demand ≥ import.
    """
    n_hours = draw(st.integers(1, 6))
    n_homes = draw(st.integers(1, 6))
    shape = (n_hours, n_homes)
    energy = hnp.arrays(float, shape, elements=st.floats(0.0, 5.0))
    seller = draw(hnp.arrays(bool, shape))
    amount, weight = draw(energy), draw(energy)
    loss = draw(st.floats(0.0, 0.3))
    e = np.where(seller, amount, 0.0)
    w = np.where(seller, 0.0, weight)
    w_total = w.sum(axis=1, keepdims=True)
    e = np.where(w_total > 0, e, 0.0)                 # nobody to sell to: no export
    i = np.divide(w, w_total, out=np.zeros(shape), where=w_total > 0) * (1 - loss) * e.sum(axis=1, keepdims=True)
    supply = e + np.where(seller, draw(energy), 0.0)
    demand = i + np.where(seller, 0.0, draw(energy))
    floor = draw(st.floats(0.0, 0.3))
    # ceilings leave room for the loss: floor <= ceiling·(1 − loss)
    ceiling = floor / (1 - loss) + draw(hnp.arrays(float, (n_hours,), elements=st.floats(0.0, 1.0)))
    return dict(e=e, i=i, supply=supply, demand=demand, bat=0.5 * supply, loss=loss,
                floor=floor, ceiling=ceiling, fixed=draw(st.floats(0.0, 2.0)),
                groups=draw(hnp.arrays(np.int64, (n_homes,), elements=st.integers(0, 2))))


@settings(max_examples=80, deadline=None)
@given(v=villages(), mechanism=st.sampled_from(pr.PRICING_MECHANISMS))
def test_settlement_invariants(v, mechanism):
    out = pr.settle(mechanism, v["e"], v["i"], v["ceiling"], v["floor"],
                    supply_kwh=v["supply"], demand_kwh=v["demand"], battery_supply_kwh=v["bat"],
                    battery_ask=v["floor"] + 0.05, loss_fraction=v["loss"],
                    fixed_price_per_kwh=v["fixed"], groups=v["groups"], keep_payments=True)
    scale = 1.0 + np.abs(out.payments).sum(axis=1)
    # money balances every hour
    assert np.all(np.abs(out.payments.sum(axis=1)) <= 1e-11 * scale)
    # every price within [floor, ceiling], on both sides
    lo, hi = v["floor"] - 1e-12, v["ceiling"] + 1e-12
    for price in (out.clearing_price_per_kwh, out.price_per_kwh, out.sell_price_per_kwh):
        assert np.all((price >= lo) & (price <= hi))
    # a home that only exports never pays; one that only imports never earns
    only_exports = (v["i"].sum(axis=0) == 0)
    only_imports = (v["e"].sum(axis=0) == 0)
    assert np.all(out.payments[:, only_exports] >= 0) and np.all(out.p2p_cost[only_exports] == 0)
    assert np.all(out.payments[:, only_imports] <= 0) and np.all(out.p2p_income[only_imports] == 0)
    # annual totals agree with the hourly payments and with who-pays-whom
    assert_allclose(out.p2p_net, out.payments.sum(axis=0), rtol=1e-9, atol=1e-9)
    member = np.searchsorted(out.flow_labels, v["groups"])
    cost_by_group = np.bincount(member, out.p2p_cost, minlength=len(out.flow_labels))
    income_by_group = np.bincount(member, out.p2p_income, minlength=len(out.flow_labels))
    assert_allclose(out.flows.sum(axis=1), cost_by_group, rtol=1e-9, atol=1e-9)
    assert_allclose(out.flows.sum(axis=0), income_by_group, rtol=1e-9, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(s=hnp.arrays(float, 8, elements=st.floats(0.0, 100.0)),
       d=hnp.arrays(float, 8, elements=st.floats(0.0, 100.0)),
       f=st.floats(0.0, 0.5), spread=st.floats(0.0, 1.0))
def test_published_prices_stay_in_band(s, d, f, spread):
    c = f + spread
    for mech in (pr.mid_market_rate, pr.supply_demand_ratio):
        got = mech(s, d, c, f)
        for price in got:
            assert np.all((price >= f - 1e-12) & (price <= c + 1e-12))
    # bill sharing's averages lie in [0, c] and [0, f]: the P2P share is free
    bs = pr.bill_sharing(s, d, c, f)
    assert np.all((bs.buy_per_kwh >= 0) & (bs.buy_per_kwh <= c + 1e-12))
    assert np.all((bs.sell_per_kwh >= 0) & (bs.sell_per_kwh <= f + 1e-12))
