"""Load suites from YAML/JSONL files or built-in names; every problem names the file and line."""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from redhive.engine.suites.schema import Probe, Suite
from redhive.engine.userfiles import read_text
from redhive.errors import NotFound, SuiteFileError

__all__ = ["BUILTIN_DIR", "DEFAULT_SUITES", "builtin_names", "is_composed", "load_suite", "load_suites",
           "source_names"]

BUILTIN_DIR = Path(__file__).parent / "data"
#: What `redhive demo` runs and the simulated models are calibrated on; the other built-in suites
#: (languages, breadth, purpose-named sets) are picked by name.
DEFAULT_SUITES = ("core", "extended")


def builtin_names() -> list[str]:
    return sorted(p.name for p in BUILTIN_DIR.iterdir() if p.is_dir() and (p / "suite.yaml").exists())


def is_composed(name: str) -> bool:
    """Whether a built-in suite is a selection from others (`include:` in its suite.yaml)."""
    header, _ = _read_yaml(BUILTIN_DIR / name / "suite.yaml")
    return isinstance(header, dict) and "include" in header


def source_names() -> list[str]:
    """The built-in suites that hold their own probes: every probe is in exactly one of them (the
    composed suites, such as `quick`, select from these)."""
    return [name for name in builtin_names() if not is_composed(name)]


def load_suites(refs: Iterable[str]) -> list[Suite]:
    return [load_suite(ref) for ref in refs]


def load_suite(ref: str) -> Suite:
    """A built-in suite name (`core`), a path to a .yaml/.yml/.jsonl file or a suite directory, or
    `policy:FILE` for the probes generated from a policy file (redhive.engine.policies)."""
    if ref.startswith("policy:"):
        from redhive.engine.policies import load_policy_suite

        return load_policy_suite(ref.removeprefix("policy:"))
    path = Path(ref)
    if ref in builtin_names():
        return _load_dir(BUILTIN_DIR / ref)
    if path.is_dir():
        return _load_dir(path)
    if path.is_file():
        if path.suffix == ".jsonl":
            return _load_jsonl(path)
        if path.suffix in (".yaml", ".yml"):
            return _load_yaml_suite(path)
        raise SuiteFileError(str(path), None, "unsupported file type; use .yaml, .yml or .jsonl.")
    known = ", ".join(builtin_names())
    raise NotFound(f"No suite '{ref}': it is neither a built-in suite ({known}) nor an existing file or folder.")


def _load_dir(folder: Path) -> Suite:
    header, _ = _read_yaml(folder / "suite.yaml")
    if not isinstance(header, dict):
        raise SuiteFileError(str(folder / "suite.yaml"), 1, "expected a mapping with name and description.")
    probes: list[Probe] = _included(header.pop("include", None), folder / "suite.yaml")
    # A folder's parts are YAML lists of probes or JSONL files, one probe a line (generated data is
    # written as JSONL: libyaml parses it about four times slower than json does).
    for file in sorted([*folder.glob("*.yaml"), *folder.glob("*.jsonl")]):
        if file.name == "suite.yaml":
            continue
        if file.suffix == ".jsonl":
            probes.extend(_jsonl_probes(file))
            continue
        data, root = _read_yaml(file)
        if not isinstance(data, list):
            raise SuiteFileError(str(file), 1, "expected a list of probes.")
        for index, item in enumerate(data):
            probes.append(_probe(item, file, lambda loc, i=index, r=root: _line_of(r, (i, *loc))))
    return _suite({**header, "probes": probes}, folder / "suite.yaml", lambda loc: None)


def _included(include: Any, path: Path) -> list[Probe]:
    """The probes a composed suite selects: `include` is a list of `{suite: NAME, ids: [...]}` (no ids:
    all of that suite), naming built-in suites that are not themselves composed."""
    if include is None:
        return []
    if not isinstance(include, list):
        raise SuiteFileError(str(path), None, "include: expected a list of {suite: NAME, ids: [...]}.")
    probes: list[Probe] = []
    for part in include:
        name = part.get("suite") if isinstance(part, dict) else None
        if name not in builtin_names() or is_composed(name):
            raise SuiteFileError(str(path), None, f"include: '{name}' is not a built-in suite that holds its own "
                                 f"probes; use one of {', '.join(source_names())}.")
        by_id = {p.id: p for p in _load_dir(BUILTIN_DIR / name).probes}
        ids = part.get("ids")
        if ids is None:
            probes.extend(by_id.values())
            continue
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise SuiteFileError(str(path), None, f"include: suite '{name}' has no probe '{missing[0]}'.")
        probes.extend(by_id[i] for i in ids)
    return probes


