"""Alternatives: four full designs, each with the summary fields of an alternative."""
from __future__ import annotations

from p2p_size.sizing.search.alternatives import alternatives
from p2p_size.sizing.resource.loads import build_loads
from p2p_size.sizing.search.lp_bound import npc_lower_bound, unit_costs
from p2p_size.sizing.site import load_site
from p2p_size.sizing.resource.solar import solar_resource
from p2p_size.study.summary import alternative_section

from .conftest import SAMPLES

KEYS = {"capex", "npc", "lcoe_per_kwh", "unmet_fraction", "pv_kwp_total", "battery_kwh_total", "diesel_kw_total"}


def test_south_asia_alternatives_side_by_side():
    site = load_site(SAMPLES / "south_asia_shs" / "site.yaml")
    solar, loads = solar_resource(site, seed=0), build_loads(site, seed=0)
    bound = npc_lower_bound(site, solar, loads)
    alts = alternatives(site, solar, loads, 0, bound=bound)
    assert set(alts) == {"standalone", "p2p", "minigrid", "rule_of_thumb"}
    # the run's bound counts a P2P link per home; unlinked designs are bounded without them
    unlinked = bound.npc - (unit_costs(site, loads.n_homes, p2p=True).fixed - unit_costs(site, loads.n_homes, p2p=False).fixed)
    for name, entry in alts.items():
        assert KEYS <= set(alternative_section(entry).model_dump())
        assert entry.npc >= (bound.npc if name in ("p2p", "rule_of_thumb") else unlinked)
    target = site.sizing.max_unmet_fraction
    assert alts["p2p"].max_home_unmet_fraction <= target + 1e-12
    # the gap to the lower bound: ">= 0" alone restated the assert above; the measured gap
    # (docs/sizing.md, "Measured": south_asia NPC 23,742 vs LP bound 21,914 -> 8.3 %) must
    # not widen past 10 % (cf. tests/test_optimize.py's gap tests)
    gap = alts["p2p"].npc / bound.npc - 1.0
    assert 0.0 <= gap <= 0.10, gap
