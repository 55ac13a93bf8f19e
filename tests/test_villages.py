"""Tests of the synthetic candidate villages (sizing/villages.py)."""
from __future__ import annotations

import numpy as np
import pytest

from p2p_size.sizing.site import load_site
from p2p_size.sample_sites.synthetic import CLIMATES, generate_villages, village_data


def test_villages_are_valid_varied_and_within_the_size_range(tmp_path):
    paths = generate_villages(12, tmp_path, seed=7, homes=(50, 200))
    assert len(paths) == 12 and all(p.name == "site.yaml" for p in paths)
    assert len({p.parent.name for p in paths}) == 12  # one folder each
    sites = [load_site(p) for p in paths]  # schema and data-file checks: none needed
    homes = [s.n_homes for s in sites]
    assert all(50 <= n <= 200 for n in homes)
    assert len(set(homes)) > 6
    assert len({s.location.timezone for s in sites}) >= 3  # several climates
    assert len({s.equipment.pv.capex_per_kwp for s in sites}) == 12
    incomes = [g.income_per_month for s in sites for g in s.households]
    assert min(incomes) < 100 < max(incomes)
    for s in sites:
        assert s.solar.monthly_ghi_kwh_m2_day is not None and s.solar.tmy_file is None
        assert s.sizing.method == "optimize"  # the schema default unless asked otherwise


def test_the_same_seed_writes_the_same_files(tmp_path):
    a = generate_villages(5, tmp_path / "a", seed=3, homes=(10, 20), sizing_method="rule_of_thumb")
    b = generate_villages(5, tmp_path / "b", seed=3, homes=(10, 20), sizing_method="rule_of_thumb")
    c = generate_villages(5, tmp_path / "c", seed=4, homes=(10, 20), sizing_method="rule_of_thumb")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert [p.read_bytes() for p in a] != [p.read_bytes() for p in c]
    assert all(load_site(p).sizing.method == "rule_of_thumb" for p in a)


def test_a_fixed_size_gives_exactly_that_many_homes(tmp_path):
    sites = [load_site(p) for p in generate_villages(6, tmp_path, seed=1, homes=(100, 100))]
    assert [s.n_homes for s in sites] == [100] * 6
    assert all(g.count >= 1 for s in sites for g in s.households)


def test_every_climate_gives_a_valid_village():
    from p2p_size.sizing.site import validate_data

    rng = np.random.default_rng(0)
    seen = set()
    for k in range(80):
        data = village_data(rng, k + 1, homes=(3, 5))
        validate_data(data, "generated")
        seen.add(data["location"]["timezone"])
    assert seen == {c.timezone for c in CLIMATES}


def test_a_bad_size_range_is_refused(tmp_path):
    with pytest.raises(ValueError, match="homes must be a range"):
        generate_villages(1, tmp_path, homes=(20, 10))
