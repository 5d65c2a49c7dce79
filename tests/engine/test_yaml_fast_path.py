"""The quick YAML reader must mean exactly what PyYAML's safe loader means (D57).

Every document below is a place where YAML readers are known to part ways (YAML 1.1 against 1.2,
libyaml against a spec-complete reader). For each, the quick reader either hands the text back to
PyYAML, or gives what `yaml.load(text, Loader=yaml.SafeLoader)` (and the C loader the suite loader
used before) gives: the same value, with the same Python type at every depth. A document PyYAML
refuses must never be read by the quick reader. Every YAML file in the repository is held to the
same rule, and plain suites must take the quick road (else the rule holds trivially).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from redhive.engine.suites import loader

yaml_rs = pytest.importorskip("yaml_rs")

ROOT = Path(__file__).resolve().parents[2]
REFUSED = "refused"


def _reference(text: str) -> Any:
    """What PyYAML's pure-Python safe loader and its libyaml twin make of the text; REFUSED where either
    raises, and a marker where the two disagree (the quick reader must then stay away)."""
    results = []
    for pyyaml_loader in (yaml.SafeLoader, yaml.CSafeLoader):
        try:
            results.append(yaml.load(text, Loader=pyyaml_loader))  # noqa: S506  (safe loaders)
        except Exception:  # noqa: BLE001  (PyYAML lets ValueError out for `2001-13-45` or `"\U00110000"`)
            results.append(REFUSED)
    if not _identical(results[0], results[1]):
        return ("the two PyYAML loaders disagree",)
    return results[0]


def _identical(a: Any, b: Any, seen: set[tuple[int, int]] | None = None) -> bool:
    """Equal, and of the very same type at every depth (1 == 1.0 == True would otherwise pass);
    a structure that holds itself (an anchor inside its own node) is walked once."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict | list | tuple):
        seen = set() if seen is None else seen
        if (id(a), id(b)) in seen:
            return True
        seen.add((id(a), id(b)))
        if isinstance(a, dict):
            return list(a) == list(b) and all(_identical(a[k], b[k], seen) for k in a)
        return len(a) == len(b) and all(_identical(x, y, seen) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:
        return b != b  # NaN
    return bool(a == b)


def _agrees(text: str) -> bool:
    """The rule itself: the quick reader defers, or agrees with PyYAML on a document PyYAML accepts."""
    quick = loader._quick_parse(text)
    if quick is loader.DEFER:
        return True
    expected = _reference(text)
    return expected != REFUSED and not isinstance(expected, tuple) and _identical(quick, expected)


# (what the case is about, the document). Words, not the loader's own names.
CASES: list[tuple[str, str]] = [
    # truth words of YAML 1.1, in several spellings (1.2 readers keep most as text)
    *[(f"the word {w!r} as a value", f"answer: {w}\n") for w in
      ["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
       "true", "True", "TRUE", "false", "False", "FALSE", "yEs", "tRUE", "oN"]],
    ("truth words as list items", "- yes\n- no\n- on\n- off\n- y\n- n\n"),
    ("truth words as keys", "yes: 1\nno: 2\non: 3\n"),
    ("truth words in quotes stay text", "a: 'yes'\nb: \"no\"\nc: 'on'\n"),
    # nothing
    *[(f"nothing spelled {w!r}", f"value: {w}\n") for w in ["~", "null", "Null", "NULL", "nULL", ""]],
    ("a key with no value then another key", "first:\nsecond: 2\n"),
    ("an empty list item", "-\n- \n- x\n"),
    ("quoted empty text", "a: ''\nb: \"\"\n"),
    ("the word null quoted", "a: 'null'\nb: \"~\"\n"),
    # whole numbers in other bases and shapes
    *[(f"the number-like {w!r}", f"n: {w}\n") for w in
      ["0777", "0o17", "0x1F", "0X1f", "0b101", "1_000", "+12", "-0", "0", "00", "09", "012345678", "1:20",
       "190:20:30", "-1:30", "1__2", "0x_1", "12e3", "1e3", "1E3", "1.0e+3", "1.5", "6.8523015e+5",
       "685.230_15e+03", "190:20:30.15", "1.", ".5", "-.5", "1_000.5", "+.5e-3", "1.2.3", "1,000"]],
    # the floats that are not numbers
    *[(f"the float word {w!r}", f"f: {w}\n") for w in
      [".inf", ".Inf", ".INF", "-.inf", "+.inf", ".NaN", ".nan", ".NAN", "inf", "nan", ".iNf"]],
    # calendar dates and instants (PyYAML makes date and datetime objects)
    *[(f"the time-like {w!r}", f"when: {w}\n") for w in
      ["2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43.1Z",
       "2002-1-1", "2002-01-01 1:2:3", "2001-12-14T21:59:43", "20:59", "2001-13-45"]],
    ("a date as a key", "2001-12-14: a\n"),
    # repeats through anchors
    ("a mapping anchored then reused", "base: &b {a: 1, c: text}\nagain: *b\n"),
    ("a text anchored then reused", "one: &t hello\ntwo: *t\nthree: [*t, *t]\n"),
    ("a list anchored then reused", "l: &l [a, b]\nm: *l\n"),
    ("an alias to an unknown anchor", "a: *nowhere\n"),
    ("an anchor that refers to itself", "a: &x [*x]\n"),
    ("an anchor given twice", "a: &x 1\nb: &x 2\nc: *x\n"),
    ("an anchor name with a dot", "a: &x.y 1\nb: *x.y\n"),
    ("an ampersand alone", "a: & b\n"),
    ("an ampersand in prose", "a: Q & A\nb: fish&chips\n"),
    ("an asterisk in prose", "a: |\n  * step one\n  * step two\nb: 2 * 3\n"),
    ("an alias as a key", "a: &k key\n*k : v\n"),
    ("an anchor glued to a flow list", "a: &x[b]\n"),
    ("an anchor glued to a colon", "a: &x: 1\n"),
    ("an anchor name ending in a wide space", "a: &x\u00a0b\n"),
    ("an ampersand alone in flow", "[a, &]\n"),
    ("an anchored list reused with prose stars", "v: &id001\n- one\n- two\nw: *id001\nx: '* not an alias'\n"),
    ("an anchor on a null", "a: &n\nb: *n\n"),
    ("a mapping anchor that refers to itself", "a: &x {b: *x, c: text}\n"),
    ("an empty key", ": x\n"),
    ("an empty key in flow", "{: x}\n"),
    ("an explicit empty key", "? \n: x\n"),
    # merging mappings into a mapping
    ("one mapping merged", "base: &b {a: 1, b: 2}\nchild:\n  <<: *b\n  b: 3\n"),
    ("two mappings merged", "x: &x {a: 1}\ny: &y {a: 2, b: 2}\nz:\n  <<: [*x, *y]\n  c: 3\n"),
    ("an inline mapping merged", "z:\n  <<: {a: text}\n  b: other\n"),
    ("merge of a text", "z:\n  <<: text\n"),
    ("the merge sign quoted", "z:\n  '<<': text\n"),
    # literal and folded blocks, with every chomping indicator
    *[(f"block scalar {h!r}", f"b: {h}\n  line one\n   more indented\n\n  line two\n\n\nafter: x\n")
      for h in ["|", ">", "|-", ">-", "|+", ">+", "|2", ">2", "|2-", ">+2", "|1"]],
    ("block scalar at the end of the file", "b: |+\n  kept\n\n"),
    ("block scalar with no line break at the end", "- |2\n    x"),
    ("block scalar of spaces with no line break at the end", "b: |2\n    "),
    ("a top-level block scalar at column 0", "|\n- \n"),
    ("block scalar with trailing spaces", "b: >\n  one  \n  two\t\n"),
    ("block scalar holding a comment sign", "b: |\n  # not a comment\n  a: b\n"),
    ("block scalar with leading empty lines", "b: |\n\n\n  text\n"),
    ("folded block with lists inside", "b: >\n  para one\n  continues\n\n    indented code\n  para two\n"),
    # quoted text and escapes
    ("double quotes with escapes", 'a: "tab\\tnl\\nbell\\a nul\\0 esc\\e \\x41 \\u263A \\U0001F600 \\/ \\" \\\\"\n'),
    ("double quotes with the 1.1 line escapes", 'a: "\\N \\_ \\L \\P \\ "\n'),
    ("an unknown escape", 'a: "\\q"\n'),
    ("single quotes with a doubled quote", "a: 'it''s'\n"),
    ("double quotes over several lines", 'a: "one\n  two\n\n  three \\\n  four"\n'),
    ("single quotes over several lines", "a: 'one\n  two\n\n  three'\n"),
    ("plain text over several lines", "a: one\n  two\n\n  three\n"),
    ("a plain text with inner spaces", "a: one   two\n"),
    ("quoted text with a hash", "a: \"x # y\"\nb: 'x #y'\n"),
    ("a quote right after text", "a: b\"c\"\n"),
    # other scripts
    ("emoji and other scripts", "fox: 🦊\nzh: 你好\nar: مرحبا\nhi: नमस्ते\nmix: café ñ ü\n"),
    ("combining marks and wide spaces", "a: e\u0301\nb: x\u00a0y\nc: \u3000z\n"),
    ("emoji keys", "🦊: fox\n\"😀\": grin\n"),
    ("astral characters escaped", 'a: "\\U0001F98A"\n'),
    # tabs
    ("a tab inside plain text", "a: x\ty\n"),
    ("a tab after the colon", "a:\tx\n"),
    ("a tab as indentation", "a:\n\tb: c\n"),
    ("a tab inside a block scalar", "a: |\n  x\ty\n"),
    ("a tab before a comment", "a: x\t# note\n"),
    # comments
    ("comments around values", "# head\na: x # tail\n# between\nb: y#not-a-comment\n"),
    ("a comment inside a flow list", "a: [x, # note\n  y]\n"),
    ("only comments", "# nothing here\n# at all\n"),
    ("an empty document", ""),
    ("only blank space", "   \n\n"),
    # the same key twice
    ("a key given twice", "a: 1\na: 2\n"),
    ("a key given twice around another", "a: x\nb: y\na: z\n"),
    ("a nested key given twice", "p:\n  id: one\n  id: two\n"),
    ("a key twice in a flow mapping", "{a: x, a: y}\n"),
    # flow style
    ("a flow mapping", "{a: b, c: [d, e], f: {g: h}}\n"),
    ("a flow list", "[a, b, {c: d}, [e]]\n"),
    ("a trailing comma in flow", "a: [b, c, ]\nd: {e: f, }\n"),
    ("JSON style keys and values", '{"a":"b", "c":[1,2], "d":"e"}\n'),
    ("a key glued to its value in flow", "{a:b}\n"),
    ("a flow list over lines", "a: [\n  one,\n  two\n]\n"),
    ("a flow pair in a list", "[a: b, c]\n"),
    ("a question-mark key in flow", "{? a: b}\n"),
    # several documents in one file
    ("two documents", "a: 1\n---\nb: 2\n"),
    ("a start marker then one document", "---\na: x\n"),
    ("a start marker with the value on it", "--- text\n"),
    ("an end marker", "a: x\n...\n"),
    ("two start markers", "---\n---\n"),
    ("a document after an end marker", "a: x\n...\nb: y\n"),
    ("a text that looks like a marker", "a: ---\nb: ...\n"),
    # keys that are not text
    ("a number as a key", "1: one\n2: two\n"),
    ("truth and nothing as keys", "true: a\nnull: b\n~: c\n"),
    ("a float as a key", "1.5: x\n"),
    ("a list as a key", "[a, b]: x\n"),
    ("a complex key", "? - a\n  - b\n: c\n"),
    ("a mapping as a key", "? {a: b}\n: c\n"),
    ("a quoted number as a key", "'1': one\n"),
    # long lines
    ("a very long plain line", "a: " + "word " * 20000 + "end\n"),
    ("a very long quoted line", 'a: "' + "x" * 100000 + '"\n'),
    ("a key over a thousand characters", "k" * 1100 + ": v\n"),
    ("a quoted key over a thousand characters", "'" + "k" * 1100 + "': v\n"),
    # tags, directives, odd characters
    *[(f"the tag {t!r}", f"a: {t}\n") for t in
      ["!!str 123", "!!int '7'", "!!float 1", "!!bool yes", "!!null ''", "!!binary aGVsbG8=", "!!set {a, b}",
       "!!omap [a: 1]", "!!pairs [a: 1]", "!custom x", "!!python/object:os.system x", "! 12", "!<tag:x> y",
       "!!timestamp 2001-12-14", "!!map {a: b}", "!!seq [a]"]],
    ("a tag in flow", "[!!str 1, b]\n"),
    ("a tag at the start", "!!str yes\n"),
    ("an exclamation inside prose", "a: Hello! How are you!\nb: wow !\n"),
    ("a YAML 1.1 directive", "%YAML 1.1\n---\na: yes\n"),
    ("a YAML 1.2 directive", "%YAML 1.2\n---\na: yes\n"),
    ("a tag directive", "%TAG !e! tag:example.com,2000:\n---\na: !e!x y\n"),
    ("a control character", "a: x\x07y\n"),
    ("a nul character", "a: x\x00y\n"),
    ("an escape character raw", "a: x\x1by\n"),
    ("the 1.1 next-line character", "a: one\x85two\n"),
    ("the line separator", "a: one\u2028two\n"),
    ("the paragraph separator", "a: one\u2029two\n"),
    ("a byte order mark at the start", "\ufeffa: x\n"),
    ("a byte order mark inside", "a: x\ufeffy\n"),
    ("windows line ends", "a: x\r\nb: |\r\n  one\r\n  two\r\nc: >\r\n  three\r\n  four\r\n"),
    ("old mac line ends", "a: x\rb: y\r"),
    ("a value sign", "a: =\n"),
    ("a value sign as a key", "=: a\n"),
    # indentation shapes
    ("a list in a list", "- - a\n  - b\n- c\n"),
    ("a list not indented under its key", "a:\n- b\n- c\nd: e\n"),
    ("a mapping in a list", "- a: b\n  c: d\n- e: f\n"),
    ("bad indentation", "a:\n  b: c\n d: e\n"),
    ("a missing colon", "a: b\nc\n"),
    ("a colon inside a plain value", "a: b: c\n"),
    ("a colon without a space", "a: http://x.y/z?q=1#frag\ntime: 12:30\nratio: a:b\n"),
    ("reserved characters", "a: @x\n"),
    ("a backtick", "a: `x`\n"),
    ("a percent at the start of a value", "a: %x\n"),
    ("indicator characters at the start", "a: '- x'\nb: -x\nc: '? x'\nd: ?x\ne: :x\nf: -\ng: '*x'\n"),
    ("a hash without a space", "a: #x\nb: x#y\n"),
    ("an unclosed quote", "a: 'x\n"),
    ("an unclosed flow list", "a: [x, y\n"),
    ("a scalar document", "just text\n"),
    ("a number document", "42\n"),
    ("a list document of probes", "- id: a-1\n  prompt: hi\n- id: a-2\n  prompt: there\n"),
]


@pytest.mark.parametrize(("about", "text"), CASES, ids=[c[0] for c in CASES])
def test_the_quick_reader_agrees_with_pyyaml_or_stays_away(about: str, text: str) -> None:
    assert _agrees(text), about


@pytest.mark.parametrize(("about", "text"), CASES, ids=[c[0] for c in CASES])
def test_reading_a_document_gives_what_pyyaml_gave(about: str, text: str) -> None:
    """End to end: the same value, or the same refusal, as the C loader the suite loader used before."""
    try:
        expected: Any = yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: S506
    except Exception as exc:  # noqa: BLE001  (PyYAML raises ValueError for a date like 2001-13-45)
        with pytest.raises(type(exc)) as caught:
            loader._parse_yaml(text)
        assert str(caught.value) == str(exc)
        return
    assert _identical(loader._parse_yaml(text), expected), about


def test_the_odd_characters_are_pyyamls_unprintable_ones_and_the_yaml_1_1_breaks() -> None:
    """The quick reader's single character check is PyYAML's reader's, plus tab, NEL, U+2028/9, BOM."""
    extra = "\t\x85\u2028\u2029\ufeff"
    every = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    odd = "".join(c for c in every if loader._ODD_CHARACTER.match(c))
    expected = "".join(c for c in every if yaml.reader.Reader.NON_PRINTABLE.match(c) or c in extra)
    assert odd == expected


def _repository_yaml() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "*.yaml", "*.yml"], cwd=ROOT, capture_output=True, text=True)
    files = [ROOT / line for line in listed.stdout.splitlines()] if listed.returncode == 0 else []
    return files or sorted(ROOT.glob("src/**/*.yaml"))


