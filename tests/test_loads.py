"""Tests of sizing/loads.py: archetypes, CSV profiles, appliance model, glue."""
from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from p2p_size.sizing.errors import DataFileError, P2PSizeError
from p2p_size.sizing.loads import (
    ARCHETYPES,
    MAX_PROFILE_FILE_BYTES,
    Loads,
    _mean_one_lognormal,
    appliance_loads,
    archetype_loads,
    build_loads,
    read_load_profile,
    vary_profile,
    window_hours,
)

KEY = "households[2].load_profile_file"


def rng(seed=0):
    return np.random.default_rng(seed)


# ------------------------------------------------------------------------- archetypes
def test_archetypes_present_normalised_and_read_only():
    required = {"evening_peak", "flat", "daytime_business", "morning_evening", "productive_use",
                "health_post", "school"}
    assert required <= set(ARCHETYPES)
    for name, shape in ARCHETYPES.items():
        assert shape.shape == (24,), name
        assert np.all(shape >= 0), name
        assert_allclose(shape.sum(), 1.0, rtol=1e-12, err_msg=name)
        with pytest.raises(ValueError):
            shape[0] = 1.0  # shared module constant must not be edited by a caller


def test_archetypes_have_their_documented_timing():
    assert 18 <= ARCHETYPES["evening_peak"].argmax() <= 22
    assert 9 <= ARCHETYPES["productive_use"].argmax() <= 15
    assert 8 <= ARCHETYPES["daytime_business"].argmax() <= 17
    me = ARCHETYPES["morning_evening"]
    assert me[5:9].max() > 3 * me[1:4].mean() and me[18:22].max() > 3 * me[1:4].mean()
    assert_allclose(ARCHETYPES["flat"], 1 / 24, rtol=1e-12)
    # night base: a health post keeps its vaccine fridge on, a mill does not run
    assert 24 * ARCHETYPES["health_post"].min() > 0.4   # base load share of the day's energy
    assert ARCHETYPES["productive_use"][:5].sum() < 0.03


def test_mean_one_lognormal_has_mean_one():
    assert_array_equal(_mean_one_lognormal(0.0, 5, rng()), np.ones(5))
    for sigma in (0.1, 0.3, 0.5):
        x = _mean_one_lognormal(sigma, 1_000_000, rng(1))
        # standard error of the mean is ~sigma/1000
        assert_allclose(x.mean(), 1.0, rtol=5 * sigma / 1000)
        assert x.min() > 0


@pytest.mark.parametrize("shape", sorted(ARCHETYPES))
def test_variability_zero_gives_identical_exact_homes(shape):
    load = archetype_loads(shape, 0.35, 5, 0.0, rng())
    assert load.shape == (8760, 5)
    expected = np.tile(ARCHETYPES[shape] * 0.35, 365)
    for h in range(5):
        assert_allclose(load[:, h], expected, rtol=1e-12, atol=1e-15)
    assert_allclose(load.sum(axis=0), 0.35 * 365, rtol=1e-12)


def test_annual_energy_matches_daily_times_365_in_expectation():
    daily_kwh = 0.35
    means = [archetype_loads("evening_peak", daily_kwh, 400, 0.15, rng(s)).sum(axis=0).mean()
             for s in range(5)]
    # 2000 homes in all: sampling error of the mean ~0.15/sqrt(2000) = 0.34 %
    assert_allclose(np.mean(means), daily_kwh * 365, rtol=0.01)
    for m in means:  # each 400-home village: error ~0.75 %
        assert_allclose(m, daily_kwh * 365, rtol=0.03)


def test_variability_spreads_homes_by_about_sigma():
    annual = archetype_loads("flat", 1.0, 400, 0.2, rng(3)).sum(axis=0)
    cv = annual.std() / annual.mean()
    assert 0.15 < cv < 0.26  # home factor sigma 0.2, day factors average out


