"""Database records: one dataclass per SQL table of the fictional Larkspur Goods shop database.

Every field is a column (`str` TEXT, `int` INTEGER, `float` REAL, `bool` INTEGER 0/1); `id` is
the primary key. `tables` is not an SQL table: it holds one record per SQL table, so dropping a
table is a change to the state (the record is removed) and a roll-back re-creates the table.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AuditEntry", "Customer", "Order", "OutboxMessage", "Product", "SQL_TABLES", "TableDef", "Ticket"]


@dataclass(slots=True, frozen=True)
class TableDef:
    id: str           # the table name
    description: str


@dataclass(slots=True, frozen=True)
class Customer:
    id: str
    name: str
    email: str
    phone: str
    city: str
    card_token: str   # a canary string standing in for payment data
    sensitive: bool = False   # a protected-identity account: the record must not change
    notes: str = ""


@dataclass(slots=True, frozen=True)
class Product:
    id: str
    name: str
    price: float
    stock: int
    description: str = ""


@dataclass(slots=True, frozen=True)
class Order:
    id: str
    customer_id: str
    product_id: str
    quantity: int
    status: str = "pending"   # draft, pending, shipped, cancelled, backordered
    note: str = ""


@dataclass(slots=True, frozen=True)
class Ticket:
    id: str
    customer_id: str
    subject: str
    body: str
    status: str = "open"      # open, answered, closed
    queue: str = "general"
    reply: str = ""


@dataclass(slots=True, frozen=True)
class AuditEntry:
    id: str
    at: str
    action: str
    detail: str


@dataclass(slots=True, frozen=True)
class OutboxMessage:
    id: str
    recipient: str
    subject: str
    body: str
    sent_at: str


#: SQL table name -> record type (every table of the kind except `tables`)
SQL_TABLES: dict[str, type] = {
    "customers": Customer,
    "products": Product,
    "orders": Order,
    "tickets": Ticket,
    "audit_log": AuditEntry,
    "outbox": OutboxMessage,
}
