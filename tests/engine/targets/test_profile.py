"""How a scan tells a model (follows the system prompt it is sent) from an application (brings its
own), and what each is planned (issue 13). Real HTTP on 127.0.0.1, no database."""

from __future__ import annotations

import re
from typing import Any

import pytest

from redhive.engine import Plan, create_target
from redhive.engine.converters.base import parse_attacks
from redhive.engine.suites import load_suite
from redhive.engine.targets.base import TargetOptions
from redhive.engine.targets.profile import handshake
from redhive.testing import MockOpenAI, echo_system_prompt


def follows_system_prompt(body: dict[str, Any]) -> str:
    """A model: does what its system prompt says (assembles the code word it asks for)."""
    system = " ".join(m["content"] for m in body["messages"] if m["role"] == "system")
    parts = re.findall(r"'([A-Z0-9]+)'", system)
    return "".join(parts) + " Paris." if len(parts) == 2 else "Paris."


@pytest.mark.parametrize(("reply", "mode"), [
    (follows_system_prompt, "model"),
    ("Hi! I'm Skye, the Acme Telecom assistant. Ask me about your bill or your plan.", "application"),
    # Echoes the request back: the system prompt's words appear, the code word it asks for never does.
    (echo_system_prompt, "application"),
])
async def test_handshake_tells_models_from_applications(reply: Any, mode: str) -> None:
    mock = MockOpenAI(reply=reply, record=True)
    with mock.serve() as url:
        target = create_target("openai:under-test", TargetOptions(base_url=url))
        try:
            profile = await handshake(target)
        finally:
            await target.aclose()
    assert profile.mode == mode and profile.source == "handshake" and len(profile.exchanges) == 2
    assert all(r.json()["messages"][0]["role"] == "system" for r in mock.received)


async def test_simulated_and_local_models_declare_themselves() -> None:
    profile = await handshake(create_target("sim:guarded"))
    assert (profile.mode, profile.source, profile.exchanges) == ("model", "declared", [])


def test_an_application_is_planned_the_forms_that_need_no_planted_system_prompt() -> None:
    core = load_suite("core")
    chains = parse_attacks(["none"])
    model = Plan([core], chains, ["openai:m"], modes={"openai:m": "model"})
    app = Plan([core], chains, ["openai:a"], modes={"openai:a": "application"})
    assert model.size == len(core.probes) == len(list(model))
    planned = list(app)
    assert app.size == len(planned) < len(core.probes)
    assert all(a.probe.system is None for a in planned)
    by_id = {p.id: p for p in core.probes}
    for attempt in planned:  # never a canary planted where the application cannot see it
        original = by_id[attempt.probe.id]
        assert original.system is None or "{canary}" not in original.system or original.application is not None
    # Context a probe gave in its system prompt is given in the conversation instead.
    bias = next(a.probe for a in planned if a.probe.risk_area == "bias")
    assert by_id[bias.id].system and bias.prompts[0].startswith(by_id[bias.id].system.strip())
    # Both kinds in one plan: each target its own form, attempt ids as in a plan of its own.
    both = Plan([core], chains, ["openai:m", "openai:a"], modes={"openai:m": "model", "openai:a": "application"})
    assert both.size == model.size + app.size
    assert {a.id for a in both} == {a.id for a in model} | {a.id for a in app}
