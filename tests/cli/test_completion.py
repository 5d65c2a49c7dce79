"""Shell completion: `redhive completion bash` prints a script that, sourced in a real bash, completes
command names and options (the shell calls `redhive` back with `_REDHIVE_COMPLETE` set)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redhive.cli import app

BIN = Path(sys.executable).parent


def _complete(words: str, index: int) -> list[str]:
    script = ('eval "$(redhive completion bash)"; COMP_WORDS=(' + words + f"); COMP_CWORD={index}; "
              '_redhive_completion redhive; printf "%s\\n" "${COMPREPLY[@]}"')
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None or not (BIN / "redhive").exists(), reason="needs bash and redhive")
def test_bash_completes_commands_and_options() -> None:
    assert _complete("redhive ex", 1) == ["export"]
    assert _complete("redhive export RUN --sa", 3) == ["--sarif", "--sarif-uri"]
    assert "list" in _complete("redhive runs ''", 2)


def test_an_unknown_shell_is_one_sentence() -> None:
    result = CliRunner().invoke(app, ["completion", "tcsh"])
    assert result.exit_code == 2 and "choose one of bash, zsh, fish, powershell" in result.output
