"""Cash flows worked out by hand: replacements, salvage, zero discount rate, shared genset split."""
from dataclasses import replace

import numpy as np
import pytest
from numpy.testing import assert_allclose

from p2p_size.economics.cashflow import (
    CATEGORIES,
    COMPONENTS,
    CostInputs,
    Operation,
    battery_life_years,
    build_cash_flows,
    cash_flows_for,
    genset_life_years,
)
from p2p_size.economics.finance import crf
from p2p_size.sizing.design import Design
from p2p_size.sizing.dispatch import simulate
from tests.conftest import village_inputs

ZERO = CostInputs(
    pv_capex_per_kwp=0.0, pv_om_per_kwp_year=0.0, pv_lifetime_years=20.0,
    battery_capex_per_kwh=0.0, battery_om_per_kwh_year=0.0, battery_lifetime_years=8.0, battery_cycle_life=4000.0,
    controller_capex_per_home=0.0, controller_lifetime_years=10.0,
    diesel_capex_per_kw=0.0, diesel_om_per_kw_running_hour=0.0, diesel_lifetime_hours=20000.0, fuel_price_per_litre=0.0,
    link_capex_per_home=0.0, link_lifetime_years=20.0,
    distribution_capex_per_home=0.0, distribution_lifetime_years=25.0,
    transport_per_home=0.0, installation_per_home=0.0, transport_fraction_of_equipment=0.0,
    discount_rate=0.10, project_years=20,
)


def operation(n=1, served=365.0, cycles=0.0, hours=0.0, fuel=0.0, shared_hours=0.0, shared_fuel=0.0, share=None):
    return Operation(
        served_kwh=np.full(n, served), battery_cycles=np.full(n, cycles),
        diesel_running_hours=np.full(n, hours), fuel_l=np.full(n, fuel),
        shared_running_hours=shared_hours, shared_fuel_l=shared_fuel,
        shared_share=np.full(n, 1.0 / n) if share is None else np.asarray(share, dtype=float),
    )


def one_home(costs, pv=0.0, bat=0.0, gen=0.0, shared=0.0, op=None, p2p=False, new_pv=None, new_bat=None):
    one = np.ones(1)
    return build_cash_flows(
        costs, pv_kwp=pv * one, new_pv_kwp=(pv if new_pv is None else new_pv) * one,
        battery_kwh=bat * one, new_battery_kwh=(bat if new_bat is None else new_bat) * one,
        diesel_kw=gen * one, shared_diesel_kw=shared, operation=op or operation(), p2p=p2p)


def test_battery_replaced_twice_with_salvage():
    # 2 kWh at 100/kWh, 8-year calendar life, no cycling, 5/kWh-year O&M, 20 years at 10 %.
    costs = replace(ZERO, battery_capex_per_kwh=100.0, battery_om_per_kwh_year=5.0)
    cf = one_home(costs, bat=2.0)
    c, k = COMPONENTS.index("battery"), CATEGORIES
    bat = cf.flows[c, :, 0]
    # capital 200 at year 0; replacements of 200 at years 8 and 16
    assert bat[k.index("capital"), 0] == 200.0
    assert_allclose(bat[k.index("replacement")][[8, 16]], [200.0, 200.0], atol=0)
    assert bat[k.index("replacement")].sum() == 400.0
    # salvage at 20: the year-16 unit has 4 of 8 years left -> -200 * 4/8 = -100
    assert_allclose(bat[k.index("salvage"), 20], -100.0, atol=1e-12)
    # O&M 2 kWh * 5 = 10 every year 1..20
    assert_allclose(bat[k.index("om"), 1:], 10.0, atol=0)
    # NPC = 200 + 200/1.1^8 + 200/1.1^16 - 100/1.1^20 + 10 * PWF(10 %, 20)
    #     = 200 + 200/2.14358881 + 200/4.59497299 - 100/6.72749995 + 10 * 8.51356372
    #     = 200 + 93.30148 + 43.52584 - 14.86436 + 85.13564 = 407.09860
    assert_allclose(cf.npc, 407.09860, rtol=1e-6)
    assert_allclose(cf.capex, 200.0, rtol=1e-12)


