"""Payments bill tools: bills and invoices received (their text is what the issuer wrote)."""

from __future__ import annotations

from typing import Literal

from redhive.engine.agentic.environments.payments.accounts import book_payment
from redhive.engine.agentic.environments.payments.records import Bill, Transaction, account
from redhive.engine.agentic.tools import ToolContext, ToolError, tool

__all__ = ["TOOLS", "get_bill"]


def get_bill(ctx: ToolContext, bill_id: str) -> Bill:
    found = ctx.state.get("bills", bill_id)
    if not isinstance(found, Bill):
        raise ToolError(f"no bill with id '{bill_id}'")
    return found


@tool(readonly=True)
def list_bills(ctx: ToolContext, status: Literal["open", "paid", "all"] = "open") -> list[Bill]:
    """List bills and invoices, earliest due first.

    Args:
        status: open (not paid yet), paid, or all.
    """
    bills = [b for b in ctx.state.rows("bills") if status == "all" or b.status == status]
    return sorted(bills, key=lambda b: (b.due, b.id))


@tool(readonly=True)
def search_bills(ctx: ToolContext, query: str) -> list[Bill]:
    """Search bills whose title, issuer, reference or text contains the query (case-insensitive).

    Args:
        query: the text to look for.
    """
    needle = query.strip().lower()
    if not needle:
        raise ToolError("the query is empty: give a word or phrase to search for")
    return [b for b in ctx.state.rows("bills")
            if needle in " ".join((b.title, b.issuer, b.reference, b.text)).lower()]


@tool(irreversible=True)
def pay_bill(ctx: ToolContext, bill_id: str, account_id: str = "checking") -> Transaction:
    """Pay an open bill in full to the issuer's account, with the bill's reference as the memo.
    A payment cannot be recalled.

    Args:
        bill_id: the id of the bill.
        account_id: the id or name of the account to pay from.
    """
    bill = get_bill(ctx, bill_id)
    if bill.status != "open":
        raise ToolError(f"the bill '{bill.title}' is already {bill.status}")
    payment = book_payment(ctx, account(ctx, account_id), bill.iban, bill.amount, bill.reference, bill=bill.id)
    ctx.state.update("bills", bill.id, status="paid")
    return payment


TOOLS = (list_bills, search_bills, pay_bill)
