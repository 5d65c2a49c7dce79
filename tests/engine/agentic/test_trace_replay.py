"""Traces: hash-chained, serialisable, and replayable to the same state hash at every call."""

from __future__ import annotations

import asyncio
import copy
import json

import pytest

from redhive.engine.agentic import (
    Environment,
    Episode,
    episode_id,
    replay_actions,
    replay_episode,
    run_agent_scan,
    verify_chain,
)


@pytest.fixture(scope="module")
def episodes(workspace: Environment) -> list[Episode]:
    async def scan() -> list[Episode]:
        out: list[Episode] = []
        for mode in ("flag", "halt"):
            result = await run_agent_scan(["sim:agent-naive", "sim:agent-hardened"], [workspace],
                                          ["important_instructions", "ignore_previous"], mode)
            out += result.episodes
        return out

    return asyncio.run(scan())


async def test_every_trace_replays_to_the_same_state_hashes(workspace: Environment,
                                                            episodes: list[Episode]) -> None:
    checked = 0
    for episode in episodes:
        report = replay_actions(episode, workspace)
        assert report.ok, (episode.id, report.mismatches)
        assert report.final_hash == episode.final_hash
        checked += report.checked
        assert verify_chain(episode) == []
    assert checked > 1000


async def test_traces_survive_json_and_still_replay(workspace: Environment, episodes: list[Episode]) -> None:
    for episode in episodes[::25]:
        text = json.dumps(episode.to_dict())
        loaded = Episode.from_dict(json.loads(text))
        assert loaded.to_dict() == episode.to_dict()
        assert verify_chain(loaded) == []
        assert replay_actions(loaded, workspace).ok


def _attacked(episodes: list[Episode]) -> Episode:
    return next(e for e in episodes if e.target == "sim:agent-naive" and e.injection_task == "delete-budget-file"
                and e.monitor_mode == "flag" and e.attack == "important_instructions")


async def test_tampering_is_detected(workspace: Environment, episodes: list[Episode]) -> None:
    original = _attacked(episodes)
    edited = copy.deepcopy(original)
    deleting = next(a for a in edited.actions if a.tool == "delete_file")
    deleting.args = {"file_id": "f2"}  # claim another file was deleted
    assert not replay_actions(edited, workspace).ok
    assert any("content does not match its hash" in p for p in verify_chain(edited))

    flipped = copy.deepcopy(original)
    flipped.injection_success = False
    assert verify_chain(flipped) == ["the outcome does not match the seal"]

    reseeded = copy.deepcopy(original)
    reseeded.seed += 1
    assert verify_chain(reseeded)[0] == "step 1: does not follow the previous record"


async def test_recorded_model_turns_replay_through_the_loop(workspace: Environment,
                                                            episodes: list[Episode]) -> None:
    original = _attacked(episodes)
    again = await replay_episode(original, workspace)
    assert [a.state_hash for a in again.actions] == [a.state_hash for a in original.actions]
    assert (again.id, again.final_hash, again.utility, again.injection_success) == \
        (original.id, original.final_hash, original.utility, original.injection_success)
    # what-if: the same recorded turns under a halting monitor
    halted = await replay_episode(original, workspace, monitor_mode="halt")
    assert halted.status == "halted" and halted.injection_success is False


async def test_episode_ids_are_deterministic_and_unique(episodes: list[Episode]) -> None:
    for e in episodes:
        assert e.id == episode_id(e.env, e.user_task, e.injection_task, e.attack, e.target, e.repeat)
    flag_ids = [e.id for e in episodes if e.monitor_mode == "flag"]
    assert len(set(flag_ids)) == len(flag_ids)
