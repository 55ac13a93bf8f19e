"""evaluate_economics end to end on a synthetic year: identities, a spreadsheet-style LCOE,
the summary's economic sections, per-home money, baselines and tariffs."""
import copy
import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from p2p_size.economics.evaluate import evaluate_economics, p2p_income_of
from p2p_size.sizing.design import Design
from p2p_size.sizing.dispatch import simulate
from p2p_size.sizing.site import validate_data
from p2p_size.study.summary import affordability_section, co2_section, economics_section, home_money
from tests.conftest import village_inputs

SITE = {
    "name": "Synthetic village",
    "location": {"latitude": 13.5, "longitude": 2.1},
    "currency": "USD",
    "solar": {"monthly_ghi_kwh_m2_day": [5.6, 6.3, 6.7, 6.8, 6.7, 6.3, 5.8, 5.5, 5.9, 6.0, 5.8, 5.4]},
    "households": [
        {"name": "low income", "count": 4, "income_per_month": 55, "daily_load_kwh": 0.35},
        {"name": "shop", "count": 2, "income_per_month": 150, "daily_load_kwh": 1.2},
    ],
    "equipment": {"diesel": {"placement": "shared"}},
    "economics": {"discount_rate": 0.10, "project_years": 20,
                  "baseline": {"kind": "kerosene", "spend_per_home_month": 6, "kerosene_litres_per_home_month": 4}},
}
N = 6


def site_with(**economics):
    data = copy.deepcopy(SITE)
    data["economics"].update(economics)
    return validate_data(data, "synthetic.yaml")


@pytest.fixture(scope="module")
def village():
    """A full 8760-h year: clear-sky-like PV, evening-peak homes and two daytime shops."""
    T = 8760
    t = np.arange(T)
    h = t % 24
    pv = np.clip(np.sin((h - 6) / 12 * np.pi), 0, None) * 0.8            # kW per kWp
    rng = np.random.default_rng(7)
    evening = ((h >= 18) & (h < 23)).astype(float)
    day = ((h >= 8) & (h < 18)).astype(float)
    load = np.empty((T, N))
    load[:, :4] = 0.005 + 0.06 * evening[:, None] * rng.uniform(0.8, 1.2, (T, 4))
    load[:, 4:] = 0.01 + 0.11 * day[:, None] * rng.uniform(0.8, 1.2, (T, 2))
    pv_kwp = np.array([0.12, 0.12, 0.10, 0.10, 0.30, 0.30])
    bat = np.array([0.5, 0.5, 0.3, 0.3, 0.4, 0.4])
    design = Design(pv_kwp, bat, np.zeros(N), 0.3, np.zeros(N), np.zeros(N), "fixed")
    sim = simulate(village_inputs(pv_kw_per_kwp=pv, load_kw=load, pv_kwp=pv_kwp, battery_kwh=bat,
                                  shared_diesel_kw=0.3, diesel_placement="shared"), hourly=True)
    return design, sim, load


def test_summary_identities_and_keys(village):
    design, sim, load = village
    econ = evaluate_economics(site_with(), design, sim, load, p2p=True)
    s = {"economics": economics_section(econ).model_dump(), "affordability": affordability_section(econ).model_dump(),
         "co2": co2_section(econ).model_dump()}
    assert set(s["economics"]) == {"capex", "npc", "annualised_cost", "lcoe_per_kwh", "simple_payback_years",
                                   "discounted_payback_years", "irr"}
    assert set(s["affordability"]) == {"tariff_per_kwh", "threshold", "share_households_affordable",
                                       "subsidy_per_month_total", "by_group"}
    assert set(s["co2"]) == {"annual_t", "baseline_annual_t", "avoided_annual_t", "avoided_lifetime_t"}
    e = s["economics"]
    served = float(sim.served_kwh.sum())                   # energy.served_kwh of summary.json
    # CRF(10 %, 20 y) = 0.1 x 1.1^20 / (1.1^20 - 1) = 0.1 x 6.7274999 / 5.7274999 = 0.11745962
    # (the A/P factor of interest tables: 0.11746); not the code's own crf()
    assert_allclose(e["annualised_cost"], e["npc"] * 0.11745962, rtol=1e-7)
    assert e["lcoe_per_kwh"] == e["annualised_cost"] / served
    assert s["affordability"]["tariff_per_kwh"] == e["lcoe_per_kwh"]
    assert [g["group"] for g in s["affordability"]["by_group"]] == ["low income", "shop"]
    # CO2: kerosene 4 L/month/home * 12 * 6 homes * 2.519376 kg/L
    assert_allclose(s["co2"]["baseline_annual_t"], 4 * 12 * 6 * 2.519376e-3, rtol=1e-9)
    assert_allclose(s["co2"]["annual_t"], 2.68e-3 * sim.shared_fuel_l, rtol=1e-9)


