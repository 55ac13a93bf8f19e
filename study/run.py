"""One village, end to end: site -> resource & loads -> design -> simulated year -> economics -> summary.

:func:`evaluate` runs the study of one validated site and returns a :class:`StudyResult`:
the in-memory objects the report draws from (the hourly series, the settlement, the
cash flows) and the typed :class:`~.summary.StudySummary` that ``summary.json`` and
``homes.csv`` serialise. Pure computation: no CLI, no templates, no file I/O (writing is
:mod:`.outputs`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Optional

import pandas as pd

from ..economics.baseline import BaselineCosts
from ..economics.cashflow import CostInputs
from ..economics.evaluate import EconomicsResult, baseline_cost_per_kwh, baseline_for, evaluate_economics, today_genset_use
from ..economics.sensitivity import sensitivity
from ..sizing.design import Design
from ..sizing.dispatch import SimulationResult, simulate_site
from ..sizing.errors import P2PSizeError, Problem
from ..sizing.market import Settlement, settle_site
from ..sizing.resource import Loads, SolarResult, build_loads, solar_resource
from ..sizing.search.alternatives import AlternativeResult, alternatives
from ..sizing.search.designs import fixed_design, rule_of_thumb_design, without_links
from ..sizing.search.lp_bound import LPBound, npc_lower_bound
from ..sizing.search.optimize import StandaloneOptimum, optimize_design, standalone_optimum
from ..sizing.site.schema import Site
from .summary import StudySummary, build_summary


@dataclass(frozen=True)
class OtherDraws:
    """The chosen design in other random draws of the outages (see :func:`other_failure_draws`).

    draws : int — how many other draws
    homes_over_target_most : int — the most homes over the target in any of them
    worst_home_unmet_fraction : float — the worst home's unmet fraction in any of them [-]
    """

    draws: int
    homes_over_target_most: int
    worst_home_unmet_fraction: float


@dataclass(frozen=True)
class StudyResult:
    """Everything one study produced; the reports and writers read it.

    ``summary`` is the typed result (``summary.json``); the rest are the objects it was
    built from, which the report also draws (hourly series, settlement, cash flows).
    ``solo`` is the design without links in the same outages and ``other_draws`` the
    design in other draws of them (both only with ``failures``).
    """

    site: Site
    seed: int
    p2p: bool
    solar: SolarResult
    loads: Loads
    bound: LPBound
    design: Design
    sim: SimulationResult
    settlement: Optional[Settlement]
    econ: EconomicsResult
    baseline: BaselineCosts
    alternatives: dict[str, AlternativeResult]
    sensitivity: pd.DataFrame
    solo: Optional[SimulationResult]
    other_draws: Optional[OtherDraws]
    summary: StudySummary


def choose_design(site: Site, solar: SolarResult, loads: Loads, *, p2p: bool = True, seed: int = 0,
                  bound: Optional[LPBound] = None, standalone: Optional[StandaloneOptimum] = None) -> Design:
    """The design for ``sizing.method``: optimised per home (sharing in the loop when
    ``p2p``, seeded with the ``standalone`` optimum), the rule of thumb, or fixed sizes."""
    method = site.sizing.method
    if method == "fixed":
        design = fixed_design(site, loads)
    elif method == "rule_of_thumb":
        design = rule_of_thumb_design(site, solar, loads)
    else:
        return optimize_design(site, solar, loads, p2p=p2p, seed=seed, start=bound, standalone=standalone)
    return design if p2p else without_links(design, loads)


#: Bytes per home-hour a run holds at its peak: the hourly record of the dispatch
#: (~125 B), the loads and PV profiles, the settlement and report series (measured
#: ~0.8 GB peak for 200 homes, of which ~0.35 GB is the interpreter and libraries).
BYTES_PER_HOME_HOUR = 260
BASE_MEMORY_GB = 0.5


def check_memory(site: Site, n_hours: int = 8760) -> float:
    """Estimated peak memory of a run [GB]; refuse early above ``P2P_SIZE_MAX_MEMORY_GB``.

    The limit defaults to 4 GB; set the environment variable to raise it (the machine
    must have that memory free).
    """
    import os

    limit = float(os.environ.get("P2P_SIZE_MAX_MEMORY_GB", "4"))
    need = BASE_MEMORY_GB + site.n_homes * n_hours * BYTES_PER_HOME_HOUR / 1e9
    if need > limit:
        raise P2PSizeError(Problem(
            str(site.source_file or ""), "households",
            f"{site.n_homes:,} homes need about {need:.1f} GB for a year of hourly results per home, "
            f"above the {limit:g} GB limit",
            "split the village into several site files (each run per feeder or hamlet), or raise the limit "
            "with the environment variable P2P_SIZE_MAX_MEMORY_GB (e.g. P2P_SIZE_MAX_MEMORY_GB=8) on a machine "
            "that has the memory"))
    return need


def evaluate(site: Site, *, seed: int = 0, p2p: bool = True,
             on_step: Optional[Callable[[str], None]] = None) -> StudyResult:
    """Run one village: resource, loads, design, the simulated year, its economics and summary."""
    step = on_step or (lambda name: None)
    check_memory(site)
    solar = solar_resource(site, seed=seed)
    step("household loads")
    loads = build_loads(site, seed=seed)
    step("sizing")
    p2p_on = p2p and site.p2p.enabled
    bound = npc_lower_bound(site, solar, loads, p2p=p2p_on)
    standalone = standalone_optimum(site, solar, loads, seed=seed, start=bound)  # searched once: seed and alternative
    design = choose_design(site, solar, loads, p2p=p2p_on, seed=seed, bound=bound, standalone=standalone)
    step("simulation")
    sim = simulate_site(site, design, solar, loads, p2p=p2p_on, seed=seed, record_hourly=True)
    step("economics")
    genset_use = today_genset_use(site, loads.load_kw)
    baseline = baseline_for(site, CostInputs.from_site(site), loads.load_kw, genset_use)
    today_per_kwh = baseline_cost_per_kwh(baseline, loads.load_kw)
    settlement = settle_site(site, design, sim, loads.group_of_home, today_per_kwh) if p2p_on else None
    p2p_net = settlement.p2p_net if settlement is not None else None
    econ = evaluate_economics(site, design, sim, loads, p2p=p2p_on, p2p_income=p2p_net, genset_use=genset_use)
    others = alternatives(site, solar, loads, seed, design=design if p2p_on else None, bound=bound,
                          standalone=standalone)

    def resimulate(load_scale: float):
        """The same design with every home's load scaled (load-growth sensitivity)."""
        scaled = replace(loads, load_kw=loads.load_kw * load_scale)
        s = simulate_site(site, design, solar, scaled, p2p=p2p_on, seed=seed, record_hourly=True)
        st = settle_site(site, design, s, loads.group_of_home, baseline_cost_per_kwh(baseline, scaled.load_kw)) if p2p_on else None
        return s, scaled, (st.p2p_net if st is not None else None)

    tornado = sensitivity(site, design, sim, loads, p2p_on, p2p_net, resimulate=resimulate, genset_use=genset_use)
    solo = draws = None
    if site.failures is not None:
        solo = simulate_site(site, without_links(design, loads), solar, loads, p2p=False, seed=seed) if p2p_on else sim
        draws = other_failure_draws(site, design, solar, loads, p2p_on, seed)
    summary = build_summary(site=site, seed=seed, p2p=p2p_on, solar=solar, loads=loads, design=design, sim=sim,
                            econ=econ, settlement=settlement, bound=bound, alternatives=others, baseline=baseline,
                            baseline_cost_per_kwh=today_per_kwh, sensitivity=tornado, solo=solo, other_draws=draws)
    return StudyResult(site, seed, p2p_on, solar, loads, bound, design, sim, settlement, econ, baseline, others,
                       tornado, solo, draws, summary)


