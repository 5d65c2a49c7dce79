"""What both scan commands (`scan`, `agent-scan`) print around a run: the progress bar and the
start line while it runs, then how it ended and the exit code."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any

from redhive.cli.common import err, is_tty, styled
from redhive.cli.gate import Condition
from redhive.errors import RedhiveError

__all__ = ["EXIT_GATE", "EXIT_INTERRUPTED", "ScanProgress", "conclude"]

EXIT_GATE = 1
EXIT_INTERRUPTED = 130


class ScanProgress:
    """The bar on a terminal (none with --json or when piped) and the run's first line; a context
    manager around the run (the bar shows while it runs).

    `title` heads the bar until the run is known ("scanning"), `label` names the run then ("run",
    "agent run"), `unit` is what it plans ("attempts"), `hits` what the bar counts ("successes").
    Without a bar nothing of rich's is loaded: a `--json` scan prints nothing until it ends."""

    def __init__(self, *, title: str, label: str, unit: str, hits: str, quiet: bool) -> None:
        self.label, self.unit, self.quiet = label, unit, quiet
        self.bar: Any = None
        if not quiet and is_tty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}", style="bold", markup=False), BarColumn(),
                                MofNCompleteColumn(),
                                TextColumn(f"{{task.fields[hits]}} {hits}, {{task.fields[errors]}} errors",
                                           markup=False),
                                TimeRemainingColumn(), console=err, transient=False)
            self._task = self.bar.add_task(title, total=None, hits=0, errors=0)
        self.hits = self.errors = 0

    def __enter__(self) -> ScanProgress:
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.bar is not None:
            self.bar.__exit__(kind, exc, tb)

    def start(self, run_id: str, planned: int, stored: int) -> None:
        if self.bar is not None:
            self.bar.update(self._task, description=f"{self.label} {run_id}", total=planned, completed=stored)
        if not self.quiet:
            err.print(styled(f"{self.label.capitalize()} ", (run_id, "bold"), f": {planned} {self.unit} planned"
                             + (f", {stored} already stored" if stored else "") + "."), highlight=False)

    def advance(self, *, hit: bool, error: bool) -> None:
        self.hits += hit
        self.errors += error
        if self.bar is not None:
            self.bar.update(self._task, advance=1, hits=self.hits, errors=self.errors)


def conclude(command: str, run_id: str, status: str, error: RedhiveError | None, gate: Sequence[Condition],
             values: dict[str, Any]) -> int:
    """After the summary: the resume hint of an interrupted or stopped run (a stopped run raises
    its reason), else the gate's verdict on `values`, as the exit code."""
    if status == "interrupted":
        err.print(f"Interrupted. Resume with: redhive {command} --resume {run_id}", highlight=False)
        return EXIT_INTERRUPTED
    if error is not None:
        err.print(f"Stopped early; after fixing the cause, finish with: redhive {command} --resume {run_id}",
                  highlight=False)
        raise error
    failed = [(c, v) for c in gate for ok, v in [c.holds(values)] if ok]
    for cond, value in failed:
        err.print(styled(("Gate failed:", "bold red"), f" {cond.metric} = {value:g} ({cond})."), highlight=False)
    return EXIT_GATE if failed else 0
