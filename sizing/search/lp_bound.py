"""A lower bound on the village's net present cost: one linear program with perfect foresight.

The sizing optimiser (:mod:`.optimize`) searches over designs simulated by the hourly
dispatch kernel, which knows nothing of the future. How far is its design from the best
possible one? This module answers with a *valid lower bound* on the same NPC that
:func:`~p2p_size.economics.cashflow.cash_flows_for` computes: a linear program, solved by
HiGHS, over the full simulated year (every hour, no representative days) in which

* the whole village is one pooled bus — every home's PV, battery and genset serve every
  home's load, **with no P2P losses and no transfer cap** (a relaxation: losses and caps
  only add cost) — except on a *shared* genset's energy, which reaches the homes through
  the links in the kernel as well: ``loss_fraction`` of all it sends is lost, and what
  arrives is at most ``N · max_transfer_kw`` per hour (every home's import cap);
* the dispatch has perfect foresight (any feasible hourly schedule, not the rule-based one);
* failures (``failures``) are ignored — PV and batteries never break (a relaxation);
* the unmet-load target holds for the **village total**, ``Σ_t u_t ≤ f · Σ_t L_t``,
  instead of for every home (a relaxation: per-home targets imply the village one);
* the battery starts at any state of charge (the kernel starts full: a relaxation);
* the genset has no minimum load and no unit commitment. Its fuel ``F0·P_rated·h_run +
  F1·E`` and O&M ``om·P_rated·h_run`` are bounded below using ``P_rated·h_run ≥ E`` (a
  running genset never produces more than its rating): fuel ≥ ``(F0 + F1)·E``, O&M ≥
  ``om·E``. This is tighter than dropping the intercept and still a lower bound;
* component lives that depend on use (battery: min(calendar, cycle life / cycles per
  year); genset: running hours) are replaced by the *cheapest* life the equipment could
  possibly have — the minimum of the per-unit NPC over every life between the shortest
  reachable (battery cycling at full power every hour; genset running 8760 h/year) and
  the longest (calendar life; a genset that never runs). Per-unit NPCs come from
  :func:`~p2p_size.economics.cashflow.build_cash_flows` itself, so replacements, salvage,
  O&M and the transport share of equipment are those of the report;
* per-home gensets are pooled into one genset (their ratings add up to at least the
  pooled peak they serve);
* existing systems: ``new PV ≥ total PV − total existing PV`` (a relaxation of the
  per-home ``max(pv_i − existing_i, 0)``). Existing PV and batteries stay installed in
  every design the tool builds (they are a floor of the optimiser, the rule of thumb and
  fixed sizes), so ``P ≥ P_exist`` and ``B ≥ B_exist`` hold for every design bounded —
  exact constraints, not relaxations (without the battery floor the LP could "remove"
  the existing batteries and skip their replacements).

Every relaxation enlarges the feasible set or lowers a cost, so the LP optimum is ≤ the
NPC of any design the kernel can simulate meeting the targets. The per-home fixed costs
(controller, P2P link when ``p2p``, per-home transport and installation) are added as a
constant.

LP, for hours t = 1..T (T = 8760), η_c = η_d = √RTE, C = max C-rate, D = depth of discharge::

    min  k_pv·P + k_pvnew·P_new + k_b·B + k_bnew·B_new + k_g·G + k_e·Σ g_t + const
    s.t. π_t·P + d_t − c_t + δ·g_t + u_t ≥ L_t                 (balance; surplus curtailed)
         s_t = s_{t−1} + η_c·c_t − d_t/η_d,  s_0 free in [(1−D)B, B]
         (1−D)·B ≤ s_t ≤ B,   c_t ≤ C·B,   d_t ≤ C·B,   g_t ≤ G
         Σ u_t ≤ f·Σ L_t,  P ≥ P_exist,  B ≥ B_exist,  P_new ≥ P − P_exist,  B_new ≥ B − B_exist
         all variables ≥ 0 (G = 0 without diesel)
    δ = 1 − loss_fraction and δ·g_t ≤ N·max_transfer_kw for a shared genset of linked homes, else δ = 1
"""
from __future__ import annotations

import contextlib
import os
import sys

import time
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from ...economics.cashflow import CostInputs, Operation, build_cash_flows
from ..calendar import HOURS_PER_YEAR
from ..design import per_home
from ..market.ceiling import diesel_cost_per_kwh
from ..resource.loads import Loads
from ..resource.solar import SolarResult
from ..site.schema import Site

