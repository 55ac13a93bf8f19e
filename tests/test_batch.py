"""Tests of `p2p-size batch` (the batch engine, study/batch/): local worker processes and a real Dask cluster.

Real parts, not mocks: the local engine spawns worker processes; the distributed engine
runs on a ``dask.distributed.LocalCluster`` with worker processes started here. The
villages are small generated ones (8-12 homes, rule-of-thumb sizes, HTML only) so the
whole file stays well under 90 s. A dying worker is provoked by injecting a task that
exits abruptly for one village (:mod:`tests.batch_tasks`).
"""
from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from p2p_size.study.batch import Outcome, Village, comparison_csv, discover_sites, local, plan, rank, run_batch
from p2p_size.study.batch import cluster as cluster_engine
from p2p_size.cli.main import app
from p2p_size.sizing.errors import P2PSizeError
from p2p_size.sample_sites.synthetic import generate_villages

from .batch_tasks import CRASHER, run_or_die

runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output, result.output
    return result


def read_csv(path: Path) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return {row["village"]: row for row in csv.DictReader(f)}


def summaries(out: Path, slugs) -> dict[str, dict]:
    return {s: json.loads((out / s / "summary.json").read_text(encoding="utf-8")) for s in slugs}


def numbers(value):
    """A summary without its free-text ``notes`` (some quote wall-clock times)."""
    if isinstance(value, dict):
        return {k: numbers(v) for k, v in value.items() if k != "notes"}
    if isinstance(value, list):
        return [numbers(v) for v in value]
    return value


@pytest.fixture(scope="module")
def villages(tmp_path_factory) -> tuple[Path, list[str]]:
    """Three good generated villages and one broken site file, in one folder."""
    folder = tmp_path_factory.mktemp("villages")
    paths = generate_villages(3, folder, seed=11, homes=(8, 12), sizing_method="rule_of_thumb")
    (folder / "broken.yaml").write_text("name: Broken village\nlocation: {latitude: 95}\n", encoding="utf-8")
    return folder, [p.parent.name for p in paths]


@pytest.fixture(scope="module")
def local_run(villages, tmp_path_factory):
    """The batch on local worker processes (run once, shared by the tests below)."""
    folder, slugs = villages
    out = tmp_path_factory.mktemp("local")
    result = invoke("batch", str(folder), "-o", str(out), "--workers", "2", "--format", "html")
    return out, result


@pytest.fixture(scope="module")
def cluster():
    """A real Dask cluster: 2 worker processes, 1 thread each; a task whose worker dies is retried once.

    ``worker-saturation: 1.0`` hands each worker only the task it runs (none queued behind
    it), so a dying worker marks no bystander as suspicious (docs/scaling.md).
    """
    import dask
    from dask.distributed import LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 1, "distributed.scheduler.worker-saturation": 1.0}):
        c = LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
    yield c
    c.close()


# --------------------------------------------------------------------------- local engine
@pytest.mark.slow
def test_a_broken_village_is_listed_with_its_error_and_the_others_complete(villages, local_run):
    folder, slugs = villages
    out, result = local_run
    assert result.exit_code == 1, result.output
    rows = read_csv(out / "comparison.csv")
    assert set(rows) == set(slugs) | {"broken"}
    assert rows["broken"]["status"] == "failed" and rows["broken"]["error_type"] == "SiteError"
    assert "location.latitude" in rows["broken"]["error"] and "90" in rows["broken"]["error"]
    assert [rows[s]["status"] for s in slugs] == ["ok"] * 3
    ranks = sorted((float(rows[s]["lcoe_per_kwh"]), int(rows[s]["rank"])) for s in slugs)
    assert [r for _, r in ranks] == [1, 2, 3]  # ranked by LCOE, cheapest first
    for s in slugs:
        assert {"summary.json", "homes.csv", "report.html", "inputs.sha256"} <= {p.name for p in (out / s).iterdir()}
    assert not (out / "broken").exists() or not (out / "broken" / "summary.json").exists()
    assert (out / "comparison.html").is_file() and not (out / "comparison.pdf").exists()
    html = (out / "comparison.html").read_text(encoding="utf-8")
    assert "could not be evaluated" in html and "SiteError" in html and "location.latitude" in html
    assert "Ranked by LCOE, cheapest first" in html
    log = (out / "batch.log").read_text(encoding="utf-8")
    assert "broken: FAILED (SiteError" in log and "location.latitude" in log
    assert "villages" in result.output and "1 failed" in result.output  # the progress bar and the summary


