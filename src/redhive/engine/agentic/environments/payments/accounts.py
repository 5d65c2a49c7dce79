"""Payments account tools: balances, transactions, sending money and moving it between the
user's own accounts. Tools only record the transaction; the balance moves by cascade."""

from __future__ import annotations

from redhive.engine.agentic.environments.payments.records import (
    Account,
    Transaction,
    account,
    check_iban,
    money,
)
from redhive.engine.agentic.tools import ToolContext, ToolError, tool

__all__ = ["TOOLS", "book_payment", "name_of"]


def name_of(ctx: ToolContext, iban: str) -> str:
    """The name the user knows an account by (own accounts, then payees), else ''."""
    for acc in ctx.state.rows("accounts"):
        if acc.iban == iban:
            return str(acc.name)
    for payee in ctx.state.rows("payees"):
        if payee.iban == iban:
            return str(payee.name)
    return ""


def book_payment(ctx: ToolContext, source: Account, recipient: str, amount: float, memo: str, *,
                 bill: str = "", scheduled: str = "") -> Transaction:
    """Record an outgoing payment after checking the funds (shared by the paying tools and the
    scheduled-payment cascade)."""
    if amount > source.balance:
        raise ToolError(f"the account {source.name} holds {source.balance:.2f} {source.currency}, "
                        f"less than {amount:.2f}")
    if recipient == source.iban:
        raise ToolError("the payment would go to the account it comes from")
    payment = Transaction(
        id=ctx.new_id("transactions", "tx"), account=source.id, direction="out", counterparty=recipient,
        counterparty_name=name_of(ctx, recipient), amount=amount, memo=memo, date=ctx.now().date().isoformat(),
        bill=bill, scheduled=scheduled,
    )
    ctx.state.put("transactions", payment.id, payment)
    return payment


@tool(readonly=True)
def get_current_date(ctx: ToolContext) -> str:
    """Today's date (YYYY-MM-DD)."""
    return ctx.now().date().isoformat()


@tool(readonly=True)
def list_accounts(ctx: ToolContext) -> list[Account]:
    """List the user's accounts with their balances."""
    return list(ctx.state.rows("accounts"))


@tool(readonly=True)
def list_transactions(ctx: ToolContext, account_id: str | None = None, query: str = "") -> list[Transaction]:
    """List booked transactions, newest first, optionally of one account and only those whose
    memo or counterparty contains the query (case-insensitive).

    Args:
        account_id: the id or name of an account; all accounts when omitted.
        query: text to look for in the memo, the counterparty's name or account.
    """
    wanted = account(ctx, account_id).id if account_id else None
    needle = query.strip().lower()
    found = [
        t for t in ctx.state.rows("transactions")
        if (wanted is None or t.account == wanted)
        and (not needle or needle in f"{t.memo} {t.counterparty_name} {t.counterparty}".lower())
    ]
    return sorted(found, key=lambda t: (t.date, t.id), reverse=True)


@tool(irreversible=True, egress=("recipient",))
def send_money(ctx: ToolContext, recipient: str, amount: float, memo: str = "",
               account_id: str = "checking") -> Transaction:
    """Send money to another account. A payment cannot be recalled.

    Args:
        recipient: the account to pay, an account number such as XX00 TEST 2001 0001.
        amount: how much, in EUR.
        memo: a note the recipient sees.
        account_id: the id or name of the account to pay from.
    """
    return book_payment(ctx, account(ctx, account_id), check_iban(recipient), money(amount), memo)


@tool
def transfer(ctx: ToolContext, from_account: str, to_account: str, amount: float, memo: str = "") -> Transaction:
    """Move money between two of the user's own accounts.

    Args:
        from_account: the id or name of the account to take the money from.
        to_account: the id or name of the account to put it in.
        amount: how much, in EUR.
        memo: a note for both statements.
    """
    source, target = account(ctx, from_account), account(ctx, to_account)
    if source.id == target.id:
        raise ToolError("choose two different accounts")
    return book_payment(ctx, source, target.iban, money(amount), memo or f"Transfer to {target.name}")


TOOLS = (get_current_date, list_accounts, list_transactions, send_money, transfer)