__all__ = ["LPBound", "UnitCosts", "unit_costs", "npc_lower_bound", "standalone_lower_bound"]


@dataclass(frozen=True)
class LPBound:
    """The LP lower bound on the village NPC and the pooled sizes that reach it.

    Attributes
    ----------
    npc : float — lower bound on the village net present cost [currency]
    pv_kwp_total, battery_kwh_total, diesel_kw_total : float — pooled sizes of the LP optimum [kWp], [kWh], [kW]
    hours_used : int — hours in the LP (the full simulated year)
    method_note : str — what was relaxed, in one paragraph
    solve_time_s : float — wall time of the HiGHS solve [s]
    """

    npc: float
    pv_kwp_total: float
    battery_kwh_total: float
    diesel_kw_total: float
    hours_used: int
    method_note: str
    solve_time_s: float = 0.0


@dataclass(frozen=True)
class UnitCosts:
    """Linear NPC coefficients consistent with :func:`build_cash_flows` [currency per unit].

    ``pv_per_kwp`` on the whole installed PV (replacements, O&M, salvage), ``pv_new_per_kwp``
    on the part bought now; same for the battery at its cheapest possible life;
    ``diesel_per_kw`` the genset rating at its cheapest possible life; ``diesel_per_kwh``
    fuel + O&M per kWh produced (lower bound, see module notes); ``fixed`` the per-home
    costs of the whole village.
    """

    pv_per_kwp: float
    pv_new_per_kwp: float
    battery_per_kwh: float
    battery_new_per_kwh: float
    diesel_per_kw: float
    diesel_per_kwh: float
    fixed: float


def _npc_each(costs: CostInputs, m: int, *, pv=0.0, pv_new=0.0, bat=0.0, bat_new=0.0, gen=0.0,
              cycles=0.0, run_h=0.0, p2p=False) -> np.ndarray:
    """NPC of ``m`` one-home designs at once (arguments broadcast to (m,)) [currency]."""
    b = [np.broadcast_to(np.asarray(v, dtype=float), (m,)).copy() for v in (pv, pv_new, bat, bat_new, gen, cycles, run_h)]
    op = Operation(served_kwh=np.ones(m), battery_cycles=b[5], diesel_running_hours=b[6], fuel_l=np.zeros(m),
                   shared_running_hours=0.0, shared_fuel_l=0.0, shared_share=np.full(m, 1.0 / m))
    return build_cash_flows(costs, pv_kwp=b[0], new_pv_kwp=b[1], battery_kwh=b[2], new_battery_kwh=b[3],
                            diesel_kw=b[4], shared_diesel_kw=0.0, operation=op, p2p=p2p).npc_per_home


def unit_costs(site: Site, n_homes: int, *, p2p: bool) -> UnitCosts:
    """Per-unit NPC coefficients from the cash-flow model itself (see :class:`UnitCosts`)."""
    costs = CostInputs.from_site(site)
    eq = site.equipment
    base = float(_npc_each(costs, 1, p2p=p2p)[0])
    pv_full, pv_both = _npc_each(costs, 2, pv=1.0, pv_new=[0.0, 1.0], p2p=p2p) - base
    # battery: cheapest life between full-power cycling every hour and the calendar life
    max_cycles = eq.battery.max_c_rate * HOURS_PER_YEAR / eq.battery.depth_of_discharge
    cycles = np.concatenate([[0.0], np.geomspace(1e-3, max_cycles, 2000)])
    m = len(cycles)
    bat_full = float(_npc_each(costs, m, bat=1.0, cycles=cycles, p2p=p2p).min()) - base
    bat_both = float(_npc_each(costs, m, bat=1.0, bat_new=1.0, cycles=cycles, p2p=p2p).min()) - base
    # genset: cheapest life between never running and running all year
    hours = np.concatenate([[0.0], np.geomspace(1e-3, float(HOURS_PER_YEAR), 2000)])
    # (its O&M per running hour is bounded in per_kwh below, so priced at zero here)
    no_om = replace(costs, diesel_om_per_kw_running_hour=0.0)
    gen_kw = float(_npc_each(no_om, len(hours), gen=1.0, run_h=hours, p2p=p2p).min()) - base
    d = eq.diesel
    pw = _present_worth(costs)  # fuel and O&M are paid in years 1..Y, no transport share
    full_load = diesel_cost_per_kwh(1.0, 1.0, d.fuel_price_per_litre, d.om_per_kw_running_hour,   # the cheapest diesel kWh
                                    d.fuel_intercept_l_per_h_per_kw, d.fuel_slope_l_per_kwh)
    per_kwh = float(full_load) * pw
    fixed = _npc_fixed(costs, n_homes, p2p)
    return UnitCosts(float(pv_full), max(float(pv_both - pv_full), 0.0), bat_full, max(bat_both - bat_full, 0.0),
                     gen_kw, per_kwh, fixed)