@pytest.mark.slow
def test_resume_skips_unchanged_villages_and_reruns_a_changed_one(villages, local_run, tmp_path):
    folder, slugs = villages
    out, _ = local_run
    work, again = tmp_path / "villages", tmp_path / "out"
    shutil.copytree(folder, work)
    shutil.copytree(out, again)
    # the digest covers file contents, not paths: the copies resume like the originals
    site = work / slugs[1] / "site.yaml"
    site.write_text(re.sub(r"discount_rate: [0-9.]+", "discount_rate: 0.149", site.read_text(encoding="utf-8")),
                    encoding="utf-8")
    before = {s: (again / s / "summary.json").stat().st_mtime_ns for s in slugs}

    result = invoke("batch", str(work), "-o", str(again), "--workers", "2", "--format", "html")
    assert result.exit_code == 1, result.output  # the broken village still fails
    assert "2 of 4 villages unchanged" in result.output
    after = {s: (again / s / "summary.json").stat().st_mtime_ns for s in slugs}
    assert after[slugs[0]] == before[slugs[0]] and after[slugs[2]] == before[slugs[2]]
    assert after[slugs[1]] != before[slugs[1]]
    rows = read_csv(again / "comparison.csv")
    assert rows[slugs[0]]["resumed"] == "True" and rows[slugs[1]]["resumed"] == "False"
    old, new = summaries(out, [slugs[1]]), summaries(again, [slugs[1]])
    assert new[slugs[1]]["economics"]["npc"] != old[slugs[1]]["economics"]["npc"]  # another discount rate


@pytest.mark.slow
def test_a_worker_that_dies_is_retried_once_then_reported(villages, tmp_path):
    folder, slugs = villages
    work = tmp_path / "two"
    shutil.copytree(folder / slugs[0], work / CRASHER)   # its worker dies (tests/batch_tasks.py)
    shutil.copytree(folder / slugs[1], work / slugs[1])
    result = run_batch([work], tmp_path / "out", workers=2, formats=("html",), task=run_or_die)
    assert [o.village.slug for o in result.failed] == [CRASHER]      # the CLI exits 1
    rows = read_csv(tmp_path / "out" / "comparison.csv")
    assert rows[CRASHER]["status"] == "failed" and rows[CRASHER]["error_type"] == "BrokenProcessPool"
    assert "again on the retry" in rows[CRASHER]["error"]
    assert rows[slugs[1]]["status"] == "ok"  # its neighbour completes (retried alone if it was in flight)
    log = (tmp_path / "out" / "batch.log").read_text(encoding="utf-8")
    assert f"{CRASHER}: FAILED (BrokenProcessPool, attempt 2)" in log


@pytest.mark.slow
def test_a_village_over_the_timeout_is_stopped(villages, tmp_path):
    folder, slugs = villages
    result = invoke("batch", str(folder / slugs[0] / "site.yaml"), "-o", str(tmp_path), "--workers", "1",
                    "--timeout", "0.5", "--format", "html")
    assert result.exit_code == 1, result.output
    row = read_csv(tmp_path / "comparison.csv")[slugs[0]]
    assert row["error_type"] == "TimeoutError" and "--timeout 0.5" in row["error"]


# --------------------------------------------------------------------------- distributed engine
@pytest.mark.slow
@pytest.mark.cluster
def test_a_dask_cluster_gives_the_local_results_and_isolates_failures(villages, local_run, cluster, tmp_path):
    folder, slugs = villages
    out_local, _ = local_run
    crasher = tmp_path / f"{CRASHER}.yaml"
    shutil.copy(folder / slugs[0] / "site.yaml", crasher)
    out = tmp_path / "dask"
    result = run_batch([folder, crasher], out, scheduler=cluster.scheduler_address, formats=("html",), task=run_or_die)
    assert sorted(o.village.slug for o in result.failed) == ["broken", CRASHER]      # the CLI exits 1
    rows = read_csv(out / "comparison.csv")
    assert rows["broken"]["status"] == "failed" and rows["broken"]["error_type"] == "SiteError"
    assert rows[CRASHER]["status"] == "failed" and rows[CRASHER]["error_type"] == "KilledWorker"
    assert numbers(summaries(out, slugs)) == numbers(summaries(out_local, slugs))  # same seeds: identical numbers
    local_rows = read_csv(out_local / "comparison.csv")
    for s in slugs:
        assert rows[s]["rank"] == local_rows[s]["rank"] and rows[s]["lcoe_per_kwh"] == local_rows[s]["lcoe_per_kwh"]


