"""Sizing benchmark: for every sample village, optimiser wall time and gap to the LP bound.

Targets: NPC within 5 % of the LP lower bound (aim 2 %); P2P capex no more than
standalone's when standalone meets the target (standalone = the P2P search's own seed,
columns SA capex / SA NPC / SA worst). ``opt s`` includes the standalone seed search. Run: ``.venv/bin/python benchmarks/sizing.py``.
``--standalone-bound`` adds the standalone design's own bound (one LP per home, minutes
in all; see :func:`p2p_size.sizing.search.lp_bound.standalone_lower_bound`): how close the search
comes when the bound has the model's structure (per-home targets, no pooling).
The last line is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from p2p_size.economics.cashflow import CostInputs, cash_flows_for
from p2p_size.sizing.resource.loads import build_loads
from p2p_size.sizing.search.lp_bound import npc_lower_bound, standalone_lower_bound
from p2p_size.sizing.search.optimize import optimize_design, standalone_optimum
from p2p_size.sizing.dispatch import simulate_site
from p2p_size.sizing.site import load_site
from p2p_size.sizing.resource.solar import solar_resource

SAMPLES = Path(__file__).resolve().parents[1] / "sample_sites"


def main(standalone_bound: bool = False) -> dict:
    rows = {}
    print(f"{'village':20} {'homes':>5} {'LP s':>6} {'opt s':>6} {'sims':>5} {'NPC':>11} {'bound':>11} {'gap':>7} {'worst unmet':>11}"
          f" {'P2P capex':>10} {'SA capex':>10} {'SA NPC':>10} {'SA worst':>8}" + (f" {'SA bound':>10} {'SA gap':>7}" if standalone_bound else ""))
    for path in sorted(SAMPLES.glob("*/site.yaml")):
        site = load_site(path)
        solar, loads = solar_resource(site, seed=0), build_loads(site, seed=0)
        t = time.perf_counter()
        bound = npc_lower_bound(site, solar, loads, p2p=True)
        t_lp = time.perf_counter() - t
        t = time.perf_counter()
        design = optimize_design(site, solar, loads, p2p=True, start=bound)
        t_opt = time.perf_counter() - t
        sim = simulate_site(site, design, solar, loads, p2p=True)
        npc = cash_flows_for(CostInputs.from_site(site), design, sim, p2p=True).npc
        sims = int(design.notes[0].split(":")[1].split("whole-village")[0])
        costs = CostInputs.from_site(site)
        p2p_capex = cash_flows_for(costs, design, sim, p2p=True).capex
        sa = standalone_optimum(site, solar, loads, seed=0, start=bound).design      # the P2P search's seed (searched again)
        sa_sim = simulate_site(site, sa, solar, loads, p2p=False)
        sa_cf = cash_flows_for(costs, sa, sa_sim, p2p=False)
        gap = npc / bound.npc - 1.0
        name = path.parent.name
        rows[name] = {"homes": loads.n_homes, "lp_s": round(t_lp, 2), "optimize_s": round(t_opt, 2), "simulations": sims,
                      "npc": round(npc, 1), "npc_lower_bound": round(bound.npc, 1), "gap": round(gap, 4),
                      "max_home_unmet_fraction": round(float(np.max(sim.unmet_fraction)), 4),
                      "p2p_capex": round(p2p_capex, 1), "standalone_capex": round(sa_cf.capex, 1),
                      "standalone_npc": round(sa_cf.npc, 1),
                      "standalone_max_home_unmet_fraction": round(float(np.max(sa_sim.unmet_fraction)), 4)}
        extra = ""
        if standalone_bound:
            sa_bound = standalone_lower_bound(site, solar, loads)
            rows[name].update(standalone_npc_lower_bound=round(sa_bound, 1), standalone_gap=round(sa_cf.npc / sa_bound - 1.0, 4))
            extra = f" {sa_bound:10,.0f} {sa_cf.npc / sa_bound - 1.0:7.1%}"
        print(f"{name:20} {loads.n_homes:5d} {t_lp:6.2f} {t_opt:6.2f} {sims:5d} {npc:11,.0f} {bound.npc:11,.0f} "
              f"{gap:7.1%} {np.max(sim.unmet_fraction):11.4f} {p2p_capex:10,.0f} {sa_cf.capex:10,.0f} {sa_cf.npc:10,.0f} "
              f"{np.max(sa_sim.unmet_fraction):8.4f}" + extra, flush=True)
    result = {"benchmark": "sizing", "villages": rows, "max_gap": max(r["gap"] for r in rows.values())}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--standalone-bound", action="store_true",
                        help="also bound the standalone design by one LP per home (minutes)")
    main(parser.parse_args().standalone_bound)
