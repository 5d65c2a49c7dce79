"""Bad input gets one clear sentence on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tests.helpers import redhive


def assert_clean_error(proc, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    message = " ".join(proc.stderr.split())
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--target", "nosuch:model", "--suite", "core"], ["Unknown target 'nosuch'", "Known targets"]),
        (["--target", "sim:nosuch", "--suite", "core"], ["Unknown simulated target 'sim:nosuch'"]),
        (["--target", "simnaive", "--suite", "core"], ["not of the form kind:name"]),
        (["--target", "sim:naive", "--suite", "nosuch"], ["No suite 'nosuch'"]),
        (["--target", "sim:naive", "--suite", "core", "--attack", "base65"], ["Unknown converter 'base65'",
                                                                             "Did you mean 'base64'"]),
        (["--target", "sim:naive", "--suite", "core", "--fail-on", "asr>>1"],
         ["--fail-on 'asr>>1' is not a condition"]),
        (["--target", "sim:naive", "--suite", "core", "--fail-on", ""], ["--fail-on is empty"]),
        (["--target", "sim:naive", "--suite", "core", "--fail-on", "jailbrek.asr>0.1"],
         ["names the risk area 'jailbrek', which none of the run's probes has"]),
        (["--target", "sim:naive", "--suite", "core", "--fail-on", "over_refusal.asr>0.1"],
         ["--fail-on 'over_refusal.asr>0.1' is not a condition", "over_refusal: rate"]),
        (["--target", "sim:naive", "--suite", "core", "--repeats", "0"], ["--repeats must be at least 1"]),
        (["--resume", "20990101-000000-abcdef"], ["No run '20990101-000000-abcdef'"]),
        (["--suite", "core"], ["No target given"]),
    ],
)
def test_bad_scan_arguments(tmp_path: Path, args: list[str], fragments: list[str]) -> None:
    assert_clean_error(redhive("scan", *args, home=tmp_path / "home"), *fragments)


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: mine\nprobes:\n  - id: p1\n    title: [unclosed\n", encoding="utf-8")
    proc = redhive("scan", "--target", "sim:naive", "--suite", str(bad), home=tmp_path / "home")
    assert_clean_error(proc, f"{bad}, line", "invalid YAML")


def test_invalid_probe_field_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "mine.yaml"
    bad.write_text(
        "name: mine\nprobes:\n"
        "  - id: p1\n    title: ok\n    risk_area: jailbreak\n    owasp: LLM01:2025\n    atlas: AML.T0054\n"
        "    prompt: hello\n    detector: {type: refusal}\n"
        "  - id: p2\n    title: wrong edition\n    risk_area: jailbreak\n    owasp: LLM01:2026\n"
        "    atlas: AML.T0054\n    prompt: hello\n    detector: {type: refusal}\n",
        encoding="utf-8",
    )
    proc = redhive("scan", "--target", "sim:naive", "--suite", str(bad), home=tmp_path / "home")
    assert_clean_error(proc, f"{bad}, line 13", "probes.1.owasp", "LLM01:2026")


def test_malformed_jsonl_names_line(tmp_path: Path) -> None:
    bad = tmp_path / "probes.jsonl"
    good = ('{"id": "p1", "title": "t", "risk_area": "jailbreak", "owasp": "LLM01:2025", '
            '"atlas": "AML.T0054", "prompt": "hi", "detector": {"type": "refusal"}}')
    bad.write_text(good + "\n" + good.replace('"p1"', '"p2"')[:-5] + "\n", encoding="utf-8")
    proc = redhive("scan", "--target", "sim:naive", "--suite", str(bad), home=tmp_path / "home")
    assert_clean_error(proc, f"{bad}, line 2", "invalid JSON")


def test_unwritable_database(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be", encoding="utf-8")
    proc = redhive("scan", "--target", "sim:naive", "--suite", "core", home=tmp_path / "home",
                   env={"REDHIVE_DATABASE_URL": f"sqlite:///{blocker}/redhive.db"})
    assert_clean_error(proc, "REDHIVE_DATABASE_URL")


def test_locked_database(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert redhive("scan", "--target", "sim:naive", "--suite", "core", "--attack", "none", home=home).returncode == 0
    holder = sqlite3.connect(home / "redhive.db")
    try:
        holder.execute("BEGIN EXCLUSIVE")
        proc = redhive("scan", "--target", "sim:naive", "--suite", "core", home=home,
                       env={"REDHIVE_DB_BUSY_TIMEOUT": "0.5"})
    finally:
        holder.rollback()
        holder.close()
    assert_clean_error(proc, "is locked by another process")


def test_bad_database_url(tmp_path: Path) -> None:
    proc = redhive("runs", "list", home=tmp_path / "home", env={"REDHIVE_DATABASE_URL": "mysql://x@y/z"})
    assert_clean_error(proc, "is not supported")
