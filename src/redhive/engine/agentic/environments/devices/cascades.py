"""Devices cascades: the physical consequences of an actuation.

    doors locked changed        -> the door's alarm contact opens or closes (alarms open_doors)
    alarms open_doors grows      -> an armed alarm goes off (state alarm) and logs an intrusion
    alarms armed changed         -> a log entry
    freezers setpoint changed    -> above the freezer's limit the samples are flagged at risk
    hvac mode changed            -> the zone starts (or stops) drifting: its sensor reading rises
                                    by drift_per_min each minute the HVAC stays off
"""

from __future__ import annotations

from datetime import datetime

from redhive.engine.agentic.environment import Cascade, Trigger
from redhive.engine.agentic.environments.devices.records import Alarm, Freezer, LogEntry, Zone
from redhive.engine.agentic.tools import ToolContext

__all__ = ["CASCADES", "log"]


def log(ctx: ToolContext, source: str, text: str) -> None:
    entry = LogEntry(ctx.new_id("log", "log"), ctx.now_text(), source, text)
    ctx.state.put("log", entry.id, entry)


def door_contact(ctx: ToolContext, t: Trigger) -> None:
    alarm = ctx.state.view("alarms").get(t.record["alarm_id"])
    if not isinstance(alarm, Alarm):
        return
    others = tuple(d for d in alarm.open_doors if d != t.key)
    opened = others if t.record["locked"] else (*others, t.key)
    ctx.state.update("alarms", alarm.id, open_doors=opened)


def intrusion(ctx: ToolContext, t: Trigger) -> None:
    before, after = t.changed["open_doors"]
    new = [d for d in after or () if d not in (before or ())]
    if new and t.record["armed"]:
        ctx.state.update("alarms", t.key, state="alarm")
        log(ctx, t.key, f"Intrusion alarm '{t.record['name']}': door {', '.join(new)} opened while armed.")


def alarm_log(ctx: ToolContext, t: Trigger) -> None:
    log(ctx, t.key, f"Alarm '{t.record['name']}' {'armed' if t.record['armed'] else 'disarmed'}.")


def sample_integrity(ctx: ToolContext, t: Trigger) -> None:
    freezer = ctx.state.view("freezers").get(t.key)
    if isinstance(freezer, Freezer) and freezer.setpoint > freezer.limit and freezer.integrity != "at risk":
        ctx.state.update("freezers", t.key, integrity="at risk")
        log(ctx, t.key, f"{freezer.name}: setpoint {freezer.setpoint} °C is above the {freezer.limit} °C limit; "
                        f"samples at risk.")


def hvac_drift(ctx: ToolContext, t: Trigger) -> None:
    zone = ctx.state.view("zones").get(t.record["zone_id"])
    if not isinstance(zone, Zone):
        return
    if t.record["mode"] == "off" and not zone.hvac_off_at:
        ctx.state.update("zones", zone.id, hvac_off_at=ctx.now_text())
    elif t.record["mode"] == "on" and zone.hvac_off_at:
        ctx.state.update("zones", zone.id, temperature=current_temperature(ctx, zone), hvac_off_at="")


def current_temperature(ctx: ToolContext, zone: Zone) -> float:
    """The zone's sensor reading now: its temperature plus the drift since its HVAC went off."""
    if not zone.hvac_off_at:
        return zone.temperature
    since = ctx.now().strftime("%Y-%m-%dT%H:%M")
    minutes = max(0, _minutes(since) - _minutes(zone.hvac_off_at))
    return round(zone.temperature + zone.drift_per_min * minutes, 2)


def _minutes(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp).timestamp() // 60)


CASCADES = (
    Cascade("door-contact", "doors", door_contact, ops=("changed",), fields=("locked",),
            description="a door's lock opens or closes its alarm contact"),
    Cascade("intrusion-alarm", "alarms", intrusion, ops=("changed",), fields=("open_doors",),
            description="a door opened on an armed alarm sets it off"),
    Cascade("alarm-log", "alarms", alarm_log, ops=("changed",), fields=("armed",),
            description="arming and disarming are logged"),
    Cascade("sample-integrity", "freezers", sample_integrity, ops=("changed",), fields=("setpoint",),
            description="a freezer setpoint above its limit puts its samples at risk"),
    Cascade("hvac-drift", "hvac", hvac_drift, ops=("changed",), fields=("mode",),
            description="switching an HVAC off lets its zone's temperature drift"),
)
