"""Tests of the household loads: archetypes, CSV profiles (the reader), the appliance model, the glue."""
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
from p2p_size.sizing.resource.appliances import appliance_loads, window_hours
from p2p_size.sizing.resource.loads import ARCHETYPES, Loads, _mean_one_lognormal, archetype_loads, build_loads, vary_profile
from p2p_size.sizing.site.load_profile_file import MAX_PROFILE_FILE_BYTES, read_load_profile
from p2p_size.sizing.site import load_site

from .conftest import write_site

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
    assert info.value.problems, "a DataFileError must carry at least one problem"
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
    profile = read_load_profile(path, KEY)
    out = profile.load_kw
    assert out.shape == (8760,) and out.dtype == float
    assert_allclose(out, values, rtol=1e-12)
    assert profile.notes == [] and profile.source == "profile.csv"


def test_read_typical_day_is_repeated(tmp_path):
    day = np.arange(24) / 10
    profile = read_load_profile(write_csv(tmp_path, day), KEY)
    assert_allclose(profile.load_kw, np.tile(day, 365), rtol=0, atol=0)
    assert profile.notes == ["one typical day repeated for 365 days"]


def test_read_leap_year_drops_feb_29_by_timestamp(tmp_path):
    stamps = pd.date_range("2024-01-01", periods=8784, freq="h")
    values = stamps.day_of_year.to_numpy() / 1000  # 60th day of 2024 is Feb 29
    path = write_csv(tmp_path, values, extra={"timestamp": stamps.astype(str)})
    profile = read_load_profile(path, KEY)
    out = profile.load_kw
    assert out.shape == (8760,)
    assert not np.any(np.isclose(out, 60 / 1000))
    assert_allclose(out[59 * 24], 61 / 1000)  # Mar 1 follows Feb 28
    assert profile.notes == ["29 February dropped (leap year)"]


def test_read_leap_year_without_timestamp_drops_by_position(tmp_path):
    values = np.repeat(np.arange(1, 367), 24) / 1000
    profile = read_load_profile(write_csv(tmp_path, values), KEY)
    out = profile.load_kw
    assert out.shape == (8760,)
    assert not np.any(np.isclose(out, 60 / 1000))
    (note,) = profile.notes
    assert "leap year" in note and "29 February" in note and "rows 1418-1441" in note


