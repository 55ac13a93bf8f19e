"""Per-home sizing that minimises the village's net present cost with sharing in the loop.

``sizing.method: optimize``. Every candidate is a whole-village year simulated by the
dispatch kernel (fast path) and costed by :func:`~p2p_size.economics.cashflow.cash_flows_for`
— the same NPC the report shows — and it counts only if every home's unmet fraction is
≤ ``sizing.max_unmet_fraction``. The method (``docs/sizing.md``):

1. **Parameterisation.** Home i of household group g gets ``PV_i = mp_i·a_g·PV⁰_i`` and
   ``B_i = mb_i·b_g·B⁰_i`` where ``PV⁰, B⁰`` are its rule-of-thumb sizes (so the factors
   are "times the installer's rule"), ``mp_i, mb_i`` per-home PV and battery multipliers,
   and a genset rating ``c·peak`` (``c`` times the village's coincident peak load for a
   shared genset, times each home's own peak for per-home gensets). Factors a, b live on a
   log scale in [1/64, 20] (below 1/64 the size is zero, so "no battery" is reachable);
   c in [0, 2]. Existing systems are a floor.
2. **Feasible starts**, the cheapest kept: the LP's pooled sizes spread like the rule of
   thumb and grown until every home meets the target (if the target is still missed at
   the bounds it is infeasible: :class:`~p2p_size.sizing.errors.InfeasibleError` says how
   close the bounds get and what would make it feasible); the rule of thumb; and, for the
   P2P design, the standalone optimum (:func:`standalone_optimum`, same PV and batteries,
   homes linked, genset at its total rating or smaller). Only improvements are accepted
   afterwards, so the P2P NPC is never above "standalone + links" when that is feasible.
3. **Pattern search over the group factors** (a_g, b_g, c): each coordinate both ways,
   PV-for-battery trades, all groups together, storage/PV-for-diesel trades; the first
   feasible move that lowers the NPC is taken and repeated while it pays; the step
   halves when none pays.
4. **Per-home moves**: homes with slack shrink in proportion to it (batteries, PV, both);
   homes a move pushes over the target are put back slightly larger than they were (≤ 3
   repairs) — the move shifts size from homes with slack to the homes that set the
   constraint; kept if every home meets the target and the NPC falls. Then 3 and 4 again at finer steps.
5. **Standalone designs, home by home** (``p2p=False`` only): without sharing the homes do
   not interact, so the village optimum is every home's own optimum. Each home then runs
   its own pattern search over its PV, battery and genset (:func:`_home_by_home`), all
   homes in the same simulations: one simulation advances N searches.

Every candidate is a full-year simulation with the run's failures, so the result is
feasible by construction; no final repair is needed. Cost: one simulation plus one
cash-flow evaluation per candidate (≈ 2 ms + 0.11 ms per home), with a deterministic
default budget :func:`auto_evaluations` (~2 s, + 40 % for the standalone search and 20 % for
its home-by-home refinement);
``max_evaluations`` and ``time_budget_s`` override it.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from ...economics.cashflow import CostInputs, cash_flows_for
from ..design import Design, per_home
from ..dispatch import DispatchInputs, SimulationResult, dispatch_inputs, failures_for, simulate
from ..errors import InfeasibleError, Problem
from ..resource.loads import Loads
from ..resource.solar import SolarResult
from ..site.schema import Site
from .designs import rule_of_thumb_design
from .lp_bound import npc_lower_bound

__all__ = ["BOUNDS", "Candidate", "SizeBounds", "StandaloneOptimum", "auto_evaluations", "optimize_design",
           "standalone_optimum"]

_FLOOR_LOG2 = -6.0           # factor 2^-6 = 1/64 of the rule of thumb; below it the size is 0
_TOL = 1e-12                 # feasibility tolerance on the unmet fraction [-]


@dataclass(frozen=True)
class SizeBounds:
    """The sizes the optimiser may choose, relative to the rule-of-thumb design.

    pv_max_factor, battery_max_factor : PV and battery per home ≤ this × rule of thumb [-]
    diesel_max_factor : genset rating ≤ this × peak load (village peak for a shared genset,
        the home's peak for per-home gensets), but a genset is never below
        ``equipment.diesel.smallest_rating_kw`` (it is none or at least that) [-]
    """

    pv_max_factor: float = 20.0
    battery_max_factor: float = 20.0
    diesel_max_factor: float = 2.0

    def describe(self) -> str:
        return (f"PV <= {self.pv_max_factor:g}x and battery <= {self.battery_max_factor:g}x the rule-of-thumb "
                f"size of each home, genset <= {self.diesel_max_factor:g}x peak load (or the smallest on sale)")


BOUNDS = SizeBounds()


@dataclass
class Candidate:
    """One evaluated design: its sizes, simulated year and village NPC [currency]."""

    z: np.ndarray            # log2 PV factors per group, log2 battery factors per group, diesel factor c
    mp: np.ndarray           # per-home PV multipliers (N,)
    mb: np.ndarray           # per-home battery multipliers (N,)
    design: Design
    sim: SimulationResult
    npc: float
    worst_excess: float      # max_i(unmet_i − target) [-]; ≤ 0 means feasible
    npc_home: np.ndarray | None = None   # each home's share of the NPC (N,) [currency]
    mg: np.ndarray | None = None         # per-home genset multipliers (N,); None = all 1

    @property
    def feasible(self) -> bool:
        return self.worst_excess <= _TOL


class _Search:
    """The village, its base kernel inputs and the evaluation counter."""

    def __init__(self, site: Site, solar: SolarResult, loads: Loads, *, p2p: bool,
                 failed, bounds: SizeBounds, max_evaluations: int, time_budget_s):
        self.site, self.loads, self.p2p, self.bounds = site, loads, p2p, bounds
        self.costs = CostInputs.from_site(site)
        self.target = float(site.sizing.max_unmet_fraction)
        self.targets = np.full(loads.n_homes, self.target)   # per home; relaxed only in best-effort mode
        rot = rule_of_thumb_design(site, solar, loads)
        self.pv_ref = np.asarray(rot.pv_kwp, dtype=float)
        self.bat_ref = np.asarray(rot.battery_kwh, dtype=float)
        self.existing_pv = per_home(site, loads, "existing.pv_kwp")
        self.existing_bat = per_home(site, loads, "existing.battery_kwh")
        placement = site.equipment.diesel.placement
        if placement == "shared" and not p2p:
            placement = "per_home"      # a shared genset cannot reach unlinked homes
        self.placement = placement
        load = loads.load_kw
        self.home_peak = load.max(axis=0)
        self.village_peak = float(load.sum(axis=1).max())
        self.group = np.asarray(loads.group_of_home)
        self.n_groups = len(loads.group_names)
        zero = Design(self.pv_ref, self.bat_ref, np.zeros(loads.n_homes), 0.0, self.existing_pv,
                      self.existing_bat, "optimize", placement)
        self.base: DispatchInputs = dispatch_inputs(site, zero, solar, loads, p2p=p2p, failed=failed)
        self.evaluations = 0
        self.max_evaluations = int(max_evaluations)
        self.deadline = None if time_budget_s is None else time.perf_counter() + float(time_budget_s)
        self.cache: dict[bytes, Candidate] = {}

    # -- budget ---------------------------------------------------------------------
    def exhausted(self, cap: int | None = None) -> bool:
        if self.evaluations >= (self.max_evaluations if cap is None else min(cap, self.max_evaluations)):
            return True
        return self.deadline is not None and time.perf_counter() > self.deadline

    # -- sizes ----------------------------------------------------------------------
    @property
    def has_diesel(self) -> bool:
        return self.placement != "none"

    def clip(self, z: np.ndarray) -> np.ndarray:
        G = self.n_groups
        z = z.copy()
        z[:G] = np.clip(z[:G], _FLOOR_LOG2 - 1.0, math.log2(self.bounds.pv_max_factor))
        z[G:2 * G] = np.clip(z[G:2 * G], _FLOOR_LOG2 - 1.0, math.log2(self.bounds.battery_max_factor))
        z[2 * G] = np.clip(z[2 * G], 0.0, self.bounds.diesel_max_factor) if self.has_diesel else 0.0
        return z

    def design(self, z: np.ndarray, mp: np.ndarray, mb: np.ndarray, mg: np.ndarray | None = None) -> Design:
        G = self.n_groups
        fa = np.where(z[:G] < _FLOOR_LOG2, 0.0, np.exp2(z[:G]))[self.group]
        fb = np.where(z[G:2 * G] < _FLOOR_LOG2, 0.0, np.exp2(z[G:2 * G]))[self.group]
        pv = np.minimum(mp * fa, self.bounds.pv_max_factor) * self.pv_ref
        bat = np.minimum(mb * fb, self.bounds.battery_max_factor) * self.bat_ref
        pv = np.maximum(pv, self.existing_pv)
        bat = np.maximum(bat, self.existing_bat)
        c = float(z[2 * G])
        n = len(pv)
        diesel = c * self.home_peak * (1.0 if mg is None else mg) if self.placement == "per_home" else np.zeros(n)
        shared = c * self.village_peak if self.placement == "shared" else 0.0
        diesel, shared = self.site.equipment.diesel.on_sale(diesel), self.site.equipment.diesel.on_sale(shared)
        return Design(pv, bat, diesel, shared, self.existing_pv, self.existing_bat, "optimize", self.placement)

    def evaluate(self, z: np.ndarray, mp: np.ndarray, mb: np.ndarray | None = None,
                 mg: np.ndarray | None = None) -> Candidate:
        z = self.clip(z)
        mb = mp if mb is None else mb
        key = z.tobytes() + mp.tobytes() + mb.tobytes() + (b"" if mg is None else mg.tobytes())
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        d = self.design(z, mp, mb, mg)
        inputs = replace(self.base, pv_kwp=d.pv_kwp, battery_kwh=d.battery_kwh, diesel_kw=d.diesel_kw,
                         shared_diesel_kw=d.shared_diesel_kw, diesel_placement=d.placement)
        sim = simulate(inputs)
        cf = cash_flows_for(self.costs, d, sim, p2p=self.p2p)
        self.evaluations += 1
        excess = float(np.max(sim.unmet_fraction - self.targets)) if sim.n_homes else 0.0
        cand = Candidate(z, mp.copy(), mb.copy(), d, sim, cf.npc, excess, cf.npc_per_home,
                         None if mg is None else mg.copy())
        self.cache[key] = cand
        return cand


def _directions(n_groups: int, diesel: bool) -> list[np.ndarray]:
    """Poll directions in (log2 a_g, log2 b_g, c) space, each with its step weights."""
    G = n_groups
    dim = 2 * G + 1
    dirs = []

    def v(entries):
        x = np.zeros(dim)
        for k, val in entries:
            x[k] = val
        return x

    all_pv = v([(g, 1.0) for g in range(G)])
    all_bat = v([(G + g, 1.0) for g in range(G)])
    for base in (all_pv + all_bat, all_pv, all_bat, all_pv - all_bat):
        dirs += [-base, base]
    for g in range(G if G > 1 else 0):
        for base in (v([(g, 1.0)]), v([(G + g, 1.0)]), v([(g, 1.0), (G + g, -1.0)]), v([(g, 1.0), (G + g, 1.0)])):
            dirs += [-base, base]
    if diesel:
        c = v([(2 * G, 0.5)])
        dirs += [c, -c, c - all_bat, -c + all_bat, c - all_pv - all_bat, -c + all_pv + all_bat, c - all_pv, -c + all_pv]
    return dirs


def _infeasible(search: _Search, at_bounds: Candidate) -> InfeasibleError:
    worst = float(np.max(at_bounds.sim.unmet_fraction))
    n_miss = int(np.sum(at_bounds.sim.unmet_fraction > search.target + _TOL))
    file = str(getattr(search.site, "source_file", "") or "")
    if search.has_diesel:
        fix = (f"raise sizing.max_unmet_fraction to at least {worst:.4f}, or allow larger equipment; "
               "with the genset at twice the peak load some load still cannot be served (P2P transfer caps or outages)")
    else:
        fix = (f"raise sizing.max_unmet_fraction to at least {math.ceil(worst * 1e4) / 1e4:.4f} "
               "(the lowest unmet fraction reachable within the size bounds), "
               "or allow diesel (equipment.diesel.placement: shared"
               + (")" if search.p2p else " or per_home)"))
    msg = (f"the target max_unmet_fraction = {search.target:g} cannot be met: even at the size bounds "
           f"({search.bounds.describe()}) {n_miss} of {search.loads.n_homes} homes miss it, the worst "
           f"with {worst:.2%} of its load unmet")
    return InfeasibleError(Problem(file=file, key="sizing.max_unmet_fraction", message=msg, fix=fix,
                                   value=search.target))


def optimize_design(site: Site, solar: SolarResult, loads: Loads, *, p2p: bool = True, seed: int = 0,
                    failed: np.ndarray | None = None, time_budget_s: float | None = None,
                    max_evaluations: int | None = None, bounds: SizeBounds = BOUNDS, start=None,
                    on_infeasible: str = "raise", seed_standalone: bool = True,
                    standalone: StandaloneOptimum | None = None) -> Design:
    """Per-home PV, battery and genset sizes that minimise the village NPC (see module notes).

    Parameters
    ----------
    site : Site
    solar : SolarResult — ``pv_kw_per_kwp`` [kW/kWp]
    loads : Loads — ``load_kw`` (T, N) [kW]
    p2p : bool
        Homes are linked and share (the P2P design). ``False`` sizes standalone solar home
        systems; a ``shared`` genset placement then becomes one genset per home.
    seed : int
        Seed of the failure mask when ``failed`` is None (the run's own outages, as
        :func:`~p2p_size.sizing.dispatch.simulate_site` draws them).
    failed : ndarray (T, N) of bool, optional
        Outage mask to size against; default: the site's ``failures`` drawn with ``seed``.
    time_budget_s : float, optional
        Wall-clock limit of the search [s]; the best feasible design found so far is returned.
    max_evaluations : int, optional
        Cap on whole-village simulations; default :func:`auto_evaluations` (deterministic,
        ~2 s on this machine). The standalone seed gets another 40 % of it.
    bounds : SizeBounds
        Largest sizes allowed.
    start : LPBound, optional
        The perfect-foresight LP's pooled sizes (:func:`~p2p_size.sizing.search.lp_bound.npc_lower_bound`),
        used as the search's starting shape; computed here when None (~1 s). Pass the
        bound the run already computed to save that time.
    on_infeasible : {"raise", "best_effort"}
        What to do when the target cannot be met within ``bounds``: raise
        :class:`InfeasibleError` (the run's own design), or (the standalone alternative,
        which must still be shown) relax each home that cannot meet it to what it reaches
        at the bounds + 5 % and say so in the notes.
    seed_standalone : bool
        With ``p2p``, start also from the standalone optimum (sizes unchanged, homes
        linked), kept when it is feasible and cheaper than the other starts.
    standalone : StandaloneOptimum, optional
        That optimum, when the caller has searched it (:func:`standalone_optimum` on the
        same site, resource, loads, seed and outages); searched here when None.

    Returns
    -------
    Design
        ``method = "optimize"``; every home meets ``sizing.max_unmet_fraction`` on the
        full simulated year; ``notes`` say what the search did.

    Raises
    ------
    InfeasibleError
        When the target cannot be met within ``bounds``.
    """
    return _optimize(site, solar, loads, p2p=p2p, seed=seed, failed=failed, time_budget_s=time_budget_s,
                     max_evaluations=max_evaluations, bounds=bounds, start=start, on_infeasible=on_infeasible,
                     seed_standalone=seed_standalone, standalone=standalone)[0]


def _optimize(site: Site, solar: SolarResult, loads: Loads, *, p2p: bool, seed: int, failed, time_budget_s,
              max_evaluations: int | None, bounds: SizeBounds, start, on_infeasible: str, seed_standalone: bool,
              home_evaluations: int = 0, standalone: StandaloneOptimum | None = None) -> tuple[Design, Design]:
    """:func:`optimize_design`, returning the design and the one its staged search (group factors and
    per-home moves) reached; standalone searches then spend ``home_evaluations`` more
    simulations moving each home on its own (:func:`_home_by_home`)."""
    t0 = time.perf_counter()
    own_failures = failed is None
    if failed is None:
        failed = failures_for(site, *loads.load_kw.shape, seed=seed)
    n = loads.n_homes
    if max_evaluations is None:
        max_evaluations = auto_evaluations(n)
    if start is None:
        start = npc_lower_bound(site, solar, loads, p2p=p2p)
    # the standalone optimum, with its own budget share, as a start of the P2P search
    sa = None
    if p2p and seed_standalone and n > 1:
        # the standalone search's staged design seeds the P2P search (its home-by-home
        # refinement, kept for the standalone alternative, makes a worse seed on the
        # mountain village: 126,191 against 118,830 after the P2P search)
        if standalone is None:
            standalone = standalone_optimum(
                site, solar, loads, seed=seed, failed=None if own_failures else failed, start=start, bounds=bounds,
                max_evaluations=max(int(max_evaluations * _STANDALONE_SHARE), 40),
                time_budget_s=None if time_budget_s is None else time_budget_s * _STANDALONE_SHARE)
        final, staged = standalone
        # ... except with per-home gensets: only the home-by-home search switches a home's
        # genset on or off (the staged one has one genset factor for all homes)
        sa = final if site.equipment.diesel.placement == "per_home" else staged
    s = _Search(site, solar, loads, p2p=p2p, failed=failed, bounds=bounds,
                max_evaluations=max_evaluations + home_evaluations, time_budget_s=time_budget_s)
    G = s.n_groups
    ones = np.ones(n)
    z = np.zeros(2 * G + 1)
    z[2 * G] = 1.0 if s.has_diesel else 0.0

    # 1. feasible starts: the LP's pooled sizes spread like the rule of thumb, grown until
    #    every home meets the target; the rule of thumb; the standalone optimum (+ links)
    rot = s.evaluate(z, ones)
    start_npc = rot.npc
    z_lp = z.copy()
    z_lp[:G] = math.log2(max(start.pv_kwp_total, 1e-12) / max(s.pv_ref.sum(), 1e-12))
    z_lp[G:2 * G] = math.log2(max(start.battery_kwh_total, 1e-12) / max(s.bat_ref.sum(), 1e-12))
    if s.has_diesel:
        peak_total = s.village_peak if s.placement == "shared" else float(s.home_peak.sum())
        z_lp[2 * G] = start.diesel_kw_total / max(peak_total, 1e-12)
    best = s.evaluate(z_lp, ones)
    grow = 0.125
    while not best.feasible:
        at_max = np.all(best.z[:2 * G] >= [math.log2(bounds.pv_max_factor)] * G + [math.log2(bounds.battery_max_factor)] * G)
        if at_max and (not s.has_diesel or best.z[2 * G] >= bounds.diesel_max_factor):
            if on_infeasible != "best_effort":
                raise _infeasible(s, best)
            s.targets = np.maximum(s.targets, best.sim.unmet_fraction * 1.05 + 1e-4)
            best = replace(best, worst_excess=float(np.max(best.sim.unmet_fraction - s.targets)))
            s.cache.clear()
            break
        z = best.z.copy()
        z[:2 * G] = np.maximum(z[:2 * G], _FLOOR_LOG2) + grow
        grow = min(grow * 2, 1.0)
        if s.has_diesel:
            z[2 * G] = min(z[2 * G] + 0.25, bounds.diesel_max_factor)
        best = s.evaluate(z, ones)
    started = "the perfect-foresight LP's pooled sizes"
    if rot.feasible and rot.npc < best.npc:
        best, started = rot, "the rule of thumb"
    sa_cand = None
    if sa is not None:
        # same PV and batteries, homes linked; the genset (if any) at the standalone's total
        # rating and at smaller ones (a shared genset serves the coincident peak, not the sum)
        z_sa, mp_sa, mb_sa, mg_sa = _as_search_point(s, sa)
        ratings = [z_sa[2 * G]] + ([z_sa[2 * G] * k for k in (0.5, 0.25, 0.125)] + [0.0] if s.has_diesel else [])
        for c in ratings:
            z_c = z_sa.copy()
            z_c[2 * G] = c
            cand = s.evaluate(z_c, mp_sa, mb_sa, mg_sa)
            if cand.feasible and (sa_cand is None or not sa_cand.feasible or cand.npc < sa_cand.npc):
                sa_cand = cand
            elif sa_cand is None:
                sa_cand = cand
        if sa_cand.feasible and sa_cand.npc < best.npc:
            best, started = sa_cand, "the standalone optimum (same sizes, homes linked)"
    start_evals = s.evaluations

    # 2. pattern search on the group factors (coarse), 3. per-home moves, then both finer
    staged = max_evaluations
    moves = _pattern_search(s, best, steps=(1.0, 1.0 / 8), cap=start_evals + int(0.4 * (staged - start_evals)))
    best, iterations = moves
    best, trims = _per_home(s, best, steps=(0.3, 0.15, 0.08), cap=start_evals + int(0.75 * (staged - start_evals)))
    if p2p and s.placement == "per_home":   # linked homes may not all need a genset of their own
        best, switched = _gensets_off(s, best, cap=start_evals + int(0.8 * (staged - start_evals)))
        trims += switched
    best, it2 = _pattern_search(s, best, steps=(1.0 / 8, 1.0 / 32), cap=start_evals + int(0.85 * (staged - start_evals)))
    best, tr2 = _per_home(s, best, steps=(0.08, 0.04, 0.02), cap=staged)
    staged_design = best.design
    home_moves = 0
    if home_evaluations > 0:     # standalone homes are independent: each moves on its own
        best, home_moves = _home_by_home(s, best, steps=_HOME_STEPS, cap=s.max_evaluations)
    iterations += it2
    trims += tr2

    worst = float(np.max(best.sim.unmet_fraction)) if n else 0.0
    notes = [
        f"optimised for the least village NPC with{'' if p2p else 'out'} sharing in the loop: "
        f"{s.evaluations} whole-village simulations of the full year in {time.perf_counter() - t0:.1f} s "
        f"({start_evals} to reach a feasible start, {iterations} pattern-search moves, {trims} per-home moves"
        + (f", then {home_moves} moves of single homes, each home on its own" if not p2p else "") + ")",
        f"every home meets max_unmet_fraction {s.target:g} (worst home {worst:.2%}); "
        f"NPC {best.npc:,.0f} vs {start_npc:,.0f} for the rule of thumb; search started from {started}",
        f"size bounds: {bounds.describe()}",
    ]
    relaxed = int(np.sum(s.targets > s.target))
    if relaxed:
        notes[1] = (f"{relaxed} of {n} homes cannot meet max_unmet_fraction {s.target:g} within the size bounds "
                    f"(outages with no neighbours to lean on); they were sized to what the bounds reach "
                    f"(worst home {worst:.2%} unmet), every other home meets it")
    if sa is not None and sa_cand is not None and not sa_cand.feasible:
        notes.append("the standalone optimum does not meet the target even with sharing; the P2P search started elsewhere")
    if s.exhausted():
        notes.append("the search stopped at its evaluation budget; the design is feasible but may not be the least-cost one")
    if s.placement != site.equipment.diesel.placement:
        notes.append("standalone homes: the shared genset becomes one genset per home")
    return replace(best.design, notes=notes), staged_design


def _pattern_search(s: _Search, best: Candidate, *, steps: tuple[float, float], cap: int) -> tuple[Candidate, int]:
    """Poll the group-factor directions (per-home multipliers fixed) from ``steps[0]`` down to ``steps[1]``."""
    dirs = _directions(s.n_groups, s.has_diesel)
    step = steps[0]
    iterations = 0
    while step >= steps[1] - 1e-12 and not s.exhausted(cap):
        improved = False
        for d in dirs:
            if s.exhausted(cap):
                break
            cand = s.evaluate(best.z + step * d, best.mp, best.mb, best.mg)
            if _better(cand, best):
                while _better(cand, best):   # keep going while it pays
                    best = cand
                    if s.exhausted(cap):
                        break
                    cand = s.evaluate(best.z + step * d, best.mp, best.mb, best.mg)
                improved = True
                iterations += 1
        if not improved:
            step /= 2.0
    return best, iterations


def _better(cand: Candidate, best: Candidate) -> bool:
    """``cand`` meets every home's target and costs less than ``best``."""
    return cand.feasible and cand.npc < best.npc * (1 - 1e-9)


def _repaired(s: _Search, z: np.ndarray, cand: Candidate, cap: int, fix) -> Candidate:
    """``cand`` after up to three repairs: while some home misses its target (and budget is
    left), ``fix(bad, tried)`` gives the (mp, mb, mg) to try next from ``bad``, the homes over
    their target, and ``tried``, the candidate that missed."""
    for _ in range(3):
        if cand.feasible or s.exhausted(cap):
            break
        cand = s.evaluate(z, *fix(cand.sim.unmet_fraction > s.targets + _TOL, cand))
    return cand


def _per_home(s: _Search, best: Candidate, *, steps, cap: int) -> tuple[Candidate, int]:
    """Per-home moves: homes with slack shrink (PV and battery separately), in proportion to
    their slack; homes a move pushes over the target are put back (up to 3 repairs) and the
    move counts only if the whole village stays feasible and the NPC falls."""
    moves = 0
    scale = max(s.target, 1e-3)
    for frac in steps:
        progress = True
        while progress and not s.exhausted(cap):
            progress = False
            for kind in ("battery", "pv", "both"):
                if s.exhausted(cap):
                    break
                slack = np.clip((s.targets - best.sim.unmet_fraction) / scale, 0.0, 1.0)
                if s.target <= 0.0:
                    slack = np.where(best.sim.unmet_fraction <= _TOL, 1.0, 0.0)
                if not np.any(slack > 0.02):
                    return best, moves
                shrink = 1.0 - frac * slack
                mp = best.mp * shrink if kind in ("pv", "both") else best.mp.copy()
                mb = best.mb * shrink if kind in ("battery", "both") else best.mb.copy()
                grow = 1.0 + _REGROW * frac

                def put_back(bad, tried):
                    # homes pushed over the target are put back, a little larger than before
                    # (they lean on neighbours that just shrank)
                    return (np.where(bad, best.mp * (grow if kind != "battery" else 1.0), tried.mp),
                            np.where(bad, best.mb * (grow if kind != "pv" else 1.0), tried.mb), best.mg)

                cand = _repaired(s, best.z, s.evaluate(best.z, mp, mb, best.mg), cap, put_back)
                if _better(cand, best):
                    best = cand
                    moves += 1
                    progress = True
    return best, moves


def _gensets_off(s: _Search, best: Candidate, *, cap: int) -> tuple[Candidate, int]:
    """Per-home gensets of linked homes: switch off those that run least (half, a quarter, an
    eighth of the homes that have one), leaning on PV, batteries and neighbours instead.
    Homes pushed over the target get their genset back, other homes pushed over grow their
    PV and battery a little (≤ 3 repairs); kept if every home meets the target and the NPC
    falls. Returns the best candidate and how many switch-offs were kept."""
    kept = 0
    for share in (0.5, 0.25, 0.125):
        while not s.exhausted(cap):
            mg = np.ones(s.loads.n_homes) if best.mg is None else best.mg.copy()
            on = np.flatnonzero(np.asarray(best.design.diesel_kw) > 0)
            if on.size == 0:
                return best, kept
            off = on[np.argsort(best.sim.diesel_kwh[on], kind="stable")[:max(1, int(share * on.size))]]
            mg[off] = 0.0

            def genset_back(bad, tried, off=off):
                back = np.zeros(bad.size, dtype=bool)
                back[off] = bad[off]
                mg, mp, mb = tried.mg.copy(), tried.mp.copy(), tried.mb.copy()
                mg[back] = 1.0 if best.mg is None else best.mg[back]
                grow = bad & ~back
                mp[grow] *= 1.0 + _REGROW * 0.2
                mb[grow] *= 1.0 + _REGROW * 0.2
                return mp, mb, mg

            cand = _repaired(s, best.z, s.evaluate(best.z, best.mp, best.mb, mg), cap, genset_back)
            if not _better(cand, best):
                break
            best = cand
            kept += 1
    return best, kept


def _as_search_point(s: _Search, d: Design) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """A design's sizes as a point of search ``s``: z (rule-of-thumb factors 1, the genset factor
    c), per-home PV and battery multipliers, and per-home genset multipliers (per-home
    gensets; None otherwise)."""
    G = s.n_groups
    z = np.zeros(2 * G + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mp = np.where(s.pv_ref > 0, np.asarray(d.pv_kwp, float) / s.pv_ref, 0.0)
        mb = np.where(s.bat_ref > 0, np.asarray(d.battery_kwh, float) / s.bat_ref, 0.0)
    mg = None
    if s.has_diesel:
        total = float(np.sum(d.diesel_kw)) + float(d.shared_diesel_kw)
        peak = s.village_peak if s.placement == "shared" else float(s.home_peak.sum())
        z[2 * G] = total / max(peak, 1e-12)
        if s.placement == "per_home" and z[2 * G] > 0:
            with np.errstate(divide="ignore", invalid="ignore"):
                mg = np.where(s.home_peak > 0, np.asarray(d.diesel_kw, float) / (z[2 * G] * s.home_peak), 0.0)
    return z, mp, mb, mg


#: moves of the home-by-home search in (log2 PV, log2 battery, log2 genset) of one home, in
#: the order each home tries them: the genset first (off or smaller, alone or for storage or
#: PV: a staged design gives every home one), then each size alone and PV-for-battery trades
#: at five ratios (the cheapest point sits on the home's reliability boundary, which is curved)
_HOME_MOVES = tuple(np.array(v, dtype=float) for base in
                    ((0, 0, -1), (0, 1, -1), (1, 1, -1), (1, 0, -1), (0, 1, 0), (1, 0, 0), (1, -1, 0), (1, 1, 0),
                     (1, -2, 0), (2, -1, 0), (1, -3, 0), (3, -1, 0))
                    for v in (base, tuple(-x for x in base)))


def _home_by_home(s: _Search, best: Candidate, *, steps: tuple[float, float], cap: int) -> tuple[Candidate, int]:
    """Standalone homes do not interact, so each home runs its own pattern search, all in the
    same simulations.

    Every home has its own step and its own next move; one simulation tries every home's
    move at once, and each home keeps its move if it still meets its own target and its own
    NPC falls (then it repeats the move), else it tries its next move; after all moves fail
    its step halves, from ``steps[0]`` down to ``steps[1]``. N searches advance per
    simulation. Returns the best candidate and how many home moves were kept.
    """
    n = s.loads.n_homes
    z, mp, mb, mg = _as_search_point(s, best.design)
    if s.has_diesel and mg is None:         # no genset anywhere yet: each home's own, from zero
        z[2 * s.n_groups], mg = 1.0, np.zeros(n)
    x = np.vstack([mp, mb, mg if s.has_diesel else np.zeros(n)])
    here = s.evaluate(z, x[0], x[1], mg)
    if not here.feasible:
        return best, 0
    npc = here.npc_home.copy()
    top = np.array([s.bounds.pv_max_factor, s.bounds.battery_max_factor,
                    s.bounds.diesel_max_factor / max(z[2 * s.n_groups], 1e-12)])[:, None]
    moves = np.array([m for m in _HOME_MOVES if s.has_diesel or m[2] == 0])   # (D, 3)
    # below its floor a size is 0; a genset's floor is the smallest on sale, so "on" and "off"
    # are single moves (in between every rating would buy the same genset: a plateau)
    floor = np.full((3, 1), 2.0 ** _FLOOR_LOG2)
    if s.has_diesel:
        with np.errstate(divide="ignore"):
            smallest = s.site.equipment.diesel.smallest_rating_kw / (z[2 * s.n_groups] * s.home_peak)
        floor = np.broadcast_to(floor, (3, n)).copy()
        floor[2] = np.maximum(smallest, 2.0 ** _FLOOR_LOG2)
    step = np.full(n, float(steps[0]))
    which = np.zeros(n, dtype=int)          # each home's next move
    failed = np.zeros(n, dtype=int)         # its failed moves in a row at this step
    active = np.ones(n, dtype=bool)
    kept = 0
    while active.any() and not s.exhausted(cap):
        factor = np.exp2(step[None, :] * moves[which].T)
        y = np.where((x == 0) & (factor > 1), floor, x * factor)
        y = np.minimum(np.where(y < floor, 0.0, y), top)
        y[:, ~active] = x[:, ~active]
        cand = s.evaluate(z, y[0], y[1], y[2] if s.has_diesel else None)
        ok = active & (cand.sim.unmet_fraction <= s.targets + _TOL) & (cand.npc_home < npc * (1 - 1e-9))
        x[:, ok] = y[:, ok]
        npc[ok] = cand.npc_home[ok]
        failed[ok] = 0
        kept += int(ok.sum())
        miss = active & ~ok
        which[miss] = (which[miss] + 1) % len(moves)
        failed[miss] += 1
        halve = failed >= len(moves)
        step[halve] /= 2.0
        failed[halve] = 0
        active &= step >= steps[1] - 1e-12
    final = s.evaluate(z, x[0], x[1], x[2] if s.has_diesel else None)
    return (final, kept) if final.feasible and final.npc < best.npc else (best, kept)


def auto_evaluations(n_homes: int) -> int:
    """Default evaluation budget of the P2P search: ~2 s of whole-village simulations on
    this 2-core machine (a simulation + cash flows costs ≈ 2 ms + 0.11 ms per home), at
    least 80, at most 500; the standalone seed gets another 40 % of it."""
    return int(np.clip(2.0 / (0.002 + 1.1e-4 * n_homes), 80, 500))


_STANDALONE_SHARE = 0.4
_STANDALONE_HOME_SHARE = 0.2      # then each standalone home on its own (:func:`_home_by_home`)
_HOME_STEPS = (0.5, 1.0 / 16)
_REGROW = 0.5   # a home a per-home move pushes over the target comes back this × the step larger
class StandaloneOptimum(NamedTuple):
    """The standalone optimum (``p2p=False``, best effort) and the design its staged search
    (group factors and per-home moves) reached before the home-by-home refinement.

    The study searches it once and hands it to :func:`optimize_design` (the P2P search's
    seed) and to :func:`~.alternatives.alternatives` (the standalone alternative).
    """

    design: Design
    staged: Design


def standalone_optimum(site: Site, solar: SolarResult, loads: Loads, *, seed: int = 0, failed=None, start=None,
                       bounds: SizeBounds = BOUNDS, max_evaluations: int | None = None,
                       time_budget_s: float | None = None) -> StandaloneOptimum:
    """The least-NPC standalone design (``p2p=False``, best effort: a home that cannot meet
    the target at the bounds is relaxed and the notes say so).

    ``max_evaluations`` is the staged search's budget (default 40 % of
    :func:`auto_evaluations`, at least 40); the home-by-home refinement spends
    :data:`_STANDALONE_HOME_SHARE` / :data:`_STANDALONE_SHARE` of it again."""
    if max_evaluations is None:
        max_evaluations = max(int(auto_evaluations(loads.n_homes) * _STANDALONE_SHARE), 40)
    final, staged = _optimize(site, solar, loads, p2p=False, seed=seed, failed=failed, start=start, bounds=bounds,
                              max_evaluations=max_evaluations, time_budget_s=time_budget_s,
                              on_infeasible="best_effort", seed_standalone=False,
                              home_evaluations=int(max_evaluations * _STANDALONE_HOME_SHARE / _STANDALONE_SHARE))
    return StandaloneOptimum(final, staged)
