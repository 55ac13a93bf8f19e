"""The hourly dispatch loop: one numba kernel over every hour and home.

The rules it implements, its sign convention and its balance equations are in the
package docstring (:mod:`p2p_size.sizing.dispatch`); :func:`~.simulate.simulate` calls it.
"""
from __future__ import annotations

import numba
import numpy as np

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
    """Simulate every hour for every home by the dispatch rules of the package docstring.

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

