"""`redhive completion bash|zsh|fish|powershell`: the shell's completion script, printed (nothing is
written to a shell's start-up file). Completion itself runs when the shell calls `redhive` with
`_REDHIVE_COMPLETE` set (see `main` in redhive.cli)."""

from __future__ import annotations

import typer

from redhive.cli.common import fail

SHELLS = ("bash", "zsh", "fish", "powershell")
COMPLETE_VAR = "_REDHIVE_COMPLETE"


def completion(shell: str = typer.Argument(..., help="bash, zsh, fish or powershell.")) -> None:
    """Print the shell completion script: `eval "$(redhive completion bash)"` in ~/.bashrc (zsh: in
    ~/.zshrc; fish: `redhive completion fish | source`)."""
    if shell not in SHELLS:
        raise fail(f"No completion for the shell '{shell}': choose one of {', '.join(SHELLS)}.")
    # typer's own script generator (what its --show-completion prints), for the program `redhive`
    from typer._completion_shared import get_completion_script

    typer.echo(get_completion_script(prog_name="redhive", complete_var=COMPLETE_VAR, shell=shell))
