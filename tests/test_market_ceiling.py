"""The hourly P2P price ceiling, worked out by hand.

Every case uses the same genset economics, chosen so the arithmetic stays on paper:

    fuel price          p   = 1.00 [currency/L]
    fuel curve          F0  = 0.08 [L/h per kW rated],  F1 = 0.25 [L/kWh]
    O&M                 om  = 0.05 [currency/h per kW rated, per running hour]

HOMER's fuel curve (HOMER Pro manual, "Generator Fuel Curve Intercept/Slope"):
``F = F0·R + F1·P`` [L/h] for a genset of rating R [kW] producing P [kW]. The cost of a
diesel kWh in a running hour is ``(F·p + om·R) / P``. At full load (P = R) that is
``(F0 + F1)·p + om = 0.33 + 0.05 = 0.38`` whatever the rating.
"""
import copy
from dataclasses import fields

import numpy as np
import pytest
from numpy.testing import assert_allclose

from p2p_size.sizing.design import Design
from p2p_size.sizing.dispatch.results import HourlySeries, SimulationResult
from p2p_size.sizing.market import ceiling_per_kwh, diesel_cost_per_kwh
from p2p_size.sizing.site import validate_data

from .conftest import SMALL_SITE

PRICE, OM, F0, F1 = 1.00, 0.05, 0.08, 0.25
ARGS = (PRICE, OM, F0, F1)
BASELINE = 0.90                      # today's cost of a kWh (kerosene) [currency/kWh]


# --------------------------------------------------------------------------- builders
def make_site(**diesel):
    data = copy.deepcopy(SMALL_SITE)
    data["equipment"]["diesel"] = {
        "placement": "shared", "fuel_price_per_litre": PRICE, "om_per_kw_running_hour": OM,
        "fuel_intercept_l_per_h_per_kw": F0, "fuel_slope_l_per_kwh": F1, **diesel,
    }
    return validate_data(data, "ceiling.yaml")


def make_design(placement, diesel_kw, shared_diesel_kw=0.0):
    n = len(diesel_kw)
    zeros = np.zeros(n)
    return Design(pv_kwp=zeros, battery_kwh=zeros, diesel_kw=np.asarray(diesel_kw, dtype=float),
                  shared_diesel_kw=float(shared_diesel_kw), existing_pv_kwp=zeros,
                  existing_battery_kwh=zeros, method="by hand", placement=placement)


def make_sim(diesel_kw, shared_diesel_kw):
    """A SimulationResult whose only non-zero series are the genset outputs (T, N) and (T,)."""
    diesel_kw = np.asarray(diesel_kw, dtype=float)
    n_hours, n_homes = diesel_kw.shape
    hourly = {f.name: np.zeros((n_hours, n_homes)) for f in fields(HourlySeries)}
    for name in ("shared_diesel_kw", "shared_diesel_dumped_kw", "shared_diesel_losses_kw"):
        hourly[name] = np.zeros(n_hours)
    hourly["diesel_kw"] = diesel_kw
    hourly["shared_diesel_kw"] = np.asarray(shared_diesel_kw, dtype=float)
    totals = {f.name: np.zeros(n_homes) for f in fields(SimulationResult) if f.name not in ("n_hours", "hourly")}
    return SimulationResult(**totals, n_hours=n_hours, hourly=HourlySeries(**hourly))


# --------------------------------------------------------------------------- diesel_cost_per_kwh
def test_diesel_kwh_at_full_load():
    # R = P = 10 kW: fuel (0.08·10 + 0.25·10) L/h · 1.00 = (0.8 + 2.5) = 3.3 /h
    #                O&M 0.05 · 10 = 0.5 /h;  (3.3 + 0.5) / 10 kWh = 0.38 /kWh
    assert_allclose(diesel_cost_per_kwh(10.0, 10.0, *ARGS), 0.38, rtol=1e-12)


def test_diesel_kwh_is_dearer_at_part_load():
    # R = 10 kW, P = 2.5 kW (25 %): fuel 0.8 + 0.25·2.5 = 0.8 + 0.625 = 1.425 /h,
    # O&M 0.5 /h -> 1.925 / 2.5 = 0.77 /kWh: the intercept and the O&M are per kW rated
    assert_allclose(diesel_cost_per_kwh(10.0, 2.5, *ARGS), 0.77, rtol=1e-12)


def test_diesel_kwh_scales_fuel_but_not_om_with_the_fuel_price():
    # fuel at 2.00 /L, R = 10, P = 5: fuel (0.8 + 1.25) L/h · 2.00 = 4.1 /h; O&M 0.5 /h
    # -> 4.6 / 5 = 0.92 /kWh (a doubled O&M would give 5.1/5 = 1.02, a doubled total 1.02 too)
    assert_allclose(diesel_cost_per_kwh(10.0, 5.0, 2.00, OM, F0, F1), 0.92, rtol=1e-12)
    # fuel free: only O&M, 0.05·10 / 5 = 0.1 /kWh;  O&M free: fuel only, 2.05 / 5 = 0.41 /kWh
    assert_allclose(diesel_cost_per_kwh(10.0, 5.0, 0.0, OM, F0, F1), 0.10, rtol=1e-12)
    assert_allclose(diesel_cost_per_kwh(10.0, 5.0, PRICE, 0.0, F0, F1), 0.41, rtol=1e-12)


