"""Skills of the simulated agents for the devices tools: find a device by its quoted name with
`list_devices` (or `read_sensors`, `list_work_orders`), then actuate it.

Names are in quotes, temperatures in °C as plain numbers.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import Any

from redhive.engine.agentic.sim.core import Failure, Request, SkillRun, skill
from redhive.engine.agentic.sim.workspace import q

__all__: list[str] = []

NUMBER = r"-?\d+(?:\.\d+)?"


def _named(result: Any, name: str, field: str = "name") -> dict[str, Any] | None:
    items = [r for r in result if isinstance(r, dict)] if isinstance(result, list) else []
    low = name.lower()
    return next((r for r in items if str(r.get(field, "")).lower() == low), None)


def _device(kind: str, name: str) -> Generator[Request, Any, dict[str, Any] | None]:
    """List the devices of a kind and pick one by name (the first step of every skill)."""
    return _named((yield Request("list_devices", {"kind": kind})), name)


def _done(result: Any, doing: str, line: str) -> str:
    return f"I could not {doing}: {result.message}" if isinstance(result, Failure) else line


@skill("lock-door", rf"(?P<verb>lock|unlock) the door {q('name')}", {"list_devices", "lock_door", "unlock_door"})
def lock_door(m: re.Match[str]) -> SkillRun:
    door = yield from _device("doors", m["name"])
    if door is None:
        return f"I found no door '{m['name']}'."
    verb = m["verb"].lower()
    result = yield Request(f"{verb}_door", {"door_id": door["id"]})
    return _done(result, f"{verb} it", f"I {verb}ed '{door['name']}'.")


@skill("set-thermostat", rf"set the thermostat {q('name')} to (?P<value>{NUMBER})", {"list_devices", "set_thermostat"})
def set_thermostat(m: re.Match[str]) -> SkillRun:
    unit = yield from _device("hvac", m["name"])
    if unit is None:
        return f"I found no HVAC unit '{m['name']}'."
    result = yield Request("set_thermostat", {"hvac_id": unit["id"], "setpoint": float(m["value"])})
    return _done(result, "set it", f"'{unit['name']}' is set to {m['value']} °C.")


@skill("switch-hvac", rf"switch (?P<mode>on|off) the HVAC {q('name')}", {"list_devices", "set_hvac_mode"})
def switch_hvac(m: re.Match[str]) -> SkillRun:
    unit = yield from _device("hvac", m["name"])
    if unit is None:
        return f"I found no HVAC unit '{m['name']}'."
    mode = m["mode"].lower()
    result = yield Request("set_hvac_mode", {"hvac_id": unit["id"], "mode": mode})
    return _done(result, "switch it", f"The HVAC '{unit['name']}' is {mode}.")


@skill("set-freezer", rf"set the freezer {q('name')} to (?P<value>{NUMBER})", {"list_devices", "set_freezer_setpoint"})
def set_freezer(m: re.Match[str]) -> SkillRun:
    freezer = yield from _device("freezers", m["name"])
    if freezer is None:
        return f"I found no freezer '{m['name']}'."
    result = yield Request("set_freezer_setpoint", {"freezer_id": freezer["id"], "setpoint": float(m["value"])})
    return _done(result, "set it", f"'{freezer['name']}' is set to {m['value']} °C.")


@skill("set-alarm", rf"(?P<verb>arm|disarm) the alarm {q('name')}(?: with confirmation code (?P<code>\w+))?",
       {"list_devices", "set_alarm"})
def set_alarm(m: re.Match[str]) -> SkillRun:
    alarm = yield from _device("alarms", m["name"])
    if alarm is None:
        return f"I found no alarm '{m['name']}'."
    args: dict[str, Any] = {"alarm_id": alarm["id"], "armed": m["verb"].lower() == "arm"}
    if m["code"]:
        args["confirmation"] = m["code"]
    result = yield Request("set_alarm", args)
    return _done(result, f"{m['verb'].lower()} it", f"The alarm '{alarm['name']}' is {m['verb'].lower()}ed.")


@skill("camera-recording", rf"(?P<verb>stop|start) the recording of the camera {q('name')}",
       {"list_devices", "set_camera_recording"})
def camera_recording(m: re.Match[str]) -> SkillRun:
    camera = yield from _device("cameras", m["name"])
    if camera is None:
        return f"I found no camera '{m['name']}'."
    recording = m["verb"].lower() == "start"
    result = yield Request("set_camera_recording", {"camera_id": camera["id"], "recording": recording})
    return _done(result, "change it", f"'{camera['name']}' is {'recording' if recording else 'not recording'}.")


@skill("switch-lights", rf"switch (?P<mode>on|off) the lights {q('name')}", {"list_devices", "set_lights"})
def switch_lights(m: re.Match[str]) -> SkillRun:
    light = yield from _device("lights", m["name"])
    if light is None:
        return f"I found no lights '{m['name']}'."
    on = m["mode"].lower() == "on"
    result = yield Request("set_lights", {"light_id": light["id"], "on": on, "level": light.get("level", 100)})
    return _done(result, "switch them", f"The lights '{light['name']}' are {m['mode'].lower()}.")


@skill("dim-lights", rf"dim the lights {q('name')} to (?P<level>\d+) ?(?:%|percent)", {"list_devices", "set_lights"})
def dim_lights(m: re.Match[str]) -> SkillRun:
    light = yield from _device("lights", m["name"])
    if light is None:
        return f"I found no lights '{m['name']}'."
    result = yield Request("set_lights", {"light_id": light["id"], "on": True, "level": int(m["level"])})
    return _done(result, "dim them", f"The lights '{light['name']}' are at {m['level']} %.")


@skill("close-work-order", rf"close the work order {q('title')} with the note {q('note')}",
       {"list_work_orders", "close_work_order"})
def close_work_order(m: re.Match[str]) -> SkillRun:
    order = _named((yield Request("list_work_orders", {})), m["title"], "title")
    if order is None:
        return f"I found no work order '{m['title']}'."
    result = yield Request("close_work_order", {"work_order_id": order["id"], "note": m["note"]})
    return _done(result, "close it", f"I closed the work order '{order['title']}'.")


@skill("ask-freezer-temperature", rf"what is the temperature of the freezer {q('name')}", {"list_devices"})
def ask_freezer_temperature(m: re.Match[str]) -> SkillRun:
    freezer = yield from _device("freezers", m["name"])
    if freezer is None:
        return f"I found no freezer '{m['name']}'."
    return f"'{freezer['name']}' is at {freezer['temperature']} °C (setpoint {freezer['setpoint']} °C)."


@skill("ask-occupancy", rf"how many people are in the zone {q('name')}", {"read_sensors"})
def ask_occupancy(m: re.Match[str]) -> SkillRun:
    zone = _named((yield Request("read_sensors", {})), m["name"])
    if zone is None:
        return f"I found no zone '{m['name']}'."
    return f"There are {zone['occupancy']} people in '{zone['name']}' ({zone['temperature']} °C)."
