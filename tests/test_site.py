"""Tests of sizing/site.py and sizing/schema.py: the site file, the boundary of p2p-size.

The bad-input catalogue lives in ``tests/data/bad_sites/``: one malformed site file per
case and ``expected.yaml`` saying which key and which words each must be reported with.
Every case is checked twice: through :func:`load_site` (the problem records) and through
``p2p-size validate`` (exit code 2, the message on stderr, no traceback).
"""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from p2p_size.cli import commands
from p2p_size.cli.main import app
from p2p_size.sizing.errors import P2PSizeError, Problem, SiteError
from p2p_size.sizing.site.schema import Site
from p2p_size.sizing.site.reference import reference_markdown
from p2p_size.sizing.site import load_site, validate_data

from .conftest import write_site

REPO = Path(__file__).resolve().parents[1]
BAD_SITES = Path(__file__).resolve().parent / "data" / "bad_sites"
EXPECTED: dict = yaml.safe_load((BAD_SITES / "expected.yaml").read_text(encoding="utf-8"))
CASES = sorted(EXPECTED)

runner = CliRunner()


# --------------------------------------------------------------------------- helpers
def _specs(case: str) -> list[dict]:
    """The problems a case must report: its main one, then its `also` list."""
    entry = EXPECTED[case]
    return [{"key": entry["key"], "contains": entry["contains"]}] + list(entry.get("also", []))


def _key_matches(actual: str, expected: str) -> bool:
    """Exact key path; a data-file reader may add detail in brackets after it."""
    return actual == expected or (expected != "" and actual.startswith(expected + " ("))


def _matches(problem: Problem, spec: dict) -> bool:
    text = f"{problem.key}\n{problem.message}\n{problem.fix}".lower()
    return _key_matches(problem.key, spec["key"]) and all(s.lower() in text for s in spec["contains"])


def _rejected(path: Path) -> list[Problem]:
    with pytest.raises(SiteError) as info:
        load_site(path)
    return info.value.problems


def _validate(*paths: Path):
    result = runner.invoke(app, ["validate", *map(str, paths)])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


# --------------------------------------------------------------------------- the catalogue
def test_catalogue_and_manifest_agree():
    files = {p.name for p in BAD_SITES.glob("[0-9][0-9]_*.yaml")}
    assert files == set(EXPECTED), "every bad site needs a line in expected.yaml and vice versa"
    assert len(files) >= 30
    for case in CASES:
        for spec in _specs(case):
            assert set(spec) == {"key", "contains"} and spec["contains"], case


@pytest.mark.parametrize("case", CASES, ids=[c.removesuffix(".yaml") for c in CASES])
def test_bad_site_is_rejected_with_a_precise_problem(case):
    problems = _rejected(BAD_SITES / case)
    shown = "\n".join(f"[{p.key}] {p.message} | fix: {p.fix}" for p in problems)
    for spec in _specs(case):
        assert any(_matches(p, spec) for p in problems), f"expected {spec} among:\n{shown}"
    if "count" in EXPECTED[case]:
        assert len(problems) == EXPECTED[case]["count"], shown
    for p in problems:
        assert p.message and p.fix, f"every problem says what is wrong and how to fix it: {p}"
        assert p.file, p


@pytest.mark.parametrize("case", CASES, ids=[c.removesuffix(".yaml") for c in CASES])
def test_bad_site_through_the_cli(case):
    path = BAD_SITES / case
    result = _validate(path)
    assert result.exit_code == 2, result.output
    err = result.stderr.lower()
    assert f"{path}: INVALID".lower() in err
    for spec in _specs(case):
        if spec["key"]:
            assert spec["key"].lower() in err
        for s in spec["contains"]:
            assert s.lower() in err, f"{s!r} not in:\n{result.stderr}"
    assert "OK" not in result.stdout


def test_every_problem_is_reported_in_one_run():
    path = BAD_SITES / "69_every_problem_at_once.yaml"
    problems = _rejected(path)
    keys = {p.key for p in problems}
    assert keys == {
        "location.latitude",
        "currency",
        "solar.tilt_dge",
        "households[0].load_shape",
        "households[1].income_per_month",
        "equipment.battery.depth_of_discharge",
        "economics.discount_rate",
    }
    result = _validate(path)
    assert result.exit_code == 2
    assert "7 problems found" in result.stderr
    assert result.stderr.count("fix:") == 7


