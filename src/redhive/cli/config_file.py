"""`--config FILE`: everything a command line says, in a YAML file.

Keys are the command's option names (`target`, `judge_base_url`, `fail_on`…; dashes or
underscores); repeatable options take lists. The file's values become the options' defaults, so a
flag given on the command line wins over the file. Relative paths in the file are read from the
file's own folder.

    # run.yaml
    target: [openai:support-app]
    base_url: http://127.0.0.1:8080/v1
    api_key_env: SUPPORT_APP_KEY
    suite: [core, extended]
    policy: [support-policy.yaml]
    judge: openai:gpt-4o-mini
    judge_api_key_env: OPENAI_API_KEY
    fail_on: jailbreak.asr>0.05,over_refusal.rate>0.1
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from redhive.cli.common import fail

__all__ = ["CONFIG_OPTION", "MAX_CONFIG_BYTES"]

MAX_CONFIG_BYTES = 1_000_000
_PATH_OPTIONS = ("policy", "html", "labels")


def _defaults(ctx: typer.Context, _: typer.CallbackParam, value: Path | None) -> Path | None:
    if value is None:
        return None
    if not value.is_file():
        raise fail(f"No configuration file at {value}: give the path of a YAML file.")
    if value.stat().st_size > MAX_CONFIG_BYTES:
        raise fail(f"The configuration file {value} is over {MAX_CONFIG_BYTES:,} bytes: a run configuration is short.")
    import yaml  # only where a --config file is given

    try:
        data = yaml.safe_load(value.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        problem = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else "it is not valid YAML"
        raise fail(f"Cannot read the configuration file {value}: {problem}.") from None
    if not isinstance(data, dict):
        raise fail(f"The configuration file {value} must be a mapping of option names to values.")
    params = {p.name: p for p in ctx.command.params if p.name and p.name != "config"}
    defaults: dict[str, Any] = {}
    for key, setting in data.items():
        name = str(key).replace("-", "_")
        param = params.get(name)
        if param is None:
            known = ", ".join(sorted(n for n in params if not n.startswith("as_")))
            raise fail(f"The configuration file {value} has an unknown key '{key}'; the keys are the options: {known}.")
        if getattr(param, "multiple", False) and not isinstance(setting, list):
            setting = [setting]
        if name in _PATH_OPTIONS:
            setting = [_relative(value, s) for s in setting] if isinstance(setting, list) else _relative(value, setting)
        defaults[name] = setting
    ctx.default_map = {**(ctx.default_map or {}), **defaults}
    return value


def _relative(config: Path, path: Any) -> str:
    candidate = Path(str(path)).expanduser()
    return str(candidate if candidate.is_absolute() else (config.parent / candidate))


#: The `--config` option, for any command: `config: Path | None = CONFIG_OPTION`.
CONFIG_OPTION: Any = typer.Option(None, "--config", is_eager=True, callback=_defaults, metavar="FILE",
                                  help="A YAML file of this command's options (keys are the option names); flags "
                                       "given on the command line win over it.")