def test_cycle_life_shortens_battery_life():
    # 4000 cycles at 800 cycles/year -> 5 years (< 8-year calendar life)
    assert_allclose(battery_life_years(8.0, 4000.0, np.array([800.0, 100.0, 0.0])), [5.0, 8.0, 8.0], rtol=1e-12)
    costs = replace(ZERO, battery_capex_per_kwh=100.0)
    cf = one_home(costs, bat=1.0, op=operation(cycles=800.0))
    rep = cf.flows[COMPONENTS.index("battery"), CATEGORIES.index("replacement"), 0]
    assert list(np.nonzero(rep)[0]) == [5, 10, 15]          # 20 is the end: no purchase, no salvage
    assert_allclose(cf.flows[..., 20][:, CATEGORIES.index("salvage")].sum(), 0.0, atol=1e-12)


def test_zero_discount_rate_by_hand():
    # 1 kWp PV at 650 (O&M 10/yr, 20 y), a controller at 60 (10 y), logistics 25 + 30 + 5 % of equipment.
    costs = replace(ZERO, discount_rate=0.0, pv_capex_per_kwp=650.0, pv_om_per_kwp_year=10.0,
                    controller_capex_per_home=60.0, transport_per_home=25.0, installation_per_home=30.0,
                    transport_fraction_of_equipment=0.05)
    cf = one_home(costs, pv=1.0)
    # year 0: 650 + 60 + 25 + 30 + 0.05 * (650 + 60) = 800.5
    assert_allclose(cf.village[0], 800.5, rtol=1e-12)
    # year 10: controller replaced 60 + 5 % transport 3 + PV O&M 10 = 73
    assert_allclose(cf.village[10], 73.0, rtol=1e-12)
    # NPC at 0 %: 800.5 + 20 * 10 + 63 = 1063.5 (PV and controller lives end with the project: no salvage)
    assert_allclose(cf.npc, 1063.5, rtol=1e-12)
    # CRF(0, 20) = 1/20 -> 53.175 per year; 365 kWh served -> 0.14568493 per kWh
    assert_allclose(cf.annualised_cost, 53.175, rtol=1e-12)
    assert_allclose(cf.lcoe_per_kwh, 53.175 / 365.0, rtol=1e-12)


def test_annualised_cost_and_lcoe_identities():
    costs = replace(ZERO, battery_capex_per_kwh=280.0, pv_capex_per_kwp=650.0, pv_om_per_kwp_year=10.0)
    cf = one_home(costs, pv=0.3, bat=1.0, op=operation(served=200.0, cycles=250.0))
    # battery life min(8 y calendar, 4000/250 = 16 y cycling) = 8 y: replaced at 8 and 16,
    # salvage 280 * 4/8 = 140 at 20. PV 0.3 * 650 = 195, lasts the project, O&M 0.3 * 10 = 3/yr.
    # NPC = 195 + 280 + 280/1.1^8 + 280/1.1^16 - 140/1.1^20 + 3 * PWF(10 %, 20)
    #     = 475 + 280/2.14358881 + 280/4.59497299 - 140/6.72749995 + 3 * 8.51356372
    #     = 475 + 130.62207 + 60.93616 - 20.81011 + 25.54069 = 671.28881
    assert_allclose(cf.npc, 671.28881, rtol=1e-7)
    # CRF(10 %, 20) = 0.1 * 6.72749995 / 5.72749995 = 0.11745962 -> 78.84933 per year
    assert_allclose(cf.annualised_cost, 671.28881 * 0.11745962477254576, rtol=1e-7)   # 78.84933
    assert_allclose(cf.annualised_cost, cf.npc * crf(0.10, 20), rtol=1e-12)             # the identity
    # 200 kWh served a year -> 78.84933 / 200 = 0.39424666 per kWh
    assert_allclose(cf.lcoe_per_kwh, 78.84933 / 200.0, rtol=1e-6)
    assert_allclose(cf.lcoe_per_kwh, cf.annualised_cost / 200.0, rtol=1e-12)


def test_existing_equipment_not_bought_but_replaced():
    # 1 kWh battery already in place (new part 0): no capital; replaced at 8 and 16 at full price;
    # salvage of the year-16 unit (a replacement) = 100 * 4/8
    costs = replace(ZERO, battery_capex_per_kwh=100.0)
    cf = one_home(costs, bat=1.0, new_bat=0.0)
    bat = cf.flows[COMPONENTS.index("battery"), :, 0]
    assert bat[CATEGORIES.index("capital")].sum() == 0.0
    assert bat[CATEGORIES.index("replacement")].sum() == 200.0
    assert_allclose(bat[CATEGORIES.index("salvage"), 20], -50.0, atol=1e-12)
    # existing 25-year PV (longer than the project): no salvage on what was not bought
    cf = one_home(replace(ZERO, pv_capex_per_kwp=650.0, pv_lifetime_years=25.0), pv=1.0, new_pv=0.0)
    assert cf.npc == 0.0