#: How many other draws of the outages the chosen design is simulated in (see other_failure_draws).
OTHER_FAILURE_DRAWS = 3


def other_failure_draws(site: Site, design: Design, solar: SolarResult, loads: Loads, p2p_on: bool,
                        seed: int) -> OtherDraws:
    """The chosen design in :data:`OTHER_FAILURE_DRAWS` other random draws of the outages.

    The run's outages are one seeded draw, and sizing meets every home's target in that
    draw — knowing which homes it breaks (the optimiser may give those homes a genset and
    the others none). Drawn again at the same rate and duration (seeds ``seed + 1``, ...),
    other homes fail: these figures say how many then exceed the target, so the report
    does not claim more than one draw shows.
    """
    target = site.sizing.max_unmet_fraction
    over, worst = [], []
    for k in range(1, OTHER_FAILURE_DRAWS + 1):
        other = simulate_site(site, design, solar, loads, p2p=p2p_on, seed=seed + k)
        over.append(int((other.unmet_fraction > target + 1e-9).sum()))
        worst.append(float(other.unmet_fraction.max()))
    return OtherDraws(OTHER_FAILURE_DRAWS, max(over), max(worst))


__all__ = ["OTHER_FAILURE_DRAWS", "OtherDraws", "StudyResult", "check_memory", "choose_design", "evaluate",
           "other_failure_draws"]