def test_every_yaml_file_in_the_repository_reads_the_same() -> None:
    files = _repository_yaml()
    quick = 0
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert _agrees(text), file
        quick += loader._quick_parse(text) is not loader.DEFER
    assert len(files) > 40 and quick > len(files) // 2  # the quick road is taken, not avoided


def test_the_bundled_suites_take_the_quick_road() -> None:
    suites = sorted((ROOT / "src/redhive/engine/suites/data").glob("*/*.yaml"))
    assert suites
    for file in suites:
        text = file.read_text(encoding="utf-8")
        assert loader._quick_parse(text) is not loader.DEFER, file
        assert _agrees(text), file


def test_a_generated_suite_takes_the_quick_road_and_reads_the_same() -> None:
    rows = [{"id": f"g-{i:04d}", "title": f"Probe {i}", "risk_area": "benchmark", "owasp": "LLM07:2025",
             "atlas": "AML.T0056", "system": "You are Helpo. The code is {canary}.", "prompt": f"Say it ({i}).",
             "detector": {"type": "canary", "value": "{canary}"}} for i in range(300)]
    text = yaml.safe_dump({"name": "generated", "probes": rows}, sort_keys=False)
    quick = loader._quick_parse(text)
    assert quick is not loader.DEFER and _identical(quick, yaml.load(text, Loader=yaml.SafeLoader))  # noqa: S506