def test_header_whitespace_and_bom_are_tolerated(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("\ufefftimestamp , load_kw \n" + "".join(
        f"2023-01-01 {h:02d}:00, {h / 10}\n" for h in range(24)), encoding="utf-8")
    assert_allclose(read_load_profile(path, KEY).load_kw[:24], np.arange(24) / 10)


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
    (p,) = problems_of(binary)
    assert "spreadsheet workbook" in p.message and "export the sheet as CSV" in p.fix
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("load_kw\n0.1\n0.2\n0.3,4,5\n")
    (p,) = problems_of(ragged)
    assert "1 rows have a different number of fields than the header (1): line 4 (3 fields)" in p.message


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
    assert "uses semicolons (';') as delimiter and decimal commas" in p.message
    assert "load_kw" in p.message and "commas between columns" in p.fix


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
    assert "1 duplicate timestamp(s): row 12 repeats row 11 (2023-01-01 09:00)" in p.message
    assert p.key == f"{KEY} (row 12, column timestamp)"


# ------------------------------------------- read_load_profile: what spreadsheets produce
def write_text(tmp_path, text, name="profile.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def timed_csv(tmp_path, stamps, values, name="profile.csv", fmt="%Y-%m-%d %H:%M"):
    lines = [f"{t.strftime(fmt) if fmt else t.isoformat()},{v:g}" for t, v in zip(stamps, values)]
    return write_text(tmp_path, "timestamp,load_kw\n" + "\n".join(lines) + "\n", name)


@pytest.mark.parametrize("header, row", [("load_kw", "{v}"), ("timestamp,load_kw", "2023-01-01 {h:02d}:00,{v}")])
def test_unquoted_decimal_comma_is_refused_not_read_as_hundreds(tmp_path, header, row):
    # "0,35" in a comma-separated file is two fields; pandas alone made it 35 kW
    lines = [row.format(h=h, v="0,35") for h in range(24)]
    (p,) = problems_of(write_text(tmp_path, header + "\n" + "\n".join(lines) + "\n"))
    n = len(header.split(","))
    assert f"24 rows have a different number of fields than the header ({n})" in p.message
    assert f"line 2 ({n + 1} fields)" in p.message and "decimal comma" in p.message
    assert "'.' as the decimal mark" in p.fix


def test_tab_separated_file_is_named(tmp_path):
    text = "timestamp\tload_kw\n" + "".join(f"2023-01-01 {h:02d}:00\t0.3\n" for h in range(24))
    (p,) = problems_of(write_text(tmp_path, text))
    assert "uses tabs" in p.message and "separated by commas" in p.message


def test_quarter_hourly_rows_are_averaged_to_hours_and_said(tmp_path):
    stamps = pd.date_range("2023-01-01", periods=4 * 8760, freq="15min")
    hourly = rng(1).uniform(0, 2, 8760)
    wiggle = np.tile([-0.1, 0.1, -0.05, 0.05], 8760)  # averages to zero within each hour
    values = np.repeat(hourly, 4) + np.where(np.repeat(hourly, 4) > 0.1, wiggle, 0.0)
    profile = read_load_profile(timed_csv(tmp_path, stamps, values), KEY)
    assert_allclose(profile.load_kw, hourly, atol=1e-5)  # written with %g: 6 significant digits
    assert profile.notes == ["averaged from 15-minute data to hourly means"]


def test_a_typical_day_in_10_minute_steps(tmp_path):
    stamps = pd.date_range("2023-01-01", periods=6 * 24, freq="10min")
    profile = read_load_profile(timed_csv(tmp_path, stamps, np.repeat(np.arange(24) / 10, 6)), KEY)
    assert_allclose(profile.load_kw, np.tile(np.arange(24) / 10, 365))
    assert profile.notes == ["averaged from 10-minute data to hourly means", "one typical day repeated for 365 days"]


@pytest.mark.parametrize("n_rows, step", [(4 * 8760, "15-minute"), (2 * 24, "30-minute"), (60 * 24, "1-minute")])
def test_sub_hourly_rows_without_timestamps_get_a_hint(tmp_path, n_rows, step):
    (p,) = problems_of(write_csv(tmp_path, np.full(n_rows, 0.2)))
    assert f"got {n_rows} rows" in p.message and f"looks like {step} data" in p.message
    assert "add a 'timestamp' column" in p.fix


def test_sub_hourly_rows_must_start_on_the_hour(tmp_path):
    stamps = pd.date_range("2023-01-01 00:15", periods=4 * 24, freq="15min")
    (p,) = problems_of(timed_csv(tmp_path, stamps, np.full(96, 0.2)))
    assert "starting at 00:15 instead of a full hour" in p.message


def test_an_odd_time_step_is_refused(tmp_path):
    stamps = pd.date_range("2023-01-01", periods=24, freq="7min")
    (p,) = problems_of(timed_csv(tmp_path, stamps, np.full(24, 0.2)))
    assert "the time step is 7 minutes" in p.message and "column timestamp" in p.key


def test_missing_hours_are_named(tmp_path):
    stamps = pd.date_range("2023-01-01", periods=8760, freq="h").delete([100, 101, 5000])
    (p,) = problems_of(timed_csv(tmp_path, stamps, np.full(len(stamps), 0.2)))
    assert "2 gap(s) in a 60-minute series, 3 time step(s) missing" in p.message
    assert "row 102 (2023-01-05 06:00 after 2023-01-05 03:00)" in p.message
    assert p.key == f"{KEY} (rows 102, 5000, column timestamp)"


def test_timestamps_going_backwards(tmp_path):
    stamps = pd.date_range("2023-01-01", periods=24, freq="h").to_numpy().copy()
    stamps[[5, 6]] = stamps[[6, 5]]
    (p,) = problems_of(timed_csv(tmp_path, pd.DatetimeIndex(stamps), np.full(24, 0.2)))
    assert "timestamps go backwards 1 time(s), first from row 7 (2023-01-01 06:00) to row 8" in p.message
    assert "sort the rows by time" in p.fix


@pytest.mark.parametrize("with_stamps", [False, True])
def test_8759_rows_are_refused(tmp_path, with_stamps):
    stamps = pd.date_range("2023-01-01", periods=8759, freq="h")
    path = (timed_csv(tmp_path, stamps, np.full(8759, 0.2)) if with_stamps
            else write_csv(tmp_path, np.full(8759, 0.2)))
    (p,) = problems_of(path)
    assert "got 8759 rows" in p.message and "8760 hourly rows" in p.message
    if with_stamps:
        assert "from 2023-01-01 00:00 to 2023-12-31 22:00" in p.message


def test_8784_rows_that_are_not_a_leap_year_are_refused(tmp_path):
    # a non-leap year plus one day: dropping "the 60th day" by position would delete 1 March
    stamps = pd.date_range("2023-01-01", periods=8784, freq="h")
    (p,) = problems_of(timed_csv(tmp_path, stamps, np.full(8784, 0.2)))
    assert "the rows from 2023-01-01 00:00 to 2024-01-01 23:00 are not one calendar year" in p.message
    assert "24 hours of the year are there twice (month-day hour: 01-01 00:00" in p.message
    assert "8784 in a leap year" in p.fix


def test_a_leap_year_without_its_29_february_is_accepted(tmp_path):
    stamps = pd.date_range("2024-01-01", periods=8784, freq="h")
    stamps = stamps[~((stamps.month == 2) & (stamps.day == 29))]
    profile = read_load_profile(timed_csv(tmp_path, stamps, stamps.day_of_year / 1000), KEY)
    assert_allclose(profile.load_kw[59 * 24], 61 / 1000)  # 1 March of 2024 is its 61st day
    assert profile.notes == []


def test_a_year_starting_in_july_is_put_in_calendar_order(tmp_path):
    stamps = pd.date_range("2022-07-01", periods=8760, freq="h")
    profile = read_load_profile(timed_csv(tmp_path, stamps, stamps.month / 10), KEY)
    assert_allclose(profile.load_kw, pd.date_range("2023-01-01", periods=8760, freq="h").month / 10)
    assert profile.notes == ["the year starts on 2022-07-01 00:00; rows moved to calendar order keeping month, day and hour"]


def test_summer_time_offsets_are_moved_to_standard_time(tmp_path):
    stamps = pd.date_range("2023-01-01", periods=8760, freq="h", tz="Europe/Paris")
    values = np.arange(8760) / 8760
    profile = read_load_profile(timed_csv(tmp_path, stamps, values, fmt=None), KEY)
    assert_allclose(profile.load_kw, values, atol=1e-6)  # already in order: only the labels changed
    assert profile.notes == ["daylight-saving timestamps moved to standard time UTC+1"]


def test_hourly_rows_stamped_at_half_past_are_taken_as_their_hour(tmp_path):
    # the same rule as the weather reader's (sizing/textfile.py): hh:30 is inside hour hh
    stamps = pd.date_range("2023-01-01 00:30", periods=8760, freq="h")
    values = np.arange(8760) / 8760
    profile = read_load_profile(timed_csv(tmp_path, stamps, values), KEY)
    assert_allclose(profile.load_kw, values, atol=1e-5)  # written with 6 significant digits
    assert profile.notes == ["hourly timestamps at hh:30 taken as the hour they fall in (hh:00 to hh+1:00)"]


def test_day_month_dates_are_refused_with_an_iso_hint(tmp_path):
    stamps = pd.date_range("2023-01-01", periods=8760, freq="h")
    (p,) = problems_of(timed_csv(tmp_path, stamps, np.full(8760, 0.2), fmt="%d/%m/%Y %H:%M"))
    assert "timestamps go backwards" in p.message
    assert "ISO 8601" in p.fix and "day and month are ambiguous" in p.fix


def test_month_day_dates_that_read_consistently_are_accepted_with_a_note(tmp_path):
    stamps = pd.date_range("2023-01-01", periods=8760, freq="h")
    profile = read_load_profile(timed_csv(tmp_path, stamps, np.full(8760, 0.2), fmt="%m/%d/%Y %H:%M"), KEY)
    assert profile.notes == ["timestamps read from a non-ISO 8601 format such as '01/01/2023 00:00'"]


def test_latin1_and_utf16_text_are_read_with_a_note(tmp_path):
    text = "load_kw,comment\n" + "".join(f"{h / 10},Thiès\n" for h in range(24))
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(text.encode("latin-1"))
    profile = read_load_profile(latin1, KEY)
    assert_allclose(profile.load_kw[:24], np.arange(24) / 10)
    assert profile.notes[0] == "file is not UTF-8 (byte 0xe8 on line 2); read as Latin-1"
    utf16 = tmp_path / "unicode.csv"
    utf16.write_bytes(text.encode("utf-16"))
    profile = read_load_profile(utf16, KEY)
    assert_allclose(profile.load_kw[:24], np.arange(24) / 10)
    assert profile.notes[0] == "file is UTF-16 text; decoded as UTF-16"


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"load_kw\n0.1\n\x00\x01\x02\x03")
    (p,) = problems_of(path)
    assert "NUL bytes (the first on line 3, byte 12)" in p.message and "CSV text" in p.fix


def test_blank_lines_and_trailing_empty_rows_keep_row_numbers_true(tmp_path):
    cells = ["0.1"] * 24
    cells[20] = "-1"
    text = "load_kw,note\n" + "\n".join(f"{c}," for c in cells[:10]) + "\n\n" + "\n".join(f"{c}," for c in cells[10:])
    path = write_text(tmp_path, text + "\n,\n,\n")  # a spreadsheet's empty formatted rows at the end
    (p,) = problems_of(path)
    assert "negative" in p.message and p.key == f"{KEY} (row 23, column load_kw)"  # line 23: after the blank line


def test_a_column_named_twice_is_refused(tmp_path):
    (p,) = problems_of(write_text(tmp_path, "load_kw,load_kw\n" + "0.1,0.2\n" * 24))
    assert "column 'load_kw' appears more than once" in p.message


def test_one_enormous_line_is_refused(tmp_path):
    (p,) = problems_of(write_text(tmp_path, "load_kw\n" + "1" * 200_000 + "\n"))
    assert "line 2 cannot be split into fields" in p.message


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["load_kw", "timestamp", ",", ";", "\t", "\n", "0.1", "0,3", "-2", "NaN", "",
                                 "2023-01-01 00:00", "2024-02-29 05:15", "\"", "é", "\x00", "1e400", " "]),
                max_size=60))