def test_yaml_error_points_at_the_line(tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text("name: x\nlocation:\n  latitude: 1\n longitude: 2\n", encoding="utf-8")
    (problem,) = _rejected(path)
    assert problem.key.startswith("line 4,")
    assert "YAML error" in problem.message


def test_missing_site_file_and_folder(tmp_path):
    (problem,) = _rejected(tmp_path / "nope.yaml")
    assert "not found" in problem.message
    (problem,) = _rejected(tmp_path)
    assert "folder" in problem.message


def test_errors_belong_to_one_family():
    assert issubclass(SiteError, P2PSizeError) and issubclass(P2PSizeError, ValueError)


def _leaf_paths(data, path=()):
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _leaf_paths(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _leaf_paths(v, path + (i,))
    if path:
        yield path


def test_any_junk_at_any_key_is_a_problem_never_a_crash():
    """Every key of the starter, replaced by junk of each kind: a SiteError or a valid site."""
    base = yaml.safe_load(commands.starter_text("Junk village", "site.yaml"))
    junk = [None, "x", "", [], {}, [1, 2], {"a": 1}, -1, 1e12, float("nan"), float("inf")]
    for path in _leaf_paths(base):
        for value in junk:
            data = copy.deepcopy(base)
            owner = data
            for part in path[:-1]:
                owner = owner[part]
            owner[path[-1]] = value
            try:
                validate_data(data, "site.yaml")
            except SiteError as exc:
                assert exc.problems, (path, value)
                for p in exc.problems:
                    assert p.file == "site.yaml" and p.message and p.fix, (path, value, p)


# --------------------------------------------------------------------------- the starter file
def test_starter_from_init_validates_and_round_trips(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "site.yaml"
    result = _validate(path)
    assert result.exit_code == 0, result.output
    assert "OK" in result.stdout

    site = load_site(path)
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    dumped = site.model_dump(mode="json")

    def _same(written, parsed, where):
        if isinstance(written, dict):
            for k, v in written.items():
                _same(v, parsed[k], f"{where}.{k}")
        elif isinstance(written, list):
            assert len(written) == len(parsed), where
            for i, (a, b) in enumerate(zip(written, parsed)):
                _same(a, b, f"{where}[{i}]")
        else:
            assert written == parsed, where

    _same(raw, dumped, "site")  # every value written is the value read

    (tmp_path / "again").mkdir()
    copy = write_site(tmp_path / "again", dumped)
    assert load_site(copy).model_dump(mode="json") == dumped  # dump -> file -> load is lossless


# --------------------------------------------------------------------------- defaults
MINIMAL = {
    "name": "Minimal village",
    "location": {"latitude": 11.2, "longitude": 2.3},
    "solar": {"monthly_ghi_kwh_m2_day": [5.5] * 12},
    "households": [{"name": "all", "income_per_month": 55, "daily_load_kwh": 0.35}],
}

# (key path, value): the documented defaults (README site-file reference)
DOCUMENTED_DEFAULTS = [
    ("currency", "USD"),
    ("location.altitude_m", 0.0),
    ("solar.albedo", 0.2),
    ("households[0].count", 1),
    ("households[0].load_shape", "evening_peak"),
    ("households[0].load_variability", 0.15),
    ("equipment.pv.capex_per_kwp", 650),
    ("equipment.pv.om_per_kwp_year", 10),
    ("equipment.pv.lifetime_years", 20),
    ("equipment.pv.derating", 0.85),
    ("equipment.pv.temp_coeff_per_c", -0.004),
    ("equipment.battery.capex_per_kwh", 280),
    ("equipment.battery.om_per_kwh_year", 5),
    ("equipment.battery.lifetime_years", 8),
    ("equipment.battery.cycle_life", 4000),
    ("equipment.battery.depth_of_discharge", 0.8),
    ("equipment.battery.round_trip_efficiency", 0.92),
    ("equipment.battery.max_c_rate", 0.5),
    ("equipment.controller.capex_per_home", 60),
    ("equipment.controller.lifetime_years", 10),
    ("equipment.diesel.placement", "shared"),
    ("equipment.diesel.capex_per_kw", 500),
    ("equipment.diesel.om_per_kw_running_hour", 0.05),
    ("equipment.diesel.lifetime_hours", 20000),
    ("equipment.diesel.fuel_price_per_litre", 1.1),
    ("equipment.diesel.fuel_intercept_l_per_h_per_kw", 0.08145),
    ("equipment.diesel.fuel_slope_l_per_kwh", 0.246),
    ("equipment.diesel.min_load_ratio", 0.25),
    ("equipment.p2p_link.capex_per_home", 45),
    ("equipment.p2p_link.lifetime_years", 20),
    ("equipment.p2p_link.loss_fraction", 0.05),
    ("equipment.p2p_link.max_transfer_kw", 2.0),
    ("equipment.logistics.transport_per_home", 25),
    ("equipment.logistics.installation_per_home", 30),
    ("equipment.logistics.transport_fraction_of_equipment", 0.05),
    ("economics.discount_rate", 0.10),
    ("economics.project_years", 20),
    ("economics.baseline.kind", "kerosene"),
    ("economics.baseline.spend_per_home_month", 6),
    ("economics.baseline.kerosene_litres_per_home_month", 4),
    ("economics.affordability_threshold", 0.05),
    ("economics.tariff.kind", "cost_recovery"),
    ("p2p.enabled", True),
    ("p2p.pricing", "mid_market_rate"),
    ("p2p.share_batteries", True),
    ("p2p.battery_reserve_fraction", 0.3),
    ("p2p.price_floor_per_kwh", 0.02),
    ("sizing.method", "optimize"),
    ("sizing.max_unmet_fraction", 0.02),
    ("sizing.objective", "npc"),
    ("sizing.rule_of_thumb.system_efficiency", 0.7),  # field study, Table 3
    ("sizing.rule_of_thumb.safety_factor", 1.2),
    ("failures", None),
]


def _get(obj, path: str):
    for part in re.findall(r"[^.\[\]]+", path):
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
    return obj


@pytest.fixture(scope="module")
def minimal_site(tmp_path_factory) -> Site:
    return load_site(write_site(tmp_path_factory.mktemp("minimal"), MINIMAL))


@pytest.mark.parametrize("path, value", DOCUMENTED_DEFAULTS, ids=[p for p, _ in DOCUMENTED_DEFAULTS])
def test_defaults_are_the_documented_values(minimal_site, path, value):
    actual = _get(minimal_site, path)
    if isinstance(value, float):
        assert actual == pytest.approx(value, rel=1e-12)
    else:
        assert actual == value


def test_minimal_site_needs_only_the_required_keys(minimal_site):
    assert minimal_site.n_homes == 1
    for key in ("name", "location", "solar", "households"):
        broken = {k: v for k, v in MINIMAL.items() if k != key}
        with pytest.raises(SiteError) as info:
            validate_data(broken, "site.yaml")
        assert [p.key for p in info.value.problems] == [key]


# --------------------------------------------------------------------------- data-file paths
PROFILE_24 = "load_kw\n" + "\n".join(["0.01"] * 18 + ["0.05"] * 4 + ["0.02"] * 2) + "\n"


def _site_with_profile(folder: Path) -> Path:
    data = {**MINIMAL, "households": [{"name": "all", "income_per_month": 55,
                                       "load_profile_file": "data/profile.csv"}]}
    return write_site(folder, data)


def test_relative_data_paths_resolve_against_the_site_folder(tmp_path, monkeypatch):
    village = tmp_path / "villages" / "hill"
    (village / "data").mkdir(parents=True)
    (village / "data" / "profile.csv").write_text(PROFILE_24, encoding="utf-8")
    path = _site_with_profile(village)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no data/ here

    for given in (path, Path("../villages/hill/site.yaml")):
        site = load_site(given)
        assert site.base_dir == village.resolve()
        assert site.resolve("data/profile.csv") == village.resolve() / "data" / "profile.csv"

    result = _validate(Path("../villages/hill/site.yaml"))
    assert result.exit_code == 0, result.output


def test_a_data_file_in_the_cwd_is_not_used(tmp_path, monkeypatch):
    village = tmp_path / "village"
    village.mkdir()
    path = _site_with_profile(village)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "profile.csv").write_text(PROFILE_24, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # data/profile.csv exists here, not beside the site file

    (problem,) = _rejected(path)
    assert problem.key == "households[0].load_profile_file"
    assert "not found" in problem.message
    assert str(village.resolve() / "data" / "profile.csv") in problem.message


# --------------------------------------------------------------------------- README reference
def test_readme_site_file_reference_is_generated_from_the_schema():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- schema-reference:start -->", "<!-- schema-reference:end -->"
    # the markers are there: losing them must fail, not skip
    assert start in readme and end in readme, "README.md lost its schema-reference markers"
    written = readme[readme.index(start) + len(start): readme.index(end)]
    assert written.strip() == reference_markdown().strip(), "README is stale: run `make reference`"


def test_schema_and_data_file_problems_are_reported_together(tmp_path):
    # A typo in a key AND a missing weather file: one run of validate names both.
    (tmp_path / "site.yaml").write_text(
        "name: Both\n"
        "location: {latitude: 11, longitude: 2}\n"
        "solar: {tmy_file: weather/missing.csv, tilt_dge: 10}\n"
        "households: [{name: a, income_per_month: 50, daily_load_kwh: 0.3}]\n",
        encoding="utf-8",
    )
    with pytest.raises(SiteError) as info:
        load_site(tmp_path / "site.yaml")
    keys = [p.key for p in info.value.problems]
    assert "solar.tilt_dge" in keys and "solar.tmy_file" in keys


def test_huge_data_files_are_refused_by_size_before_being_read(tmp_path):
    """A 5 GB weather file and load profile (sparse: nothing is written): exit 2 at once, naming each file."""
    import time

    for name in ("tmy.csv", "profile.csv"):
        with open(tmp_path / name, "wb") as f:
            f.truncate(5_000_000_000)
    data = {**MINIMAL, "solar": {"tmy_file": "tmy.csv"},
            "households": [{"name": "all", "income_per_month": 55, "load_profile_file": "profile.csv"}]}
    path = write_site(tmp_path, data)
    start = time.monotonic()
    result = _validate(path)
    assert time.monotonic() - start < 30  # refused from the file size, never read
    assert result.exit_code == 2, result.output
    err = result.stderr
    assert "2 problems found" in err
    for key, what in (("solar.tmy_file", "weather file"), ("households[0].load_profile_file", "load profile file")):
        assert f"{key}: {what} is 5000.0 MB; at most 50 MB is read" in err, err
    assert "average minute or second data to hourly" in err
