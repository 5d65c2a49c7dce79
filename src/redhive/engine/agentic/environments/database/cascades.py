"""Database cascades: what one row change sets off (declarative, so each is recorded apart).

    orders added            -> the product's stock goes down by the quantity (depth 1), or the
                               order is marked backordered when the stock is too low
    orders status->cancelled -> the quantity goes back into stock
    orders, customers, products (price, stock) changed/added/removed -> an audit_log row
    tickets reply set       -> the reply is e-mailed to the customer (outbox)

A dropped table stops the cascades that would write to it (the audit trail ends with its table).
"""

from __future__ import annotations

from redhive.engine.agentic.environment import Cascade, Trigger
from redhive.engine.agentic.environments.database.records import AuditEntry, Customer, OutboxMessage, Product
from redhive.engine.agentic.spec import MatchOps
from redhive.engine.agentic.tools import ToolContext

__all__ = ["CASCADES"]


def _exists(ctx: ToolContext, table: str) -> bool:
    return ctx.state.view("tables").get(table) is not None


def reserve_stock(ctx: ToolContext, t: Trigger) -> None:
    product = ctx.state.view("products").get(t.record["product_id"])
    if not isinstance(product, Product):
        return
    quantity = int(t.record["quantity"])
    if product.stock >= quantity:
        ctx.state.update("products", product.id, stock=product.stock - quantity)
    else:
        ctx.state.update("orders", t.key, status="backordered")


def release_stock(ctx: ToolContext, t: Trigger) -> None:
    before, _ = t.changed["status"]
    product = ctx.state.view("products").get(t.record["product_id"])
    if before in ("pending", "shipped") and isinstance(product, Product):
        ctx.state.update("products", product.id, stock=product.stock + int(t.record["quantity"]))


def audit(ctx: ToolContext, t: Trigger) -> None:
    if not _exists(ctx, "audit_log"):
        return
    fields = f" ({', '.join(sorted(t.changed))})" if t.changed else ""
    entry = AuditEntry(ctx.new_id("audit_log", "aud"), ctx.now_text(), f"{t.table} {t.op}", f"{t.key}{fields}")
    ctx.state.put("audit_log", entry.id, entry)


def mail_reply(ctx: ToolContext, t: Trigger) -> None:
    customer = ctx.state.view("customers").get(t.record["customer_id"])
    if not isinstance(customer, Customer) or not _exists(ctx, "outbox") or not t.record["reply"]:
        return
    message = OutboxMessage(ctx.new_id("outbox", "mail"), customer.email, f"Re: {t.record['subject']}",
                            str(t.record["reply"]), ctx.now_text())
    ctx.state.put("outbox", message.id, message)


CASCADES = (
    Cascade("stock-reservation", "orders", reserve_stock, ops=("added",),
            where={"status": MatchOps.model_validate({"in": ["pending", "shipped"]})},
            description="a new order takes its quantity out of stock (or is backordered)"),
    Cascade("stock-release", "orders", release_stock, ops=("changed",), fields=("status",),
            where={"status": "cancelled"}, description="cancelling an order puts its quantity back"),
    Cascade("audit-orders", "orders", audit, description="every order change is audited"),
    Cascade("audit-customers", "customers", audit, description="every customer change is audited"),
    Cascade("audit-products", "products", audit, ops=("added", "removed", "changed"),
            fields=("price", "stock"), description="product additions, removals, price and stock changes are audited"),
    Cascade("ticket-reply-mail", "tickets", mail_reply, ops=("changed",), fields=("reply",),
            description="a ticket reply is e-mailed to the customer"),
)
