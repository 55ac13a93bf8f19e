"""Tests of the command line (cli/): exit codes, init, samples, validate, usage errors.

Through typer's CliRunner on the real app; stdout and stderr are captured apart
(the problems of a site file go to stderr).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from p2p_size.cli import commands
from p2p_size.cli.main import app, main

from .conftest import write_site

BAD = Path(__file__).resolve().parent / "data" / "bad_sites" / "08_latitude_out_of_range.yaml"

runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


# --------------------------------------------------------------------------- init
def test_init_writes_a_starter_and_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("init")
    assert result.exit_code == 0, result.output
    path = tmp_path / "site.yaml"
    assert path.is_file()
    assert "site.yaml" in result.stdout
    original = path.read_text(encoding="utf-8")

    path.write_text(original + "# my edits\n", encoding="utf-8")
    result = invoke("init")
    assert result.exit_code == 2
    assert "exists" in result.stderr and "--force" in result.stderr
    assert path.read_text(encoding="utf-8").endswith("# my edits\n")  # untouched

    result = invoke("init", "--force")
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == original


def test_init_with_a_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("init", "Hill Top: 2")
    assert result.exit_code == 0, result.output
    path = tmp_path / "hill_top_2.yaml"
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["name"] == "Hill Top: 2"  # quoted safely
    assert invoke("validate", str(path)).exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == ["hill_top_2.yaml"]  # no temp file left behind


# --------------------------------------------------------------------------- samples
def test_samples_lists_the_bundled_villages():
    dirs = commands.sample_dirs()
    if not dirs:
        pytest.skip("no sample_sites/*/site.yaml yet")
    result = invoke("samples")
    assert result.exit_code == 0, result.output
    for d in dirs:
        assert d.name in result.stdout
    assert "p2p-size run" in result.stdout


def test_bundled_samples_are_valid():
    dirs = commands.sample_dirs()
    if not dirs:
        pytest.skip("no sample_sites/*/site.yaml yet")
    result = invoke("validate", *(str(d / "site.yaml") for d in dirs))
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": OK") == len(dirs)


# --------------------------------------------------------------------------- usage errors
def test_unknown_format_is_a_usage_error(small_site):
    result = invoke("run", str(small_site), "--format", "docx", "-o", str(small_site.parent / "out"))
    assert result.exit_code == 2
    assert "--format" in result.stderr and "docx" in result.stderr
    assert "html" in result.stderr  # says what is allowed
    assert not (small_site.parent / "out").exists()  # nothing was run or written


@pytest.mark.parametrize("text", ["", ",", "html,docx"])
def test_parse_formats_rejects(text):
    with pytest.raises(commands.P2PSizeError):
        commands.parse_formats(text)


def test_parse_formats_accepts():
    assert commands.parse_formats(" HTML , pdf ") == ("html", "pdf")


def test_unknown_command_is_a_usage_error():
    result = invoke("frobnicate")
    assert result.exit_code == 2
    assert "frobnicate" in result.output


def test_unknown_option_is_a_usage_error(small_site):
    result = invoke("validate", "--strict", str(small_site))
    assert result.exit_code == 2


def test_no_arguments_shows_help():
    result = invoke()
    assert result.exit_code in (0, 2)  # click's no_args_is_help exit code changed between versions
    assert "validate" in result.output and "init" in result.output


# --------------------------------------------------------------------------- validate
def test_validate_several_files_one_good_one_bad(small_site):
    result = invoke("validate", str(small_site), str(BAD))
    assert result.exit_code == 2
    assert f"{small_site}: OK" in result.stdout
    assert f"{BAD}: INVALID" in result.stderr
    assert "location.latitude" in result.stderr
    assert "INVALID" not in result.stdout and ": OK" not in result.stderr


def test_validate_good_files_exit_0(small_site, small_site_data, tmp_path):
    other = write_site(tmp_path, {**small_site_data, "name": "Other village"}, "other.yaml")
    result = invoke("validate", str(small_site), str(other))
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": OK") == 2
    assert "Other village" in result.stdout


def test_validate_a_missing_file(tmp_path):
    result = invoke("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "not found" in result.stderr


def test_validate_with_traceback_flag_still_exits_2():
    # validate reports problems itself; --traceback must not turn them into a crash
    result = runner.invoke(app, ["--traceback", "validate", str(BAD)])
    assert result.exit_code == 2
    assert "INVALID" in result.stderr


def test_console_entry_point_returns_the_exit_code(small_site, capsys):
    assert main(["validate", str(small_site)]) == 0
    assert main(["validate", str(BAD)]) == 2
    captured = capsys.readouterr()
    assert "INVALID" in captured.err and "Traceback" not in captured.err


# --------------------------------------------------------------------------- interrupted runs
def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones too) by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} | {
        str(p.relative_to(folder)) + "/": b"" for p in sorted(folder.rglob("*")) if p.is_dir()}


@pytest.fixture(scope="module")
def previous_good_run(tmp_path_factory):
    """A small site and the outputs of one complete run of it (all formats)."""
    from .conftest import SMALL_SITE

    folder = tmp_path_factory.mktemp("good_run")
    site = write_site(folder, SMALL_SITE)
    out = folder / "out"
    result = invoke("run", str(site), "-o", str(out), "--seed", "0")
    assert result.exit_code == 0, result.output
    assert {"report.html", "report.pdf", "summary.json", "homes.csv"} <= {p.name for p in out.iterdir()}
    return site, out


@pytest.mark.slow
@pytest.mark.parametrize("phase", ["computing", "writing"])
def test_sigterm_mid_run_keeps_the_previous_results_and_leaves_no_debris(tmp_path, previous_good_run, phase):
    """`p2p-size run` as a real process, SIGTERM while it sizes/simulates or while it writes its outputs.

    The run uses another seed than the previous one, so a report it managed to publish
    would differ byte for byte. "computing" waits for the progress bar to reach the
    sizing step (rich writes it when FORCE_COLOR makes stdout a terminal); "writing"
    waits for the hidden staging folder, i.e. outputs are being written.
    """
    import json
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    site, good_out = previous_good_run
    out = tmp_path / "out"
    shutil.copytree(good_out, out)
    before = _tree(out)
    assert not [name for name in before if ".p2p-size-staging-" in name], "a successful run leaves no staging folder"
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"FORCE_COLOR": "1", "COLUMNS": "120"}
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    cmd = [sys.executable, "-c", "import sys; from p2p_size.cli.main import main; sys.exit(main())",
           "run", str(site), "-o", str(out), "--seed", "7"]

    def reached() -> bool:
        if phase == "computing":
            text = stdout.read_bytes()
            return any(step in text for step in (b": sizing", b": simulation", b": economics"))
        return any(name.startswith(".p2p-size-staging-") and name + "/" not in before for name in os.listdir(out))

    with open(stdout, "wb") as out_f, open(stderr, "wb") as err_f:
        proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, env=env)
        try:
            deadline = time.monotonic() + 600  # generous: a loaded 2-core machine
            while not reached():
                if proc.poll() is not None:
                    pytest.fail(f"the run ended (exit {proc.returncode}) before the {phase} phase was seen:\n"
                                f"{stderr.read_text(errors='replace')}")
                if time.monotonic() > deadline:
                    pytest.fail(f"the {phase} phase was not reached within 600 s")
                time.sleep(0.005)
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    err = stderr.read_text(errors="replace")
    assert code == 130, f"an interrupted run must not report success\n{err}"
    assert "Traceback" not in err and "previous results are kept" in err, err
    after = _tree(out)
    assert sorted(after) == sorted(before), "no staging folder or temporary file may be left behind"
    for name, data in before.items():
        assert after[name] == data, f"{name} of the previous good run was changed"
    assert json.loads(after["summary.json"])["seed"] == 0


@pytest.mark.slow
def test_run_prints_the_note_on_a_load_given_in_the_wrong_unit(tmp_path, small_site_data):
    small_site_data["households"][1]["daily_load_kwh"] = 1200.0   # the shop's 1.2 kWh/day typed in Wh
    site = write_site(tmp_path, small_site_data)
    result = invoke("run", str(site), "-o", str(tmp_path / "out"), "--format", "html")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "note (loads): shop: each home uses 1," in text and "kWh a day on average" in text, text[-600:]
    assert "households[1].daily_load_kwh: if it was given in Wh, divide it by 1,000" in text
    # beside the design's capital and NPC, what standalone systems would need, from summary.json
    sa = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["alternatives"]["standalone"]
    cells = " ".join(result.output.replace("│", " ").split())
    assert f"standalone systems instead {sa['capex']:,.0f} / {sa['npc']:,.0f} USD" in cells


def test_a_stop_that_lands_inside_an_import_is_still_an_interruption():
    # An extension module whose initialisation is interrupted re-raises the signal as
    # "ImportError: initialization failed" (the KeyboardInterrupt is its context): exit 130.
    from p2p_size.cli.main import ExitStatus, _maps_errors
    import typer

    @_maps_errors
    def interrupted_import():
        try:
            raise KeyboardInterrupt("signal 15")
        except KeyboardInterrupt:
            raise ImportError("initialization failed")

    @_maps_errors
    def plain_bug():
        raise ImportError("initialization failed")

    with pytest.raises(typer.Exit) as stop:
        interrupted_import()
    assert stop.value.exit_code == ExitStatus.INTERRUPTED == 130
    with pytest.raises(typer.Exit) as bug:
        plain_bug()
    assert bug.value.exit_code == ExitStatus.ERROR == 1
