"""Skills of the simulated agents for the database tools: they turn one kind of sentence into
SQL, read with `query_db` and change with `run_sql`, as an agent writing its own SQL would.

Names are in quotes, order ids as `o-NNNN`; a statement to run verbatim is in backticks.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from typing import Any

from redhive.engine.agentic.sim.core import Failure, Request, SkillRun, skill
from redhive.engine.agentic.sim.workspace import EMAIL, q

__all__: list[str] = []

NUMBER = r"\d+(?:\.\d+)?"
ORDER = r"o-\d+"
READ = {"query_db"}
WRITE = {"query_db", "run_sql"}


def lit(value: str | float) -> str:
    """An SQL literal."""
    if isinstance(value, int | float):
        return repr(value)
    return "'" + value.replace("'", "''") + "'"


def _rows(result: Any) -> list[dict[str, Any]]:
    return [r for r in result if isinstance(r, dict)] if isinstance(result, list) else []


def _one(table: str, column: str, value: str) -> Generator[Request, Any, dict[str, Any] | None]:
    """Look a row up by one column (the first step of most skills)."""
    rows = _rows((yield Request("query_db", {"query": f"SELECT * FROM {table} WHERE {column} = {lit(value)}"})))
    return rows[0] if rows else None


def _next_id(rows: list[dict[str, Any]], prefix: str) -> str:
    numbers = [int(m[1]) for r in rows if (m := re.fullmatch(rf"{prefix}-(\d+)", str(r.get("id", ""))))]
    return f"{prefix}-{max(numbers, default=0) + 1}"


def _done(result: Any, doing: str, line: str) -> str:
    if isinstance(result, Failure):
        return f"I could not {doing}: {result.message}"
    return line


def _update(table: str, key: str, **values: str | float) -> Request:
    sets = ", ".join(f"{column} = {lit(v)}" for column, v in values.items())
    return Request("run_sql", {"query": f"UPDATE {table} SET {sets} WHERE id = {lit(key)}"})


@skill("run-sql-statement", r"run the SQL (?:statement|query) `(?P<sql>[^`]+)`", {"run_sql"})
def run_statement(m: re.Match[str]) -> SkillRun:
    result = yield Request("run_sql", {"query": m["sql"]})
    return _done(result, "run the statement", f"I ran `{m['sql']}`.")


@skill("reply-ticket", rf"reply to the support ticket {q('subject')} with {q('text')}", WRITE)
def reply_ticket(m: re.Match[str]) -> SkillRun:
    ticket = yield from _one("tickets", "subject", m["subject"])
    if ticket is None:
        return f"I found no ticket '{m['subject']}'."
    result = yield _update("tickets", ticket["id"], reply=m["text"], status="answered")
    return _done(result, "reply", f"I replied to the ticket '{m['subject']}'.")


@skill("close-ticket", rf"(?P<verb>close|reopen) the support ticket {q('subject')}", WRITE)
def close_ticket(m: re.Match[str]) -> SkillRun:
    ticket = yield from _one("tickets", "subject", m["subject"])
    if ticket is None:
        return f"I found no ticket '{m['subject']}'."
    status = "closed" if m["verb"].lower() == "close" else "open"
    result = yield _update("tickets", ticket["id"], status=status)
    return _done(result, "change it", f"The ticket '{m['subject']}' is {status}.")


@skill("assign-ticket", rf"assign the support ticket {q('subject')} to the {q('queue')} queue", WRITE)
def assign_ticket(m: re.Match[str]) -> SkillRun:
    ticket = yield from _one("tickets", "subject", m["subject"])
    if ticket is None:
        return f"I found no ticket '{m['subject']}'."
    result = yield _update("tickets", ticket["id"], queue=m["queue"])
    return _done(result, "assign it", f"I assigned '{m['subject']}' to the {m['queue']} queue.")


@skill("set-product", rf"set the (?P<field>stock|price) of the product {q('name')} to (?P<value>{NUMBER})", WRITE)
def set_product(m: re.Match[str]) -> SkillRun:
    product = yield from _one("products", "name", m["name"])
    if product is None:
        return f"I found no product '{m['name']}'."
    field = m["field"].lower()
    value: float = int(m["value"]) if field == "stock" else float(m["value"])
    result = yield _update("products", product["id"], **{field: value})
    return _done(result, "change it", f"The {field} of '{m['name']}' is now {m['value']}.")


@skill("place-order", rf"place an order of (?P<qty>\d+) {q('product')} for the customer {q('customer')}", WRITE)
def place_order(m: re.Match[str]) -> SkillRun:
    product = yield from _one("products", "name", m["product"])
    customer = yield from _one("customers", "name", m["customer"])
    if product is None or customer is None:
        return f"I found no product '{m['product']}' or no customer '{m['customer']}'."
    order_id = _next_id(_rows((yield Request("query_db", {"query": "SELECT id FROM orders"}))), "o")
    values = ", ".join(lit(v) for v in (order_id, customer["id"], product["id"]))
    result = yield Request("run_sql", {"query": "INSERT INTO orders (id, customer_id, product_id, quantity, status) "
                                                f"VALUES ({values}, {int(m['qty'])}, 'pending')"})
    return _done(result, "place the order", f"I placed order {order_id} for {m['customer']}.")


@skill("cancel-order", rf"cancel the order (?P<id>{ORDER})", WRITE)
def cancel_order(m: re.Match[str]) -> SkillRun:
    order = yield from _one("orders", "id", m["id"])
    if order is None:
        return f"I found no order {m['id']}."
    result = yield _update("orders", order["id"], status="cancelled")
    return _done(result, "cancel it", f"I cancelled order {m['id']}.")


@skill("delete-draft-order", rf"delete the draft order (?P<id>{ORDER})", WRITE)
def delete_draft(m: re.Match[str]) -> SkillRun:
    order = yield from _one("orders", "id", m["id"])
    if order is None or order.get("status") != "draft":
        return f"{m['id']} is not a draft order; I left it alone."
    result = yield Request("run_sql", {"query": f"DELETE FROM orders WHERE id = {lit(m['id'])}"})
    return _done(result, "delete it", f"I deleted the draft order {m['id']}.")


@skill("set-customer", rf"change the (?P<field>email|phone|city) of the customer {q('name')} to "
                       rf"(?:(?P<email>{EMAIL})|{q('value')})", WRITE)
def set_customer(m: re.Match[str]) -> SkillRun:
    customer = yield from _one("customers", "name", m["name"])
    if customer is None:
        return f"I found no customer '{m['name']}'."
    value = m["email"] or m["value"]
    result = yield _update("customers", customer["id"], **{m["field"].lower(): value})
    return _done(result, "change it", f"The {m['field']} of {m['name']} is now {value}.")


@skill("add-product", rf"add a product {q('name')} priced (?P<price>{NUMBER}) with stock (?P<stock>\d+)", WRITE)
def add_product(m: re.Match[str]) -> SkillRun:
    rows = _rows((yield Request("query_db", {"query": "SELECT * FROM products"})))
    if any(str(r.get("name", "")).lower() == m["name"].lower() for r in rows):
        return f"The product '{m['name']}' already exists."
    values = ", ".join((lit(_next_id(rows, "p")), lit(m["name"]), lit(float(m["price"])), str(int(m["stock"]))))
    result = yield Request("run_sql", {"query": f"INSERT INTO products (id, name, price, stock) VALUES ({values})"})
    return _done(result, "add it", f"I added '{m['name']}'.")


@skill("email-field", rf"e-?mail the (?P<field>[\w ]+?) of the (?:(?P<what>customer|product) {q('name')}|"
                      rf"order (?P<id>{ORDER})) to (?P<to>{EMAIL})", READ | {"email_report"})
def email_field(m: re.Match[str]) -> SkillRun:
    if m["id"]:
        row, what = (yield from _one("orders", "id", m["id"])), f"order {m['id']}"
    else:
        table = "customers" if m["what"].lower() == "customer" else "products"
        row, what = (yield from _one(table, "name", m["name"])), f"{m['what']} {m['name']}"
    column = m["field"].strip().lower().replace(" ", "_")
    if row is None or column not in row:
        return f"I found no {m['field']} for the {what}."
    subject = f"The {m['field']} of the {what}"
    body = f"{subject}: {row[column]}"
    result = yield Request("email_report", {"recipient": m["to"], "subject": subject, "body": body})
    return _done(result, "send it", f"I e-mailed the {m['field']} of the {what} to {m['to']}.")


@skill("ask-stock", rf"how many units of the product {q('name')} are in stock", READ)
def ask_stock(m: re.Match[str]) -> SkillRun:
    product = yield from _one("products", "name", m["name"])
    if product is None:
        return f"I found no product '{m['name']}'."
    return f"'{product['name']}' has {product['stock']} units in stock."
