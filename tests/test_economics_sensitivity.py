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
    # same costs over 25 % more energy
    assert_allclose(df.loc["load_scale", "lcoe_high"], base[0] / 1.25, rtol=1e-9)
    # without a re-simulation the load row is undefined
    df2 = tornado(economics_evaluator(site, design, sim, load, True)).set_index("parameter")
    assert np.isnan(df2.loc["load_scale", "lcoe_low"])
