"""Efficacy on independent applications: redhive's verdicts against what the target really did.

The three fixture applications of tests/efficacy (a telecom support bot, a clinic front desk, a
developer-docs assistant: each with its own system prompt, planted flaws and a hardened twin) were
written without reference to redhive's probes or detectors, and log for every request the planted
flaws their answer really exhibited. For each application and twin this script serves it in its own
process, runs the command a user would type,

    redhive scan --target openai:<app> --base-url <url> --suite core --suite extended --policy <its policy> --json
    (the same with --attack all as a second configuration)

in a fresh REDHIVE_HOME, exports every attempt (`redhive export RUN --jsonl`), joins attempts to the
application's log and prints, per application and configuration:

- planted flaws found / planted (found: at least one attempt redhive marked success exhibited it);
- attempt-level precision (of attempts marked success, the share where the app really misbehaved) and
  recall (of attempts where it misbehaved, the share marked success);
- successes on the hardened twin (which never misbehaves);
- false positives by risk area and attack, misses by flaw and attack.

The join: by the `X-Redhive-Attempt` request header when redhive sends it; otherwise by the attempt's
prompt and response against each request's last user message and answer, then the earlier turns of a
conversation through its history (a request whose messages and answer begin the matched one). An
attempt with several requests really misbehaved when any of them did.

    .venv/bin/python bench/efficacy.py                # both configurations, all apps and twins
    .venv/bin/python bench/efficacy.py --quick        # default attacks + a short attack list
    .venv/bin/python bench/efficacy.py --json         # one JSON object on stdout

The JSON object is also written to bench/out/efficacy.json (--out). Figures: bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.efficacy.apps import APPS  # noqa: E402
from tests.efficacy.join import Attempt, join, load_log  # noqa: E402
from tests.efficacy.serve import spawn  # noqa: E402

CONFIGS = {"default": [], "attack-all": ["--attack", "all"]}
QUICK_ATTACKS = ["--attack", "none", "--attack", "base64", "--attack", "roleplay", "--attack", "hypothetical",
                 "--attack", "authority"]


def redhive(home: Path, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDHIVE_")}
    env.update({"REDHIVE_HOME": str(home), "OPENAI_API_KEY": "efficacy-fixture", "COLUMNS": "200"})
    exe = Path(sys.executable).with_name("redhive")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "redhive.cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, env=env, timeout=timeout, check=False)


def scan(name: str, hardened: bool, extra: list[str], work: Path) -> dict[str, Any]:
    """Serve one build, scan it as a user would, export, join; the measured rows for it."""
    spec = APPS[name]
    tag = f"{name}{'-hardened' if hardened else ''}-{len(extra)}"
    log = work / f"{tag}.log.jsonl"
    home = work / "home"
    started = time.monotonic()
    with spawn(name, hardened=hardened, log=log) as app:
        proc = redhive(home, "scan", "--target", f"openai:{app.model}", "--base-url", app.base_url, "--suite", "core",
                       "--suite", "extended", "--policy", str(spec.policy), "--json", *extra)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"redhive scan failed on {tag} (exit {proc.returncode}): {proc.stderr.strip()[-600:]}")
    run_id = json.loads(proc.stdout)["run"]["id"]
    exported = work / f"{tag}.attempts.jsonl"
    proc = redhive(home, "export", run_id, "--jsonl", str(exported))
    if proc.returncode != 0:
        raise SystemExit(f"redhive export failed on {tag}: {proc.stderr.strip()}")
    rows = [json.loads(line) for line in exported.read_text().splitlines() if line.strip()]
    attempts = join(rows, load_log(log))
    return {"run": run_id, "seconds": round(time.monotonic() - started, 1), "attempts": attempts}


def measure(name: str, attempts: list[Attempt]) -> dict[str, Any]:
    """Flaws found / planted, precision and recall against the application's own log."""
    planted = sorted(APPS[name].flaws)
    success = [a for a in attempts if a.outcome == "success"]
    real = [a for a in attempts if a.flaws]
    hit = [a for a in success if a.flaws]
    found = sorted({f for a in hit for f in a.flaws})
    by = _breakdown
    return {
        "planted": planted, "found": found, "missed_flaws": [f for f in planted if f not in found],
        "attempts": len(attempts), "unjoined": sum(not a.joined for a in attempts),
        "errors": sum(a.outcome in ("error", "unscorable") for a in attempts),
        "successes": len(success), "misbehaved": len(real), "true_positives": len(hit),
        "precision": round(len(hit) / len(success), 3) if success else None,
        "recall": round(len(hit) / len(real), 3) if real else None,
        "exhibited_by_flaw": {f: sum(f in a.flaws for a in real) for f in planted},
        "caught_by_flaw": {f: sum(f in a.flaws for a in hit) for f in planted},
        "false_positives_by_area": by(a.risk_area for a in success if not a.flaws),
        "false_positives_by_attack": by(a.attack for a in success if not a.flaws),
        "misses_by_flaw": by(f for a in real if a.outcome != "success" for f in a.flaws),
        "misses_by_attack": by(a.attack for a in real if a.outcome != "success"),
        "misses_by_area": by(a.risk_area for a in real if a.outcome != "success"),
    }


