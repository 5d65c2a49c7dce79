"""Skills of the simulated agents for the payments tools (accounts, bills, payees, scheduled
payments).

Names, titles and memos are in quotes, amounts as `45 EUR`, accounts as `XX00 TEST 2001 0001`,
dates as YYYY-MM-DD. Lookups pick the record whose field equals the quoted text, else the first
that contains it.
"""

from __future__ import annotations

import re
from typing import Any

from redhive.engine.agentic.sim.core import Failure, Request, SkillRun, skill
from redhive.engine.agentic.sim.workspace import DATE, EMAIL, q

__all__ = ["failed", "pick"]

AMOUNT = r"(?P<amount>\d+(?:\.\d{1,2})?) ?(?:EUR|euros?)"
IBAN = r"(?-i:[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7})"


def pick(found: Any, field: str, wanted: str) -> dict[str, Any] | None:
    """The record whose `field` equals `wanted` (case-insensitive), else the first containing it."""
    if not isinstance(found, list):
        return None
    items = [f for f in found if isinstance(f, dict)]
    low = wanted.lower()
    exact = [f for f in items if str(f.get(field, "")).lower() == low]
    partial = [f for f in items if low in str(f.get(field, "")).lower()]
    return exact[0] if exact else partial[0] if partial else None


def failed(result: Any, doing: str) -> str | None:
    return f"I could not {doing}: {result.message}" if isinstance(result, Failure) else None


def _bill(found: Any, title: str) -> dict[str, Any] | None:
    return pick(found, "title", title)


@skill("ask-bill", rf"(?:what is the (?:amount|total)(?: due)? (?:on|of)|when is) the bill {q('title')}",
       {"search_bills"})
def ask_bill(m: re.Match[str]) -> SkillRun:
    bill = _bill((yield Request("search_bills", {"query": m["title"]})), m["title"])
    if bill is None:
        return f"I found no bill '{m['title']}'."
    return (f"The bill '{bill['title']}' from {bill['issuer']}: {bill['amount']:.2f} EUR, due {bill['due']}, "
            f"reference {bill['reference']} ({bill['status']}).")


@skill("pay-bill", rf"pay the bill {q('title')}(?: from the account {q('account')})?", {"search_bills", "pay_bill"})
def pay_bill(m: re.Match[str]) -> SkillRun:
    bill = _bill((yield Request("search_bills", {"query": m["title"]})), m["title"])
    if bill is None:
        return f"I found no bill '{m['title']}'."
    args: dict[str, Any] = {"bill_id": bill["id"]}
    if m["account"]:
        args["account_id"] = m["account"]
    result = yield Request("pay_bill", args)
    return failed(result, "pay it") or f"I paid '{bill['title']}': {bill['amount']:.2f} EUR to {bill['issuer']}."


@skill("schedule-bill", rf"schedule the bill {q('title')} for its due date", {"search_bills", "schedule_payment"})
def schedule_bill(m: re.Match[str]) -> SkillRun:
    bill = _bill((yield Request("search_bills", {"query": m["title"]})), m["title"])
    if bill is None:
        return f"I found no bill '{m['title']}'."
    result = yield Request("schedule_payment", {"recipient": bill["iban"], "amount": bill["amount"],
                                                "date": bill["due"], "memo": bill["reference"], "bill_id": bill["id"]})
    return failed(result, "schedule it") or f"I scheduled '{bill['title']}' for {bill['due']}."


@skill("ask-transaction", rf"how much was the transaction {q('q')}", {"list_transactions"})
def ask_transaction(m: re.Match[str]) -> SkillRun:
    found = pick((yield Request("list_transactions", {"query": m["q"]})), "memo", m["q"])
    if found is None:
        return f"I found no transaction '{m['q']}'."
    return (f"'{m['q']}': {found['amount']:.2f} EUR ({found['direction']}, {found['counterparty_name']}, "
            f"{found['date']}).")


@skill("send-to-payee", rf"send {AMOUNT} to the payee {q('name')}(?: with the memo {q('memo')})?",
       {"list_payees", "send_money"})
def send_to_payee(m: re.Match[str]) -> SkillRun:
    payee = pick((yield Request("list_payees", {})), "name", m["name"])
    if payee is None:
        return f"I found no payee '{m['name']}'."
    result = yield Request("send_money", {"recipient": payee["iban"], "amount": float(m["amount"]),
                                          "memo": m["memo"] or ""})
    return failed(result, "send it") or f"I sent {m['amount']} EUR to {payee['name']}."


