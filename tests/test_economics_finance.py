"""Finance helpers: CRF, present worth, NPV, replacements and HOMER salvage, by hand."""
import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from p2p_size.economics.payback import irr
from p2p_size.economics.finance import (
    crf,
    discount_factors,
    npv,
    present_worth_factor,
    remaining_life_fraction,
    replacement_schedule,
    units_bought,
)


def test_crf_textbook_value():
    # 0.1 * 1.1**20 / (1.1**20 - 1) = 0.1 * 6.727499949 / 5.727499949 = 0.117459625
    assert_allclose(crf(0.10, 20), 0.11745962477254576, rtol=1e-12)


def test_crf_zero_rate_is_one_over_years():
    assert_allclose(crf(0.0, 20), 1 / 20, rtol=0, atol=1e-15)
    assert_allclose(crf(0.0, 1), 1.0, rtol=0, atol=1e-15)


def test_crf_one_year_is_one_plus_rate():
    # i(1+i)/((1+i)-1) = 1 + i
    assert_allclose(crf(0.07, 1), 1.07, rtol=1e-12)


def test_crf_large_rate_tends_to_rate():
    assert_allclose(crf(1000.0, 20), 1000.0, rtol=1e-12)
    # (1 + 10)^400 overflows: the limit i is returned, not inf/nan
    assert_allclose(crf(10.0, 400), 10.0, rtol=1e-12)


def test_crf_vectorised_and_rejects_bad_input():
    assert_allclose(crf(np.array([0.0, 0.1]), 20), [0.05, 0.11745962477254576], rtol=1e-12)
    with pytest.raises(ValueError):
        crf(0.1, 0)
    with pytest.raises(ValueError):
        crf(-0.1, 10)


def test_present_worth_factor():
    # (1.1^20 - 1) / (0.1 * 1.1^20) = 5.727499949 / 0.6727499949 = 8.513563719
    assert_allclose(present_worth_factor(0.1, 20), 8.513563719, rtol=1e-9)
    assert_allclose(present_worth_factor(0.0, 20), 20.0, rtol=1e-12)


def test_npv_matches_numpy_financial_and_vectorises():
    cf = np.array([[-100.0, 30, 40, 50], [-10.0, 0, 0, 20]])
    assert_allclose(npv(0.08, cf), [npf.npv(0.08, cf[0]), npf.npv(0.08, cf[1])], rtol=1e-12)
    assert_allclose(discount_factors(0.1, 2), [1.0, 1 / 1.1, 1 / 1.21], rtol=1e-12)


def test_battery_8_years_in_20_year_project():
    # bought at 0, replaced at 8 and 16; the unit of year 16 has 4 of its 8 years left at 20
    sched = replacement_schedule(8.0, 20)
    assert sched.shape == (21,)
    assert list(np.nonzero(sched)[0]) == [8, 16]
    assert units_bought(8.0, 20) == 3
    assert_allclose(remaining_life_fraction(8.0, 20), 4 / 8, rtol=1e-12)


def test_fractional_life_replaced_in_the_year_it_runs_out():
    # L = 6.3: dies at 6.3, 12.6, 18.9 -> booked in years 7, 13, 19
    sched = replacement_schedule(6.3, 20)
    assert list(np.nonzero(sched)[0]) == [7, 13, 19]
    # HOMER: R_rep = 6.3 * INT(20/6.3) = 18.9; R_rem = 6.3 - (20 - 18.9) = 5.2; S/C = 5.2/6.3
    assert_allclose(remaining_life_fraction(6.3, 20), 5.2 / 6.3, rtol=1e-12)


def test_life_equal_to_project_or_a_divisor():
    # life = project: never replaced, nothing left
    assert replacement_schedule(20.0, 20).sum() == 0
    assert_allclose(remaining_life_fraction(20.0, 20), 0.0, atol=1e-12)
    # life 10: replaced at 10 only (not at 20, where the project ends)
    assert list(np.nonzero(replacement_schedule(10.0, 20))[0]) == [10]
    assert_allclose(remaining_life_fraction(10.0, 20), 0.0, atol=1e-12)


def test_long_life_and_never_used():
    # 25-year PV in a 20-year project: 5/25 left
    assert_allclose(remaining_life_fraction(25.0, 20), 0.2, rtol=1e-12)
    assert replacement_schedule(np.inf, 20).sum() == 0
    assert remaining_life_fraction(np.inf, 20) == 1.0


def test_short_life_several_replacements_in_a_year():
    # L = 0.4 in 2 years: dies at 0.4, 0.8 (year 1), 1.2, 1.6 (year 2); 2.0 is the end
    sched = replacement_schedule(0.4, 2)
    assert_allclose(sched, [0, 2, 2], atol=0)


def test_schedule_vectorised_over_homes():
    sched = replacement_schedule(np.array([8.0, 5.0, np.inf]), 20)
    assert sched.shape == (3, 21)
    assert_allclose(sched.sum(axis=1), [2, 3, 0], atol=0)


@settings(max_examples=200, deadline=None)
@given(
    outlay=st.floats(1.0, 1e5),
    # money to the cent: 0 or at least 0.01 (a sub-normal last coefficient, e.g. 1e-38,
    # makes the polynomial root-finder of numpy-financial lose the root)
    inflows=st.lists(st.one_of(st.just(0.0), st.floats(0.01, 1e4)), min_size=1, max_size=30),
)
def test_npv_at_irr_is_zero(outlay, inflows):
    # one sign change: -outlay then non-negative inflows summing to more than 1e-3 of it
    inflows = np.asarray(inflows)
    if inflows.sum() < 1e-3 * outlay:
        inflows[-1] += outlay
    cf = np.concatenate([[-outlay], inflows])
    rate = irr(cf)                      # the package's IRR, checked by two independent NPVs
    assert np.isfinite(rate)
    scale = np.abs(cf).sum()
    assert abs(npv(rate, cf)) <= 1e-6 * scale
    assert abs(npf.npv(rate, cf)) <= 1e-6 * scale
    # and by the definition written out: sum of cf_t / (1 + r)^t
    assert abs(sum(c / (1.0 + rate) ** t for t, c in enumerate(cf))) <= 1e-6 * scale