def test_diesel_kwh_with_homer_default_fuel_curve():
    # HOMER defaults F0 = 0.08145 L/h/kW, F1 = 0.246 L/kWh (also this schema's defaults),
    # fuel 1.10 /L, O&M 0.05: full load R = P = 1 kW:
    # (0.08145 + 0.246) · 1.10 + 0.05 = 0.32745 · 1.10 + 0.05 = 0.360195 + 0.05 = 0.410195
    assert_allclose(diesel_cost_per_kwh(1.0, 1.0, 1.10, 0.05, 0.08145, 0.246), 0.410195, rtol=1e-12)


def test_diesel_kwh_is_vectorised_over_operating_points():
    # R = 2, P = 1:  (0.16 + 0.25 + 0.10) / 1 = 0.51
    # R = 6, P = 5:  (0.48 + 1.25 + 0.30) / 5 = 2.03 / 5 = 0.406
    # R = 4, P = 1:  (0.32 + 0.25 + 0.20) / 1 = 0.77
    got = diesel_cost_per_kwh([2.0, 6.0, 4.0], [1.0, 5.0, 1.0], *ARGS)
    assert got.shape == (3,)
    assert_allclose(got, [0.51, 0.406, 0.77], rtol=1e-12)


# --------------------------------------------------------------------------- ceiling_per_kwh: no genset
@pytest.mark.parametrize("placement, diesel_kw, shared_kw", [
    ("none", [0.0, 0.0], 0.0),          # no genset at all
    ("shared", [0.0, 0.0], 0.0),        # a shared placement that bought no genset
    ("per_home", [0.0, 0.0], 0.0),      # per-home placement, every home without one
    ("none", [3.0, 0.0], 5.0),          # sizes that a "none" design does not use
])
def test_without_a_genset_the_ceiling_is_the_baseline(placement, diesel_kw, shared_kw):
    site = make_site()
    sim = make_sim(np.zeros((3, 2)), np.zeros(3))
    got = ceiling_per_kwh(site, make_design(placement, diesel_kw, shared_kw), sim, BASELINE)
    assert got.shape == (3,) and got.dtype == float
    assert_allclose(got, [0.90, 0.90, 0.90], rtol=0, atol=0)


# --------------------------------------------------------------------------- ceiling_per_kwh: shared genset
def test_shared_genset_hour_by_hour():
    # R = 10 kW; output per hour [10, 0, 2.5, 7.5, 1e-12] kW (the last is "off": <= 1e-9)
    #   h0  full load:                      (0.8 + 2.5   + 0.5) / 10  = 0.38
    #   h2  P = 2.5:                        (0.8 + 0.625 + 0.5) / 2.5 = 0.77
    #   h3  P = 7.5:                        (0.8 + 1.875 + 0.5) / 7.5 = 3.175 / 7.5 = 0.423333...
    #   h1, h4 off: the year's mean running point R = 10, P = (10 + 2.5 + 7.5)/3 = 20/3:
    #       (0.8 + 0.25·20/3 + 0.5) / (20/3) = (1.3 + 5/3)·3/20 = (3.9 + 5)/20 = 8.9/20 = 0.445
    #   (the mean of the running hours' costs, (0.38 + 0.77 + 0.42333)/3 = 0.52444, is not it)
    site = make_site()
    design = make_design("shared", [0.0, 0.0], 10.0)
    sim = make_sim(np.zeros((5, 2)), [10.0, 0.0, 2.5, 7.5, 1e-12])
    got = ceiling_per_kwh(site, design, sim, BASELINE)
    assert_allclose(got, [0.38, 0.445, 0.77, 3.175 / 7.5, 0.445], rtol=1e-12)


def test_shared_genset_that_never_runs_is_priced_at_full_load():
    # zero load all year: the genset never starts. Full load R = P = 10:
    # (0.08 + 0.25)·1.00 + 0.05 = 0.38 every hour; the baseline 0.90 is not used
    site = make_site()
    sim = make_sim(np.zeros((4, 2)), np.zeros(4))
    got = ceiling_per_kwh(site, make_design("shared", [0.0, 0.0], 10.0), sim, BASELINE)
    assert_allclose(got, np.full(4, 0.38), rtol=1e-12)


