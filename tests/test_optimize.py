"""Sizing optimiser: feasibility on the samples, price trades, infeasible targets."""
from __future__ import annotations

import copy
import functools
from dataclasses import replace

import numpy as np
import pytest

from p2p_size.economics.cashflow import CostInputs, cash_flows_for
from p2p_size.sizing.search.designs import rule_of_thumb_design
from p2p_size.sizing.errors import InfeasibleError
from p2p_size.sizing.resource.loads import build_loads
from p2p_size.sizing.search.lp_bound import npc_lower_bound
from p2p_size.sizing.search.optimize import auto_evaluations, optimize_design, standalone_optimum
from p2p_size.sizing.dispatch import simulate_site
from p2p_size.sizing.site import load_site
from p2p_size.sizing.resource.solar import solar_resource

from .conftest import SAMPLES, SMALL_SITE, write_site


def _village(path):
    site = load_site(path)
    return site, solar_resource(site, seed=0), build_loads(site, seed=0)


# the fastest sample villages (the others: benchmarks/sizing.py); per village, what the
# search reached on this machine — asserted where reached, xfail with the reason elsewhere
CAPEX_NOT_REACHED = {
    "south_asia_shs": "standalone meets the target and the links (40/home) cost more than sharing saves: "
                      "the PV energy is the binding resource and every home has the same PV profile",
}


@pytest.mark.slow
# mountain_village: standalone misses the target in outages (docs/sizing.md, "Measured":
# SA worst 0.133), so the `else` branch below runs; on the other three it meets it
@pytest.mark.parametrize("name", ["pvlib_tmy_example", "small_island", "south_asia_shs", "mountain_village"])
def test_sample_village_every_home_meets_target_and_sharing_vs_standalone(name):
    site, solar, loads = _village(SAMPLES / name / "site.yaml")
    bound = npc_lower_bound(site, solar, loads, p2p=True)
    design = optimize_design(site, solar, loads, p2p=True, start=bound)
    sim = simulate_site(site, design, solar, loads, p2p=True)
    target = site.sizing.max_unmet_fraction
    assert design.method == "optimize"
    assert np.all(sim.unmet_fraction <= target + 1e-12)
    smallest = site.equipment.diesel.smallest_rating_kw     # no toy gensets: none, or one on sale
    assert np.all((design.diesel_kw == 0) | (design.diesel_kw >= smallest))
    assert design.shared_diesel_kw == 0 or design.shared_diesel_kw >= smallest
    costs = CostInputs.from_site(site)
    cf = cash_flows_for(costs, design, sim, p2p=True)
    assert cf.npc >= bound.npc
    rot = rule_of_thumb_design(site, solar, loads)
    rot_sim = simulate_site(site, rot, solar, loads, p2p=True)
    assert cf.npc <= cash_flows_for(costs, rot, rot_sim, p2p=True).npc
    assert any("whole-village simulations" in n for n in design.notes)
    sa = standalone_optimum(site, solar, loads, seed=0, start=bound).design      # the P2P search's seed
    sa_sim = simulate_site(site, sa, solar, loads, p2p=False)
    assert np.all((sa.diesel_kw == 0) | (sa.diesel_kw >= smallest))
    if np.max(sa_sim.unmet_fraction) <= target + 1e-12:
        if name in CAPEX_NOT_REACHED:
            pytest.xfail(CAPEX_NOT_REACHED[name])
        assert cf.capex <= cash_flows_for(costs, sa, sa_sim, p2p=False).capex
    else:
        # standalone's worst home misses it: the best-effort search must say so, in the
        # words the report shows
        assert any("cannot meet max_unmet_fraction" in n for n in sa.notes), sa.notes


@functools.cache
def _gap(name):
    site, solar, loads = _village(SAMPLES / name / "site.yaml")
    bound = npc_lower_bound(site, solar, loads, p2p=True)
    design = optimize_design(site, solar, loads, p2p=True, start=bound)
    sim = simulate_site(site, design, solar, loads, p2p=True)
    return cash_flows_for(CostInputs.from_site(site), design, sim, p2p=True).npc / bound.npc - 1.0


@pytest.mark.slow
def test_gap_to_lp_bound_within_5_percent_on_the_solar_only_field_study_village():
    # 200 homes, no diesel: the run's own design is within 5 % of the perfect-foresight bound
    assert 0.0 <= _gap("mountain_village") <= 0.05


@pytest.mark.slow
def test_gap_to_lp_bound_with_a_genset_does_not_grow():
    # sahel, shared genset: 14.2 % measured on this model; a change that widens it fails here
    assert 0.0 <= _gap("sahel_village") <= 0.15


@pytest.mark.xfail(reason="sahel 14 %: the kernel shares a shortage pro rata, so when its worst home reaches 2 % "
                          "unmet the village is at ~1.4 % while the LP spends all 2 % where cheapest (~40 % of the gap "
                          "with the frictions off), then the battery reserve and link loss; unit commitment and "
                          "per-group LPs did not move the bound (docs/sizing.md, Targets not reached)", strict=True)
