"""The installer's rule of thumb, checked against the field study's worked numbers."""
import numpy as np
from numpy.testing import assert_allclose

from p2p_size.sizing.search import rule_of_thumb as rot


def test_field_study_raw_figure():
    # Reference 000, section 4.3: 0.12 kW x 5 h = 0.6 kWh/day per unit; 200 units = 120 kWh/day.
    assert_allclose(rot.deliverable_kwh_per_day(0.12, 5.0), 0.6, rtol=1e-12)
    assert_allclose(200 * rot.deliverable_kwh_per_day(0.12, 5.0), 120.0, rtol=1e-12)


def test_field_study_with_its_efficiency_and_safety_factor():
    # With the study's own 70 % charging efficiency and 1.2 safety factor:
    # 0.12 x 5 x 0.7 / 1.2 = 0.35 kWh/day per unit.
    assert_allclose(rot.deliverable_kwh_per_day(0.12, 5.0, 0.7, 1.2), 0.35, rtol=1e-12)


def test_pv_size_inverts_deliverable_energy():
    # A 0.35 kWh/day home at 5 sun-hours, 70 %, x1.2 needs exactly the 120 W panel.
    assert_allclose(rot.pv_kwp(0.35, 5.0, 0.7, 1.2), 0.12, rtol=1e-12)
    loads = np.array([0.2, 0.35, 1.0])
    # by hand: E / (4.2 h x 0.75) x 1.3 = E x 1.3/3.15 -> 0.26/3.15 = 0.0825397,
    # 0.455/3.15 = 0.1444444, 1.3/3.15 = 0.4126984 kWp (the round trip alone would pass
    # for any pair of mutually inverse formulas)
    assert_allclose(rot.pv_kwp(loads, 4.2, 0.75, 1.3), [0.0825397, 0.1444444, 0.4126984], rtol=1e-6)
    assert_allclose(rot.deliverable_kwh_per_day(rot.pv_kwp(loads, 4.2, 0.75, 1.3), 4.2, 0.75, 1.3), loads, rtol=1e-12)


def test_battery_size():
    # 1.5 days x 0.35 kWh/day / 0.8 DoD = 0.65625 kWh
    assert_allclose(rot.battery_kwh(0.35, 1.5, 0.8), 0.65625, rtol=1e-12)
    assert_allclose(rot.battery_kwh([0.0, 2.0], 2.0, 0.5), [0.0, 8.0], rtol=1e-12)