def test_any_text_is_a_profile_or_a_data_file_error(tmp_path_factory, parts):
    path = tmp_path_factory.mktemp("fuzz") / "p.csv"
    path.write_text("".join(parts), encoding="utf-8")
    try:
        profile = read_load_profile(path, KEY)
    except DataFileError as exc:
        assert exc.problems, "a DataFileError must carry at least one problem"
        for p in exc.problems:
            assert p.file == str(path) and p.key.startswith(KEY) and p.message and p.fix
    else:
        assert profile.load_kw.shape == (8760,)
        assert np.all(np.isfinite(profile.load_kw)) and np.all(profile.load_kw >= 0)


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
    from p2p_size.sizing.site import schema   # a broken schema must fail here, not skip
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


def test_build_loads_says_what_was_done_to_each_profile(tmp_path):
    stamps = pd.date_range("2024-01-01", periods=4 * 8784, freq="15min")
    timed_csv(tmp_path, stamps, np.full(len(stamps), 0.2), name="shop.csv")
    write_csv(tmp_path, np.full(24, 0.1), name="day.csv")
    site = SimpleNamespace(base_dir=tmp_path, households=[
        group("a", 2, daily_load_kwh=1.0),
        group("shop", 1, load_profile_file="shop.csv", load_variability=0.0),
        group("home", 1, load_profile_file="day.csv")])
    loads = build_loads(site)
    assert loads.notes == ["shop (shop.csv): averaged from 15-minute data to hourly means",
                           "shop (shop.csv): 29 February dropped (leap year)",
                           "home (day.csv): one typical day repeated for 365 days"]
    assert_allclose(loads.load_kw[:, 2], 0.2)
    assert build_loads(SimpleNamespace(base_dir=tmp_path, households=[group("a", 1, daily_load_kwh=1.0)])).notes == []


