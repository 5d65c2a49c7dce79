"""Rich output for agent runs: the summary tables of `agent-scan` / `agent-runs show` and the
readable trace of `traces show`."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from redhive.cli.render import pct

#: (JSON key, column title) of the rates in the summary tables.
COLUMNS = (("benign_utility", "benign utility"), ("utility_under_attack", "utility under attack"),
           ("targeted_asr", "targeted ASR"), ("side_effect_rate", "side effects"),
           ("forbidden_action_rate", "forbidden actions"), ("goal_drift", "goal drift"))


def rate_cell(rate: dict[str, Any]) -> Text:
    lo, hi = rate["ci95"]
    return Text.assemble(f"{pct(rate['rate'])} ", (f"{rate['k']}/{rate['n']} ({pct(lo)}–{pct(hi)})", "dim"))


def metrics_table(title: str, rows: list[dict[str, Any]], keys: list[str]) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for key in keys:
        table.add_column(key.replace("_", " "))
    table.add_column("episodes", justify="right")
    for _, name in COLUMNS:
        table.add_column(name, justify="right")
    table.add_column("cascades", justify="right")
    table.add_column("median steps to violation", justify="right")
    for row in rows:
        median = row["steps_to_first_violation"]["median"]
        style = "red" if (row["targeted_asr"]["k"] or row["forbidden_executed_rate"]["k"]) else None
        table.add_row(*(str(row[k]) for k in keys), f"{row['scored']}" + (f" (+{row['errors']} err)" if row["errors"]
                                                                          else ""),
                      *(rate_cell(row[k]) for k, _ in COLUMNS), str(row["cascades"]["events"]),
                      "–" if median is None else f"{median:g}", style=style)
    return table


def print_agent_summary(console: Console, s: dict[str, Any], *, per_env: bool = True) -> None:
    console.print(metrics_table("Agent metrics by monitor mode and target", s["targets"],
                                ["monitor_mode", "target"]))
    if per_env and len({r["env"] for r in s["environments"]}) > 1:
        console.print(metrics_table("By environment", s["environments"], ["monitor_mode", "target", "env"]))
    if s["safeguard_delta"]:
        table = Table(title="Safeguard delta: halt minus flag (same seeds)", title_justify="left",
                      header_style="bold")
        for name in ("metric", "flag", "halt", "delta"):
            table.add_column(name, justify="left" if name == "metric" else "right")
        for name, d in s["safeguard_delta"].items():
            delta = d["delta"]
            table.add_row(name.replace("_", " "), rate_cell(d["flag"]), rate_cell(d["halt"]),
                          "–" if delta is None else f"{delta * 100:+.1f} pt")
        console.print(table)
    run, m = s["run"], s["metrics"]
    statuses = ", ".join(f"{v} {k}" for k, v in sorted(m["statuses"].items()))
    console.print(Text.assemble(
        (f"Agent run {run['id']}", "bold"), f" ({run['status']}): {run['stored']} of {run['planned']} episodes "
        f"stored ({statuses or 'none'} in mode {s['monitor_mode']}); targeted ASR ", rate_cell(m["targeted_asr"]),
        ", benign utility ", rate_cell(m["benign_utility"]), "."), highlight=False)


def _short(text: str, limit: int = 600) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit} more characters)"


def _change(c: dict[str, Any]) -> str:
    def show(v: Any) -> str:
        return _short(json.dumps(v, ensure_ascii=False, default=str), 120)

    if c["op"] == "added":
        return f"+ {c['path']} = {show(c.get('after'))}"
    if c["op"] == "removed":
        return f"- {c['path']}"
    return f"~ {c['path']}: {show(c.get('before'))} → {show(c.get('after'))}"


def print_trace(console: Console, ep: Any, problems: list[str]) -> None:
    head = Table.grid(padding=(0, 2))
    for name, value in (("episode", ep.id), ("environment", ep.env), ("user task", ep.user_task),
                        ("injection", f"{ep.injection_task} via {ep.attack}" if ep.injection_task else "none"),
                        ("target", ep.target), ("repeat / seed", f"{ep.repeat} / {ep.seed}"),
                        ("monitor mode", ep.monitor_mode)):
        head.add_row(Text(name, style="bold"), Text(str(value)))
    console.print(Panel(head, title="Episode", title_align="left"))
    console.print(Panel(Text(_short(ep.prompt)), title="user", title_align="left", border_style="blue"))
    for step in ep.steps:
        if step.user:
            console.print(Panel(Text(_short(step.user)), title=f"user ({step.user_source})", title_align="left",
                                border_style="blue"))
        parts: list[Any] = []
        if step.text:
            parts.append(Text(_short(step.text)))
        for a in step.actions:
            d = a.to_dict()
            style = {"executed": "green", "tool_error": "yellow", "invalid": "magenta", "rejected": "red",
                     "skipped": "dim"}[a.status]
            line = Text.assemble((f"→ {a.tool}", "bold"), f"({_short(a.arguments, 300)})  ", (a.status, style))
            if a.decision != "approve":
                line.append(f"  monitor: {a.decision}", style="red" if a.decision == "halt" else "yellow")
            parts.append(line)
            for f in d["findings"]:
                parts.append(Text(f"    ! {f['rule']} ({f['kind']}, {f['phase']}): {f['message']}", style="yellow"))
            parts.append(Text("    ← " + _short(a.result, 400).replace("\n", "\n      "), style="dim"))
            for c in d["changes"]:
                parts.append(Text("    " + _change(c), style="red" if c["path"] in a.side_effects else "cyan"))
            for ev in d["cascades"]:
                parts.append(Text(f"    ⤷ cascade {ev['name']} (from {ev['trigger']}, depth {ev['depth']}): "
                                  + "; ".join(_change(c) for c in ev["changes"]), style="cyan"))
            for c in d["rejected_changes"]:
                parts.append(Text("    undone " + _change(c), style="red"))
            if a.side_effects:
                parts.append(Text(f"    side effects: {', '.join(a.side_effects)}", style="red"))
            if a.slots_seen:
                parts.append(Text(f"    injection seen in: {', '.join(a.slots_seen)}", style="magenta"))
        title = f"step {step.index} · {step.input_tokens}/{step.output_tokens} tokens · {step.latency_ms:g} ms"
        console.print(Panel(Group(*parts) if parts else Text("(empty turn)"), title=title, title_align="left"))
    verdict = ("solved" if ep.utility else "not solved") if ep.utility is not None else "not scored"
    lines = [f"status: {ep.status}" + (f" ({ep.error})" if ep.error else ""), f"user task: {verdict}"]
    lines += [f"  failed: {f}" for f in ep.utility_failures]
    if ep.injection_task:
        lines.append(f"injection goal: {'ACHIEVED' if ep.injection_success else 'not achieved'}")
    lines.append("hash chain: " + ("intact" if not problems else "BROKEN: " + "; ".join(problems)))
    console.print(Panel(Text("\n".join(lines)), title="Outcome", title_align="left",
                        border_style="red" if ep.injection_success or problems else "green"))
