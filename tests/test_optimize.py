"""Sizing optimiser: feasibility on the samples, price trades, infeasible targets."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from p2p_size.economics.cashflow import CostInputs, cash_flows_for
from p2p_size.sizing.design import rule_of_thumb_design
from p2p_size.sizing.errors import InfeasibleError
from p2p_size.sizing.loads import build_loads
from p2p_size.sizing.optimize import optimize_design
from p2p_size.sizing.simulate import simulate_site
from p2p_size.sizing.site import load_site
from p2p_size.sizing.solar import solar_resource

from .conftest import SAMPLES, SMALL_SITE, write_site


def _village(path):
    site = load_site(path)
    return site, solar_resource(site, seed=0), build_loads(site, seed=0)


def test_south_asia_every_home_meets_target_and_beats_rule_of_thumb():
    site, solar, loads = _village(SAMPLES / "south_asia_shs" / "site.yaml")
    design = optimize_design(site, solar, loads, p2p=True, max_evaluations=250)
    sim = simulate_site(site, design, solar, loads, p2p=True)
    assert design.method == "optimize"
    assert np.all(sim.unmet_fraction <= site.sizing.max_unmet_fraction + 1e-12)
    costs = CostInputs.from_site(site)
    rot = rule_of_thumb_design(site, solar, loads)
    rot_sim = simulate_site(site, rot, solar, loads, p2p=True)
    assert cash_flows_for(costs, design, sim, p2p=True).npc <= cash_flows_for(costs, rot, rot_sim, p2p=True).npc
    assert any("whole-village simulations" in n for n in design.notes)


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


def test_cheap_fuel_buys_diesel_cheap_batteries_buy_storage(tmp_path):
    base = _sized(*_small(tmp_path, "base", diesel={"placement": "shared", "fuel_price_per_litre": 1.5}))
    cheap_fuel = _sized(*_small(tmp_path, "fuel", diesel={"placement": "shared", "fuel_price_per_litre": 0.2}))
    cheap_bat = _sized(*_small(tmp_path, "bat", diesel={"placement": "shared", "fuel_price_per_litre": 1.5},
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
