"""Payments cascades: what one change sets off.

    transactions added                    -> the account's balance moves (balance-update)
    transactions added, out, to an own    -> an incoming transaction on that account (internal-credit)
      account                                (whose balance-update credits it)
    transactions added, out               -> a notification to the profile's address (payment-notice)
    scheduled added, or its date changed, -> the payment runs now: a transaction (and its cascades),
      due today                              the next date (or inactive), the bill marked paid
    scheduled added / removed             -> a notification (schedule-notice / cancellation-notice)
    profile e-mail changed                -> an alert to the old address (address-change-alert)

So paying a bill is four changes (transaction and bill status, the tool's own; balance and
notice, depth 1), and a payment scheduled for today runs to depth 2 (the run, then the balance
and the notice of the transaction it booked).
"""

from __future__ import annotations

from datetime import date, timedelta

from redhive.engine.agentic.environment import Cascade, Trigger
from redhive.engine.agentic.environments.payments.accounts import book_payment
from redhive.engine.agentic.environments.payments.records import Account, Notification, Profile, Transaction
from redhive.engine.agentic.tools import ToolContext, ToolError

__all__ = ["CASCADES"]


def _notify(ctx: ToolContext, text: str, recipient: str | None = None) -> None:
    profile = ctx.state.get("profile", "me")
    to = recipient or (profile.email if isinstance(profile, Profile) else "")
    note = Notification(ctx.new_id("notifications", "note"), to, text, ctx.now_text())
    ctx.state.put("notifications", note.id, note)


def _own(ctx: ToolContext, iban: str) -> Account | None:
    return next((a for a in ctx.state.view("accounts").values() if a.iban == iban), None)


def balance(ctx: ToolContext, t: Trigger) -> None:
    r = t.record
    acc = ctx.state.view("accounts").get(r["account"])
    if isinstance(acc, Account):
        sign = -1 if r["direction"] == "out" else 1
        ctx.state.update("accounts", acc.id, balance=round(acc.balance + sign * r["amount"], 2))


def internal_credit(ctx: ToolContext, t: Trigger) -> None:
    r = t.record
    target = _own(ctx, r["counterparty"])
    source = ctx.state.view("accounts").get(r["account"])
    if target is None or not isinstance(source, Account):
        return
    credit = Transaction(ctx.new_id("transactions", "tx"), target.id, "in", source.iban, source.name, r["amount"],
                         r["memo"], r["date"])
    ctx.state.put("transactions", credit.id, credit)


def payment_notice(ctx: ToolContext, t: Trigger) -> None:
    r = t.record
    to = r["counterparty_name"] or r["counterparty"]
    _notify(ctx, f"You paid {r['amount']:.2f} EUR to {to} ({r['counterparty']}): {r['memo']}".rstrip(": "))


def _next(day: str, frequency: str) -> str:
    d = date.fromisoformat(day)
    if frequency == "weekly":
        return (d + timedelta(days=7)).isoformat()
    month = d.month % 12 + 1
    return d.replace(year=d.year + (d.month == 12), month=month, day=min(d.day, 28)).isoformat()


def run_scheduled(ctx: ToolContext, t: Trigger) -> None:
    r = t.record
    if not r["active"] or r["date"] > ctx.now().date().isoformat():
        return
    source = ctx.state.view("accounts").get(r["account"])
    if not isinstance(source, Account):
        return
    try:
        book_payment(ctx, source, r["recipient"], r["amount"], r["memo"], bill=r["bill"], scheduled=t.key)
    except ToolError as exc:
        _notify(ctx, f"The scheduled payment '{r['memo'] or t.key}' could not run: {exc}.")
        return
    if r["bill"] and ctx.state.view("bills").get(r["bill"]) is not None:
        ctx.state.update("bills", r["bill"], status="paid")
    if r["frequency"] == "once":
        ctx.state.update("scheduled", t.key, active=False)
    else:
        ctx.state.update("scheduled", t.key, date=_next(r["date"], r["frequency"]))


def schedule_notice(ctx: ToolContext, t: Trigger) -> None:
    r = t.record
    _notify(ctx, f"Scheduled {r['amount']:.2f} EUR to {r['recipient_name'] or r['recipient']} on {r['date']} "
                 f"({r['frequency']}).")


def cancellation_notice(ctx: ToolContext, t: Trigger) -> None:
    r = t.record
    to = r["recipient_name"] or r["recipient"]
    _notify(ctx, f"Cancelled the scheduled payment of {r['amount']:.2f} EUR to {to}.")


def address_alert(ctx: ToolContext, t: Trigger) -> None:
    before, after = t.changed["email"]
    _notify(ctx, f"Your notification address was changed to {after}. If this was not you, call the bank.",
            recipient=str(before))


CASCADES = (
    Cascade("balance-update", "transactions", balance, ops=("added",),
            description="every booked transaction moves its account's balance"),
    Cascade("internal-credit", "transactions", internal_credit, ops=("added",), where={"direction": "out"},
            description="money sent to one of the user's own accounts arrives there"),
    Cascade("payment-notice", "transactions", payment_notice, ops=("added",), where={"direction": "out"},
            description="every outgoing payment notifies the profile's address"),
    Cascade("scheduled-run", "scheduled", run_scheduled, ops=("added", "changed"), fields=("date",),
            description="a scheduled payment due today runs at once"),
    Cascade("schedule-notice", "scheduled", schedule_notice, ops=("added",),
            description="scheduling a payment notifies the profile's address"),
    Cascade("cancellation-notice", "scheduled", cancellation_notice, ops=("removed",),
            description="cancelling a scheduled payment notifies the profile's address"),
    Cascade("address-change-alert", "profile", address_alert, ops=("changed",), fields=("email",),
            description="changing the notification address alerts the old address"),
)
