"""Load suites from YAML/JSONL files or built-in names; every problem names the file and line."""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
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


# The quick reader (D57). PyYAML spends ~150 µs a suite probe on a first parse, most of it in its
# Python constructor and resolver; yaml-rs (Rust, YAML 1.2) reads the same text in ~8 µs. YAML 1.1
# (PyYAML) and 1.2 differ, so yaml-rs's answer is used only where it is provably PyYAML's; anything
# else (a float, a date, `yes`, `0777`, a key given twice, a refusal) goes to PyYAML, which stays the
# reference and the source of every error message. tests/engine/test_yaml_fast_path.py holds the cases.
DEFER: Any = object()
# Characters PyYAML refuses (its reader's NON_PRINTABLE), or reads otherwise than YAML 1.2: tabs, NEL and
# U+2028/9 (line breaks to YAML 1.1 only), byte order marks. A test checks it against PyYAML's, for
# every character.
_ODD_CHARACTER = re.compile("[^\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# A tag: yaml-rs drops tags (`!!binary x` is bytes to PyYAML, text to yaml-rs).
_TAG = re.compile(r"[\s\[\]{},:]!")
# Anchors and aliases, and what may follow & or * up to a space, a line break, `,`, `]` or `}` (what
# ends a name to PyYAML, which takes only [0-9A-Za-z_-] in one; yaml-rs takes `&x:`, `&x[a]`).
_ANCHOR = re.compile(r"[\s\[\]{},:]&([^ \n\r,\]}]*)")
_ALIAS = re.compile(r"[\s\[\]{},:]\*([^ \n\r,\]}]*)")
_NAME = re.compile(r"[0-9A-Za-z_-]+")
# Integers that yaml-rs and PyYAML read differently all start with a 0 and a letter or digit (0777 is
# octal to PyYAML, 777 to YAML 1.2; 0o17, 0X1F are text to PyYAML) or hold underscores.
_INTEGER_FORMS = re.compile(r"(?<![\w.])[-+]?(?:0\w|[0-9]+_)")
# Strings yaml-rs can only have read from quoted or block scalars: a plain scalar spelled so, it types
# (bool, null, number), so PyYAML reads that string as a string too (`version: '1'`).
_TYPED_BY_YAML_RS = re.compile(r"[-+]?[0-9]{1,30}|true|True|TRUE|false|False|FALSE|null|Null|NULL|~|"
                               r"[-+]?(?:[0-9]{1,15}\.[0-9]{0,15}|\.[0-9]{1,15})(?:[eE][-+]?[0-9]{1,3})?|"
                               r"[-+]?[0-9]{1,15}[eE][-+]?[0-9]{1,3}|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|")
_quick: list[ModuleType | None] = []
_typed_to_pyyaml: list[re.Pattern[str]] = []


def _yaml_rs() -> ModuleType | None:
    """yaml-rs where it is installed (imported on first use: no cost to commands that read no YAML)."""
    if not _quick:
        try:
            import yaml_rs
        except ImportError:
            _quick.append(None)
        else:
            _quick.append(yaml_rs)
    return _quick[0]


def _not_text_to_pyyaml() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Every implicit resolver of the PyYAML loader in use but the string one (bool, int, float, null,
    timestamp, merge, value, yaml) as one pattern: a plain scalar it matches is no string to PyYAML.
    Also the same patterns, unanchored, between line breaks: one search over the strings joined by line
    breaks finds whether any string matches (a string with a line break of its own may add a false
    alarm, never hide a match)."""
    if not _typed_to_pyyaml:
        patterns = sorted({regexp.pattern for resolvers in _LOADER.yaml_implicit_resolvers.values()
                           for tag, regexp in resolvers if tag != "tag:yaml.org,2002:str"})
        if not all(p.startswith("^") and p.endswith("$") for p in patterns):  # a PyYAML this code predates:
            _typed_to_pyyaml.extend([re.compile(""), re.compile("")])  # every string is suspect
            return _typed_to_pyyaml[0], _typed_to_pyyaml[1]
        _typed_to_pyyaml.append(re.compile("|".join(f"(?:{p})" for p in patterns), re.VERBOSE))
        joined = "|".join(f"(?:{p[1:-1]})" for p in patterns)
        # PyYAML tries a string only on the resolvers filed under its first character: the others
        # are text whatever they spell, and a lookahead skips them at C speed.
        firsts = _LOADER.yaml_implicit_resolvers.keys()
        ahead = "" if None in firsts else "(?=[{}\\n])".format("".join(re.escape(c) for c in firsts if c))
        _typed_to_pyyaml.append(re.compile(rf"\n{ahead}(?:{joined})(?=\n)", re.VERBOSE))
    return _typed_to_pyyaml[0], _typed_to_pyyaml[1]


def _quick_parse(text: str) -> Any:
    """yaml-rs's reading of the text where it is PyYAML's, else DEFER."""
    quick = _yaml_rs()
    if (quick is None or _ODD_CHARACTER.search(text) or "<<" in text  # merge keys: a PyYAML extension
            or text.startswith(("%", "---", "...", "!", "&")) or "\n%" in text or "\n---" in text
            or "\n..." in text  # directives and document markers: yaml-rs reads several documents as a list
            or text.count("\r") != text.count("\r\n")  # lines that end in CR alone
            or text[-1:] not in ("\n", "")  # a block scalar that ends the file: 1.2 adds a line break
            or ("!" in text and _TAG.search(text))):
        return DEFER
    try:  # a key given twice is refused (PyYAML keeps the last), and so handed to PyYAML
        data = quick.loads(text, parse_datetime=False, duplicate_key_policy=quick.DuplicateKeyPolicy.Error)
    except Exception:  # noqa: BLE001  (any refusal or failure: PyYAML decides, and words the error)
        return DEFER
    if type(data) is not dict and type(data) is not list:
        return DEFER  # a bare scalar: YAML 1.2 lets a top-level block scalar sit at column 0, 1.1 not
    nodes: list[Any] = [data]
    texts: list[Any] = []
    integers = nulls = False
    for node in nodes:
        kind = type(node)
        if kind is str:
            texts.append(node)
        elif kind is dict:
            texts.extend(node)  # the keys: joining them below fails on any that is not a string
            nodes.extend(node.values())
        elif kind is list:
            nodes.extend(node)
        elif kind is int:
            integers = True
        elif node is None:
            nulls = True
        elif kind is not bool:
            return DEFER  # a float: 1e3 is one to YAML 1.2, text to PyYAML
    try:
        joined = "\n".join(texts)
    except TypeError:
        return DEFER  # a key that is no string (a number, null, list): `: x` is an error to PyYAML
    typed_to_pyyaml, any_typed = _not_text_to_pyyaml()
    if any_typed.search(f"\n{joined}\n") and any(
            typed_to_pyyaml.match(s) and not _TYPED_BY_YAML_RS.fullmatch(s) for s in texts):
        return DEFER  # plain `yes`, `1:20`, `2001-12-14`... (or quoted: PyYAML tells)
    if integers and _INTEGER_FORMS.search(text):
        return DEFER
    if "&" in text and not _anchors_alike(text, nulls):
        return DEFER
    return data


def _anchors_alike(text: str, nulls: bool) -> bool:
    """Whether the text's anchors and aliases (and prose that looks like them) are read alike: names
    PyYAML takes, no anchor named twice (PyYAML refuses that), and no null in the answer if there is an
    anchor at all (yaml-rs reads an alias inside its own anchor's node, `&x [*x]`, as null)."""
    anchors = [name for name in _ANCHOR.findall(text) if name]  # `Q & A`: a name-less & is an error to both
    if not anchors:
        return True
    return (not nulls and len(set(anchors)) == len(anchors)
            and all(_NAME.fullmatch(name) for name in [*anchors, *filter(None, _ALIAS.findall(text))]))


def _parse_yaml(text: str) -> Any:
    data = _quick_parse(text)
    if data is DEFER:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506  (a safe loader, C or Python)
    return data


def _read_yaml(path: Path) -> tuple[Any, YamlSource]:
    """The file's data: the quick reader's, else PyYAML's, kept in the parse cache (which only PyYAML's
    cost is worth: reading the settings for the cache's folder costs a scan's start-up more than
    yaml-rs a whole suite)."""
    text = read_text(path)
    data = _quick_parse(text)
    if data is not DEFER:
        return data, YamlSource(text)
    cached = _parsed_file(text)
    if cached is not None:
        try:
            return marshal.loads(cached.read_bytes()), YamlSource(text)
        except (OSError, EOFError, ValueError, TypeError):
            pass  # not parsed before (or a torn file): parse it
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506  (a safe loader, C or Python)
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises a bare ValueError for some values (2001-13-45)
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise SuiteFileError(str(path), line, f"invalid YAML ({problem}).") from None
    if cached is not None:
        _keep(cached, data)
    return data, YamlSource(text)


def _parsed_file(text: str) -> Path | None:
    """Where this YAML text's parse is kept: PyYAML costs ~150 µs a probe, yaml-rs ~7, reading the
    parse back ~5 µs. Keyed by the text itself (and the parsers), so an edited file is parsed again;
    None where the settings cannot say where the cache is."""
    from redhive.settings import Settings  # the cache folder is configuration, read when a file is

    try:
        folder = Settings().resolved_cache() / "yaml"
    except ValueError:
        return None
    quick = _yaml_rs()
    parser = f"{yaml.__version__}:{_LOADER.__name__}:yaml-rs {quick.__version__ if quick else '-'}:"
    key = hashlib.sha256(parser.encode() + text.encode()).hexdigest()
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
