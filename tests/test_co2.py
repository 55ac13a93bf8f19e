"""CO2 factors and avoided emissions by hand."""
import numpy as np
from numpy.testing import assert_allclose

from p2p_size.economics.co2 import DIESEL_KG_PER_L, KEROSENE_KG_PER_L, avoided, emissions_t


def test_factors():
    assert DIESEL_KG_PER_L == 2.68
    # 71 900 kg/TJ * 43.8 MJ/kg * 0.80 kg/L * 1e-6 = 2.519376 kg/L
    assert_allclose(KEROSENE_KG_PER_L, 2.519376, rtol=1e-12)


def test_emissions_and_avoided():
    assert_allclose(emissions_t(diesel_l=1000.0), 2.68, rtol=1e-12)
    # 2 homes: project burns 100 L diesel each; baseline 48 L kerosene each
    c = avoided(np.array([100.0, 100.0]), np.zeros(2), np.array([48.0, 48.0]), 20)
    assert_allclose(c.annual_t, 0.536, rtol=1e-12)
    assert_allclose(c.baseline_annual_t, 2 * 48 * 2.519376e-3, rtol=1e-12)   # 0.241860
    assert_allclose(c.avoided_annual_t, 0.24186010 - 0.536, rtol=1e-6)
    # avoided = 0.241860096 - 0.536 = -0.294139904 t/yr (diesel here emits more than the
    # kerosene it replaces); over 20 years: 20 * -0.294139904 = -5.88279808 t
    assert_allclose(c.avoided_lifetime_t, -5.88279808, rtol=1e-9)
    assert_allclose(c.avoided_lifetime_t, 20 * c.avoided_annual_t, rtol=1e-12)
    # per home: 48 * 2.519376e-3 - 100 * 2.68e-3 = 0.120930048 - 0.268 = -0.147069952 t/yr
    assert_allclose(c.per_home_avoided_annual_t, [-0.147069952, -0.147069952], rtol=1e-9)
    assert_allclose(c.per_home_avoided_annual_t.sum(), c.avoided_annual_t, rtol=1e-12)
