"""Payback, IRR and baselines by hand."""
from dataclasses import replace

import numpy as np
import numpy_financial as npf
from numpy.testing import assert_allclose

from p2p_size.economics.baseline import diesel_baseline, genset_fuel, household_genset_use, kerosene_baseline
from p2p_size.economics.payback import compare, irr, payback_years
from tests.test_cashflow import ZERO


def test_simple_payback_interpolated():
    # cumulative: -100, -70, -40, -10, +20 -> 3 + 10/30 years
    assert_allclose(payback_years(np.array([-100.0, 30, 30, 30, 30])), 3 + 10 / 30, rtol=1e-12)


def test_payback_not_reached_is_nan():
    assert np.isnan(payback_years(np.array([-100.0, 10, 10, 10])))
    out = payback_years(np.array([[-100.0, 10, 10], [-10.0, 20, 0]]))
    assert np.isnan(out[0])
    assert_allclose(out[1], 0.5, rtol=1e-12)


def test_payback_zero_capital_is_zero_and_first_crossing_counts():
    assert payback_years(np.array([0.0, 5.0])) == 0.0
    # crosses at 1.5, dips below with a replacement in year 3, recovers: first crossing counts
    assert_allclose(payback_years(np.array([-30.0, 20, 20, -50, 40])), 1.5, rtol=1e-12)


def test_irr_undefined_is_nan_and_matches_numpy_financial():
    assert np.isnan(irr(np.array([-100.0, -5, -5])))
    cf = np.array([-100.0, 30, 40, 50, 20])
    assert_allclose(irr(cf), npf.irr(cf), rtol=1e-12)


def test_compare_with_p2p_income_and_discounting():
    # one home: capital 100, project costs 10/yr, baseline 40/yr, P2P income 5/yr -> +35/yr
    project = np.array([[100.0, 10, 10, 10, 10]])
    base = np.array([[0.0, 40, 40, 40, 40]])
    pb = compare(project, base, np.array([5.0]), 0.10)
    assert_allclose(pb.net_cash_flow, [[-100.0, 35, 35, 35, 35]], atol=1e-12)
    assert_allclose(pb.simple_payback_years, [2 + 30 / 35], rtol=1e-12)
    # discounted: 31.818, 28.926, 26.296, 23.906 -> cum -68.18, -39.26, -12.96, +10.94
    d = 35 / 1.1 ** np.arange(1, 5)
    expected = 3 + (100 - d[:3].sum()) / d[3]
    assert_allclose(pb.discounted_payback_years, [expected], rtol=1e-12)
    assert_allclose(pb.npv, [-100 + d.sum()], rtol=1e-12)
    assert_allclose(pb.irr, [npf.irr([-100.0, 35, 35, 35, 35])], rtol=1e-12)
    assert pb.village_simple_payback_years == pb.simple_payback_years[0]


def test_compare_never_pays_back():
    pb = compare(np.array([[100.0, 50, 50]]), np.array([[0.0, 40, 40]]), np.zeros(1), 0.1)
    assert np.isnan(pb.simple_payback_years[0]) and np.isnan(pb.discounted_payback_years[0])
    assert np.isnan(pb.village_simple_payback_years) and np.isnan(pb.irr[0])


def test_kerosene_baseline():
    b = kerosene_baseline(6.0, 4.0, 3, 20)
    assert b.cost.shape == (3, 21)
    assert b.cost[0, 0] == 0.0 and b.cost[2, 5] == 72.0
    assert_allclose(b.kerosene_l, [48.0] * 3, atol=0)


def test_genset_fuel_by_hand():
    # 1 kW genset, F0 = 0.08145, F1 = 0.246, min load 25 %:
    # 0.5 kW -> 0.08145 + 0.246*0.5 = 0.20445 L; 0.1 kW runs at 0.25 kW -> 0.14295 L;
    # 2 kW is capped at 1 kW -> 0.32745 L; 0 kW -> off
    load = np.array([[0.5], [0.1], [2.0], [0.0]])
    fuel, hours = genset_fuel(load, np.array([1.0]), 0.08145, 0.246, 0.25)
    assert_allclose(fuel, [0.20445 + 0.14295 + 0.32745], rtol=1e-12)
    assert_allclose(hours, [3.0], atol=0)