def _load_yaml_suite(path: Path) -> Suite:
    data, root = _read_yaml(path)
    if isinstance(data, list):  # a bare list of probes: the file stem names the suite
        data = {"name": _slug(path.stem), "probes": data}
    if not isinstance(data, dict):
        raise SuiteFileError(str(path), 1, "expected a mapping with 'name' and 'probes', or a list of probes.")
    return _suite(data, path, lambda loc: _line_of(root, loc))


def _jsonl_probes(path: Path) -> list[Probe]:
    probes: list[Probe] = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SuiteFileError(str(path), number, f"invalid JSON ({exc.msg}).") from None
        probes.append(_probe(item, path, lambda loc, n=number: n))
    return probes


def _load_jsonl(path: Path) -> Suite:
    probes = _jsonl_probes(path)
    if not probes:
        raise SuiteFileError(str(path), None, "the file holds no probes.")
    return _suite({"name": _slug(path.stem), "probes": probes}, path, lambda loc: None)


def _probe(item: Any, path: Path, line_of: Any) -> Probe:
    try:
        return Probe.model_validate(item)
    except ValidationError as exc:
        raise _from_validation(exc, path, line_of) from None


def _suite(data: dict[str, Any], path: Path, line_of: Any) -> Suite:
    try:
        return Suite.model_validate(data)
    except ValidationError as exc:
        raise _from_validation(exc, path, line_of) from None


def _from_validation(exc: ValidationError, path: Path, line_of: Any,
                     schema: str = "the suite schema in docs/suites.md") -> SuiteFileError:
    """The first validation error as one sentence naming the file, line and field."""
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    field = ".".join(str(p) for p in loc) or "probe"
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing":
        msg = "this required field is missing"
    elif err["type"] == "extra_forbidden":
        msg = f"unknown field (check its spelling against {schema})"
    return SuiteFileError(str(path), line_of(loc), f"{field}: {msg}.")


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster where it is built in


class YamlSource:
    """A YAML file's text, composed into its node tree (slow) only when an error needs a line."""

    __slots__ = ("_root", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._root: yaml.Node | None = None

    @property
    def root(self) -> yaml.Node | None:
        if self._root is None:
            self._root = yaml.compose(self.text, Loader=_LOADER)
        return self._root


def _read_yaml(path: Path) -> tuple[Any, YamlSource]:
    text = read_text(path)
    cached = _parsed_file(text)
    if cached is not None:
        try:
            return marshal.loads(cached.read_bytes()), YamlSource(text)
        except (OSError, EOFError, ValueError, TypeError):
            pass  # not parsed before (or a torn file): parse it
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506  (a safe loader, C or Python)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise SuiteFileError(str(path), line, f"invalid YAML ({problem}).") from None
    if cached is not None:
        _keep(cached, data)
    return data, YamlSource(text)


def _parsed_file(text: str) -> Path | None:
    """Where this YAML text's parse is kept: libyaml costs ~100 µs a probe, reading the parse back
    ~5 µs. Keyed by the text itself (and the parser), so an edited file is parsed again; None where
    the settings cannot say where the cache is."""
    from redhive.settings import Settings  # the cache folder is configuration, read when a file is

    try:
        folder = Settings().resolved_cache() / "yaml"
    except ValueError:
        return None
    key = hashlib.sha256(f"{yaml.__version__}:{_LOADER.__name__}:".encode() + text.encode()).hexdigest()
    return folder / f"{key}.marshal"


def _keep(file: Path, data: Any) -> None:
    try:
        blob = marshal.dumps(data)
    except ValueError:
        return  # a value marshal cannot hold (a YAML date): parse such files each time
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=file.parent, delete=False) as tmp:
            tmp.write(blob)
        os.replace(tmp.name, file)  # atomic: a reader sees the whole parse or none
    except OSError:
        return  # a read-only or full disk only costs the parse next time


def _line_of(source: YamlSource | yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Walk a composed YAML node along a pydantic error location; the deepest line found wins."""
    node = source.root if isinstance(source, YamlSource) else source
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


# Shared with the other file formats users write (policy files).
read_yaml = _read_yaml
line_of = _line_of
validation_error = _from_validation


def _slug(stem: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in stem.lower()).strip("-") or "suite"