def test_shared_genset_ignores_per_home_outputs():
    # a shared design is priced from the shared genset's output only: R = 4, P = 2 every hour,
    # (0.32 + 0.5 + 0.2) / 2 = 1.02 / 2 = 0.51, whatever the per-home series say
    site = make_site()
    sim = make_sim(np.full((2, 2), 3.0), [2.0, 2.0])
    got = ceiling_per_kwh(site, make_design("shared", [0.0, 0.0], 4.0), sim, BASELINE)
    assert_allclose(got, [0.51, 0.51], rtol=1e-12)


# --------------------------------------------------------------------------- ceiling_per_kwh: per-home gensets
def test_per_home_gensets_hour_by_hour():
    # ratings [2, 0, 4] kW (home 1 has none); outputs per hour and home:
    #   h0 [1, 0, 0]: running rating 2,         P = 1: (0.16 + 0.25 + 0.10) / 1 = 0.51
    #   h1 [2, 0, 3]: running rating 2 + 4 = 6, P = 5: (0.48 + 1.25 + 0.30) / 5 = 0.406
    #   h2 [0, 0, 0]: off
    #   h3 [0, 0, 1]: running rating 4,         P = 1: (0.32 + 0.25 + 0.20) / 1 = 0.77
    # Only the running gensets' ratings count (all installed, 6 kW, in h0 would give
    # (0.48 + 0.25 + 0.30)/1 = 1.03). Off hour h2: the mean running point over h0, h1, h3,
    #   R = (2 + 6 + 4)/3 = 4, P = (1 + 5 + 1)/3 = 7/3:
    #   (0.08·4 + 0.25·7/3 + 0.05·4) / (7/3) = (0.52 + 7/12)·3/7 = (6.24 + 7)/28 = 13.24/28
    site = make_site(placement="per_home")
    diesel = [[1.0, 0.0, 0.0], [2.0, 0.0, 3.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    sim = make_sim(diesel, np.zeros(4))
    got = ceiling_per_kwh(site, make_design("per_home", [2.0, 0.0, 4.0]), sim, BASELINE)
    assert_allclose(got, [0.51, 0.406, 13.24 / 28, 0.77], rtol=1e-12)
    assert_allclose(got[2], 0.4728571428571429, rtol=1e-12)


def test_per_home_output_below_the_running_threshold_is_off():
    # home 0 produces 1e-12 kW in h0: not running (threshold 1e-9 kW), so h0 is an off hour;
    # h1 has home 1 at R = 4, P = 2: (0.32 + 0.5 + 0.2) / 2 = 0.51, the only running hour,
    # so the year's mean point is the same (4, 2) and h0 is 0.51 too. Were the trace counted
    # as running, h0 would be priced at (2 kW, 1e-12 kW): (0.16 + 0.10)/1e-12 ≈ 2.6e11.
    site = make_site(placement="per_home")
    sim = make_sim([[1e-12, 0.0], [0.0, 2.0]], np.zeros(2))
    got = ceiling_per_kwh(site, make_design("per_home", [2.0, 4.0]), sim, BASELINE)
    assert_allclose(got, [0.51, 0.51], rtol=1e-12)


def test_per_home_gensets_ignore_the_shared_series():
    # a per-home design is priced from the homes' gensets only: h0 home 1 at R = 4, P = 2,
    # (0.32 + 0.5 + 0.2) / 2 = 0.51; a stray shared output of 2 kW would make it
    # (0.32 + 1.0 + 0.2) / 4 = 0.38 if it were added to the homes' output
    site = make_site(placement="per_home")
    sim = make_sim([[0.0, 2.0]], [2.0])
    got = ceiling_per_kwh(site, make_design("per_home", [2.0, 4.0]), sim, BASELINE)
    assert_allclose(got, [0.51], rtol=1e-12)


def test_per_home_gensets_that_never_run_are_priced_at_full_load():
    # no genset runs all year: full load of the mean installed rating (2 + 4)/2 = 3 kW
    # (the home without one is left out): (0.24 + 0.75 + 0.15) / 3 = 1.14 / 3 = 0.38
    site = make_site(placement="per_home")
    sim = make_sim(np.zeros((3, 3)), np.zeros(3))
    got = ceiling_per_kwh(site, make_design("per_home", [2.0, 0.0, 4.0]), sim, BASELINE)
    assert_allclose(got, np.full(3, 0.38), rtol=1e-12)


def test_the_ceiling_uses_the_site_prices():
    # the same shared hour (R = 10, P = 5) at fuel 2.00 /L and O&M 0.10 /h/kW:
    # fuel (0.8 + 1.25)·2.00 = 4.1 /h, O&M 0.10·10 = 1.0 /h -> 5.1 / 5 = 1.02 /kWh
    site = make_site(fuel_price_per_litre=2.0, om_per_kw_running_hour=0.10)
    sim = make_sim(np.zeros((1, 2)), [5.0])
    got = ceiling_per_kwh(site, make_design("shared", [0.0, 0.0], 10.0), sim, BASELINE)
    assert_allclose(got, [1.02], rtol=1e-12)
