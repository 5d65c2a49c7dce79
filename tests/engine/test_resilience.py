"""Retries with backoff and jitter that honour Retry-After; requests-per-minute pacing."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Any

import pytest

from redhive.engine import Completion, GenerationParams, Message, Target, TargetOptions
from redhive.engine.resilience import RateLimiter, TargetGate, backoff_delay
from redhive.errors import TargetUnreachable, TransientTargetError


class Flaky(Target):
    def __init__(self, failures: list[Exception], **options: Any) -> None:
        super().__init__("flaky:model", TargetOptions(**options))
        self.failures = failures
        self.calls = 0

    async def generate(self, messages: Sequence[Message], *, params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return Completion("fine")


def test_backoff_grows_jitters_caps_and_respects_retry_after() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(n, base=0.5, cap=8, rng=rng) for n in range(8)]
    assert all(0 <= d <= min(8, 0.5 * 2**n) for n, d in enumerate(delays))
    assert len(set(delays)) == len(delays)  # jittered, not a fixed schedule
    assert all(backoff_delay(0, retry_after=3.0, rng=rng) >= 3.0 for _ in range(20))


async def test_gate_retries_transient_failures_with_server_delay() -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    target = Flaky([TransientTargetError("429", retry_after=2.5), TransientTargetError("500")], max_retries=4)
    gate = TargetGate(target, sleep=fake_sleep)
    result = await gate.generate([Message("user", "hi")], GenerationParams())
    assert result.text == "fine" and target.calls == 3 and gate.retries == 2
    assert slept[0] >= 2.5


async def test_gate_gives_up_after_max_retries() -> None:
    async def no_sleep(_: float) -> None:
        return None

    target = Flaky([TargetUnreachable("down")] * 5, max_retries=2)
    with pytest.raises(TargetUnreachable):
        await TargetGate(target, sleep=no_sleep).generate([Message("user", "hi")], GenerationParams())
    assert target.calls == 3


async def test_gate_turns_a_slow_answer_into_a_transient_error() -> None:
    class Slow(Flaky):
        async def generate(self, messages, *, params, tools=None):  # type: ignore[no-untyped-def]
            import asyncio

            await asyncio.sleep(5)
            return Completion("late")

    with pytest.raises(TransientTargetError, match="did not answer within 0.05 s"):
        await TargetGate(Slow([], timeout=0.05, max_retries=0)).generate([Message("user", "x")], GenerationParams())


async def test_rate_limiter_paces_requests() -> None:
    limiter = RateLimiter(rpm=1200, burst=1)  # 20 per second
    start = time.monotonic()
    for _ in range(6):
        await limiter.acquire()
    assert time.monotonic() - start >= 0.2  # 5 waits of 50 ms after the first token


async def test_deadlines_cancel_only_the_requests_past_their_timeout() -> None:
    import asyncio

    from redhive.engine.resilience import Deadlines

    deadlines = Deadlines(0.2)

    async def answer_after(seconds: float) -> float:
        await asyncio.sleep(seconds)
        return seconds

    started = time.monotonic()
    results = await asyncio.gather(*(deadlines.call(lambda s=s: answer_after(s)) for s in (0.0, 0.1, 0.15, 5.0, 9.0)),
                                   return_exceptions=True)
    took = time.monotonic() - started
    assert results[:3] == [0.0, 0.1, 0.15]
    assert all(isinstance(r, TimeoutError) for r in results[3:])
    assert 0.2 <= took < 1.5  # a tick after the deadline (plus a busy machine's lag), not at 5 s
    watchdog = deadlines._watchdog
    assert watchdog is not None
    await asyncio.wait_for(watchdog, timeout=2)  # nothing in flight: the watchdog ends by itself


async def test_a_request_cancelled_from_outside_stays_cancelled() -> None:
    import asyncio

    from redhive.engine.resilience import Deadlines

    deadlines = Deadlines(30)
    task = asyncio.get_running_loop().create_task(deadlines.call(lambda: asyncio.sleep(5)))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not deadlines._due  # forgotten once it ended


async def test_a_request_that_expires_and_is_cancelled_from_outside_stays_cancelled() -> None:
    import asyncio

    from redhive.engine.resilience import Deadlines

    deadlines = Deadlines(0.05)
    outer_cancelled = asyncio.Event()

    async def stubborn() -> None:
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:  # the watchdog's cancellation: someone cancels the task too
            outer_cancelled.set()
            await asyncio.sleep(5)

    task = asyncio.get_running_loop().create_task(deadlines.call(stubborn))
    await outer_cancelled.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):  # not a TimeoutError: the outside cancellation wins
        await task
