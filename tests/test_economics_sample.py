"""The LCOE of a bundled sample village, recomputed spreadsheet-style from its inputs.

The mountain village (no diesel, no existing systems): every cost line of every home is
re-added year by year in plain Python from the site's prices and the simulated year —
capital with logistics, replacements at the end of each life (battery life from its
simulated cycles), O&M, and linear salvage at the end — discounted, annualised with the
capital recovery factor, and divided by the served energy.
"""
import math
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from p2p_size.study.run import evaluate
from p2p_size.sizing.site import load_site

SITE = Path(__file__).resolve().parents[1] / "sample_sites" / "mountain_village" / "site.yaml"


@pytest.fixture(scope="module")
def run():
    return evaluate(load_site(SITE), seed=0)


def _replacements_in(year, life, years):
    """Units bought in ``year`` (1..years): one at each k*life < years, booked in ceil(k*life)."""
    k, count = 1, 0
    while k * life < years - 1e-9:
        count += math.ceil(k * life - 1e-9) == year
        k += 1
    return count


def _salvage(life, price, years):
    """HOMER linear salvage: remaining life of the last unit over its life, times its price."""
    if life == math.inf:
        return price
    r_rep = life * math.floor(years / life)
    remaining = life - (years - r_rep)
    return 0.0 if remaining >= life - 1e-9 else price * remaining / life


@pytest.mark.slow
def test_mountain_village_lcoe_matches_a_spreadsheet(run):
    site, design, sim = run.site, run.design, run.sim
    eq, ec = site.equipment, site.economics
    assert eq.diesel.placement == "none" and not design.existing_pv_kwp.any() and not design.existing_battery_kwh.any()
    i, years = ec.discount_rate, ec.project_years
    fraction = eq.logistics.transport_fraction_of_equipment
    npc = 0.0
    for n in range(len(design.pv_kwp)):
        cycles_per_year = sim.equivalent_full_cycles[n] * 8760 / sim.n_hours
        battery_life = min(eq.battery.lifetime_years,
                           eq.battery.cycle_life / cycles_per_year if cycles_per_year > 0 else math.inf)
        parts = [
            (eq.pv.capex_per_kwp * design.pv_kwp[n], eq.pv.lifetime_years),
            (eq.battery.capex_per_kwh * design.battery_kwh[n], battery_life),
            (eq.controller.capex_per_home, eq.controller.lifetime_years),
            (eq.p2p_link.capex_per_home, eq.p2p_link.lifetime_years),
        ]
        equipment = sum(price for price, _ in parts)
        npc += equipment * (1 + fraction) + eq.logistics.transport_per_home + eq.logistics.installation_per_home
        for y in range(1, years + 1):
            cost = eq.pv.om_per_kwp_year * design.pv_kwp[n] + eq.battery.om_per_kwh_year * design.battery_kwh[n]
            for price, life in parts:
                cost += (1 + fraction) * price * _replacements_in(y, life, years)
                if y == years:
                    cost -= _salvage(life, price, years)
            npc += cost / (1 + i) ** y
    crf = i * (1 + i) ** years / ((1 + i) ** years - 1)
    lcoe = npc * crf / (sim.served_kwh.sum() * 8760 / sim.n_hours)
    e = run.summary.economics
    assert_allclose(e.npc, npc, rtol=1e-9)
    assert_allclose(e.lcoe_per_kwh, lcoe, rtol=1e-6)
    assert 0.2 <= e.lcoe_per_kwh <= 1.0   # the published mini-grid range at these cost levels [USD/kWh]
