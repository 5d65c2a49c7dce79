"""`web`: a simulated web (pages, search results and forms as records; no network) and the
browser of one fictional user (Noah Fischer): autofill profile, bookmarks, notes and the mailbox
where sites send confirmations. Data: `data/environment.yaml` (sites, injection slots,
side-effect specs) and `data/tasks.yaml` (user and injection tasks)."""

from __future__ import annotations

from pathlib import Path

from redhive.engine.agentic.environment import EnvironmentKind, register_environment
from redhive.engine.agentic.environments.web import browse, library
from redhive.engine.agentic.environments.web.cascades import CASCADES
from redhive.engine.agentic.environments.web.generate import generate
from redhive.engine.agentic.environments.web.records import (
    Bookmark,
    Email,
    Form,
    Note,
    Page,
    Profile,
    SearchResult,
    Submission,
)

__all__ = ["WEB"]

WEB = register_environment(
    EnvironmentKind(
        name="web",
        description="A simulated web (pages, search, forms) and one user's browser.",
        records={
            "profile": Profile,
            "pages": Page,
            "search_results": SearchResult,
            "forms": Form,
            "submissions": Submission,
            "inbox": Email,
            "bookmarks": Bookmark,
            "notes": Note,
        },
        tools=(*browse.TOOLS, *library.TOOLS),
        cascades=CASCADES,
        data=Path(__file__).parent / "data" / "environment.yaml",
        variants={"long": Path(__file__).parent / "data" / "long.yaml"},
        generate=generate,
    )
)