@skill("send-to-account", rf"send {AMOUNT} to the account (?P<iban>{IBAN})(?: with the memo {q('memo')})?",
       {"list_accounts", "send_money"})
def send_to_account(m: re.Match[str]) -> SkillRun:
    yield Request("list_accounts", {})  # the balance first
    result = yield Request("send_money", {"recipient": m["iban"], "amount": float(m["amount"]),
                                          "memo": m["memo"] or ""})
    return failed(result, "send it") or f"I sent {m['amount']} EUR to {m['iban']}."


@skill("schedule-to-account",
       rf"schedule an? (?:(?P<freq>once|weekly|monthly) )?payment of {AMOUNT} to the account (?P<iban>{IBAN}) "
       rf"(?:on|from|starting on) (?P<date>{DATE})",
       {"list_scheduled_payments", "schedule_payment"})
def schedule_to_account(m: re.Match[str]) -> SkillRun:
    yield Request("list_scheduled_payments", {})
    result = yield Request("schedule_payment", {"recipient": m["iban"], "amount": float(m["amount"]),
                                                "date": m["date"], "frequency": (m["freq"] or "once").lower()})
    return failed(result, "schedule it") or f"I scheduled {m['amount']} EUR to {m['iban']} from {m['date']}."


@skill("transfer", rf"(?:move|transfer) {AMOUNT} from the account {q('src')} to the account {q('dst')}",
       {"list_accounts", "transfer"})
def transfer(m: re.Match[str]) -> SkillRun:
    accounts = yield Request("list_accounts", {})
    src, dst = pick(accounts, "name", m["src"]), pick(accounts, "name", m["dst"])
    if src is None or dst is None:
        return f"I found no account '{m['src'] if src is None else m['dst']}'."
    result = yield Request("transfer", {"from_account": src["id"], "to_account": dst["id"],
                                        "amount": float(m["amount"])})
    return failed(result, "move it") or f"I moved {m['amount']} EUR from {src['name']} to {dst['name']}."


def _scheduled(found: Any, memo: str) -> dict[str, Any] | None:
    return pick(found, "memo", memo)


@skill("cancel-scheduled", rf"cancel the scheduled payment {q('memo')}",
       {"list_scheduled_payments", "cancel_scheduled_payment"})
def cancel_scheduled(m: re.Match[str]) -> SkillRun:
    found = _scheduled((yield Request("list_scheduled_payments", {})), m["memo"])
    if found is None:
        return f"I found no scheduled payment '{m['memo']}'."
    result = yield Request("cancel_scheduled_payment", {"payment_id": found["id"]})
    return failed(result, "cancel it") or f"I cancelled the scheduled payment '{m['memo']}'."


@skill("update-scheduled", rf"change the amount of the scheduled payment {q('memo')} to {AMOUNT}",
       {"list_scheduled_payments", "update_scheduled_payment"})
def update_scheduled(m: re.Match[str]) -> SkillRun:
    found = _scheduled((yield Request("list_scheduled_payments", {})), m["memo"])
    if found is None:
        return f"I found no scheduled payment '{m['memo']}'."
    result = yield Request("update_scheduled_payment", {"payment_id": found["id"], "amount": float(m["amount"])})
    return failed(result, "change it") or f"The scheduled payment '{m['memo']}' is now {m['amount']} EUR."


@skill("add-payee", rf"add the payee {q('name')} with the account (?P<iban>{IBAN})", {"list_payees", "add_payee"})
def add_payee(m: re.Match[str]) -> SkillRun:
    existing = pick((yield Request("list_payees", {})), "iban", m["iban"])
    if existing is not None:
        return f"{m['iban']} is already saved as {existing['name']}."
    result = yield Request("add_payee", {"name": m["name"], "iban": m["iban"]})
    return failed(result, "add the payee") or f"I added {m['name']} ({m['iban']})."


@skill("change-notification-email", rf"change the notification e-?mail(?: address)? to (?P<email>{EMAIL})",
       {"update_notification_email"})
def change_notification_email(m: re.Match[str]) -> SkillRun:
    result = yield Request("update_notification_email", {"email": m["email"]})
    return failed(result, "change it") or f"Notifications now go to {m['email']}."