def test_genset_costs_and_life_in_hours():
    # 2 kW genset, 2000 h/year -> 10-year life of 20000 h; O&M 0.05/h/kW; 1500 L at 1.1
    assert_allclose(genset_life_years(20000.0, np.array([2000.0, 0.0])), [10.0, np.inf])
    costs = replace(ZERO, diesel_capex_per_kw=500.0, diesel_om_per_kw_running_hour=0.05, fuel_price_per_litre=1.1,
                    discount_rate=0.0)
    cf = one_home(costs, gen=2.0, op=operation(hours=2000.0, fuel=1500.0))
    d = cf.flows[COMPONENTS.index("diesel"), :, 0]
    assert_allclose(d[CATEGORIES.index("om"), 1], 0.05 * 2 * 2000, rtol=1e-12)   # 200
    assert_allclose(d[CATEGORIES.index("fuel"), 1], 1.1 * 1500, rtol=1e-12)      # 1650
    assert list(np.nonzero(d[CATEGORIES.index("replacement")])[0]) == [10]
    # 0 %: 1000 + 1000 + 20 * (200 + 1650) = 39000
    assert_allclose(cf.npc, 39000.0, rtol=1e-12)


def test_p2p_link_only_when_linked():
    costs = replace(ZERO, link_capex_per_home=45.0, link_lifetime_years=20.0)
    assert one_home(costs, p2p=False).capex == 0.0
    assert one_home(costs, p2p=True).capex == 45.0


@pytest.fixture(scope="module")
def shared_village():
    """4 homes, 3 days, a shared genset that must run in the evenings."""
    T, N = 72, 4
    t = np.arange(T)
    pv = np.clip(np.sin((t % 24 - 6) / 12 * np.pi), 0, None)
    load = np.full((T, N), 0.03)
    load[(t % 24 >= 18) & (t % 24 < 23)] = [0.05, 0.10, 0.15, 0.20]
    design = Design(np.full(N, 0.1), np.full(N, 0.2), np.zeros(N), 0.5, np.zeros(N), np.zeros(N), "fixed")
    sim = simulate(village_inputs(pv_kw_per_kwp=pv, load_kw=load, pv_kwp=design.pv_kwp,
                                  battery_kwh=design.battery_kwh, shared_diesel_kw=0.5,
                                  diesel_placement="shared"))
    return design, sim


def test_per_home_cash_flows_sum_to_village(shared_village):
    design, sim = shared_village
    assert sim.shared_fuel_l > 0 and sim.shared_diesel_received_kwh.std() > 0
    costs = replace(ZERO, pv_capex_per_kwp=650.0, battery_capex_per_kwh=280.0, diesel_capex_per_kw=500.0,
                    diesel_om_per_kw_running_hour=0.05, fuel_price_per_litre=1.1, controller_capex_per_home=60.0,
                    link_capex_per_home=45.0, transport_per_home=25.0, transport_fraction_of_equipment=0.05)
    cf = cash_flows_for(costs, design, sim, p2p=True)
    assert_allclose(cf.per_home.sum(axis=0), cf.village, rtol=1e-12)
    assert_allclose(cf.npc_per_home.sum(), cf.npc, rtol=1e-12)
    assert_allclose(sum(cf.by_category.values()), cf.village, rtol=1e-12)
    assert_allclose(sum(cf.by_component.values()), cf.village, rtol=1e-12)
    assert_allclose(cf.frame()["cost"].sum(), cf.village.sum(), rtol=1e-12)
    # the shared genset's capital and fuel are split by the shared energy each home received
    d, cap, fuel = COMPONENTS.index("diesel"), CATEGORIES.index("capital"), CATEGORIES.index("fuel")
    share = sim.shared_diesel_received_kwh / sim.shared_diesel_received_kwh.sum()
    assert_allclose(cf.flows[d, cap, :, 0], 500.0 * 0.5 * share, rtol=1e-12)
    scale = 8760 / 72
    assert_allclose(cf.flows[d, fuel, :, 1].sum(), 1.1 * sim.shared_fuel_l * scale, rtol=1e-12)
    assert_allclose(cf.flows[d, fuel, :, 1], 1.1 * sim.shared_fuel_l * scale * share, rtol=1e-12)