def test_same_seed_same_profiles_different_seed_different():
    a = archetype_loads("evening_peak", 0.5, 10, 0.15, rng(7))
    b = archetype_loads("evening_peak", 0.5, 10, 0.15, rng(7))
    c = archetype_loads("evening_peak", 0.5, 10, 0.15, rng(8))
    assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_homes_differ_and_are_never_negative():
    load = archetype_loads("morning_evening", 0.8, 30, 0.15, rng())
    assert np.all(np.isfinite(load)) and load.min() >= 0
    # no two homes share a profile
    distinct = {load[:, h].tobytes() for h in range(30)}
    assert len(distinct) == 30


def test_evening_peak_moves_at_most_one_hour_between_homes():
    load = archetype_loads("evening_peak", 0.35, 200, 0.3, rng(2))
    mean_day = load.reshape(365, 24, 200).mean(axis=0)
    peak_hour = mean_day.argmax(axis=0)
    base_peak = ARCHETYPES["evening_peak"].argmax()
    assert np.all(np.abs(peak_hour - base_peak) <= 1)
    assert len(set(peak_hour)) > 1  # the shift really varies between homes


def test_custom_shape_short_horizon_and_bad_input():
    custom = np.r_[np.zeros(12), np.ones(12)]
    load = archetype_loads(custom, 2.4, 3, 0.0, rng(), n_hours=30)
    assert load.shape == (30, 3)
    assert_allclose(load[:12], 0.0, atol=0)
    assert_allclose(load[12:24], 0.2, rtol=1e-12)
    with pytest.raises(ValueError, match="Did you mean 'evening_peak'"):
        archetype_loads("evening_peek", 1.0, 2, 0.1, rng())
    with pytest.raises(ValueError, match="24"):
        archetype_loads([1, 2, 3], 1.0, 2, 0.1, rng())
    with pytest.raises(ValueError, match="daily_load_kwh"):
        archetype_loads("flat", -1.0, 2, 0.1, rng())


@settings(max_examples=25, deadline=None)
@given(
    daily_kwh=st.floats(0.0, 50.0, allow_nan=False),
    variability=st.floats(0.0, 0.5, allow_nan=False),
    n_homes=st.integers(1, 12),
    shape=st.sampled_from(sorted(ARCHETYPES)),
    seed=st.integers(0, 2**32 - 1),
)
def test_archetype_loads_property(daily_kwh, variability, n_homes, shape, seed):
    load = archetype_loads(shape, daily_kwh, n_homes, variability, rng(seed))
    assert load.shape == (8760, n_homes)
    assert np.all(np.isfinite(load))
    assert load.min() >= 0


# ---------------------------------------------------------------------- vary_profile
def test_vary_profile_keeps_energy_in_expectation_and_shape():
    profile = np.tile(ARCHETYPES["school"] * 3.0, 365)
    same = vary_profile(profile, 4, 0.0, rng())
    for h in range(4):
        assert_array_equal(same[:, h], profile)
    varied = vary_profile(profile, 1000, 0.15, rng(5))
    assert varied.min() >= 0
    assert_allclose(varied.sum(axis=0).mean(), profile.sum(), rtol=0.015)  # ~0.47 % s.e.
    # hours of a day are scaled together: the measured within-day shape is kept
    day = varied[24:48, 0]
    assert_allclose(day / day.sum(), ARCHETYPES["school"], rtol=1e-12)


# ------------------------------------------------------------------- read_load_profile
def write_csv(tmp_path, values, name="profile.csv", extra=None):
    frame = pd.DataFrame({"load_kw": values} | (extra or {}))
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def problems_of(path):
    with pytest.raises(DataFileError) as info:
        read_load_profile(path, KEY)
    for p in info.value.problems:
        assert p.file == str(path)
        assert p.key.startswith(KEY)
        assert p.message and p.fix
    assert isinstance(info.value, P2PSizeError) and isinstance(info.value, ValueError)
    return info.value.problems


def test_read_full_year(tmp_path):
    values = rng().uniform(0, 2, 8760)
    stamps = pd.date_range("2023-01-01", periods=8760, freq="h").astype(str)
    path = write_csv(tmp_path, values, extra={"timestamp": stamps, "note": "x"})
    out = read_load_profile(path, KEY)
    assert out.shape == (8760,) and out.dtype == float
    assert_allclose(out, values, rtol=1e-12)