@pytest.mark.slow
def test_gap_to_lp_bound_within_5_percent_with_a_genset():
    assert _gap("sahel_village") <= 0.05


def _small(tmp_path, name, **equipment):
    data = copy.deepcopy(SMALL_SITE)
    data["equipment"] = {"diesel": {"placement": "shared"}, **equipment}
    data["sizing"] = {"method": "optimize", "max_unmet_fraction": 0.02}
    folder = tmp_path / name
    folder.mkdir()
    return _village(write_site(folder, data))


def _sized(site, solar, loads):
    d = optimize_design(site, solar, loads, p2p=True, max_evaluations=200)
    sim = simulate_site(site, d, solar, loads, p2p=True)
    assert np.all(sim.unmet_fraction <= site.sizing.max_unmet_fraction + 1e-12)
    return d, sim


@pytest.mark.slow
def test_cheap_fuel_buys_diesel_cheap_batteries_buy_storage(tmp_path):
    base = _sized(*_small(tmp_path, "base", diesel={"placement": "shared", "fuel_price_per_litre": 0.6}))
    cheap_fuel = _sized(*_small(tmp_path, "fuel", diesel={"placement": "shared", "fuel_price_per_litre": 0.2}))
    cheap_bat = _sized(*_small(tmp_path, "bat", diesel={"placement": "shared", "fuel_price_per_litre": 0.6},
                               battery={"capex_per_kwh": 60}))
    diesel_kwh = lambda s: s.shared_diesel_kwh + s.diesel_kwh.sum()
    assert diesel_kwh(cheap_fuel[1]) > diesel_kwh(base[1])                 # cheap fuel -> more diesel energy
    assert cheap_fuel[0].pv_kwp.sum() < base[0].pv_kwp.sum()                # ... and less PV
    assert cheap_bat[0].battery_kwh.sum() > base[0].battery_kwh.sum()       # cheap batteries -> more storage
    assert diesel_kwh(cheap_bat[1]) < diesel_kwh(base[1])                   # ... and less diesel


def test_unreachable_target_without_diesel_says_so_in_plain_words(tmp_path):
    data = copy.deepcopy(SMALL_SITE)
    data["equipment"] = {"diesel": {"placement": "none"}}
    data["sizing"] = {"method": "optimize", "max_unmet_fraction": 0.0}
    data["failures"] = {"rate_per_home_year": 3.0, "mean_duration_days": 20}
    site, solar, loads = _village(write_site(tmp_path, data))
    with pytest.raises(InfeasibleError) as err:
        optimize_design(site, solar, loads, p2p=False, max_evaluations=50)
    text = str(err.value)
    assert "sizing.max_unmet_fraction" in text
    assert "cannot be met" in text and "allow diesel (equipment.diesel.placement: shared" in text
    assert "raise sizing.max_unmet_fraction to at least" in text


@pytest.mark.slow
def test_standalone_search_reaches_each_homes_own_optimum_on_a_grid(tmp_path):
    # Without sharing the homes do not interact, so the standalone optimum is every home's
    # own optimum. Brute force: a 40 × 40 grid of PV and battery sizes (steps of 2^(1/6)),
    # every home simulated at every point, each home's cheapest point meeting its target.
    # The search must reach the grid's optimum within 1 % (it may beat the grid between
    # its points).
    data = copy.deepcopy(SMALL_SITE)
    data["households"][0]["count"] = 15
    data["households"][1]["count"] = 5
    data["households"][1]["load_variability"] = 0.2
    data["equipment"] = {"diesel": {"placement": "none"}}
    data["sizing"] = {"method": "optimize", "max_unmet_fraction": 0.02}
    site, solar, loads = _village(write_site(tmp_path, data))
    n = loads.n_homes
    costs = CostInputs.from_site(site)
    rot = rule_of_thumb_design(site, solar, loads)
    factors = 2.0 ** (np.arange(40) / 6.0 - 3.0)          # 1/8 to ~83 × the rule of thumb
    best = np.full(n, np.inf)
    for fp in factors:
        for fb in factors:
            d = replace(rot, pv_kwp=rot.pv_kwp * fp, battery_kwh=rot.battery_kwh * fb)
            sim = simulate_site(site, d, solar, loads, p2p=False)
            npc = cash_flows_for(costs, d, sim, p2p=False).npc_per_home
            ok = sim.unmet_fraction <= 0.02 + 1e-12
            best = np.where(ok, np.minimum(best, npc), best)
    assert np.all(np.isfinite(best))
    # the budget a run gives the standalone alternative
    design = standalone_optimum(site, solar, loads, max_evaluations=int(0.4 * auto_evaluations(n))).design
    sim = simulate_site(site, design, solar, loads, p2p=False)
    assert np.all(sim.unmet_fraction <= 0.02 + 1e-12)
    found = cash_flows_for(costs, design, sim, p2p=False).npc_per_home
    assert found.sum() <= best.sum() * 1.01, (found, best)
    assert np.all(found <= best * 1.03), (found, best)