def test_lcoe_equals_spreadsheet_recomputation(village):
    """Every cost line re-added year by year in plain Python, from the simulated energy."""
    design, sim, load = village
    econ = evaluate_economics(site_with(), design, sim, load, p2p=True)
    i, P = 0.10, 20
    share = sim.shared_diesel_received_kwh / sim.shared_diesel_received_kwh.sum()
    run_h = sim.shared_diesel_running_hours
    gen_life = 20000.0 / run_h if run_h > 0 else math.inf

    def replaced_in(year, life):          # replacements booked in `year`: k*life < P, ceil(k*life) == year
        k, count = 1, 0
        while k * life < P - 1e-9:
            count += math.ceil(k * life - 1e-9) == year
            k += 1
        return count

    def salvage(life, cost):
        if life == math.inf:
            return cost
        r_rep = life * math.floor(P / life)              # HOMER: replacement cost duration
        r_rem = life - (P - r_rep)
        return 0.0 if r_rem >= life - 1e-9 else cost * r_rem / life

    npc = 0.0
    for n in range(N):
        bat_life = min(8.0, 4000.0 / sim.equivalent_full_cycles[n])
        pv_c, bat_c, ctl_c, link_c = 650 * design.pv_kwp[n], 280 * design.battery_kwh[n], 60.0, 45.0
        gen_c = 500 * 0.3 * share[n]
        equipment = pv_c + bat_c + ctl_c + link_c + gen_c
        npc += equipment + 25 + 30 + 0.05 * equipment
        for y in range(1, P + 1):
            cost = 10 * design.pv_kwp[n] + 5 * design.battery_kwh[n]
            cost += share[n] * (0.05 * 0.3 * run_h + 1.1 * sim.shared_fuel_l)
            for price, life in ((pv_c, 20.0), (bat_c, bat_life), (ctl_c, 10.0), (link_c, 20.0), (gen_c, gen_life)):
                cost += 1.05 * price * replaced_in(y, life)
            if y == P:
                for price, life in ((pv_c, 20.0), (bat_c, bat_life), (ctl_c, 10.0), (link_c, 20.0), (gen_c, gen_life)):
                    cost -= salvage(life, price)
            npc += cost / (1 + i) ** y
    crf_20 = 0.1 * 1.1 ** 20 / (1.1 ** 20 - 1)
    lcoe = npc * crf_20 / sim.served_kwh.sum()
    assert_allclose(econ.cash_flows.npc, npc, rtol=1e-9)
    assert_allclose(econ.cash_flows.lcoe_per_kwh, lcoe, rtol=1e-6)
    assert 0.2 <= lcoe <= 1.5            # a plausible mini-grid LCOE at these prices [USD/kWh]


def test_payback_not_reached_is_null(village):
    design, sim, load = village
    site = site_with(baseline={"kind": "kerosene", "spend_per_home_month": 0.5})
    e = economics_section(evaluate_economics(site, design, sim, load, p2p=True))
    assert e.simple_payback_years is None
    assert e.discounted_payback_years is None