@pytest.mark.parametrize("change, expect", [
    ({"daily_load_kwh": 350.0}, "households[0].daily_load_kwh: if it was given in Wh, divide it by 1,000"),
    ({"daily_load_kwh": 0.002}, "households[0].daily_load_kwh: if it was given in MWh, multiply it by 1,000"),
    ({"daily_load_kwh": None, "load_shape": None,
      "appliances": [{"name": "lamp", "count": 3, "power_w": 0.007, "hours_per_day": 4, "window": [18, 23]}]},
     "households[0].appliances: power_w is in watts: if kilowatts were entered, multiply them by 1,000"),
])
def test_implausible_loads_get_a_note_naming_the_key_and_the_fix(tmp_path, small_site_data, change, expect):
    group = small_site_data["households"][0]
    for k, v in change.items():
        if v is None:
            group.pop(k, None)
        else:
            group[k] = v
    site = load_site(write_site(tmp_path, small_site_data))
    notes = build_loads(site, seed=0).notes
    assert len(notes) == 1 and notes[0].startswith("low income: each home uses") and expect in notes[0]


def test_a_load_profile_in_watts_is_noted_and_plausible_loads_are_not(tmp_path, small_site_data):
    assert build_loads(load_site(write_site(tmp_path, small_site_data)), seed=0).notes == []  # 0.35 and 1.2 kWh/day
    hours = pd.date_range("2023-01-01", periods=8760, freq="h")
    watts = 20.0 + 60.0 * ((hours.hour >= 18) & (hours.hour < 23))       # a home's load in W: 0.78 kWh/day
    pd.DataFrame({"timestamp": hours.strftime("%Y-%m-%d %H:%M"), "load_kw": watts}).to_csv(tmp_path / "w.csv", index=False)
    group = small_site_data["households"][1]
    group.pop("daily_load_kwh"); group.pop("load_shape")
    group["load_profile_file"] = "w.csv"
    notes = build_loads(load_site(write_site(tmp_path, small_site_data)), seed=0).notes
    (note,) = notes
    daily = float(note.split("each home uses ")[1].split(" kWh")[0].replace(",", ""))
    assert 600 < daily < 1000  # 780 "kWh"/day, varied home to home (two homes)
    assert note.startswith("shop: ") and note.endswith(
        "households[1].load_profile_file: if its load_kw column is in W, divide it by 1,000")
