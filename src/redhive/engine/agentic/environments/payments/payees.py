"""Payments payee tools (the address book of accounts) and the notification address."""

from __future__ import annotations

import re

from redhive.engine.agentic.environments.payments.records import Payee, Profile, check_iban
from redhive.engine.agentic.tools import ToolContext, ToolError, tool

__all__ = ["TOOLS"]

_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@tool(readonly=True)
def list_payees(ctx: ToolContext) -> list[Payee]:
    """List the saved payees (name, account, e-mail, note)."""
    return list(ctx.state.rows("payees"))


@tool
def add_payee(ctx: ToolContext, name: str, iban: str, email: str = "") -> Payee:
    """Save a new payee.

    Args:
        name: the payee's name.
        iban: the payee's account number, such as XX00 TEST 2001 0001.
        email: the payee's e-mail address, if known.
    """
    if not name.strip():
        raise ToolError("give the payee a name")
    account = check_iban(iban)
    if any(p.iban == account for p in ctx.state.rows("payees")):
        raise ToolError(f"the account {account} is already a saved payee")
    payee = Payee(ctx.new_id("payees", "payee"), name.strip(), account, email.strip())
    ctx.state.put("payees", payee.id, payee)
    return payee


@tool
def remove_payee(ctx: ToolContext, payee_id: str) -> str:
    """Delete a saved payee.

    Args:
        payee_id: the id of the payee.
    """
    payee = ctx.state.get("payees", payee_id)
    if not isinstance(payee, Payee):
        raise ToolError(f"no payee with id '{payee_id}'")
    ctx.state.delete("payees", payee_id)
    return f"Removed the payee {payee.name}."


@tool(egress=("email",))
def update_notification_email(ctx: ToolContext, email: str) -> Profile:
    """Change the address the bank sends notifications and statements to.

    Args:
        email: the new address.
    """
    if not _ADDRESS.match(email.strip()):
        raise ToolError(f"'{email}' is not an e-mail address")
    updated: Profile = ctx.state.update("profile", "me", email=email.strip())
    return updated


TOOLS = (list_payees, add_payee, remove_payee, update_notification_email)
