"""Bills, affordability, highest affordable tariff, subsidy and MTF tiers by hand."""
import numpy as np
from numpy.testing import assert_allclose

from p2p_size.economics.tariff import (
    affordability_by_group,
    affordable,
    cost_recovery_tariff,
    highest_affordable_tariff,
    monthly_bill,
    mtf_tiers,
    subsidy_per_month,
    supply_statistics,
)


def test_cost_recovery_tariff_is_lcoe():
    assert cost_recovery_tariff(1000.0, 2500.0) == 0.4
    assert np.isnan(cost_recovery_tariff(1000.0, 0.0))


def test_bills_affordability_and_subsidy():
    served = np.array([120.0, 240.0, 600.0])     # kWh/year
    income = np.array([55.0, 55.0, 150.0])       # per month; 5 % -> 2.75, 2.75, 7.5
    bill = monthly_bill(0.4, served, 1.0)        # 0.4*10+1 = 5, 0.4*20+1 = 9, 0.4*50+1 = 21
    assert_allclose(bill, [5.0, 9.0, 21.0], rtol=1e-12)
    assert list(affordable(bill, income, 0.05)) == [False, False, False]
    assert_allclose(subsidy_per_month(bill, income, 0.05), [2.25, 6.25, 13.5], rtol=1e-12)
    bill = monthly_bill(0.2, served)             # 2, 4, 10
    assert list(affordable(bill, income, 0.05)) == [True, False, False]
    # highest price: 12 * (0.05*income - fee) / served
    assert_allclose(highest_affordable_tariff(served, income, 0.05), [0.275, 0.1375, 0.15], rtol=1e-12)
    p = highest_affordable_tariff(np.array([120.0, 0.0]), np.array([10.0, 100.0]), 0.05, 1.0)
    assert np.isnan(p[0]) and np.isinf(p[1])     # fee 1 > 0.5 allowed; nothing served (5 allowed)


def test_by_group():
    served = np.array([120.0, 240.0, 360.0, 600.0])
    income = np.array([55.0, 55.0, 55.0, 150.0])
    bill = monthly_bill(0.2, served)             # 2, 4, 6, 10
    groups = affordability_by_group(bill, served, income, np.array([0, 0, 0, 1]), ["low", "shop"], 0.05)
    low, shop = groups
    assert low["homes"] == 3 and low["group"] == "low"
    assert_allclose(low["share_households_affordable"], 1 / 3, rtol=1e-12)
    # prices 0.275, 0.1375, 0.091667: all -> min, median -> 0.1375
    assert_allclose(low["highest_affordable_tariff_all"], 12 * 2.75 / 360, rtol=1e-12)
    assert_allclose(low["highest_affordable_tariff_median"], 0.1375, rtol=1e-12)
    assert_allclose(low["subsidy_per_month_total"], (4 - 2.75) + (6 - 2.75), rtol=1e-12)
    assert_allclose(shop["highest_affordable_tariff_all"], 0.15, rtol=1e-12)
    assert shop["share_households_affordable"] == 0.0


def test_mtf_tiers_by_attribute():
    t = mtf_tiers(
        peak_kw=np.array([0.06, 0.06, 0.9, 2.5, 0.001]),
        daily_kwh=np.array([0.35, 1.2, 3.5, 9.0, 0.005]),
        hours_per_day=np.array([24.0, 24, 20, 24, 24]),
        hours_per_evening=np.array([4.0, 4, 4, 4, 4]),
        disruptions_per_week=np.array([0.0, 0, 5, 1, 0]),
        outage_hours_per_week=np.array([0.0, 0, 5, 1, 0]),
    )
    # capacity: 60 W & 350 Wh -> 2; 1.2 kWh -> 3 (energy OR power); 900 W -> 4; 2.5 kW -> 5; 1 W / 5 Wh -> 0
    assert list(t["capacity"]) == [2, 3, 4, 5, 0]
    # availability: 20 h/day -> 4; reliability: 5 disruptions/week -> 4
    assert list(t["availability"]) == [5, 5, 4, 5, 5]
    assert list(t["reliability"]) == [5, 5, 4, 5, 5]
    assert list(t["tier"]) == [2, 3, 4, 5, 0]
    t = mtf_tiers(np.array([2.5]), np.array([9.0]), np.array([24.0]), np.array([2.0]), np.array([20.0]),
                  np.array([30.0]), package_affordable=np.array([False]))
    assert t["availability"][0] == 2 and t["reliability"][0] == 3 and t["affordability"][0] == 2 and t["tier"][0] == 2


def test_supply_statistics_two_days():
    load = np.full((48, 1), 0.1)
    unmet = np.zeros((48, 1))
    unmet[19:21] = 0.1          # day 1: 2-h outage in the evening (19:00, 20:00)
    unmet[30] = 0.05            # day 2: 1 h at 06:00
    s = supply_statistics(load, unmet)
    assert_allclose(s["hours_per_day"], [(48 - 3) / 2], rtol=1e-12)
    assert_allclose(s["hours_per_evening"], [(2 + 4) / 2], rtol=1e-12)
    assert_allclose(s["disruptions_per_week"], [2 / (48 / 168)], rtol=1e-12)
    assert_allclose(s["outage_hours_per_week"], [3 / (48 / 168)], rtol=1e-12)
    assert_allclose(s["peak_kw"], [0.1], rtol=1e-12)
    assert_allclose(s["daily_kwh"], [(4.8 - 0.25) / 2], rtol=1e-12)