@settings(max_examples=600, deadline=None)
@given(st.from_regex(loader._TYPED_BY_YAML_RS, fullmatch=True),
       st.sampled_from(["v: {}\n", "- {}\n", "{}: v\n", "[{}]\n", "{{k: {}}}\n", "{{{}: v}}\n"]))
def test_what_the_quick_reader_takes_for_quoted_is_never_text_when_plain(word: str, shape: str) -> None:
    """A string spelled like a number, truth word or null is taken as quoted only because yaml-rs
    would have typed it plain: it must, as a value, list item, key, or in flow."""
    assume(word or shape != "[{}]\n")  # `[]`: no item at all
    read = yaml_rs.loads(shape.format(word), parse_datetime=False)
    plain = read[0] if isinstance(read, list) else read.get("k", read.get("v", next(iter(read))))
    assert not isinstance(plain, str), (word, shape)


# Text that trips readers: YAML 1.1 words and numbers, indicators, quotes, breaks, other scripts.
_TRICKY = ["yes", "No", "on", "OFF", "y", "~", "null", "", "0777", "0o17", "0x1F", "0b101", "1_000", "1:20",
           "1e3", ".inf", ".NaN", "2001-12-14", "<<", "=", "- x", "? x", ": x", "a: b", "#x", "x #y", "'", '"',
           "\\", "|", ">", "&a", "*a", "!x", "%x", "@x", "`x", "[x]", "{x}", ",", "---", "...", "\n", "\n\n",
           " lead", "trail ", "\t", "🦊", "é", "\u00a0", "\x85", "\u2028", "\r\n", "line\nnext"]
