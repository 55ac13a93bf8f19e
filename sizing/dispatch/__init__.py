"""Hourly dispatch of an off-grid village with peer-to-peer (P2P) sharing.

One year (or any number of hours) is simulated hour by hour for every home with the
dispatch rules below. The hourly loop is one numba kernel (:func:`_dispatch_kernel`);
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

Dispatch rules (per hour)
-------------------------
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

Modules: :mod:`.kernel` (the numba hourly loop), :mod:`.inputs` (:class:`DispatchInputs`),
:mod:`.results` (:class:`SimulationResult`, :class:`HourlySeries`), :mod:`.failures`
(the seeded outage mask), :mod:`.simulate` (:func:`simulate`, and the glue from a site
and a design to the kernel's inputs).
"""
from .failures import failure_mask, failures_for
from .inputs import PLACEMENTS, DispatchInputs
from .results import HourlySeries, SimulationResult
from .simulate import dispatch_inputs, equipment_parameters, simulate, simulate_site

__all__ = [
    "PLACEMENTS",
    "DispatchInputs",
    "HourlySeries",
    "SimulationResult",
    "dispatch_inputs",
    "equipment_parameters",
    "failure_mask",
    "failures_for",
    "simulate",
    "simulate_site",
]
