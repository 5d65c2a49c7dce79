"""A conversation with the target under test, turn by turn, for stateless and stateful targets.

Stateless targets get the whole history with every turn. Stateful targets (`Target.stateful`) get
only what is new to them, through `Target.converse`; rewinding one (a Crescendo backtrack) opens a
fresh conversation whose first call carries the kept history as pre-filled turns.
"""

from __future__ import annotations

from collections.abc import Sequence

from redhive.engine.resilience import TargetGate
from redhive.engine.types import Completion, GenerationParams, Message, Usage

__all__ = ["Conversation"]


class Conversation:
    def __init__(self, gate: TargetGate, prefix: Sequence[Message], params: GenerationParams, key: str) -> None:
        self.gate = gate
        self.prefix = tuple(prefix)
        self.params = params
        self.key = key
        self.history: list[Message] = []  # the turns after the prefix, as the target knows them
        self.usage = Usage()
        self.stateful = gate.target.stateful
        self._session = 0
        self._unsent: list[Message] = list(self.prefix)  # what a stateful target has not seen yet

    @property
    def session(self) -> str:
        return f"{self.key}#{self._session}"

    async def say(self, text: str) -> Completion:
        """Send one user turn; the answer joins the history."""
        user = Message("user", text)
        if self.stateful:
            completion = await self.gate.converse(self.session, [*self._unsent, user], self.params)
            self._unsent = []
        else:
            completion = await self.gate.generate((*self.prefix, *self.history, user), self.params)
        self.history += [user, Message("assistant", completion.text)]
        self.usage.add(completion.usage)
        return completion

    async def rewind(self) -> None:
        """Forget the last exchange, as if it never happened (the target forgets it too)."""
        del self.history[-2:]
        if self.stateful:
            await self.gate.target.forget(self.session)
            self._session += 1
            self._unsent = [*self.prefix, *self.history]

    async def close(self) -> None:
        if self.stateful:
            await self.gate.target.forget(self.session)
