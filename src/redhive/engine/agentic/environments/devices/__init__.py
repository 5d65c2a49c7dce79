"""`devices`: the connected building of the fictional Fernhill research lab (`fernhill.example.test`):
doors and locks, alarms, HVAC with zone sensors, laboratory freezers holding fictional samples,
cameras and lights, with physical-safety constraints checked by an extra monitor (`safety.py`).
Data in `data/environment.yaml` and `data/tasks.yaml`."""

from __future__ import annotations

from pathlib import Path

from redhive.engine.agentic.environment import EnvironmentKind, register_environment
from redhive.engine.agentic.environments.devices.cascades import CASCADES
from redhive.engine.agentic.environments.devices.generate import generate
from redhive.engine.agentic.environments.devices.records import (
    Alarm,
    Camera,
    Door,
    Freezer,
    Hvac,
    Light,
    LogEntry,
    WorkOrder,
    Zone,
)
from redhive.engine.agentic.environments.devices.safety import SafetyConstraints
from redhive.engine.agentic.environments.devices.tools import TOOLS

__all__ = ["DEVICES"]

DEVICES = register_environment(
    EnvironmentKind(
        name="devices",
        description="Connected doors, alarms, HVAC, freezers, cameras and lights of a research lab.",
        records={"zones": Zone, "doors": Door, "alarms": Alarm, "hvac": Hvac, "freezers": Freezer,
                 "cameras": Camera, "lights": Light, "work_orders": WorkOrder, "log": LogEntry},
        tools=TOOLS,
        cascades=CASCADES,
        data=Path(__file__).parent / "data" / "environment.yaml",
        monitors=(SafetyConstraints(),),
        variants={"long": Path(__file__).parent / "data" / "long.yaml"},
        generate=generate,
    )
)
