"""Tornado data: one parameter at a time, ±25 %."""
import numpy as np
from numpy.testing import assert_allclose

from p2p_size.economics.sensitivity import PARAMETERS, economics_evaluator, tornado
from p2p_size.study.summary import sensitivity_rows
from tests.test_economics import site_with, village  # noqa: F401  (module fixture)


def test_tornado_with_a_linear_model():
    # lcoe = 0.3 * pv + 0.1 * bat; payback = 5 * pv (never for bat > 1.2)
    def evaluate(m):
        payback = None if m["bat"] > 1.2 else 5 * m["pv"]
        return 0.3 * m["pv"] + 0.1 * m["bat"], payback

    df = tornado(evaluate, ("bat", "pv"), fraction=0.25)
    assert list(df["parameter"]) == ["pv", "bat"]           # sorted by swing: 0.15 > 0.05
    pv = df.iloc[0]
    assert_allclose([pv.low_multiplier, pv.high_multiplier], [0.75, 1.25], rtol=1e-12)
    assert_allclose([pv.lcoe_low, pv.lcoe_base, pv.lcoe_high], [0.325, 0.4, 0.475], rtol=1e-12)
    assert_allclose([pv.payback_low, pv.payback_high], [3.75, 6.25], rtol=1e-12)
    assert np.isnan(df.iloc[1].payback_high)
    assert sensitivity_rows(df)[1].payback_high is None


def test_economics_evaluator_moves_the_right_way(village):  # noqa: F811
    design, sim, load = village

    def resimulate(scale):   # stand-in for the pipeline: same year, served energy scaled
        from dataclasses import replace
        return replace(sim, served_kwh=sim.served_kwh * scale), load * scale, None

    site = site_with()
    evaluate = economics_evaluator(site, design, sim, load, True, resimulate=resimulate)
    base = evaluate({p: 1.0 for p in PARAMETERS})
    df = tornado(evaluate).set_index("parameter")
    assert_allclose(df["lcoe_base"], base[0], rtol=1e-12)
    for name in ("pv_capex", "battery_capex", "diesel_price", "discount_rate"):
        assert df.loc[name, "lcoe_low"] < base[0] < df.loc[name, "lcoe_high"], name
    # by hand, not through evaluate(): LCOE = NPC x CRF / served, CRF(10 %, 20 y) = 0.11745962.
    # PV capex enters the NPC only as capital: 650 USD/kWp x 1.04 kWp (0.12+0.12+0.10+0.10
    # +0.30+0.30) x 1.05 (transport 5 %) = 709.8 USD, no replacement (life 20 y = project)
    # and no salvage; +-25 % moves it by +-177.45 USD, so the swing is
    # 2 x 177.45 x 0.11745962 / served = 41.687 / served [USD/kWh]
    served = float(sim.served_kwh.sum())
    assert_allclose(df.loc["pv_capex", "lcoe_swing"], 2 * 0.25 * 709.8 * 0.11745962 / served, rtol=1e-6)
    # fuel at 1.1 USD/L is a yearly cost 1.1 x F; its present worth times the CRF is the
    # same 1.1 x F a year (PWF x CRF = 1), so +-25 % swings the LCOE by 0.55 x F / served
    assert_allclose(df.loc["diesel_price", "lcoe_swing"], 0.5 * 1.1 * sim.shared_fuel_l / served, rtol=1e-6)
    # capex and fuel enter the NPC linearly: the base sits midway between low and high
    # (the discount rate does not: CRF and present worths are convex in it)
    for name in ("pv_capex", "battery_capex", "diesel_price"):
        row = df.loc[name]
        assert_allclose((row.lcoe_low + row.lcoe_high) / 2, row.lcoe_base, rtol=1e-9, err_msg=name)
    # same costs over 25 % more energy
    assert_allclose(df.loc["load_scale", "lcoe_high"], base[0] / 1.25, rtol=1e-9)
    # without a re-simulation the load row is undefined
    df2 = tornado(economics_evaluator(site, design, sim, load, True)).set_index("parameter")
    assert np.isnan(df2.loc["load_scale", "lcoe_low"])