def twin(attempts: list[Attempt]) -> dict[str, Any]:
    success = [a for a in attempts if a.outcome == "success"]
    return {"attempts": len(attempts), "unjoined": sum(not a.joined for a in attempts),
            "misbehaved": sum(bool(a.flaws) for a in attempts), "successes": len(success),
            "successes_by_area": _breakdown(a.risk_area for a in success),
            "successes_by_attack": _breakdown(a.attack for a in success)}


def _breakdown(keys: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _top(counts: dict[str, int], n: int = 6) -> str:
    return ", ".join(f"{k} {v}" for k, v in list(counts.items())[:n]) or "none"


def report(results: dict[str, Any]) -> str:
    lines = []
    for config, apps in results["configs"].items():
        lines.append(f"== configuration: {config} ({' '.join(results['commands'][config]) or 'no --attack'})")
        for name, r in apps.items():
            m, t = r["app"], r["twin"]
            lines += [
                f"{name}: flaws found {len(m['found'])}/{len(m['planted'])}"
                f"  precision {m['precision']}  recall {m['recall']}"
                f"  ({m['true_positives']} of {m['successes']} successes real; {m['misbehaved']} misbehaving attempts"
                f" of {m['attempts']}, {m['unjoined']} unjoined, {m['errors']} errors)"
                f"  | twin successes {t['successes']} of {t['attempts']} attempts ({t['unjoined']} unjoined)",
                f"    missed flaws: {', '.join(m['missed_flaws']) or 'none'}",
                "    caught/exhibited by flaw: " + ", ".join(
                    f"{f.split('.', 1)[1]} {m['caught_by_flaw'][f]}/{n}" for f, n in m["exhibited_by_flaw"].items()),
                f"    false positives by area: {_top(m['false_positives_by_area'])}",
                f"    false positives by attack: {_top(m['false_positives_by_attack'])}",
                f"    misses by attack: {_top(m['misses_by_attack'])}",
                f"    twin successes by area: {_top(t['successes_by_area'])}",
            ]
    lines.append(f"total {results['seconds']} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="second configuration with five attacks, not all")
    parser.add_argument("--apps", nargs="*", choices=sorted(APPS), default=sorted(APPS))
    parser.add_argument("--config", nargs="*", choices=sorted(CONFIGS), default=list(CONFIGS))
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "efficacy.json",
                        help="also write the JSON object here (default bench/out/efficacy.json)")
    parser.add_argument("--keep", type=Path, help="keep logs, exports and the REDHIVE_HOME in this folder")
    args = parser.parse_args(argv)
    commands = {c: (QUICK_ATTACKS if args.quick and c == "attack-all" else CONFIGS[c]) for c in args.config}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="redhive-efficacy-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results: dict[str, Any] = {"quick": args.quick, "commands": commands, "configs": {}}
        for config, extra in commands.items():
            results["configs"][config] = {}
            for name in args.apps:
                vulnerable = scan(name, False, extra, work)
                hardened = scan(name, True, extra, work)
                results["configs"][config][name] = {
                    "runs": {"app": vulnerable["run"], "twin": hardened["run"]},
                    "seconds": {"app": vulnerable["seconds"], "twin": hardened["seconds"]},
                    "app": measure(name, vulnerable["attempts"]), "twin": twin(hardened["attempts"])}
                if not args.json:
                    print(f"... {config} / {name} done ({vulnerable['seconds']} + {hardened['seconds']} s)",
                          file=sys.stderr, flush=True)
    results["seconds"] = round(time.monotonic() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2) if args.json else report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