def test_diesel_baseline_by_hand():
    # a home on 0.5 kW all year with a 1 kW genset: 8760 h, 8760 * 0.20445 = 1790.982 L/yr
    costs = replace(ZERO, fuel_price_per_litre=1.0, diesel_om_per_kw_running_hour=0.05, diesel_capex_per_kw=500.0,
                    diesel_lifetime_hours=20000.0, project_years=5)
    load = np.full((24, 1), 0.5)     # one day, annualised x 365
    b = diesel_baseline(costs, household_genset_use(load, np.array([1.0]), 0.08145, 0.246, 0.25))
    assert_allclose(b.fuel_l, [8760 * 0.20445], rtol=1e-12)
    # per year: fuel 1790.982 + O&M 0.05 * 1 kW * 8760 h = 438 -> 2228.982;
    # life 20000/8760 = 2.283 y -> replaced in years 3 and 5 (2.28, 4.57) at 500;
    # salvage: units = ceil(5/2.283) = 3, left = 3 - 5/2.283 = 0.81 of 500
    assert_allclose(b.cost[0], [0.0, 2228.982, 2228.982, 2728.982, 2228.982,
                                2728.982 - 500 * (3 - 5 * 8760 / 20000)], rtol=1e-9)


def test_household_genset_runs_only_its_evening_hours():
    # Two days; the 3 highest-load hours of each day are 18-20 h. A 1 kW genset with
    # F0 = 0.08145, F1 = 0.246 at 0.5 kW output burns 0.08145 + 0.123 = 0.20445 L/h
    # (min load 0.25 kW < 0.5 kW) -> 6 running hours = 1.2267 L.
    from p2p_size.economics.baseline import evening_hours_mask

    load = np.full((48, 1), 0.05)
    load[[18, 19, 20, 42, 43, 44], 0] = 0.5
    mask = evening_hours_mask(load, 3)
    assert mask.sum() == 6 and mask[[18, 19, 20, 42, 43, 44], 0].all()
    fuel, hours = genset_fuel(load, np.array([1.0]), 0.08145, 0.246, 0.25, run_mask=mask)
    np.testing.assert_allclose(hours, [6.0])
    np.testing.assert_allclose(fuel, [6 * 0.20445], rtol=1e-12)
    assert evening_hours_mask(load, 24).all()


def test_household_gensets_follow_their_own_load_and_rating():
    # the sensitivity cases price one baseline a dozen times on the same load: the study
    # computes the gensets' use once and passes it; the use depends on the load and rating only.
    # Two days (annualised x 8760/48 = 182.5); 3 running hours a day, the evening peak 18-20 h.
    load = np.full((48, 2), 0.05)
    load[[18, 19, 20, 42, 43, 44], 0] = 0.5
    first = household_genset_use(load, np.array([1.0, 1.0]), 0.08145, 0.246, 0.25, hours_per_day=3)
    again = household_genset_use(load, np.array([1.0, 1.0]), 0.08145, 0.246, 0.25, hours_per_day=3)
    np.testing.assert_array_equal(again.fuel_l, first.fuel_l)
    # home 0 at 0.5 kW: 0.08145 + 0.246 x 0.5 L/h; home 1 at 0.05 kW < min load 0.25 kW: 0.08145 + 0.246 x 0.25
    np.testing.assert_allclose(first.fuel_l, 182.5 * np.array([6 * 0.20445, 6 * (0.08145 + 0.246 * 0.25)]),
                               rtol=1e-12)
    np.testing.assert_allclose(first.running_hours, [182.5 * 6, 182.5 * 6])
    bigger = household_genset_use(load, np.array([2.0, 1.0]), 0.08145, 0.246, 0.25, hours_per_day=3)
    assert bigger.fuel_l[0] > first.fuel_l[0]
    other = household_genset_use(load * 2.0, np.array([1.0, 1.0]), 0.08145, 0.246, 0.25, hours_per_day=3)
    np.testing.assert_allclose(other.fuel_l[0], 182.5 * 6 * (0.08145 + 0.246 * 1.0), rtol=1e-12)