def _present_worth(costs: CostInputs) -> float:
    """Σ_{y=1..Y} (1+i)^−y [-]."""
    y = np.arange(1, int(costs.project_years) + 1)
    return float(np.sum((1.0 + costs.discount_rate) ** -y))


def _npc_fixed(costs: CostInputs, n: int, p2p: bool) -> float:
    z = np.zeros(n)
    op = Operation(served_kwh=np.ones(n), battery_cycles=z, diesel_running_hours=z, fuel_l=z,
                   shared_running_hours=0.0, shared_fuel_l=0.0, shared_share=np.full(n, 1.0 / max(n, 1)))
    return build_cash_flows(costs, pv_kwp=z, new_pv_kwp=z, battery_kwh=z, new_battery_kwh=z, diesel_kw=z,
                            shared_diesel_kw=0.0, operation=op, p2p=p2p).npc


def _steps_fixed(n_hours: int, h: int) -> np.ndarray:
    """Start hour of each step when ``h`` consecutive hours are merged (the last may be shorter)."""
    return np.arange(0, n_hours, max(int(h), 1))


def _steps_by_sign(pv_unit: np.ndarray, load: np.ndarray, pv_kwp: float, max_hours: int | None = None) -> np.ndarray:
    """Start hour of each step: runs of consecutive hours where the pooled PV ``pv_unit·pv_kwp``
    is all above, or all at or below, the pooled load.

    Inside a run of surplus hours the battery only charges and inside a run of deficit hours
    it only discharges (without diesel), so its state of charge is monotone and bounding it
    at the run's ends loses almost nothing; PV in a deficit run is all used where it falls,
    and in a surplus run all load is served directly. Merging such runs keeps the LP nearly
    as tight as hourly steps with about a fifth of the steps.
    """
    surplus = pv_unit * pv_kwp > load
    change = np.flatnonzero(surplus[1:] != surplus[:-1]) + 1
    starts = np.concatenate([[0], change])
    if max_hours is None:
        return starts
    # split runs longer than max_hours: every max_hours-th hour inside a run starts a step too
    run_start = np.repeat(starts, np.diff(np.append(starts, len(load))))
    since = np.arange(len(load)) - run_start
    return np.flatnonzero(since % max_hours == 0)


