"""Bad input gets one clear sentence on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import json
import sqlite3
import subprocess
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


# -- files people hand to redhive: encoding, size, markup (issue 16) ----------------------------------

PROBE = ("  - id: p1\n    title: t\n    risk_area: jailbreak\n    owasp: LLM01:2025\n    atlas: AML.T0054\n"
         "    prompt: hello\n    detector: {type: refusal}\n")


def one_sentence(proc: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert_clean_error(proc, *fragments)
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    return proc.stderr


def test_a_suite_that_is_not_utf8_is_one_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"name: mine\nprobes:\n" + PROBE.replace("hello", "café").encode("latin-1"))
    proc = redhive("scan", "--target", "sim:naive", "--suite", str(bad), home=tmp_path / "home")
    one_sentence(proc, f"{bad}, line 8: the file is not UTF-8 text (byte 0xe9", "save it with UTF-8 encoding")


@pytest.mark.parametrize("command", [["scan", "--target", "sim:naive", "--policy", "{file}"],
                                     ["policy", "show", "{file}"], ["findings", "dedup-eval", "--labelled", "{file}"],
                                     ["agent-scan", "--target", "sim:agent-naive", "--env", "{file}"],
                                     ["suites", "import", "{file}", "--from", "jsonl", "-o", "out.yaml"],
                                     ["judge", "calibrate", "--labels", "{file}", "--judge", "sim:judge"]])
def test_other_files_that_are_not_utf8_are_one_sentence(tmp_path: Path, command: list[str]) -> None:
    bad = tmp_path / "file.yaml"
    bad.write_bytes(b"name: x\xff\n")
    proc = redhive(*(part.format(file=bad) for part in command), home=tmp_path / "home")
    one_sentence(proc, f"{bad}, line 1: the file is not UTF-8 text")


def test_validation_messages_keep_their_brackets(tmp_path: Path) -> None:
    """Rich markup used to eat `[a-z0-9]`: the pattern printed as '^*$'."""
    bad = tmp_path / "named.yaml"
    bad.write_text("name: Not A Slug\nprobes:\n" + PROBE, encoding="utf-8")
    proc = redhive("scan", "--target", "sim:naive", "--suite", str(bad), home=tmp_path / "home")
    one_sentence(proc, "name: String should match pattern '^[a-z0-9][a-z0-9_.-]*$'")


def test_a_huge_suite_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """99 MB (sparse: nothing is written, and nothing may be read) — once 233 s and 4.6 GB."""
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(99 * 2**20)
    proc = redhive("scan", "--target", "sim:naive", "--suite", str(huge), home=tmp_path / "home", timeout=60)
    one_sentence(proc, f"{huge}: the file is 99.0 MB, over the 16 MB limit",
                 "raise the limit with REDHIVE_MAX_INPUT_FILE_MB=99")


@pytest.mark.parametrize("command", [["scan", "--target", "sim:naive", "--suite"], ["policy", "show"],
                                     ["findings", "dedup-eval", "--labelled"],
                                     ["agent-scan", "--target", "sim:agent-naive", "--env"]])
def test_the_size_limit_covers_every_file_kind_and_can_be_raised(tmp_path: Path, command: list[str]) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("# padding\n" * 300 + "name: mine\nprobes:\n" + PROBE, encoding="utf-8")  # ~3 KB
    proc = redhive(*command, str(big), home=tmp_path / "home", env={"REDHIVE_MAX_INPUT_FILE_MB": "0.002"})
    one_sentence(proc, f"{big}: the file is 3.1 KB, over the 0.002 MB limit", "REDHIVE_MAX_INPUT_FILE_MB=1")
    raised = redhive(*command, str(big), home=tmp_path / "home", env={"REDHIVE_MAX_INPUT_FILE_MB": "1"})
    assert "over the" not in raised.stderr and "Traceback" not in raised.stderr


def test_a_bad_size_limit_is_one_sentence(tmp_path: Path) -> None:
    suite = tmp_path / "s.yaml"
    suite.write_text("name: mine\nprobes:\n" + PROBE, encoding="utf-8")
    proc = redhive("scan", "--target", "sim:naive", "--suite", str(suite), home=tmp_path / "home",
                   env={"REDHIVE_MAX_INPUT_FILE_MB": "lots"})
    one_sentence(proc, "REDHIVE_MAX_INPUT_FILE_MB='lots' is not a size")


@pytest.mark.parametrize(("text", "fragments"), [
    ("groups: [\n", ["line 2: invalid YAML"]),
    ("groups:\n  - id: g\n    reports:\n      - title: only a title\n",
     ["line 4: groups.0.reports.0.description: this required field is missing"]),
    ("- just\n- a list\n", ["line 1: expected a mapping with 'groups'"]),
])
def test_dedup_eval_with_a_bad_labelled_set_is_one_sentence(tmp_path: Path, text: str, fragments: list[str]) -> None:
    labelled = tmp_path / "labelled.yaml"
    labelled.write_text(text, encoding="utf-8")
    proc = redhive("findings", "dedup-eval", "--labelled", str(labelled), home=tmp_path / "home")
    one_sentence(proc, str(labelled), *fragments)


def test_model_answers_with_brackets_print_as_written(tmp_path: Path) -> None:
    """An answer holding `[/]` crashed `runs show --attempt` with a MarkupError; `[bold]` vanished."""
    from redhive.testing import MockOpenAI

    home = tmp_path / "home"
    answer = "Use [/] to close and [bold]x[/bold] for bold; the regex is ^[a-z0-9]+$."
    with MockOpenAI(reply=answer).serve() as url:
        scan = redhive("scan", "--target", "openai:m", "--base-url", url, "--api-key", "k", "--suite", "core",
                       "--attack", "none", "--json", home=home)
    assert scan.returncode == 0, scan.stderr
    run_id = json.loads(scan.stdout)["run"]["id"]
    listing = redhive("runs", "show", run_id, "--attempts", home=home)
    attempt = next(line.split()[1] for line in listing.stdout.splitlines() if line.startswith("│ "))
    shown = redhive("runs", "show", run_id, "--attempt", attempt, home=home)
    assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown.stderr
    assert answer in shown.stdout