def test_homes_frame_and_p2p_income(village):
    design, sim, load = village
    income = np.array([10.0, -10.0, 5.0, -5.0, 20.0, -20.0])
    econ = evaluate_economics(site_with(), design, sim, load, p2p=True, p2p_income=income)
    frame = pd.DataFrame(home_money(econ))
    assert list(frame.columns) == ["capex", "npc", "bill_per_month", "affordable", "subsidy_per_month",
                                   "p2p_income_year", "npv", "simple_payback_years", "discounted_payback_years",
                                   "irr", "mtf_tier"]
    assert len(frame) == N
    assert_allclose(frame["capex"].sum(), econ.cash_flows.capex, rtol=1e-12)
    assert_allclose(frame["npc"].sum(), econ.cash_flows.npc, rtol=1e-12)
    # a seller's income raises its NPV by the income's present worth; the village total is unchanged
    base = evaluate_economics(site_with(), design, sim, load, p2p=True)
    pwf = (1.1 ** 20 - 1) / (0.1 * 1.1 ** 20)
    assert_allclose(econ.payback.npv - base.payback.npv, income * pwf, rtol=1e-9)
    assert_allclose(econ.payback.village_npv, base.payback.village_npv, rtol=1e-9)
    assert all(t is None or 0 <= t <= 5 for t in frame["mtf_tier"])
    records = frame.to_dict(orient="records")
    assert all(v is None or math.isfinite(v) for r in records for v in (r["irr"], r["simple_payback_years"]))


def test_p2p_income_and_errors():
    assert_allclose(p2p_income_of(np.array([1.0, -1.0]), 2), [1.0, -1.0])
    assert_allclose(p2p_income_of(None, 2), [0.0, 0.0])
    with pytest.raises(ValueError):
        p2p_income_of(np.zeros(3), 2)
    with pytest.raises(TypeError):
        p2p_income_of(object(), 2)


def test_fixed_tariff_and_diesel_baseline(village):
    design, sim, load = village
    site = site_with(tariff={"kind": "fixed", "price_per_kwh": 0.40, "connection_fee_month": 1.0},
                     baseline={"kind": "diesel", "genset_kw_per_home": 1.0})
    econ = evaluate_economics(site, design, sim, load, p2p=True)
    assert_allclose(econ.bill_per_month, 0.40 * sim.served_kwh / 12 + 1.0, rtol=1e-12)
    s = {"economics": economics_section(econ).model_dump(), "affordability": affordability_section(econ).model_dump(),
         "co2": co2_section(econ).model_dump()}
    assert s["affordability"]["tariff_per_kwh"] == 0.40
    # every home ran its own 1 kW genset 5 h a day (the default), each hour at its
    # minimum load 0.25 kW (the loads are below it): 365 x 5 x (0.08145 + 0.246 x 0.25) L
    assert econ.baseline.kind == "diesel"
    assert_allclose(econ.baseline.fuel_l, 365 * 5 * (0.08145 + 0.246 * 0.25), rtol=1e-9)
    assert s["co2"]["avoided_annual_t"] > 0
    assert s["economics"]["simple_payback_years"] is not None
    assert s["economics"]["simple_payback_years"] < s["economics"]["discounted_payback_years"]


def test_diesel_baseline_gensets_default_to_the_peak_but_no_smaller_than_on_sale(village):
    # no genset_kw_per_home: each home's genset today is its peak load, here 0.07-0.14 kW,
    # so the smallest on sale (0.5 kW). The four evening homes (loads ≤ 0.077 kW) run it at
    # its minimum load 0.125 kW: 365 x 5 x (0.5 x 0.08145 + 0.246 x 0.125) L each; the
    # shops' loads reach above the minimum load some hours, so they burn more
    design, sim, load = village
    assert load.max() < 0.5 and load[:, :4].max() < 0.125
    econ = evaluate_economics(site_with(baseline={"kind": "diesel"}), design, sim, load, p2p=True)
    assert_allclose(econ.baseline.genset_kw, 0.5)
    at_min_load = 365 * 5 * (0.5 * 0.08145 + 0.246 * 0.125)
    assert_allclose(econ.baseline.fuel_l[:4], at_min_load, rtol=1e-9)
    assert np.all(econ.baseline.fuel_l[4:] > at_min_load)
