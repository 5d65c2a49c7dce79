"""`payments`: the online bank of one fictional customer (Emma Lindqvist): accounts, payees,
transactions, scheduled payments and bills, with IBAN-like surrogate accounts (`XX00 TEST …`).
Data: `data/environment.yaml` (seed state, injection slots, side-effect specs) and
`data/tasks.yaml` (user and injection tasks)."""

from __future__ import annotations

from pathlib import Path

from redhive.engine.agentic.environment import EnvironmentKind, register_environment
from redhive.engine.agentic.environments.payments import accounts, bills, payees, scheduled
from redhive.engine.agentic.environments.payments.cascades import CASCADES
from redhive.engine.agentic.environments.payments.generate import generate
from redhive.engine.agentic.environments.payments.records import (
    Account,
    Bill,
    Notification,
    Payee,
    Profile,
    ScheduledPayment,
    Transaction,
)

__all__ = ["PAYMENTS"]

PAYMENTS = register_environment(
    EnvironmentKind(
        name="payments",
        description="Online banking: accounts, payees, transactions, scheduled payments and bills.",
        records={
            "profile": Profile,
            "accounts": Account,
            "payees": Payee,
            "transactions": Transaction,
            "scheduled": ScheduledPayment,
            "bills": Bill,
            "notifications": Notification,
        },
        tools=(*accounts.TOOLS, *bills.TOOLS, *payees.TOOLS, *scheduled.TOOLS),
        cascades=CASCADES,
        data=Path(__file__).parent / "data" / "environment.yaml",
        variants={"long": Path(__file__).parent / "data" / "long.yaml"},
        generate=generate,
    )
)