def test_read_typical_day_is_repeated(tmp_path):
    day = np.arange(24) / 10
    out = read_load_profile(write_csv(tmp_path, day), KEY)
    assert_allclose(out, np.tile(day, 365), rtol=0, atol=0)


def test_read_leap_year_drops_feb_29_by_timestamp(tmp_path):
    stamps = pd.date_range("2024-01-01", periods=8784, freq="h")
    values = stamps.day_of_year.to_numpy() / 1000  # 60th day of 2024 is Feb 29
    path = write_csv(tmp_path, values, extra={"timestamp": stamps.astype(str)})
    out = read_load_profile(path, KEY)
    assert out.shape == (8760,)
    assert not np.any(np.isclose(out, 60 / 1000))
    assert_allclose(out[59 * 24], 61 / 1000)  # Mar 1 follows Feb 28


def test_read_leap_year_without_timestamp_drops_by_position(tmp_path):
    values = np.repeat(np.arange(1, 367), 24) / 1000
    out = read_load_profile(write_csv(tmp_path, values), KEY)
    assert out.shape == (8760,)
    assert not np.any(np.isclose(out, 60 / 1000))


def test_header_whitespace_and_bom_are_tolerated(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("\ufefftimestamp , load_kw \n" + "".join(
        f"2023-01-01 {h:02d}:00, {h / 10}\n" for h in range(24)), encoding="utf-8")
    assert_allclose(read_load_profile(path, KEY)[:24], np.arange(24) / 10)


def test_missing_file_and_folder(tmp_path):
    (p,) = problems_of(tmp_path / "nope.csv")
    assert "not found" in p.message
    (p,) = problems_of(tmp_path)
    assert "folder" in p.message


def test_file_over_50_mb_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:  # sparse: no 50 MB written to disk
        f.truncate(MAX_PROFILE_FILE_BYTES + 1)
    (p,) = problems_of(path)
    assert "at most 50 MB" in p.message


def test_empty_binary_and_ragged_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "empty" in problems_of(empty)[0].message
    binary = tmp_path / "sheet.csv"
    binary.write_bytes(b"PK\x03\x04" + bytes(range(128, 256)) * 10)
    assert "not UTF-8" in problems_of(binary)[0].message
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("load_kw\n0.1\n0.2\n0.3,4,5\n")
    assert "cannot read the file as CSV" in problems_of(ragged)[0].message


def test_missing_column_and_wrong_length_are_both_reported(tmp_path):
    path = tmp_path / "p.csv"
    pd.DataFrame({"Load_kW": np.ones(100)}).to_csv(path, index=False)
    problems = problems_of(path)
    text = " ".join(p.message for p in problems)
    assert len(problems) == 2
    assert "got 100 rows" in text and "8760" in text and "24" in text
    assert "no 'load_kw' column" in text and "did you mean 'Load_kW'" in text


def test_semicolon_separated_file_gets_a_separator_hint(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("timestamp;load_kw\n" + "".join(f"2023-01-01 {h:02d}:00;0,3\n" for h in range(24)))
    (p,) = problems_of(path)
    assert "no 'load_kw' column" in p.message and "';'" in p.fix


def test_wrong_length(tmp_path):
    (p,) = problems_of(write_csv(tmp_path, np.ones(8761)))
    assert "got 8761 rows" in p.message
    header_only = tmp_path / "header_only.csv"
    header_only.write_text("load_kw\n")
    (p,) = problems_of(header_only)
    assert "got 0 rows" in p.message


def test_bad_cells_are_all_reported_with_rows(tmp_path):
    cells = ["0.1"] * 24
    cells[0] = ""        # row 2 (header is row 1)
    cells[5] = "NaN"     # row 7
    cells[9] = "abc"     # row 11
    cells[10] = "1,5"    # row 12 (decimal comma, quoted so the CSV stays 1 column)
    cells[14] = "-0.2"   # row 16
    cells[20] = "inf"    # row 22
    path = tmp_path / "bad.csv"
    path.write_text("load_kw\n" + "\n".join(f'"{c}"' for c in cells) + "\n")
    problems = problems_of(path)
    assert len(problems) == 4
    by_word = {word: p for p in problems for word in ("empty", "non-numeric", "infinite", "negative")
               if word in p.message}
    assert set(by_word) == {"empty", "non-numeric", "infinite", "negative"}
    assert "rows 2, 7, column load_kw" in by_word["empty"].key
    assert "rows 11, 12" in by_word["non-numeric"].key
    assert "'abc'" in by_word["non-numeric"].message and "'1,5'" in by_word["non-numeric"].message
    assert "row 16, column load_kw" in by_word["negative"].key
    assert "-0.2" in by_word["negative"].message and ">= 0" in by_word["negative"].message
    assert "row 22" in by_word["infinite"].key


def test_many_bad_rows_are_abbreviated(tmp_path):
    values = np.full(8760, 0.2)
    values[100:400] = -1.0
    (p,) = problems_of(write_csv(tmp_path, values))
    assert "300 negative" in p.message
    assert "rows 102, 103" in p.key and "and 292 more" in p.key


def test_bad_timestamps(tmp_path):
    stamps = pd.date_range("2023-01-01", periods=24, freq="h").astype(str).to_numpy().copy()
    stamps[3] = "yesterday at noon"
    (p,) = problems_of(write_csv(tmp_path, np.ones(24), extra={"timestamp": stamps}))
    assert "could not be read" in p.message and "row 5, column timestamp" in p.key
    stamps = pd.date_range("2023-01-01", periods=24, freq="h").astype(str).to_numpy().copy()
    stamps[10] = stamps[9]  # a repeated hour
    (p,) = problems_of(write_csv(tmp_path, np.ones(24), extra={"timestamp": stamps}))
    assert "advance by exactly 1 hour" in p.message and "row 12" in p.key


# ------------------------------------------------------------------------ appliances
def app(name="lamp", count=3, power_w=7.0, hours_per_day=4.0, window=(18, 23)):
    return SimpleNamespace(name=name, count=count, power_w=power_w,
                           hours_per_day=hours_per_day, window=window)


def hours_in_window(window):
    """Boolean (24,): which clock hours overlap the window (checked minute by minute)."""
    minute_mid_h = (np.arange(1440) + 0.5) / 60
    inside = (minute_mid_h - window[0]) % 24 < window_hours(window)
    return inside.reshape(24, 60).any(axis=1)


@pytest.mark.parametrize("window", [(18, 23), (18, 2), (0, 24), (6, 14), (17.5, 21.25), (22, 6)])
def test_appliance_energy_and_window(window):
    a = app(count=2, power_w=40.0, hours_per_day=min(3.0, window_hours(window)), window=window)
    load = appliance_loads([a], 60, rng(4))
    assert load.shape == (8760, 60) and load.min() >= 0
    expected_kwh_day = a.count * a.power_w * a.hours_per_day / 1000
    assert_allclose(load.sum() / (60 * 365), expected_kwh_day, rtol=0.01)
    by_hour = load.reshape(365, 24, 60)
    outside = ~hours_in_window(window)
    assert np.all(by_hour[:, outside, :] == 0.0)
    assert load.max() <= a.count * a.power_w / 1000 * (1 + 1e-9)


def test_appliance_fractional_window_edges():
    load = appliance_loads([app(count=1, power_w=100, hours_per_day=3.75, window=(17.5, 21.25))],
                           5, rng())
    by_hour = load.reshape(365, 24, 5)
    # the unit runs the whole window: full hours 18–20, half of 17, a quarter of 21
    assert_allclose(by_hour[:, 18:21, :], 0.1, rtol=1e-9)
    assert_allclose(by_hour[:, 17, :], 0.05, rtol=1e-9)
    assert_allclose(by_hour[:, 21, :], 0.025, rtol=1e-9)


def test_appliance_village_energy_and_determinism():
    appliances = [app("lamp", 3, 7, 4, (18, 23)), app("phone", 2, 5, 2, (18, 24)),
                  app("radio", 1, 10, 3, (6, 14)), app("tv", 1, 40, 2.5, (19, 1))]
    load = appliance_loads(appliances, 100, rng(9))
    expected = sum(a.count * a.power_w * a.hours_per_day for a in appliances) / 1000
    assert_allclose(load.sum(axis=0).mean() / 365, expected, rtol=0.01)
    assert_allclose(load.sum(axis=0) / 365, expected, rtol=0.03)  # every home, not only the mean
    assert np.all(load.reshape(365, 24, 100)[:, 2:6, :] == 0.0)   # nothing runs 02–06 h
    assert_array_equal(load, appliance_loads(appliances, 100, rng(9)))
    assert not np.allclose(load, appliance_loads(appliances, 100, rng(10)))
    assert len({load[:, h].tobytes() for h in range(100)}) == 100


def test_appliance_many_units_span_several_home_blocks():
    # 50 units: homes are drawn in blocks of ~27, so 70 homes take three blocks
    load = appliance_loads([app("bulb", 50, 5, 6, (17, 23))], 70, rng(11))
    assert_allclose(load.sum() / (70 * 365), 50 * 5 * 6 / 1000, rtol=0.01)
    assert_allclose(load.sum(axis=0) / 365, 50 * 5 * 6 / 1000, rtol=0.02)  # every home
    assert np.all(load.reshape(365, 24, 70)[:, :17, :] == 0.0)
    assert load.max() <= 0.25 * (1 + 1e-9)


def test_appliance_edge_cases():
    assert_array_equal(appliance_loads([], 4, rng()), np.zeros((8760, 4)))
    assert_array_equal(appliance_loads([app(hours_per_day=0)], 2, rng()), np.zeros((8760, 2)))
    with pytest.raises(ValueError, match="exceeds its window"):
        appliance_loads([app(hours_per_day=6, window=(18, 23))], 2, rng())
    as_dict = dict(name="fan", count=1, power_w=50, hours_per_day=8, window=[10, 18])
    assert appliance_loads([as_dict], 2, rng(), n_hours=48).shape == (48, 2)


@settings(max_examples=20, deadline=None)
@given(
    start=st.integers(0, 23),
    width=st.integers(1, 24),
    frac=st.floats(0.0, 1.0),
    count=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_appliance_property(start, width, frac, count, seed):
    window = (start, (start + width) % 24 if width < 24 else start)
    a = app(count=count, power_w=60, hours_per_day=frac * width, window=window)
    load = appliance_loads([a], 3, rng(seed), n_hours=24 * 30)
    assert load.shape == (720, 3) and np.all(np.isfinite(load)) and load.min() >= 0
    assert np.all(load.reshape(30, 24, 3)[:, ~hours_in_window(window), :] == 0.0)
    assert load.max() <= count * 0.06 * (1 + 1e-9)


# -------------------------------------------------------------------------- Loads/glue
def test_loads_dataclass():
    loads = Loads(np.ones((8760, 2)), np.array([0, 0]), ["g"], ["g-001", "g-002"])
    assert_allclose(loads.annual_kwh, [8760, 8760])
    assert loads.n_homes == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        loads.load_kw = np.zeros((8760, 2))
    with pytest.raises(ValueError):
        Loads(np.ones((8760, 2)), np.array([0]), ["g"], ["g-001"])


def group(name, count, **kw):
    base = dict(load_shape="evening_peak", load_variability=0.15, daily_load_kwh=None,
                load_profile_file=None, appliances=None)
    return SimpleNamespace(name=name, count=count, **(base | kw))


def test_build_loads_three_sources(tmp_path):
    day = ARCHETYPES["daytime_business"] * 5.0
    write_csv(tmp_path, day, name="shop.csv")
    site = SimpleNamespace(base_dir=tmp_path, households=[
        group("low income", 12, daily_load_kwh=0.35),
        group("shop", 2, load_profile_file="shop.csv", load_variability=0.0),
        group("middle", 3, appliances=[app("lamp", 4, 7, 5, (18, 24)), app("tv", 1, 60, 3, (19, 1))]),
    ])
    loads = build_loads(site, seed=1)
    assert loads.load_kw.shape == (8760, 17)
    assert loads.home_ids[0] == "low income-001" and loads.home_ids[11] == "low income-012"
    assert loads.home_ids[12:14] == ["shop-001", "shop-002"]
    assert loads.group_names == ["low income", "shop", "middle"]
    assert_array_equal(loads.group_of_home, [0] * 12 + [1] * 2 + [2] * 3)
    assert_allclose(loads.load_kw[:, 12], np.tile(day, 365), rtol=1e-12)  # variability 0
    assert_allclose(loads.annual_kwh[12:14], 5.0 * 365, rtol=1e-12)
    assert_allclose(loads.annual_kwh[14:].mean() / 365, (4 * 7 * 5 + 60 * 3) / 1000, rtol=0.03)
    assert loads.load_kw.min() >= 0


def test_build_loads_seeding_and_group_independence(tmp_path):
    one = SimpleNamespace(base_dir=tmp_path, households=[group("a", 5, daily_load_kwh=1.0)])
    two = SimpleNamespace(base_dir=tmp_path, households=[
        group("a", 5, daily_load_kwh=1.0), group("b", 4, daily_load_kwh=2.0, load_shape="flat")])
    l1, l2 = build_loads(one, seed=3), build_loads(two, seed=3)
    assert_array_equal(l1.load_kw, l2.load_kw[:, :5])          # adding group b changes nothing in a
    assert_array_equal(build_loads(two, seed=3).load_kw, l2.load_kw)
    assert not np.allclose(build_loads(two, seed=4).load_kw, l2.load_kw)
    # both groups draw from different streams even with identical parameters
    twin = SimpleNamespace(base_dir=tmp_path, households=[group("a", 5, daily_load_kwh=1.0),
                                                          group("b", 5, daily_load_kwh=1.0)])
    lt = build_loads(twin, seed=3)
    assert not np.allclose(lt.load_kw[:, :5], lt.load_kw[:, 5:])


def test_build_loads_bad_profile_names_the_group_key(tmp_path):
    write_csv(tmp_path, np.r_[np.ones(23), -1.0], name="bad.csv")
    site = SimpleNamespace(base_dir=tmp_path, households=[
        group("a", 1, daily_load_kwh=1.0), group("b", 1, load_profile_file="bad.csv")])
    with pytest.raises(DataFileError) as info:
        build_loads(site)
    (p,) = info.value.problems
    assert p.key.startswith("households[1].load_profile_file") and "negative" in p.message


def test_build_loads_with_the_real_schema(tmp_path):
    schema = pytest.importorskip("p2p_size.sizing.schema")
    write_csv(tmp_path, np.full(24, 0.1), name="p.csv")
    site = schema.Site.model_validate({
        "name": "t",
        "location": {"latitude": 11.2, "longitude": 2.3},
        "solar": {"monthly_ghi_kwh_m2_day": [5.0] * 12, "monthly_temp_air_c": [25.0] * 12},
        "households": [
            {"name": "low income", "count": 3, "income_per_month": 55, "daily_load_kwh": 0.35},
            {"name": "csv", "count": 2, "income_per_month": 80, "load_profile_file": "p.csv"},
            {"name": "app", "count": 2, "income_per_month": 90,
             "appliances": [{"name": "lamp", "count": 3, "power_w": 7, "hours_per_day": 4,
                             "window": [18, 2]}]},
        ],
    })
    site._base_dir = tmp_path
    loads = build_loads(site, seed=0)
    assert loads.load_kw.shape == (8760, 7)
    assert loads.home_ids[:3] == ["low income-001", "low income-002", "low income-003"]
    assert np.all(loads.load_kw >= 0)