_text = st.lists(st.sampled_from(_TRICKY) | st.text(max_size=6), max_size=4).map("".join)
_key = _text | st.integers(-300, 300) | st.booleans()
_leaf = (_text | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
         | st.dates() | st.datetimes())
_tree = st.recursive(_leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_key, inner, max_size=4),
                     max_leaves=12)
_styles = st.fixed_dictionaries({"default_flow_style": st.sampled_from([False, True, None]),
                                 "default_style": st.sampled_from([None, "'", '"', "|", ">"]),
                                 "width": st.sampled_from([8, 40, 80, 10**6]),
                                 "allow_unicode": st.booleans(), "explicit_start": st.booleans()})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tree, _styles)
def test_whatever_pyyaml_writes_is_read_back_alike(tree: Any, style: dict[str, Any]) -> None:
    """PyYAML's own writer, in every style it has, over values chosen to trip readers."""
    assert _agrees(yaml.safe_dump(tree, **style))


_line = st.lists(st.sampled_from(["", "  ", "    ", "- ", "a:", "b: ", "? ", ": ", *_TRICKY]), max_size=6).map("".join)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_line, max_size=6).map("\n".join))
def test_stitched_fragments_are_never_read_differently(text: str) -> None:
    """Random text, mostly not YAML at all: the quick reader must not accept what PyYAML refuses."""
    assert _agrees(text)