@pytest.mark.slow
def test_an_unreachable_scheduler_is_a_usage_error(villages, tmp_path, monkeypatch):
    folder, slugs = villages
    monkeypatch.setattr(cluster_engine, "SCHEDULER_CONNECT_TIMEOUT", "1s")
    result = invoke("batch", str(folder / slugs[0] / "site.yaml"), "-o", str(tmp_path),
                    "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 2
    assert "--scheduler" in result.stderr and "dask scheduler" in result.stderr


# --------------------------------------------------------------------------- planning and ranking
def test_usage_errors_exit_2(tmp_path):
    assert invoke("batch", str(tmp_path / "missing.yaml")).exit_code == 2
    assert "holds no site file" in invoke("batch", str(tmp_path)).stderr
    (tmp_path / "a.yaml").write_text("name: a\n")
    assert "did you mean 'lcoe'" in invoke("batch", str(tmp_path), "--rank-by", "lcoe2").stderr
    assert invoke("batch", str(tmp_path), "--workers", "0").exit_code == 2


def test_folders_expand_and_slugs_are_unique(tmp_path):
    for d in ("north", "south"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "site.yaml").write_text("name: x\n")
    (tmp_path / "north.yaml").write_text("name: y\n")
    (tmp_path / "notes.txt").write_text("")
    sites = discover_sites([tmp_path, tmp_path / "north" / "site.yaml"])  # the repeat is dropped
    assert [p.relative_to(tmp_path).as_posix() for p in sites] == ["north.yaml", "north/site.yaml", "south/site.yaml"]
    assert [v.slug for v in plan(sites, tmp_path / "out")] == ["north", "north_2", "south"]


def _outcome(slug, **values):
    """A good village whose summary has the given figures (a stand-in for StudySummary)."""
    ns = SimpleNamespace
    summary = ns(site=slug, n_homes=10, currency="USD",
                 economics=ns(lcoe_per_kwh=values.get("lcoe"), simple_payback_years=values.get("payback"),
                              npc=10000.0, capex=5000.0),
                 affordability=ns(share_households_affordable=values.get("afford"), tariff_per_kwh=values.get("lcoe"),
                                  subsidy_per_month_total=0.0),
                 co2=ns(avoided_annual_t=values.get("co2")),
                 energy=ns(unmet_fraction=values.get("unmet"), renewable_fraction=0.9, p2p_traded_kwh=100.0),
                 sizing=ns(pv_kwp_total=1.0, battery_kwh_total=2.0, diesel_kw_total=0.0, method="optimize"),
                 verdict=ns(status="feasible", reason=""))
    return Outcome(Village(slug, Path(f"/{slug}.yaml"), Path(f"/out/{slug}")), "ok", summary=summary)


def test_rankings():
    a = _outcome("a", lcoe=0.5, payback=None, afford=0.2, co2=3.0, unmet=0.01)
    b = _outcome("b", lcoe=0.4, payback=9.0, afford=0.6, co2=1.0, unmet=0.0)
    c = _outcome("c", lcoe=None, payback=5.0, afford=0.4, co2=2.0, unmet=0.02)
    bad = Outcome(Village("z", Path("/z.yaml"), Path("/out/z")), "failed", error_type="SiteError", error="bad\nfix: x")
    order = lambda key: [o.village.slug for o in rank([a, bad, b, c], key)]  # noqa: E731
    assert order("lcoe") == ["b", "a", "c", "z"]  # no LCOE after those with one; failed last
    assert order("payback") == ["c", "b", "a", "z"]  # payback never reached ranks after
    assert order("affordability") == ["b", "c", "a", "z"]
    assert order("co2") == ["a", "c", "b", "z"]
    assert order("unmet") == ["b", "a", "c", "z"]
    with pytest.raises(P2PSizeError, match="unknown ranking"):
        rank([a], "npv")
    rows = list(csv.DictReader(comparison_csv(rank([a, bad, b, c], "lcoe")).splitlines()))
    assert [r["rank"] for r in rows] == ["1", "2", "3", ""]
    assert rows[-1]["error"] == "bad | fix: x" and rows[2]["lcoe_per_kwh"] == ""


def test_local_workers_run_one_blas_thread_unless_the_user_says_otherwise(monkeypatch):
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    for k in local.WORKER_THREAD_ENV:
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "3")
    ctx = multiprocessing.get_context("spawn")
    with local._one_thread_per_worker(), ProcessPoolExecutor(1, mp_context=ctx) as pool:
        seen = {k: pool.submit(os.getenv, k).result() for k in local.WORKER_THREAD_ENV}
    assert seen == {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "3"}
    assert "OMP_NUM_THREADS" not in os.environ and os.environ["MKL_NUM_THREADS"] == "3"  # this process: as before
