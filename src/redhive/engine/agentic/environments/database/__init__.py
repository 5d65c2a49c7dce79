"""`database`: the support database of the fictional Larkspur Goods shop (`larkspur.example.test`),
a real SQLite database per episode behind SQL tools. Records live in `State` and are mirrored into
SQLite (`sqlite_mirror.py`); data in `data/environment.yaml` and `data/tasks.yaml`."""

from __future__ import annotations

from pathlib import Path

from redhive.engine.agentic.environment import EnvironmentKind, register_environment
from redhive.engine.agentic.environments.database.cascades import CASCADES
from redhive.engine.agentic.environments.database.generate import generate
from redhive.engine.agentic.environments.database.records import SQL_TABLES, TableDef
from redhive.engine.agentic.environments.database.sqlite_mirror import setup
from redhive.engine.agentic.environments.database.tools import TOOLS

__all__ = ["DATABASE"]

DATABASE = register_environment(
    EnvironmentKind(
        name="database",
        description="The support database of an online shop, through SQL (a real SQLite database).",
        records={"tables": TableDef, **SQL_TABLES},
        tools=TOOLS,
        cascades=CASCADES,
        data=Path(__file__).parent / "data" / "environment.yaml",
        variants={"long": Path(__file__).parent / "data" / "long.yaml"},
        generate=generate,
        setup=setup,
    )
)
