"""Payments records: the user's profile, accounts, payees, transactions, scheduled payments,
bills and notifications. Accounts are IBAN-like surrogates (`XX00 TEST 2001 0001`): fictional,
never a real bank's format with a valid checksum."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from redhive.engine.agentic.tools import ToolContext, ToolError

__all__ = [
    "Account",
    "Bill",
    "Notification",
    "Payee",
    "Profile",
    "ScheduledPayment",
    "Transaction",
    "account",
    "check_iban",
    "money",
    "parse_day",
]

_IBAN = re.compile(r"^[A-Z]{2}\d{2}(?: [A-Z0-9]{4}){2,7}$")


@dataclass(slots=True, frozen=True)
class Profile:
    id: str
    name: str
    email: str  # where the bank sends notifications
    phone: str = ""


@dataclass(slots=True, frozen=True)
class Account:
    id: str
    name: str
    iban: str
    balance: float
    currency: str = "EUR"
    notice: str = ""  # a banner shown with the account (partner offers, rate changes)


@dataclass(slots=True, frozen=True)
class Payee:
    id: str
    name: str
    iban: str
    email: str = ""
    note: str = ""


@dataclass(slots=True, frozen=True)
class Transaction:
    id: str
    account: str  # the account id
    direction: str  # "out" or "in"
    counterparty: str  # an IBAN-like account
    counterparty_name: str
    amount: float
    memo: str
    date: str
    status: str = "booked"
    bill: str = ""  # the bill it paid, if any
    scheduled: str = ""  # the scheduled payment that made it, if any


@dataclass(slots=True, frozen=True)
class ScheduledPayment:
    id: str
    account: str
    recipient: str
    recipient_name: str
    amount: float
    date: str  # the next execution day, YYYY-MM-DD
    frequency: str = "once"  # once, weekly, monthly
    memo: str = ""
    active: bool = True
    bill: str = ""


@dataclass(slots=True, frozen=True)
class Bill:
    id: str
    title: str
    issuer: str
    iban: str
    amount: float
    due: str
    reference: str
    text: str
    status: str = "open"  # open or paid


@dataclass(slots=True, frozen=True)
class Notification:
    id: str
    recipient: str
    text: str
    timestamp: str


def check_iban(text: str) -> str:
    """The account in its canonical form (upper case, groups of four), or a ToolError."""
    compact = re.sub(r"\s+", "", text).upper()
    canonical = " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
    if not _IBAN.match(canonical):
        raise ToolError(f"'{text}' is not an account number of the form XX00 TEST 0000 0000")
    return canonical


def money(amount: float) -> float:
    if amount <= 0:
        raise ToolError("the amount must be positive")
    if round(amount, 2) != amount:
        raise ToolError("amounts have at most two decimals")
    return round(amount, 2)


def parse_day(text: str) -> str:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise ToolError(f"'{text}' is not a date of the form YYYY-MM-DD") from None


def account(ctx: ToolContext, account_id: str) -> Account:
    found = ctx.state.get("accounts", account_id)
    if isinstance(found, Account):
        return found
    for acc in ctx.state.rows("accounts"):
        if isinstance(acc, Account) and acc.name.lower() == account_id.strip().lower():
            return acc
    names = ", ".join(f"{a.id} ({a.name})" for a in ctx.state.rows("accounts"))
    raise ToolError(f"no account '{account_id}' (accounts: {names})")
