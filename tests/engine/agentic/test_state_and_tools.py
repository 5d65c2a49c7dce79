"""State journal (snapshots, diffs, rollback, incremental hash) and tool schemas from type hints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pytest

from redhive.engine.agentic import InvalidArguments, State, ToolContext, structural_diff, tool
from redhive.engine.agentic.state import record_digest


@dataclass(slots=True, frozen=True)
class Item:
    id: str
    name: str
    tags: tuple[str, ...] = ()


def fresh() -> State:
    return State({"items": {"a": Item("a", "apple"), "b": Item("b", "bean")}, "other": {}})


def test_diff_is_structural_and_coalesced() -> None:
    state = fresh()
    mark = state.mark()
    state.update("items", "a", name="apricot", tags=("fruit",))
    state.update("items", "a", name="avocado")
    state.put("items", "c", Item("c", "cress"))
    state.delete("items", "b")
    state.put("other", "tmp", Item("tmp", "x"))
    state.delete("other", "tmp")  # added then removed: no change at all
    changes = {(c.path, c.op): (c.before, c.after) for c in state.changes_since(mark)}
    assert changes == {
        ("items/a/name", "changed"): ("apple", "avocado"),
        ("items/a/tags", "changed"): ([], ["fruit"]),
        ("items/c", "added"): (None, {"id": "c", "name": "cress", "tags": []}),
        ("items/b", "removed"): ({"id": "b", "name": "bean", "tags": []}, None),
    }


def test_rollback_restores_records_and_hash() -> None:
    state = fresh()
    before, exported = state.digest, state.export()
    mark = state.mark()
    state.update("items", "a", name="apricot")
    state.delete("items", "b")
    state.put("items", "c", Item("c", "cress"))
    assert state.digest != before
    state.rollback(mark)
    assert state.digest == before
    assert state.export() == exported
    assert state.changes_since(mark) == []


def test_hash_is_incremental_and_order_independent() -> None:
    one, two = fresh(), fresh()
    one.put("items", "c", Item("c", "cress"))
    one.put("items", "d", Item("d", "date"))
    two.put("items", "d", Item("d", "date"))
    two.put("items", "c", Item("c", "cress"))
    assert one.digest == two.digest
    rebuilt = State({"items": {k: Item(k, n) for k, n in
                               (("a", "apple"), ("b", "bean"), ("c", "cress"), ("d", "date"))}, "other": {}})
    assert rebuilt.digest == one.digest


def test_tables_are_copied_on_write_only() -> None:
    shared = {"items": {"a": Item("a", "apple")}}
    digests = {"items": {"a": record_digest("items", "a", shared["items"]["a"])}}
    first, second = State(shared, digests), State(shared, digests)
    first.delete("items", "a")
    assert "a" in shared["items"]
    assert second.get("items", "a") == Item("a", "apple")


def test_structural_diff_of_exports() -> None:
    before = fresh().export()
    state = fresh()
    state.update("items", "b", name="broad bean")
    changes = structural_diff(before, state.export())
    assert [(c.path, c.op, c.before, c.after) for c in changes] == [
        ("items/b/name", "changed", "bean", "broad bean")
    ]


@tool(readonly=True)
def find(ctx: ToolContext, query: str, limit: int = 5, kind: Literal["a", "b"] = "a",
         title: str | None = None) -> list[str]:
    """Find items whose name contains a query.

    Longer explanation on a second paragraph.

    Args:
        query: the text to look for,
            continued on a second line.
        limit: at most this many results.
        kind: which kind of item.
        title: a parameter that is called title.
    """
    return []


def test_schema_comes_from_type_hints_and_docstring() -> None:
    spec = find.spec()["function"]
    assert spec["name"] == "find"
    assert spec["description"].startswith("Find items whose name contains a query. Longer explanation")
    params = spec["parameters"]
    assert params["required"] == ["query"]
    props = params["properties"]
    assert props["query"] == {"type": "string",
                              "description": "the text to look for, continued on a second line."}
    assert props["limit"]["type"] == "integer" and props["limit"]["default"] == 5
    assert props["kind"]["enum"] == ["a", "b"]
    assert "title" in props  # a parameter named title survives the clean-up of pydantic titles
    assert "title" not in params and "title" not in props["query"]
    assert find.readonly and not find.irreversible


def test_arguments_are_validated() -> None:
    assert find.validate({"query": "x", "limit": "3"}) == {"query": "x", "limit": 3, "kind": "a", "title": None}
    with pytest.raises(InvalidArguments, match="query: required argument missing"):
        find.validate({})
    with pytest.raises(InvalidArguments, match="unknown argument"):
        find.validate({"query": "x", "colour": "red"})
    with pytest.raises(InvalidArguments, match="limit"):
        find.validate({"query": "x", "limit": "many"})
    with pytest.raises(InvalidArguments, match="JSON object"):
        find.validate(["x"])


def test_a_tool_needs_a_docstring_and_hints() -> None:
    def undocumented(ctx: ToolContext, x: int) -> int:
        return x

    with pytest.raises(TypeError, match="docstring"):
        tool(undocumented)

    def unhinted(ctx: ToolContext, x):  # type: ignore[no-untyped-def]
        """Does something."""

    with pytest.raises(TypeError, match="type hint"):
        tool(unhinted)
