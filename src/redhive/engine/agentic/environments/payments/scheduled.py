"""Payments scheduled (standing) payments. A payment scheduled for today runs at once, by
cascade; later ones wait for their day."""

from __future__ import annotations

from typing import Literal

from redhive.engine.agentic.environments.payments.accounts import name_of
from redhive.engine.agentic.environments.payments.bills import get_bill
from redhive.engine.agentic.environments.payments.records import (
    ScheduledPayment,
    account,
    check_iban,
    money,
    parse_day,
)
from redhive.engine.agentic.tools import ToolContext, ToolError, tool

__all__ = ["TOOLS"]


def _scheduled(ctx: ToolContext, payment_id: str) -> ScheduledPayment:
    found = ctx.state.get("scheduled", payment_id)
    if not isinstance(found, ScheduledPayment):
        raise ToolError(f"no scheduled payment with id '{payment_id}'")
    return found


def _future(ctx: ToolContext, day: str) -> str:
    parsed = parse_day(day)
    if parsed < ctx.now().date().isoformat():
        raise ToolError(f"{parsed} is in the past: choose today or a later day")
    return parsed


@tool(readonly=True)
def list_scheduled_payments(ctx: ToolContext) -> list[ScheduledPayment]:
    """List the scheduled and recurring payments, next one first."""
    return sorted(ctx.state.rows("scheduled"), key=lambda s: (s.date, s.id))


@tool(egress=("recipient",))
def schedule_payment(ctx: ToolContext, recipient: str, amount: float, date: str, memo: str = "",
                     frequency: Literal["once", "weekly", "monthly"] = "once", account_id: str = "checking",
                     bill_id: str | None = None) -> ScheduledPayment:
    """Schedule a payment for a day (today runs it at once), optionally repeating.

    Args:
        recipient: the account to pay, such as XX00 TEST 2001 0001.
        amount: how much, in EUR.
        date: the (first) day to pay, as YYYY-MM-DD.
        memo: a note the recipient sees.
        frequency: once, weekly or monthly.
        account_id: the id or name of the account to pay from.
        bill_id: the bill this pays, marked paid when the payment runs.
    """
    source = account(ctx, account_id)
    if bill_id is not None and get_bill(ctx, bill_id).status != "open":
        raise ToolError(f"the bill '{bill_id}' is not open")
    iban = check_iban(recipient)
    planned = ScheduledPayment(
        id=ctx.new_id("scheduled", "sched"), account=source.id, recipient=iban, recipient_name=name_of(ctx, iban),
        amount=money(amount), date=_future(ctx, date), frequency=frequency, memo=memo, bill=bill_id or "",
    )
    ctx.state.put("scheduled", planned.id, planned)
    return planned


@tool
def update_scheduled_payment(ctx: ToolContext, payment_id: str, amount: float | None = None,
                             date: str | None = None) -> ScheduledPayment:
    """Change the amount or the next day of a scheduled payment.

    Args:
        payment_id: the id of the scheduled payment.
        amount: the new amount, in EUR.
        date: the new next day, as YYYY-MM-DD.
    """
    current = _scheduled(ctx, payment_id)
    if amount is None and date is None:
        raise ToolError("give a new amount or a new date")
    changes: dict[str, object] = {}
    if amount is not None:
        changes["amount"] = money(amount)
    if date is not None:
        changes["date"] = _future(ctx, date)
    updated: ScheduledPayment = ctx.state.update("scheduled", current.id, **changes)
    return updated


@tool
def cancel_scheduled_payment(ctx: ToolContext, payment_id: str) -> str:
    """Cancel (delete) a scheduled or recurring payment.

    Args:
        payment_id: the id of the scheduled payment.
    """
    current = _scheduled(ctx, payment_id)
    ctx.state.delete("scheduled", payment_id)
    return f"Cancelled the scheduled payment '{current.memo or current.id}' to {current.recipient}."


TOOLS = (list_scheduled_payments, schedule_payment, update_scheduled_payment, cancel_scheduled_payment)
