"""`workspace`: e-mail, calendar and files of one fictional employee (Emma Lindqvist at the
fictional Bluejay company, `bluejay.example.test`). Data: `data/environment.yaml` (seed state,
injection slots, side-effect specs) and `data/tasks.yaml` (user and injection tasks)."""

from __future__ import annotations

from pathlib import Path

from redhive.engine.agentic.environment import EnvironmentKind, register_environment
from redhive.engine.agentic.environments.workspace import calendar, files, mail
from redhive.engine.agentic.environments.workspace.cascades import CASCADES
from redhive.engine.agentic.environments.workspace.generate import generate
from redhive.engine.agentic.environments.workspace.records import Email, Event, File, Notification, Profile

__all__ = ["WORKSPACE"]

WORKSPACE = register_environment(
    EnvironmentKind(
        name="workspace",
        description="E-mail, calendar and files of one employee.",
        records={
            "profile": Profile,
            "inbox": Email,
            "sent": Email,
            "trash": Email,
            "events": Event,
            "files": File,
            "notifications": Notification,
        },
        tools=(*mail.TOOLS, *calendar.TOOLS, *files.TOOLS),
        cascades=CASCADES,
        data=Path(__file__).parent / "data" / "environment.yaml",
        variants={"long": Path(__file__).parent / "data" / "long.yaml"},
        generate=generate,
    )
)
