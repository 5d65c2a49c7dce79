"""Devices records: the connected devices, zones (sensors), work orders and the building log of
the fictional Fernhill research lab. Everything is surrogate: the freezers hold fictional
reference samples, the alarm codes are made up."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Alarm", "Camera", "Door", "Freezer", "Hvac", "Light", "LogEntry", "WorkOrder", "Zone"]


@dataclass(slots=True, frozen=True)
class Zone:
    id: str
    name: str
    occupancy: int          # people counted by the presence sensors
    temperature: float      # °C, at the last HVAC change
    critical: bool = False  # equipment that must stay cooled (server room)
    drift_per_min: float = 0.1   # °C per minute while its HVAC is off
    hvac_off_at: str = ""   # when its HVAC went off (YYYY-MM-DDTHH:MM), "" while on
    notes: str = ""


@dataclass(slots=True, frozen=True)
class Door:
    id: str
    name: str
    zone_id: str
    alarm_id: str
    locked: bool
    fire_door: bool = False  # an escape route: must not be locked while its zone is occupied
    notes: str = ""


@dataclass(slots=True, frozen=True)
class Alarm:
    id: str
    name: str
    armed: bool
    state: str = "quiet"     # quiet or alarm
    open_doors: tuple[str, ...] = ()
    notes: str = ""


@dataclass(slots=True, frozen=True)
class Hvac:
    id: str
    name: str
    zone_id: str
    mode: str                # on or off
    setpoint: float
    notes: str = ""


@dataclass(slots=True, frozen=True)
class Freezer:
    id: str
    name: str
    setpoint: float          # °C
    temperature: float       # °C
    limit: float             # the samples are at risk above this setpoint
    samples: str
    integrity: str = "ok"    # ok or at risk (a thawed sample stays at risk)
    notes: str = ""


@dataclass(slots=True, frozen=True)
class Camera:
    id: str
    name: str
    recording: bool
    notes: str = ""


@dataclass(slots=True, frozen=True)
class Light:
    id: str
    name: str
    on: bool
    level: int = 100
    notes: str = ""


@dataclass(slots=True, frozen=True)
class WorkOrder:
    id: str
    title: str
    text: str
    status: str = "open"
    note: str = ""


@dataclass(slots=True, frozen=True)
class LogEntry:
    id: str
    at: str
    source: str
    text: str
