"""The verdict: each branch from hand-made figures."""
from p2p_size.economics.verdict import verdict


def summary(worst=0.01, lcoe=0.5, share=1.0, subsidy=0.0):
    """The verdict's inputs for a 10-home village paying a cost-recovery tariff (= the LCOE)."""
    return dict(worst_home_unmet_fraction=worst, lcoe_per_kwh=lcoe, tariff_per_kwh=lcoe, threshold=0.05,
                share_households_affordable=share, subsidy_per_month_total=subsidy, n_homes=10, currency="USD")


def test_feasible():
    v = verdict(**summary(), max_unmet_fraction=0.02, baseline_cost_per_kwh=0.6)
    assert v.status == "feasible" and "0.500 USD/kWh" in v.reason


def test_a_home_missing_the_target_is_not_feasible():
    v = verdict(**summary(worst=0.05), max_unmet_fraction=0.02, baseline_cost_per_kwh=0.6)
    assert v.status == "not feasible" and "5.0 %" in v.reason and "2 %" in v.reason


def test_far_dearer_than_today_is_not_feasible():
    # 1.30 > 2 x 0.60 USD/kWh
    v = verdict(**summary(lcoe=1.3), max_unmet_fraction=0.02, baseline_cost_per_kwh=0.6)
    assert v.status == "not feasible" and "2×" in v.reason


def test_unaffordable_for_some_needs_a_subsidy():
    v = verdict(**summary(share=0.7, subsidy=42.0), max_unmet_fraction=0.02, baseline_cost_per_kwh=0.6)
    assert v.status == "feasible with subsidy"
    assert "3 of 10 households" in v.reason and "42 USD per month" in v.reason