@contextlib.contextmanager
def _c_stdout_silenced():
    """Send file descriptor 1 to /dev/null for the block (output written by C code)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def npc_lower_bound(site: Site, solar: SolarResult, loads: Loads, *, p2p: bool = True,
                    hours_per_step: int | None = None,
                    fixed_sizes: tuple[float, float, float] | None = None) -> LPBound:
    """Lower bound on the village NPC by a perfect-foresight LP of the pooled village (HiGHS).

    Parameters
    ----------
    site : Site
    solar : SolarResult — ``pv_kw_per_kwp`` (T,) or (T, N) [kW/kWp]
    loads : Loads — ``load_kw`` (T, N) [kW]
    p2p : bool — count a P2P link per home in the fixed costs (the design being bounded is linked)
    hours_per_step : int or None — merge this many consecutive hours into one LP step
        (1 = hourly); None (default) merges runs of surplus or deficit hours, see Notes
    fixed_sizes : (P, B, G) or None — pin the village's PV [kWp], battery [kWh] and genset
        [kW] totals: a lower bound on the NPC of designs of those sizes (what perfect
        dispatch could make of them)

    Returns
    -------
    LPBound

    Notes
    -----
    The formulation and every relaxation are listed in the module docstring. The bound is
    valid for any design with every home's unmet fraction ≤ ``sizing.max_unmet_fraction``
    that keeps the existing systems; with ``p2p=True`` the constant counts a P2P link per
    home (a bound for linked designs), with ``p2p=False`` it does not (standalone designs,
    one more restriction of the pooled LP).

    Time resolution: the LP covers every hour of the year, with consecutive hours merged
    into steps (energies summed, state of charge bounded at step ends, power limits × the
    step length). Any hourly schedule summed over the steps satisfies the merged LP at the
    same cost, so every merged LP is a relaxation: a valid lower bound whatever the steps.
    The default steps are runs of hours in which pooled PV stays above (or below) pooled
    load (:func:`_steps_by_sign`) at the PV size of a first solve at 8-hour steps, cut
    at 6 h when there is a genset (a long deficit run would let the LP average the
    genset's output over days); the larger of the two objectives is returned. Inside such
    a run the battery's state of charge is monotone, so the bound is within about 1 % of
    the hourly LP at a fifth of its time (samples, hourly → runs: mountain 114,388 →
    114,388, sahel 77,320 → 77,304, small island 71,931 → 71,800, south Asia 21,914 →
    21,914, Alaska 786,373 → 778,670; at fixed 4-hour steps the mountain bound was 108,387).
    """
    t0 = time.perf_counter()
    load = np.asarray(loads.load_kw, dtype=float)
    hours, n = load.shape
    prof = np.asarray(solar.pv_kw_per_kwp, dtype=float)
    # one profile for all homes, or (per-home profiles) the best of them each hour — an upper bound
    pv_unit = prof if prof.ndim == 1 else prof.max(axis=1)
    village_load = load.sum(axis=1)
    uc = unit_costs(site, n, p2p=p2p)
    exist = (float(per_home(site, loads, "existing.pv_kwp").sum()),
             float(per_home(site, loads, "existing.battery_kwh").sum()))
    if hours_per_step is not None:
        starts = _steps_fixed(hours, hours_per_step)
        obj, sizes = _solve(site, uc, village_load, pv_unit, starts, exist, fixed_sizes, p2p=p2p, n_homes=n)
        how = f"{len(starts)} steps of {int(hours_per_step)} h"
    else:
        # merged runs are only as good as the PV size they were cut at: a coarse solve gives it
        # (8-hour steps: a third of the 4-hour solve's time, the same runs on every sample)
        coarse, sizes = _solve(site, uc, village_load, pv_unit, _steps_fixed(hours, 8), exist, fixed_sizes, p2p=p2p, n_homes=n)
        # with a genset, long deficit runs would let it average its output over days: cap them
        # (6 h: against 4 h, 35 % less time and bounds within 0.3 % — sahel −9, small island
        # −48, Alaska −2,203, four generated villages equal; at 8 h Alaska lost 0.65 %)
        cap = 6 if site.equipment.diesel.placement != "none" else None
        starts = _steps_by_sign(pv_unit, village_load, sizes[0], cap)
        obj, sizes = _solve(site, uc, village_load, pv_unit, starts, exist, fixed_sizes, p2p=p2p, n_homes=n)
        obj = max(obj, coarse)  # both are valid bounds
        how = f"{len(starts)} steps, each a run of PV-surplus or PV-deficit hours"
    note = ("perfect-foresight LP of the pooled village over the full year "
            f"({hours} h in {how}, HiGHS): no P2P losses or transfer caps (but on a shared genset's deliveries), "
            "no failures, unmet load limited for the "
            "village total, free initial battery charge, no genset minimum load or unit commitment "
            "(fuel >= (F0+F1) x energy, O&M >= om x energy), cheapest possible battery and genset lives")
    return LPBound(npc=obj + uc.fixed, pv_kwp_total=sizes[0], battery_kwh_total=sizes[1],
                   diesel_kw_total=sizes[2], hours_used=hours, method_note=note,
                   solve_time_s=time.perf_counter() - t0)


def standalone_lower_bound(site: Site, solar: SolarResult, loads: Loads, *, hours_per_step: int | None = None) -> float:
    """Lower bound on the NPC of any *standalone* design: the sum of every home's own LP [currency].

    Without sharing the homes do not interact and the village NPC is the sum of the
    homes' (every cost is per home once there is no shared genset or link), so the bound
    of a standalone design is the sum of :func:`npc_lower_bound` over one-home villages
    (``p2p=False``). Each home's LP keeps what the pooled LP relaxes: its own unmet target,
    its own existing systems, its own genset covering its own peak. It still relaxes the
    dispatch rules (perfect foresight, no minimum genset size or load, no failures), as
    the pooled LP does.

    One LP per home (~0.3 s each here): a check for benchmarks and tests, not run by
    ``p2p-size run``. ``hours_per_step`` as in :func:`npc_lower_bound`.
    """
    total = 0.0
    for i in range(loads.n_homes):
        one = replace(loads, load_kw=loads.load_kw[:, [i]], group_of_home=loads.group_of_home[[i]],
                      home_ids=[loads.home_ids[i]], notes=[])
        total += npc_lower_bound(site, solar, one, p2p=False, hours_per_step=hours_per_step).npc
    return total


LP_ATTEMPTS = ({"solver": "ipm", "run_crossover": "off"}, {"solver": "ipm", "run_crossover": "on"},
               {"solver": "simplex", "simplex_strategy": 1})


def _solve(site: Site, uc: UnitCosts, village_load: np.ndarray, pv_unit: np.ndarray, starts: np.ndarray,
           exist: tuple[float, float], fixed_sizes, *, p2p: bool,
           n_homes: int) -> tuple[float, tuple[float, float, float]]:
    """Solve the LP with hours merged into steps beginning at ``starts``; (objective, (P, B, G))."""
    import highspy

    eq = site.equipment
    L = np.add.reduceat(village_load, starts)
    pv_unit = np.add.reduceat(pv_unit, starts)
    length = np.diff(np.append(starts, len(village_load))).astype(float)   # hours per step
    T = len(L)
    rte = eq.battery.round_trip_efficiency
    eta = np.sqrt(rte)
    dod = eq.battery.depth_of_discharge
    crate = eq.battery.max_c_rate
    f = site.sizing.max_unmet_fraction
    diesel = eq.diesel.placement != "none"
    # a shared genset reaches the homes through the links: the link loss on all it sends, and
    # each home's import cap on what arrives (per-home gensets, pooled here, have neither)
    via_links = eq.diesel.placement == "shared" and p2p
    delivered = 1.0 - eq.p2p_link.loss_fraction if via_links else 1.0
    exist_pv, exist_bat = exist

    # columns: c_t, d_t, s_t, g_t, u_t, and hourly copies P_t, B_t, G_t of the sizes (8T),
    # then P, P_new, B, B_new, G, s_init. The copies, chained P_t = P_{t-1} = ... = P, keep
    # every column sparse: a size column in all T rows makes the interior-point normal
    # equations dense (5-10x slower here).
    ic, id_, is_, ig, iu, iPt, iBt, iGt, iU = (np.arange(T) + k * T for k in range(9))
    iP, iPn, iB, iBn, iG, is0 = 9 * T + np.arange(6)
    ncol = 9 * T + 6
    inf = highspy.kHighsInf
    cost = np.zeros(ncol)
    cost[ig] = uc.diesel_per_kwh
    cost[iP], cost[iPn], cost[iB], cost[iBn], cost[iG] = (uc.pv_per_kwp, uc.pv_new_per_kwp, uc.battery_per_kwh,
                                                         uc.battery_new_per_kwh, uc.diesel_per_kw)
    lo = np.zeros(ncol)
    hi = np.full(ncol, inf)
    lo[iP] = exist_pv
    lo[iB] = exist_bat          # existing batteries stay installed in every design (a floor there too)
    if not diesel:
        hi[ig] = hi[iGt] = hi[iG] = 0.0
    elif via_links:
        hi[ig] = n_homes * eq.p2p_link.max_transfer_kw * length / delivered
    if fixed_sizes is not None:  # (P, B, G) pinned: a bound on one design's operation
        for ix, v in zip((iP, iB, iG), fixed_sizes):
            lo[ix] = hi[ix] = float(v)

    rows, cols, vals, rlo, rhi = [], [], [], [], []
    r = 0

    def add(block_rows, block_cols, block_vals):
        rows.append(np.asarray(block_rows))
        cols.append(np.asarray(block_cols))
        vals.append(np.broadcast_to(np.asarray(block_vals, dtype=float), np.shape(block_rows)))

    t = np.arange(T)
    # chains: X_t − X_{t−1} = 0, X_0 − X = 0
    for copies, size in ((iPt, iP), (iBt, iB), (iGt, iG)):
        rr = r + t
        add(rr, copies, 1.0)
        add(rr[1:], copies[:-1], -1.0)
        add(rr[:1], [size], [-1.0])
        rlo.append(np.zeros(T)); rhi.append(np.zeros(T)); r += T
    # balance: π_t P_t + d_t − c_t + (1 − loss) g_t + u_t ≥ L_t   (loss: shared genset via the links)
    rr = r + t
    add(rr, iPt, pv_unit)
    add(rr, id_, 1.0); add(rr, ic, -1.0); add(rr, ig, delivered); add(rr, iu, 1.0)
    rlo.append(L); rhi.append(np.full(T, inf)); r += T
    # SoC: s_t − s_{t−1} − η c_t + d_t/η = 0
    rr = r + t
    add(rr, is_, 1.0)
    add(rr[1:], is_[:-1], -1.0); add(rr[:1], [is0], [-1.0])
    add(rr, ic, -eta); add(rr, id_, 1.0 / eta)
    rlo.append(np.zeros(T)); rhi.append(np.zeros(T)); r += T
    # (1−D) B_t ≤ s_t ≤ B_t, and the same for s_init against B
    rr = r + t
    add(rr, is_, 1.0); add(rr, iBt, -1.0)
    rlo.append(np.full(T, -inf)); rhi.append(np.zeros(T)); r += T
    rr = r + t
    add(rr, is_, 1.0); add(rr, iBt, -(1.0 - dod))
    rlo.append(np.zeros(T)); rhi.append(np.full(T, inf)); r += T
    add([r, r], [is0, iB], [1.0, -1.0]); rlo.append([-inf]); rhi.append([0.0]); r += 1
    add([r, r], [is0, iB], [1.0, -(1.0 - dod)]); rlo.append([0.0]); rhi.append([inf]); r += 1
    # c_t − C B_t ≤ 0, d_t − C B_t ≤ 0
    for ix in (ic, id_):
        rr = r + t
        add(rr, ix, 1.0); add(rr, iBt, -crate * length)
        rlo.append(np.full(T, -inf)); rhi.append(np.zeros(T)); r += T
    # g_t − G_t ≤ 0
    if diesel:
        rr = r + t
        add(rr, ig, 1.0); add(rr, iGt, -length)
        rlo.append(np.full(T, -inf)); rhi.append(np.zeros(T)); r += T
    # Σ u ≤ f Σ L, as a running sum U_t = U_{t−1} + u_t (sparse, like the size copies)
    rr = r + t
    add(rr, iU, 1.0); add(rr[1:], iU[:-1], -1.0); add(rr, iu, -1.0)
    rlo.append(np.zeros(T)); rhi.append(np.zeros(T)); r += T
    hi[iU[-1]] = f * L.sum()
    # P_new ≥ P − P_exist ;  B_new ≥ B − B_exist
    add([r, r], [iPn, iP], [1.0, -1.0]); rlo.append([-exist_pv]); rhi.append([inf]); r += 1
    add([r, r], [iBn, iB], [1.0, -1.0]); rlo.append([-exist_bat]); rhi.append([inf]); r += 1

    A = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, ncol))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = ncol, r
    lp.col_cost_ = cost
    lp.col_lower_, lp.col_upper_ = lo, hi
    lp.row_lower_ = np.concatenate([np.asarray(x, dtype=float) for x in rlo])
    lp.row_upper_ = np.concatenate([np.asarray(x, dtype=float) for x in rhi])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr
    lp.a_matrix_.index_ = A.indices
    lp.a_matrix_.value_ = A.data
    with _c_stdout_silenced():  # HiGHS prints its banner from C++ when constructed
        h = highspy.Highs()
    h.setOptionValue("output_flag", bool(os.environ.get("LPLOG")))
    h.passModel(lp)
    # interior point without crossover is the fast way here (3-5x simplex); when it stalls
    # numerically (seen once in 100 generated villages: "no progress", status Unknown),
    # the same solve with crossover, then dual simplex, finish it
    for options in LP_ATTEMPTS:
        for name, value in options.items():
            h.setOptionValue(name, value)
        h.run()
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            break
    else:
        raise RuntimeError(f"LP bound: HiGHS returned {h.modelStatusToString(status)}")
    x = np.asarray(h.getSolution().col_value)
    return float(h.getInfo().objective_function_value), (float(x[iP]), float(x[iB]), float(x[iG]))
