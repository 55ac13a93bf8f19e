"""Hourly dispatch of an off-grid village with peer-to-peer (P2P) sharing.

One year (or any number of hours) is simulated hour by hour for every home with the
rules of SPEC §3.3. The hourly loop is one numba kernel (:func:`_dispatch_kernel`);
everything around it is plain numpy. Two paths share that kernel:

* :func:`simulate` with ``hourly=False`` (default) returns annual per-home totals only —
  the fast path the sizing optimiser calls thousands of times;
* :func:`simulate` with ``hourly=True`` also records the hourly series (T, N), which
  :meth:`SimulationResult.hourly_frame` turns into the tidy table of ``hourly.parquet``.

Time step is one hour, so a power held for the step [kW] equals an energy [kWh].

Sign convention
---------------
All flows are non-negative and named by direction. ``export`` leaves a home into the
pool (export > 0 leaves a home), ``import`` enters a home from the pool. ``battery_kw``
in the hourly series is the net battery power on the home bus, > 0 when discharging
(into the home), < 0 when charging. Battery charge and discharge are measured on the
AC side (the home bus); the stored energy ``soc_kwh`` is on the cell side.

Dispatch rules (per hour, SPEC §3.3)
------------------------------------
1. Own PV serves own load: ``pv_self = min(pv, load)``.
2. Own PV surplus charges own battery, limited by the battery power
   ``battery_power_kw`` (AC side), the room ``(capacity − soc)/η_c`` and the charge
   efficiency ``η_c``.
3. Own remaining deficit is served by own battery, limited by the power and by the
   energy above the floor ``soc_min = (1 − DoD)·capacity``: ``(soc − soc_min)·η_d``.
4. The community pool (``p2p_enabled``). Each home offers its remaining PV surplus and
   asks for its remaining deficit, both capped at ``max_transfer_kw``. PV offers serve
   the asks first; if they fall short and ``share_batteries``, batteries of homes that
   neither charged nor still lack energy this hour offer their energy above the reserve
   ``soc_reserve = soc_min + battery_reserve_fraction·DoD·capacity`` (within their
   unused discharge power and export cap). Sharing is pro rata on both sides: every
   asking home receives the same fraction of its ask, every offering home sends the
   same fraction of its offer. A transfer of ``x`` kWh sent arrives as
   ``x·(1 − loss_fraction)``.
5. PV still offered but not taken charges, through the pool (same loss, pro rata),
   batteries of homes that export nothing this hour and have room (within their power
   headroom and import cap). A battery that discharged for its own load earlier in the
   hour first has that discharge replaced by the import (the battery's hourly flow is
   netted, so no round-trip loss is booked for energy that never entered it); only
   the rest charges it. The PV left after that is curtailed.
6. Diesel serves what remains.

   * ``per_home``: each genset serves its own home's remaining deficit up to its rating.
   * ``shared``: one village genset serves the remaining deficits of all homes through
     the P2P links, pro rata, with the same ``loss_fraction`` on the way and within each
     home's remaining import cap; it must therefore produce ``need/(1 − loss)``.

   A running genset produces at least ``min_load_ratio·P_rated``. The excess above the
   load first replaces battery discharge of the same hour (netting, as in step 5), then
   charges batteries — its own home's for a per-home genset, the pool's batteries (pro
   rata to their room, with the link loss) for the shared genset — and the rest is
   dumped. Fuel while running: ``F = F0·P_rated + F1·P_out`` [L/h] with ``P_out``
   including dumped energy. A genset "runs" in an hour where it has more than
   ``1e-9 kW`` to serve; a start is an hour running after an hour not running (off at
   the start of the simulation).
7. What is still unserved is unmet load.

Consequences, checked by the tests: a battery never charges and discharges in the same
hour, a home never imports and exports in the same hour, a battery that discharged to
the pool ends the hour at or above its reserve, and no home's export or import
(P2P plus shared genset) exceeds ``max_transfer_kw``.

The shared genset sits behind the links like one more seller on the pool: what it sends
arrives with the same ``loss_fraction``, and it counts against each receiving home's
import cap. Its losses are reported apart from the P2P losses.

A failed home (``failed[t, i]``) has no PV and no battery in that hour (its stored
energy is frozen until repair); its per-home genset and its P2P link keep working, so
it lives on the pool (and its own genset).

Without P2P (``p2p_enabled=False``) steps 4–5 do not happen: homes are standalone solar
home systems. A shared genset then cannot reach any home, so the ``shared`` placement is
rejected with a :class:`~p2p_size.sizing.errors.P2PSizeError` (use ``per_home`` or
``none`` for standalone systems, or model the central plant as a mini-grid elsewhere).

Initial state: every battery starts at ``initial_soc_fraction`` of its nominal capacity
(default 1.0, full — HOMER's default), raised to the floor ``soc_min`` if lower.

Energy balance (checked by the tests every hour, every home, to 1e-9 kWh)
------------------------------------------------------------------------
Home bus::

    pv − curtailed + battery_discharge + import + shared_diesel_received
       + diesel − diesel_dumped  =  (load − unmet) + battery_charge + export

Battery::

    soc[t] = soc[t−1] + η_c·battery_charge − battery_discharge/η_d

Village pool::

    Σ export − Σ import = p2p losses = loss_fraction·Σ export
    shared_diesel − shared_dumped − Σ shared_diesel_received = shared_diesel_losses

References
----------
HOMER Pro user manual, "Load following" dispatch strategy, generator fuel curve and
minimum load ratio; Microgrids.jl / ``microgrids`` (Antunes, Sadou, Haessig 2022) for the
single-microgrid load-following rule this kernel reduces to without P2P.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numba
import numpy as np
import pandas as pd

from .errors import P2PSizeError, Problem

__all__ = [
    "PLACEMENTS",
    "DispatchInputs",
    "HourlySeries",
    "SimulationResult",
    "simulate",
    "failure_mask",
]

#: Diesel placements and their kernel codes.
PLACEMENTS = {"none": 0, "per_home": 1, "shared": 2}

#: Below this [kW] a residual deficit does not start a genset.
_RUN_THRESHOLD_KW = 1e-9

# Rows of the per-home accumulator (annual totals). Curtailment, exports, PV into the
# own battery and fuel are derived from these after the loop (fewer stores per hour).
_A_LOAD = 0           # load [kWh]
_A_PV = 1             # PV available (after failures) [kWh]
_A_PV_SELF = 2        # PV used directly by own load [kWh]
_A_SURPLUS = 3        # PV left after own load and own battery [kWh]
_A_PV_EXPORT = 4      # PV sent to the pool [kWh]
_A_CHARGE = 5         # battery charge, all sources [kWh, AC]
_A_DISCHARGE = 6      # battery discharge, to own load and pool [kWh, AC]
_A_IMPORT = 7         # P2P import received [kWh]
_A_SHARED_RX = 8      # shared-genset energy received [kWh]
_A_DIESEL = 9         # per-home genset output [kWh]
_A_DIESEL_DUMP = 10   # per-home genset output dumped [kWh]
_A_RUN_H = 11         # per-home genset running hours [h]
_A_STARTS = 12        # per-home genset starts [-]
_A_UNMET = 13         # unmet load [kWh]
_A_UNMET_H = 14       # hours with unmet load [h]
_A_FAILED_H = 15      # hours failed [h]
_A_BAT_EXPORT = 16    # battery discharge sent to the pool [kWh, AC]
_N_ACC = 17

# Village accumulator ---------------------------------------------------------------
_V_SHARED = 0         # shared genset output [kWh]
_V_SHARED_DUMP = 1    # shared genset output dumped [kWh]
_V_SHARED_LOSS = 2    # link losses on shared-genset deliveries [kWh]
_V_SHARED_FUEL = 3    # shared genset fuel [L]
_V_SHARED_RUN_H = 4   # shared genset running hours [h]
_V_SHARED_STARTS = 5  # shared genset starts [-]
_N_VIL = 6

# Columns of the village hourly record ----------------------------------------------
_VH_SHARED = 0
_VH_SHARED_DUMP = 1
_VH_SHARED_LOSS = 2
_N_VH = 3


# Fast-math flags that keep IEEE semantics for inf/NaN (``max_transfer_kw`` may be inf):
# reassociation lets the compiler vectorise the sums over homes.
_FASTMATH = {"reassoc", "nsz", "arcp", "contract"}


@numba.njit(cache=True, nogil=True, fastmath=_FASTMATH)
def _dispatch_kernel(
    pv_kw_per_kwp, pv_kwp, load_kw, failed,
    battery_kwh, battery_power_kw, soc_kwh, diesel_kw,
    eta_c, eta_d, depth_of_discharge, reserve_fraction,
    p2p_enabled, share_batteries, loss_fraction, max_transfer_kw,
    placement, shared_diesel_kw, fuel_intercept, fuel_slope, min_load_ratio,
    acc, vil, record,
    h_soc, h_charge, h_discharge, h_export, h_import, h_shared_rx,
    h_diesel, h_diesel_dump, h_curtailed, h_unmet, h_to_pool,
    h_pv_offer, h_battery_offer, h_ask, h_village,
):
    """Simulate every hour for every home (SPEC §3.3); see the module docstring.

    Mutates ``soc_kwh`` (N,) [kWh] (initial → final), ``acc`` (_N_ACC, N) and ``vil``
    (_N_VIL,) (accumulated totals) and, when ``record``, the hourly (T, N) arrays
    ``h_*`` [kW, or kWh for ``h_soc``] and ``h_village`` (T, _N_VH) [kW].
    ``pv_kw_per_kwp`` is (T, 1) — one profile for all homes — or (T, N); ``failed`` is
    (T, N), or (1, 1) for "no failures".

    The loops over homes are written without data-dependent branches (conditions become
    0/1 factors and min/max), so that the compiler emits selects instead of jumps that a
    random village would mispredict; branches are taken only on hourly village totals.
    """
    n_hours, n_homes = load_kw.shape
    per_home_profile = pv_kw_per_kwp.shape[1] == n_homes and n_homes > 1
    has_failures = failed.shape[0] == n_hours and failed.shape[1] == n_homes
    keep = 1.0 - loss_fraction
    X = max_transfer_kw
    inv_eta_c = 1.0 / eta_c
    inv_eta_d = 1.0 / eta_d
    thr = _RUN_THRESHOLD_KW

    # Work arrays, allocated once.
    surplus = np.zeros(n_homes)      # PV left after own battery [kW]
    deficit = np.zeros(n_homes)      # load left after own battery [kW]
    residual = np.zeros(n_homes)     # load left after the pool [kW]
    dis_load = np.zeros(n_homes)     # battery -> own load [kW, AC]
    dis_pool = np.zeros(n_homes)     # battery -> pool [kW, AC]
    charge = np.zeros(n_homes)       # into battery, all sources [kW, AC]
    pv_export = np.zeros(n_homes)    # PV sent to the pool [kW]
    imp = np.zeros(n_homes)          # received from the pool (peers) [kW]
    shared_rx = np.zeros(n_homes)    # received from the shared genset [kW]
    offer = np.zeros(n_homes)        # battery offers (step 4) / rooms (steps 5, 6)
    power = np.zeros(n_homes)        # battery power available this hour (0 if failed) [kW]
    pv_now = np.zeros(n_homes)       # PV available this hour (0 if failed) [kW]
    down = np.zeros(n_homes)         # 1.0 if failed this hour [-]
    was_running = np.zeros(n_homes)  # per-home genset ran last hour (1.0) [-]
    soc_min = np.empty(n_homes)
    soc_reserve = np.empty(n_homes)
    rated = np.empty(n_homes)
    for i in range(n_homes):
        soc_min[i] = (1.0 - depth_of_discharge) * battery_kwh[i]
        soc_reserve[i] = soc_min[i] + reserve_fraction * depth_of_discharge * battery_kwh[i]
        rated[i] = diesel_kw[i] if placement == 1 else 0.0
    shared_was_running = False
    diesel_per_home = placement == 1
    diesel_shared = placement == 2 and p2p_enabled and shared_diesel_kw > 0.0
    min_shared_kw = min_load_ratio * shared_diesel_kw
    if not p2p_enabled:
        residual = deficit

    for t in range(n_hours):
        # ---- steps 1-3: own PV, own battery ----------------------------------------
        if has_failures:
            for i in range(n_homes):
                down[i] = 1.0 if failed[t, i] else 0.0
                power[i] = battery_power_kw[i] * (1.0 - down[i])
                acc[_A_FAILED_H, i] += down[i]
        elif t == 0:
            for i in range(n_homes):
                power[i] = battery_power_kw[i]
        if per_home_profile:
            for i in range(n_homes):
                pv_now[i] = pv_kw_per_kwp[t, i] * pv_kwp[i] * (1.0 - down[i])
                acc[_A_PV, i] += pv_now[i]
        else:
            pv_unit = pv_kw_per_kwp[t, 0]
            for i in range(n_homes):
                pv_now[i] = pv_unit * pv_kwp[i] * (1.0 - down[i])
                acc[_A_PV, i] += pv_now[i]
        pv_offer_total = 0.0
        ask_total = 0.0
        for i in range(n_homes):
            load = load_kw[t, i]
            pv = pv_now[i]
            used = min(pv, load)
            s = pv - used
            d = load - used
            pw = power[i]
            soc = soc_kwh[i]
            # at most one of s, d is > 0, so at most one of c, dl is > 0
            c = max(min(min(s, pw), (battery_kwh[i] - soc) * inv_eta_c), 0.0)
            dl = max(min(min(d, pw), (soc - soc_min[i]) * eta_d), 0.0)
            soc_kwh[i] = soc + c * eta_c - dl * inv_eta_d
            s -= c
            d -= dl
            surplus[i] = s
            deficit[i] = d
            charge[i] = c
            dis_load[i] = dl
            acc[_A_LOAD, i] += load
            acc[_A_PV_SELF, i] += used
            pv_offer_total += min(s, X)
            ask_total += min(d, X)

        # ---- step 4: the pool serves deficits, PV first, then batteries -------------
        # (without P2P, residual is the deficit array itself and export/import stay 0)
        pv_sent_frac = 0.0      # share of each PV offer sent in step 4
        if p2p_enabled:
            pv_deliverable = pv_offer_total * keep
            served_frac = 0.0
            if pv_offer_total > 0.0:
                if pv_deliverable >= ask_total:
                    pv_sent_frac = ask_total / pv_deliverable
                    served_frac = 1.0
                else:
                    pv_sent_frac = 1.0
                    served_frac = pv_deliverable / ask_total
            ask_left = ask_total * (1.0 - served_frac)
            for i in range(n_homes):
                d = deficit[i]
                pe = min(surplus[i], X) * pv_sent_frac
                got = min(d, X) * served_frac
                pv_export[i] = pe
                imp[i] = got
                residual[i] = d - got
                dis_pool[i] = 0.0
            bat_offer_total = 0.0
            if share_batteries and ask_left > 0.0:
                for i in range(n_homes):
                    # a battery offers only if it is not charging and its home lacks nothing
                    o = min(min(power[i] - dis_load[i], (soc_kwh[i] - soc_reserve[i]) * eta_d),
                            X - pv_export[i])
                    o = max(o, 0.0) if (charge[i] == 0.0 and deficit[i] == 0.0) else 0.0
                    offer[i] = o
                    bat_offer_total += o
                if record:
                    for i in range(n_homes):
                        h_battery_offer[t, i] = offer[i]
            if bat_offer_total > 0.0:
                bat_deliverable = bat_offer_total * keep
                if bat_deliverable >= ask_left:
                    bat_sent_frac = ask_left / bat_deliverable
                    bat_served_frac = 1.0
                else:
                    bat_sent_frac = 1.0
                    bat_served_frac = bat_deliverable / ask_left
                got_frac = (1.0 - served_frac) * bat_served_frac
                for i in range(n_homes):
                    sent = offer[i] * bat_sent_frac
                    dis_pool[i] = sent
                    soc_kwh[i] -= sent * inv_eta_d
                    got = min(deficit[i], X) * got_frac
                    imp[i] += got
                    residual[i] -= got

        # ---- step 5: PV left over charges neighbours' batteries ----------------------
        if p2p_enabled and pv_offer_total > 0.0 and pv_sent_frac < 1.0:
            # (only reached when every ask was met by PV, so no battery sent to the pool)
            pv_left_frac = 1.0 - pv_sent_frac
            room_total = 0.0
            for i in range(n_homes):
                dl = dis_load[i]
                # undo own discharge first, then charge within power and energy room
                rc = min(power[i] - charge[i], (battery_kwh[i] - soc_kwh[i] - dl * inv_eta_d) * inv_eta_c)
                r = min(X - imp[i], dl + max(rc, 0.0))
                r = max(r, 0.0) if surplus[i] == 0.0 else 0.0
                offer[i] = r
                room_total += r
            if room_total > 0.0:
                deliverable = pv_offer_total * pv_left_frac * keep
                if deliverable >= room_total:
                    sent_frac5 = room_total / deliverable
                    fill_frac = 1.0
                else:
                    sent_frac5 = 1.0
                    fill_frac = deliverable / room_total
                send = pv_left_frac * sent_frac5
                for i in range(n_homes):
                    pv_export[i] += min(surplus[i], X) * send     # 0 for recipients
                    amount = offer[i] * fill_frac                 # 0 for senders
                    imp[i] += amount
                    dl = dis_load[i]
                    undo = min(amount, dl)
                    rest = amount - undo
                    dis_load[i] = dl - undo
                    charge[i] += rest
                    soc_kwh[i] += undo * inv_eta_d + rest * eta_c

        # ---- step 6, shared genset: serves the pool through the links ----------------
        if diesel_shared:
            need_total = 0.0
            for i in range(n_homes):
                q = max(min(residual[i], X - imp[i]), 0.0)
                offer[i] = q
                shared_rx[i] = 0.0
                need_total += q
            if need_total > thr:
                out_serve = min(need_total / keep, shared_diesel_kw)
                rx_frac = out_serve * keep / need_total
                out = max(out_serve, min_shared_kw)
                excess = out - out_serve
                delivered = 0.0          # to loads and batteries [kW]
                absorbed = 0.0           # excess delivered to batteries [kW]
                for i in range(n_homes):
                    got = offer[i] * rx_frac
                    shared_rx[i] = got
                    residual[i] -= got
                    delivered += got
                room_total = 0.0
                if excess > 0.0:
                    for i in range(n_homes):
                        dl = dis_load[i]
                        rc = min(power[i] - charge[i],
                                 (battery_kwh[i] - soc_kwh[i] - dl * inv_eta_d) * inv_eta_c)
                        r = min(X - imp[i] - shared_rx[i], dl + max(rc, 0.0))
                        eligible = surplus[i] == 0.0 and dis_pool[i] == 0.0
                        r = max(r, 0.0) if eligible else 0.0
                        offer[i] = r
                        room_total += r
                if excess > 0.0 and room_total > 0.0:
                    deliverable = excess * keep
                    fill_frac = 1.0 if deliverable >= room_total else deliverable / room_total
                    for i in range(n_homes):
                        amount = offer[i] * fill_frac
                        shared_rx[i] += amount
                        absorbed += amount
                        dl = dis_load[i]
                        undo = min(amount, dl)
                        rest = amount - undo
                        dis_load[i] = dl - undo
                        charge[i] += rest
                        soc_kwh[i] += undo * inv_eta_d + rest * eta_c
                    delivered += absorbed
                sent = min(out, out_serve + absorbed / keep)
                loss = sent - delivered
                dumped = out - sent
                vil[_V_SHARED] += out
                vil[_V_SHARED_DUMP] += dumped
                vil[_V_SHARED_LOSS] += loss
                vil[_V_SHARED_FUEL] += fuel_intercept * shared_diesel_kw + fuel_slope * out
                vil[_V_SHARED_RUN_H] += 1.0
                if not shared_was_running:
                    vil[_V_SHARED_STARTS] += 1.0
                shared_was_running = True
                if record:
                    h_village[t, _VH_SHARED] = out
                    h_village[t, _VH_SHARED_DUMP] = dumped
                    h_village[t, _VH_SHARED_LOSS] = loss
            else:
                shared_was_running = False

        # ---- step 6, per-home gensets -------------------------------------------------
        if diesel_per_home:
            excess_total = 0.0
            for i in range(n_homes):
                res = residual[i]
                g_rated = rated[i]
                run = 1.0 if (res > thr and g_rated > 0.0) else 0.0
                served = min(res, g_rated) * run
                g_out = max(served, min_load_ratio * g_rated) * run
                residual[i] = res - served
                offer[i] = g_out - served                # excess above the load
                excess_total += g_out - served
                acc[_A_DIESEL, i] += g_out
                acc[_A_RUN_H, i] += run
                acc[_A_STARTS, i] += run * (1.0 - was_running[i])
                was_running[i] = run
                if record:
                    h_diesel[t, i] = g_out
            if excess_total > 0.0:
                # excess: replace own battery discharge, then charge own battery, dump rest
                for i in range(n_homes):
                    excess = offer[i]
                    dl = dis_load[i]
                    undo = min(excess, dl)
                    dis_load[i] = dl - undo
                    soc = soc_kwh[i] + undo * inv_eta_d
                    rc = min(min(power[i] - charge[i], (battery_kwh[i] - soc) * inv_eta_c), excess - undo)
                    rc = max(rc, 0.0)
                    charge[i] += rc
                    soc_kwh[i] = soc + rc * eta_c
                    acc[_A_DIESEL_DUMP, i] += excess - undo - rc
                    if record:
                        h_diesel_dump[t, i] = excess - undo - rc

        # ---- step 7 (unmet), totals, record ---------------------------------------------
        for i in range(n_homes):
            res = residual[i]
            dp = dis_pool[i]
            acc[_A_SURPLUS, i] += surplus[i]
            acc[_A_PV_EXPORT, i] += pv_export[i]
            acc[_A_CHARGE, i] += charge[i]
            acc[_A_DISCHARGE, i] += dis_load[i] + dp
            acc[_A_BAT_EXPORT, i] += dp
            acc[_A_IMPORT, i] += imp[i]
            acc[_A_SHARED_RX, i] += shared_rx[i]
            acc[_A_UNMET, i] += res
            acc[_A_UNMET_H, i] += 1.0 if res > thr else 0.0
        if record:
            for i in range(n_homes):
                h_soc[t, i] = soc_kwh[i]
                h_charge[t, i] = charge[i]
                h_discharge[t, i] = dis_load[i] + dis_pool[i]
                h_export[t, i] = pv_export[i] + dis_pool[i]
                h_import[t, i] = imp[i]
                h_shared_rx[t, i] = shared_rx[i]
                h_curtailed[t, i] = surplus[i] - pv_export[i]
                h_unmet[t, i] = residual[i]
                h_to_pool[t, i] = dis_pool[i]
            if p2p_enabled:
                for i in range(n_homes):
                    h_pv_offer[t, i] = min(surplus[i], X)
                    h_ask[t, i] = min(deficit[i], X)


# ---------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------

def _as_home_vector(value, n_homes: int, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(n_homes, float(arr))
    if arr.shape != (n_homes,):
        raise ValueError(f"{name}: expected shape ({n_homes},) [one value per home], got {arr.shape}")
    return np.ascontiguousarray(arr)


@dataclass(frozen=True)
class DispatchInputs:
    """Everything the hourly dispatch needs for one village.

    Arrays are coerced to contiguous float64 (bool for ``failed``) on construction;
    scalars given for per-home vectors are broadcast to all homes. Use
    :func:`dataclasses.replace` to try other sizes (the sizing optimiser does).

    Parameters
    ----------
    pv_kw_per_kwp : ndarray (T,) or (T, N)
        PV output per installed kWp, after derating and temperature [kW/kWp]; one
        profile for all homes (T,) or one per home (T, N). To pass PV power directly,
        give it here with ``pv_kwp = 1``.
    load_kw : ndarray (T, N)
        Household demand, hourly mean [kW].
    pv_kwp : ndarray (N,)
        Installed PV per home [kWp].
    battery_kwh : ndarray (N,)
        Nominal battery capacity per home [kWh].
    battery_power_kw : ndarray (N,), optional
        Battery charge/discharge power limit on the home bus (AC side) [kW]. Default
        None: ``max_c_rate · battery_kwh``, evaluated at use (so a
        :func:`dataclasses.replace` of ``battery_kwh`` rescales it); see
        :attr:`battery_power_limit_kw`.
    diesel_kw : ndarray (N,), optional
        Per-home genset rating [kW]; used with placement ``per_home`` only. Default 0.
    shared_diesel_kw : float
        Shared village genset rating [kW]; used with placement ``shared`` only.
    diesel_placement : {"none", "per_home", "shared"} or {0, 1, 2}
        Where the gensets are.
    round_trip_efficiency : float
        Battery AC-to-AC round-trip efficiency [-]; charge and discharge efficiency are
        each its square root unless given explicitly.
    charge_efficiency, discharge_efficiency : float, optional
        Override the √RTE split [-]: stored = ``η_c``·charged, delivered =
        ``η_d``·withdrawn.
    depth_of_discharge : float
        Usable share of the nominal capacity [-]; SoC never below ``(1 − DoD)·capacity``.
    max_c_rate : float
        Power per kWh of capacity [1/h] when ``battery_power_kw`` is not given.
    initial_soc_fraction : float
        State of charge at the start, as a share of nominal capacity [-]; default 1.0
        (full, HOMER's default); raised to the DoD floor if lower.
    p2p_enabled : bool
        Homes are linked and share through the pool (steps 4–5).
    share_batteries : bool
        Neighbours' batteries may discharge to the pool.
    battery_reserve_fraction : float
        Batteries discharge to the pool only above this share of their usable capacity
        (above the DoD floor) [-].
    loss_fraction : float
        Share of every P2P (and shared-genset) transfer lost on the way [-].
    max_transfer_kw : float
        Cap on each home's hourly import and on its hourly export [kW]; ``inf`` for none.
    fuel_intercept_l_per_h_per_kw : float
        Fuel curve intercept F0 [L/h per kW rated].
    fuel_slope_l_per_kwh : float
        Fuel curve slope F1 [L/kWh].
    min_load_ratio : float
        Minimum genset output while running, as a share of its rating [-].
    failed : ndarray (T, N) of bool, optional
        Hours in which a home's PV and battery are out of service (see
        :func:`failure_mask`).
    """

    pv_kw_per_kwp: np.ndarray
    load_kw: np.ndarray
    pv_kwp: np.ndarray
    battery_kwh: np.ndarray
    battery_power_kw: np.ndarray | None = None
    diesel_kw: np.ndarray | float = 0.0
    shared_diesel_kw: float = 0.0
    diesel_placement: str | int = "none"
    round_trip_efficiency: float = 0.92
    charge_efficiency: float | None = None
    discharge_efficiency: float | None = None
    depth_of_discharge: float = 0.8
    max_c_rate: float = 0.5
    initial_soc_fraction: float = 1.0
    p2p_enabled: bool = True
    share_batteries: bool = True
    battery_reserve_fraction: float = 0.3
    loss_fraction: float = 0.05
    max_transfer_kw: float = 2.0
    fuel_intercept_l_per_h_per_kw: float = 0.08145
    fuel_slope_l_per_kwh: float = 0.246
    min_load_ratio: float = 0.25
    failed: np.ndarray | None = None

    def __post_init__(self):
        set_ = object.__setattr__
        load = np.ascontiguousarray(self.load_kw, dtype=np.float64)
        if load.ndim != 2:
            raise ValueError(f"load_kw: expected shape (T, N) [hours, homes], got {load.shape}")
        n_hours, n_homes = load.shape
        set_(self, "load_kw", load)
        prof = np.asarray(self.pv_kw_per_kwp, dtype=np.float64)
        if prof.ndim == 1:
            prof = prof[:, None]
        if prof.ndim != 2 or prof.shape[0] != n_hours or prof.shape[1] not in (1, n_homes):
            raise ValueError(
                f"pv_kw_per_kwp: expected shape ({n_hours},) or ({n_hours}, {n_homes}), "
                f"got {np.shape(self.pv_kw_per_kwp)}")
        set_(self, "pv_kw_per_kwp", np.ascontiguousarray(prof))
        set_(self, "pv_kwp", _as_home_vector(self.pv_kwp, n_homes, "pv_kwp"))
        set_(self, "battery_kwh", _as_home_vector(self.battery_kwh, n_homes, "battery_kwh"))
        # battery_power_kw stays None when not given, so that dataclasses.replace with a
        # new battery_kwh rescales the power by max_c_rate (see battery_power_limit_kw)
        if self.battery_power_kw is not None:
            set_(self, "battery_power_kw",
                 _as_home_vector(self.battery_power_kw, n_homes, "battery_power_kw"))
        set_(self, "diesel_kw", _as_home_vector(self.diesel_kw, n_homes, "diesel_kw"))
        placement = self.diesel_placement
        if isinstance(placement, str):
            if placement not in PLACEMENTS:
                raise ValueError(f"diesel_placement: expected one of {sorted(PLACEMENTS)}, got {placement!r}")
        elif int(placement) not in PLACEMENTS.values():
            raise ValueError(f"diesel_placement: expected 0, 1 or 2, got {placement!r}")
        else:
            placement = {v: k for k, v in PLACEMENTS.items()}[int(placement)]
        set_(self, "diesel_placement", placement)
        if self.failed is not None:
            failed = np.ascontiguousarray(self.failed, dtype=np.bool_)
            if failed.shape != (n_hours, n_homes):
                raise ValueError(f"failed: expected shape ({n_hours}, {n_homes}), got {failed.shape}")
            set_(self, "failed", failed)
        for name in ("round_trip_efficiency", "depth_of_discharge"):
            v = getattr(self, name)
            if not 0.0 < v <= 1.0:
                raise ValueError(f"{name}: expected a fraction in (0, 1], got {v!r}")
        for name in ("charge_efficiency", "discharge_efficiency"):
            v = getattr(self, name)
            if v is not None and not 0.0 < v <= 1.0:
                raise ValueError(f"{name}: expected a fraction in (0, 1], got {v!r}")
        for name in ("battery_reserve_fraction", "min_load_ratio", "initial_soc_fraction"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"{name}: expected a fraction in [0, 1], got {v!r}")
        if not 0.0 <= self.loss_fraction < 1.0:
            raise ValueError(f"loss_fraction: expected a fraction in [0, 1), got {self.loss_fraction!r}")
        if not self.max_transfer_kw >= 0.0:
            raise ValueError(f"max_transfer_kw: expected >= 0 [kW], got {self.max_transfer_kw!r}")
        if not self.max_c_rate > 0.0:
            raise ValueError(f"max_c_rate: expected > 0 [1/h], got {self.max_c_rate!r}")
        for name in ("pv_kwp", "battery_kwh", "battery_power_limit_kw", "diesel_kw"):
            if np.any(getattr(self, name) < 0.0):
                raise ValueError(f"{name}: expected non-negative sizes")
        if self.shared_diesel_kw < 0.0:
            raise ValueError(f"shared_diesel_kw: expected >= 0 [kW], got {self.shared_diesel_kw!r}")
        if placement == "shared" and not self.p2p_enabled and self.shared_diesel_kw > 0.0:
            raise P2PSizeError(Problem(
                file="", key="equipment.diesel.placement",
                message="a shared genset reaches the homes only through the P2P links, "
                        "but p2p is disabled (standalone homes)",
                fix="use placement per_home or none for standalone systems, or enable p2p",
                value="shared"))

    @property
    def n_hours(self) -> int:
        """Number of simulated hours T."""
        return self.load_kw.shape[0]

    @property
    def n_homes(self) -> int:
        """Number of homes N."""
        return self.load_kw.shape[1]

    @property
    def battery_power_limit_kw(self) -> np.ndarray:
        """Battery power limit per home, given or ``max_c_rate · battery_kwh``, (N,) [kW]."""
        if self.battery_power_kw is None:
            return self.battery_kwh * float(self.max_c_rate)
        return self.battery_power_kw

    @property
    def efficiencies(self) -> tuple[float, float]:
        """Battery (charge, discharge) efficiency [-]."""
        root = math.sqrt(self.round_trip_efficiency)
        eta_c = root if self.charge_efficiency is None else float(self.charge_efficiency)
        eta_d = root if self.discharge_efficiency is None else float(self.discharge_efficiency)
        return eta_c, eta_d

    def pv_kw(self) -> np.ndarray:
        """PV power available to each home (zero while failed), (T, N) [kW]."""
        pv = self.pv_kw_per_kwp * self.pv_kwp[None, :]
        if self.failed is not None:
            pv = np.where(self.failed, 0.0, pv)
        return pv

    def initial_soc_kwh(self) -> np.ndarray:
        """State of charge at the start, (N,) [kWh]."""
        floor = (1.0 - self.depth_of_discharge) * self.battery_kwh
        return np.maximum(self.initial_soc_fraction * self.battery_kwh, floor)


# ---------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class HourlySeries:
    """Hourly flows of every home, each (T, N), plus village series (T,).

    Attributes
    ----------
    pv_kw : PV available (zero while failed) [kW]
    load_kw : demand [kW]
    soc_kwh : battery energy stored at the end of the hour [kWh]
    battery_charge_kw, battery_discharge_kw : battery flows on the home bus [kW]
    battery_to_pool_kw : part of the discharge sent to the pool [kW]
    export_kw : P2P energy sent into the pool (leaves the home) [kW]
    import_kw : P2P energy received from peers [kW]
    shared_diesel_received_kw : shared-genset energy received through the link [kW]
    diesel_kw : per-home genset output [kW]
    diesel_dumped_kw : per-home genset output neither used nor stored [kW]
    curtailed_kw : PV curtailed [kW]
    unmet_kw : load not served [kW]
    shared_diesel_kw, shared_diesel_dumped_kw, shared_diesel_losses_kw : (T,) village [kW]
    pv_offer_kw : pre-trade PV surplus offered to the pool (step 4), within the export
        cap, at the home [kW]; 0 without P2P
    battery_offer_kw : pre-trade battery energy above the reserve offered to the pool
        [kW]; evaluated only in hours where PV offers fall short of the asks (0 otherwise)
    ask_kw : pre-trade deficit asked from the pool, within the import cap [kW]; 0
        without P2P. With ``pv_offer_kw`` and ``battery_offer_kw``, the supply and demand
        that P2P pricing mechanisms (supply-demand ratio, double auction) need.
    """

    pv_kw: np.ndarray
    load_kw: np.ndarray
    soc_kwh: np.ndarray
    battery_charge_kw: np.ndarray
    battery_discharge_kw: np.ndarray
    battery_to_pool_kw: np.ndarray
    export_kw: np.ndarray
    import_kw: np.ndarray
    shared_diesel_received_kw: np.ndarray
    diesel_kw: np.ndarray
    diesel_dumped_kw: np.ndarray
    curtailed_kw: np.ndarray
    unmet_kw: np.ndarray
    shared_diesel_kw: np.ndarray
    shared_diesel_dumped_kw: np.ndarray
    shared_diesel_losses_kw: np.ndarray
    pv_offer_kw: np.ndarray
    battery_offer_kw: np.ndarray
    ask_kw: np.ndarray

    @property
    def battery_kw(self) -> np.ndarray:
        """Net battery power on the home bus, > 0 discharging, (T, N) [kW]."""
        return self.battery_discharge_kw - self.battery_charge_kw

    @property
    def served_kw(self) -> np.ndarray:
        """Load served, (T, N) [kW]."""
        return self.load_kw - self.unmet_kw

    @property
    def p2p_losses_kw(self) -> np.ndarray:
        """P2P losses of the village, (T,) [kW]."""
        return self.export_kw.sum(axis=1) - self.import_kw.sum(axis=1)


@dataclass(frozen=True)
class SimulationResult:
    """Annual energy flows of a village, per home (N,) and for the village.

    Energies are sums over the simulated hours (a year for an 8760-h input).
    Battery charge/discharge are on the home bus (AC side).

    Attributes
    ----------
    load_kwh, served_kwh, unmet_kwh : (N,) demand, served and unmet load [kWh]
    unmet_hours : (N,) hours with unmet load above 1e-9 kW [h]
    unmet_fraction : (N,) ``unmet_kwh / load_kwh`` (0 for a home without load) [-]
    pv_kwh : (N,) PV available (zero while failed) [kWh]
    pv_used_kwh : (N,) PV put to use — own load, own battery, exported — i.e.
        ``pv_kwh − curtailed_kwh`` [kWh]
    pv_self_consumed_kwh : (N,) PV serving the home's own load directly [kWh]
    pv_to_battery_kwh : (N,) PV charging the home's own battery [kWh]
    curtailed_kwh : (N,) PV curtailed [kWh]
    battery_charge_kwh, battery_discharge_kwh : (N,) [kWh]
    battery_to_pool_kwh : (N,) part of the discharge sent to the pool [kWh]
    battery_throughput_kwh : (N,) charge + discharge [kWh]
    battery_losses_kwh : (N,) charge − discharge − (final − initial SoC) [kWh]
    equivalent_full_cycles : (N,) ``throughput / (2 · DoD · capacity)`` — full cycles
        of the usable capacity, the basis of a cycle life rated at that DoD [-]
    soc_initial_kwh, soc_final_kwh : (N,) [kWh]
    export_kwh : (N,) P2P energy sent into the pool [kWh]
    import_kwh : (N,) P2P energy received from peers [kWh]
    shared_diesel_received_kwh : (N,) shared-genset energy received [kWh]
    diesel_kwh : (N,) per-home genset output, dumped part included [kWh]
    diesel_dumped_kwh : (N,) [kWh]
    fuel_l : (N,) per-home genset fuel [L]
    diesel_running_hours, diesel_starts : (N,) per-home genset [h], [-]
    failed_hours : (N,) hours out of service [h]
    p2p_traded_kwh : village P2P energy sold (sent, measured at sellers) [kWh]
    p2p_losses_kwh : village P2P losses, ``Σ export − Σ import`` [kWh]
    shared_diesel_kwh, shared_diesel_dumped_kwh, shared_diesel_losses_kwh : [kWh]
    shared_fuel_l : [L]
    shared_diesel_running_hours, shared_diesel_starts : [h], [-]
    renewable_fraction : village ``1 − useful diesel / served``, useful diesel being
        genset output not dumped (HOMER's renewable fraction, dump excluded) [-]
    n_hours : simulated hours T
    hourly : :class:`HourlySeries` or None (fast path)
    """

    load_kwh: np.ndarray
    served_kwh: np.ndarray
    unmet_kwh: np.ndarray
    unmet_hours: np.ndarray
    unmet_fraction: np.ndarray
    pv_kwh: np.ndarray
    pv_used_kwh: np.ndarray
    pv_self_consumed_kwh: np.ndarray
    pv_to_battery_kwh: np.ndarray
    curtailed_kwh: np.ndarray
    battery_charge_kwh: np.ndarray
    battery_discharge_kwh: np.ndarray
    battery_to_pool_kwh: np.ndarray
    battery_throughput_kwh: np.ndarray
    battery_losses_kwh: np.ndarray
    equivalent_full_cycles: np.ndarray
    soc_initial_kwh: np.ndarray
    soc_final_kwh: np.ndarray
    export_kwh: np.ndarray
    import_kwh: np.ndarray
    shared_diesel_received_kwh: np.ndarray
    diesel_kwh: np.ndarray
    diesel_dumped_kwh: np.ndarray
    fuel_l: np.ndarray
    diesel_running_hours: np.ndarray
    diesel_starts: np.ndarray
    failed_hours: np.ndarray
    p2p_traded_kwh: float
    p2p_losses_kwh: float
    shared_diesel_kwh: float
    shared_diesel_dumped_kwh: float
    shared_diesel_losses_kwh: float
    shared_fuel_l: float
    shared_diesel_running_hours: float
    shared_diesel_starts: float
    renewable_fraction: float
    n_hours: int
    hourly: HourlySeries | None = field(default=None, repr=False)

    # village totals -----------------------------------------------------------
    @property
    def n_homes(self) -> int:
        return self.load_kwh.shape[0]

    @property
    def village_load_kwh(self) -> float:
        return float(self.load_kwh.sum())

    @property
    def village_served_kwh(self) -> float:
        return float(self.served_kwh.sum())

    @property
    def village_unmet_kwh(self) -> float:
        return float(self.unmet_kwh.sum())

    @property
    def village_unmet_fraction(self) -> float:
        load = self.village_load_kwh
        return self.village_unmet_kwh / load if load > 0 else 0.0

    @property
    def village_diesel_kwh(self) -> float:
        """Per-home and shared genset output [kWh]."""
        return float(self.diesel_kwh.sum()) + self.shared_diesel_kwh

    @property
    def village_fuel_l(self) -> float:
        """Per-home and shared genset fuel [L]."""
        return float(self.fuel_l.sum()) + self.shared_fuel_l

    @property
    def village_curtailed_kwh(self) -> float:
        return float(self.curtailed_kwh.sum())

    def energy_summary(self) -> dict:
        """Village energy totals under the ``summary.json`` ``energy`` keys [kWh, L, -]."""
        return {
            "load_kwh": self.village_load_kwh,
            "served_kwh": self.village_served_kwh,
            "unmet_fraction": self.village_unmet_fraction,
            "p2p_traded_kwh": self.p2p_traded_kwh,
            "p2p_losses_kwh": self.p2p_losses_kwh,
            "diesel_kwh": self.village_diesel_kwh,
            "fuel_l": self.village_fuel_l,
            "curtailed_kwh": self.village_curtailed_kwh,
            "renewable_fraction": self.renewable_fraction,
        }

    def homes_frame(self, home_ids=None) -> pd.DataFrame:
        """Per-home annual totals as a DataFrame, one row per home."""
        names = [f.name for f in self.__dataclass_fields__.values()]
        data = {n: getattr(self, n) for n in names
                if isinstance(getattr(self, n), np.ndarray)}
        index = pd.Index(np.arange(self.n_homes) if home_ids is None else home_ids, name="home")
        return pd.DataFrame(data, index=index)

    def hourly_frame(self, timestamps=None, home_ids=None) -> pd.DataFrame:
        """The hourly series as a tidy (long) table, one row per hour and home.

        Parameters
        ----------
        timestamps : array-like (T,), optional
            Labels of the hours (e.g. a ``DatetimeIndex``); default hour number 0..T−1.
        home_ids : array-like (N,), optional
            Labels of the homes; default 0..N−1.

        Returns
        -------
        DataFrame (``home`` categorical when ``home_ids`` are given) with columns ``time, home, pv_kw, load_kw, served_kw, unmet_kw,
        soc_kwh, battery_kw (> 0 discharging), export_kw, import_kw,
        shared_diesel_received_kw, diesel_kw, diesel_dumped_kw, curtailed_kw``
        (float32 for the flows, to keep ``hourly.parquet`` small), rows ordered by
        time then home.
        """
        h = self.hourly
        if h is None:
            raise ValueError("no hourly series: call simulate(..., hourly=True)")
        n_hours, n_homes = h.load_kw.shape
        time = np.arange(n_hours) if timestamps is None else np.asarray(timestamps)
        codes = np.tile(np.arange(n_homes), n_hours)
        cols = {
            "time": np.repeat(time, n_homes),
            # a categorical: one label per home, not one string per row (T·N rows)
            "home": codes if home_ids is None else pd.Categorical.from_codes(codes, categories=list(home_ids)),
        }
        series = {
            "pv_kw": h.pv_kw, "load_kw": h.load_kw, "served_kw": h.served_kw,
            "unmet_kw": h.unmet_kw, "soc_kwh": h.soc_kwh, "battery_kw": h.battery_kw,
            "export_kw": h.export_kw, "import_kw": h.import_kw,
            "shared_diesel_received_kw": h.shared_diesel_received_kw,
            "diesel_kw": h.diesel_kw, "diesel_dumped_kw": h.diesel_dumped_kw,
            "curtailed_kw": h.curtailed_kw,
        }
        for name, arr in series.items():
            cols[name] = np.asarray(arr, dtype=np.float32).reshape(-1)
        return pd.DataFrame(cols)

    def village_hourly_frame(self, timestamps=None) -> pd.DataFrame:
        """Village hourly totals (T rows): load, served, PV, P2P trade and losses, diesel."""
        h = self.hourly
        if h is None:
            raise ValueError("no hourly series: call simulate(..., hourly=True)")
        n_hours = h.load_kw.shape[0]
        index = pd.Index(np.arange(n_hours) if timestamps is None else timestamps, name="time")
        return pd.DataFrame({
            "load_kw": h.load_kw.sum(axis=1),
            "served_kw": h.served_kw.sum(axis=1),
            "unmet_kw": h.unmet_kw.sum(axis=1),
            "pv_kw": h.pv_kw.sum(axis=1),
            "curtailed_kw": h.curtailed_kw.sum(axis=1),
            "soc_kwh": h.soc_kwh.sum(axis=1),
            "p2p_traded_kw": h.export_kw.sum(axis=1),
            "p2p_losses_kw": h.p2p_losses_kw,
            "diesel_kw": h.diesel_kw.sum(axis=1) + h.shared_diesel_kw,
        }, index=index)


# ---------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------

_NO_FAILURES = np.zeros((1, 1), dtype=np.bool_)


def simulate(inputs: DispatchInputs, hourly: bool = False) -> SimulationResult:
    """Simulate the village hour by hour with the dispatch rules of SPEC §3.3.

    Parameters
    ----------
    inputs : DispatchInputs
        The village: profiles, sizes, technology and sharing parameters.
    hourly : bool
        Also record the hourly series (memory ≈ 125·T·N bytes; 220 MB for 200 homes
        over a year). False is the fast path for the sizing search.

    Returns
    -------
    SimulationResult
        Annual per-home and village totals; ``hourly`` set when asked.

    Notes
    -----
    The rules, the balance equations and the sign convention are in the module
    docstring. The kernel is compiled once (``cache=True``) for float64/bool inputs.
    """
    n_hours, n_homes = inputs.n_hours, inputs.n_homes
    eta_c, eta_d = inputs.efficiencies
    soc0 = inputs.initial_soc_kwh()
    soc = soc0.copy()
    acc = np.zeros((_N_ACC, n_homes))
    vil = np.zeros(_N_VIL)
    placement = PLACEMENTS[inputs.diesel_placement]
    failed = _NO_FAILURES if inputs.failed is None else inputs.failed
    shape = (n_hours, n_homes) if hourly else (1, 1)
    rec = [np.zeros(shape) for _ in range(14)]
    h_village = np.zeros((n_hours, _N_VH) if hourly else (1, _N_VH))

    _dispatch_kernel(
        inputs.pv_kw_per_kwp, inputs.pv_kwp, inputs.load_kw, failed,
        inputs.battery_kwh, inputs.battery_power_limit_kw, soc, inputs.diesel_kw,
        eta_c, eta_d, float(inputs.depth_of_discharge), float(inputs.battery_reserve_fraction),
        bool(inputs.p2p_enabled), bool(inputs.share_batteries), float(inputs.loss_fraction),
        float(inputs.max_transfer_kw),
        placement, float(inputs.shared_diesel_kw) if placement == 2 else 0.0,
        float(inputs.fuel_intercept_l_per_h_per_kw), float(inputs.fuel_slope_l_per_kwh),
        float(inputs.min_load_ratio),
        acc, vil, hourly, *rec, h_village,
    )

    load = acc[_A_LOAD]
    unmet = acc[_A_UNMET]
    served = load - unmet
    charge = acc[_A_CHARGE]
    discharge = acc[_A_DISCHARGE]
    throughput = charge + discharge
    usable = inputs.depth_of_discharge * inputs.battery_kwh
    with np.errstate(divide="ignore", invalid="ignore"):
        unmet_fraction = np.where(load > 0, unmet / np.where(load > 0, load, 1.0), 0.0)
        cycles = np.where(usable > 0, throughput / (2.0 * np.where(usable > 0, usable, 1.0)), 0.0)
    curtailed = acc[_A_SURPLUS] - acc[_A_PV_EXPORT]
    diesel_rated = inputs.diesel_kw if placement == 1 else np.zeros(n_homes)
    export = acc[_A_PV_EXPORT] + acc[_A_BAT_EXPORT]
    imp = acc[_A_IMPORT]
    useful_diesel = (acc[_A_DIESEL].sum() - acc[_A_DIESEL_DUMP].sum()
                     + vil[_V_SHARED] - vil[_V_SHARED_DUMP] - vil[_V_SHARED_LOSS])
    served_total = served.sum()
    renewable = 1.0 - useful_diesel / served_total if served_total > 0 else 0.0
    renewable = min(max(renewable, 0.0), 1.0)   # rounding only

    hourly_series = None
    if hourly:
        (h_soc, h_charge, h_discharge, h_export, h_import, h_shared_rx,
         h_diesel, h_dump, h_curt, h_unmet, h_to_pool,
         h_pv_offer, h_battery_offer, h_ask) = rec
        hourly_series = HourlySeries(
            pv_kw=inputs.pv_kw(), load_kw=inputs.load_kw, soc_kwh=h_soc,
            battery_charge_kw=h_charge, battery_discharge_kw=h_discharge,
            battery_to_pool_kw=h_to_pool,
            pv_offer_kw=h_pv_offer, battery_offer_kw=h_battery_offer, ask_kw=h_ask,
            export_kw=h_export, import_kw=h_import, shared_diesel_received_kw=h_shared_rx,
            diesel_kw=h_diesel, diesel_dumped_kw=h_dump, curtailed_kw=h_curt,
            unmet_kw=h_unmet,
            shared_diesel_kw=h_village[:, _VH_SHARED].copy(),
            shared_diesel_dumped_kw=h_village[:, _VH_SHARED_DUMP].copy(),
            shared_diesel_losses_kw=h_village[:, _VH_SHARED_LOSS].copy(),
        )

    return SimulationResult(
        load_kwh=load.copy(),
        served_kwh=served,
        unmet_kwh=unmet.copy(),
        unmet_hours=acc[_A_UNMET_H].copy(),
        unmet_fraction=unmet_fraction,
        pv_kwh=acc[_A_PV].copy(),
        pv_used_kwh=acc[_A_PV] - curtailed,
        pv_self_consumed_kwh=acc[_A_PV_SELF].copy(),
        pv_to_battery_kwh=acc[_A_PV] - acc[_A_PV_SELF] - acc[_A_SURPLUS],
        curtailed_kwh=curtailed,
        battery_charge_kwh=charge.copy(),
        battery_discharge_kwh=discharge.copy(),
        battery_to_pool_kwh=acc[_A_BAT_EXPORT].copy(),
        battery_throughput_kwh=throughput,
        battery_losses_kwh=charge - discharge - (soc - soc0),
        equivalent_full_cycles=cycles,
        soc_initial_kwh=soc0,
        soc_final_kwh=soc,
        export_kwh=export,
        import_kwh=imp.copy(),
        shared_diesel_received_kwh=acc[_A_SHARED_RX].copy(),
        diesel_kwh=acc[_A_DIESEL].copy(),
        diesel_dumped_kwh=acc[_A_DIESEL_DUMP].copy(),
        fuel_l=(inputs.fuel_intercept_l_per_h_per_kw * diesel_rated * acc[_A_RUN_H]
                + inputs.fuel_slope_l_per_kwh * acc[_A_DIESEL]),
        diesel_running_hours=acc[_A_RUN_H].copy(),
        diesel_starts=acc[_A_STARTS].copy(),
        failed_hours=acc[_A_FAILED_H].copy(),
        p2p_traded_kwh=float(export.sum()),
        p2p_losses_kwh=float(export.sum() - imp.sum()),
        shared_diesel_kwh=float(vil[_V_SHARED]),
        shared_diesel_dumped_kwh=float(vil[_V_SHARED_DUMP]),
        shared_diesel_losses_kwh=float(vil[_V_SHARED_LOSS]),
        shared_fuel_l=float(vil[_V_SHARED_FUEL]),
        shared_diesel_running_hours=float(vil[_V_SHARED_RUN_H]),
        shared_diesel_starts=float(vil[_V_SHARED_STARTS]),
        renewable_fraction=float(renewable),
        n_hours=n_hours,
        hourly=hourly_series,
    )


def failure_mask(n_hours: int, n_homes: int, rate_per_home_year: float,
                 mean_duration_days: float, rng) -> np.ndarray:
    """Hours in which each home's PV/battery system is out of service.

    Parameters
    ----------
    n_hours : int
        Simulated hours T.
    n_homes : int
        Homes N.
    rate_per_home_year : float
        Outage starts per home per year (8760 h) [1/year].
    mean_duration_days : float
        Mean outage length [days].
    rng : numpy.random.Generator or int or None
        Random generator, or a seed for one.

    Returns
    -------
    ndarray (T, N) of bool
        True while a home is failed.

    Notes
    -----
    Outage starts of each home form a homogeneous Poisson process in calendar time: the
    number of starts in T hours is Poisson with mean ``rate·T/8760``, each start uniform
    over the hours. Each outage lasts an exponential time of mean
    ``mean_duration_days·24`` h, rounded up to whole hours (at least one). Overlapping
    outages merge; an outage running past the end is cut there. Repairs restore the
    system as it was (the battery keeps the energy it had).
    """
    rng = np.random.default_rng(rng)
    mask = np.zeros((n_hours, n_homes), dtype=bool)
    if n_hours == 0 or n_homes == 0 or rate_per_home_year <= 0.0:
        return mask
    counts = rng.poisson(rate_per_home_year * n_hours / 8760.0, size=n_homes)
    total = int(counts.sum())
    if total == 0:
        return mask
    homes = np.repeat(np.arange(n_homes), counts)
    starts = rng.integers(0, n_hours, size=total)
    durations = np.maximum(1, np.ceil(rng.exponential(mean_duration_days * 24.0, size=total))).astype(np.int64)
    ends = np.minimum(starts + durations, n_hours)
    edges = np.zeros((n_hours + 1, n_homes), dtype=np.int64)
    np.add.at(edges, (starts, homes), 1)
    np.add.at(edges, (ends, homes), -1)
    mask[:] = np.cumsum(edges[:-1], axis=0) > 0
    return mask
