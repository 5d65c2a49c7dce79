"""Pacing, timeouts and retries around target calls: per-target concurrency, requests-per-minute,
a deadline per request and exponential backoff with full jitter that honours Retry-After."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from redhive.engine.targets.base import Target
from redhive.engine.types import Completion, GenerationParams, Message
from redhive.errors import TargetUnreachable, TransientTargetError

if TYPE_CHECKING:
    from redhive.engine.metrics import RunnerMetrics

log = logging.getLogger(__name__)

__all__ = ["Deadlines", "RateLimiter", "TargetGate", "backoff_delay"]

T = TypeVar("T")


def backoff_delay(attempt: int, *, base: float = 0.5, cap: float = 30.0, retry_after: float | None = None,
                  rng: random.Random | None = None) -> float:
    """Delay before retry number `attempt` (0-based): full jitter over base*2^attempt, capped;
    a server's Retry-After is a floor, never shortened by jitter."""
    ceiling = min(cap, base * (2**attempt))
    delay = (rng or random).uniform(0, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap * 4))
    return delay


class RateLimiter:
    """Token bucket: at most `rpm` requests per minute, bursts up to `burst`."""

    def __init__(self, rpm: float, burst: int | None = None) -> None:
        self.rate = rpm / 60.0
        self.capacity = float(burst if burst is not None else max(1, int(self.rate)))
        self.tokens = self.capacity
        self.updated = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                await asyncio.sleep((1 - self.tokens) / self.rate)


class Deadlines:
    """Request timeouts kept by one watchdog task that wakes every `tick` seconds, instead of a
    timer armed and cancelled around every request (that cost more than the rest of the gate:
    bench/README.md). A request is cancelled within `tick` of its deadline: a tenth of the
    timeout, at most a second. Cancellation is turned into TimeoutError the way asyncio.timeout
    does it, so a task cancelled for another reason as well stays cancelled."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.tick = max(0.005, min(1.0, timeout / 10))
        self._due: dict[asyncio.Task[Any], float] = {}
        self._expired: set[asyncio.Task[Any]] = set()
        self._watchdog: asyncio.Task[None] | None = None

    async def call(self, request: Callable[[], Awaitable[T]]) -> T:
        """Await `request()`; TimeoutError once it has run past the timeout."""
        task = asyncio.current_task()
        assert task is not None, "Deadlines.call runs in a task"
        cancelling = task.cancelling()
        outer = self._due.get(task)  # a request made from within another one through the same gate
        self._due[task] = time.monotonic() + self.timeout
        if self._watchdog is None or self._watchdog.done():
            self._watchdog = asyncio.get_running_loop().create_task(self._watch())
        try:
            return await request()
        except asyncio.CancelledError:
            if task in self._expired:
                self._expired.discard(task)
                if task.uncancel() <= cancelling:
                    raise TimeoutError from None
            raise
        finally:
            if task in self._expired:  # expired, but the request ended before the cancellation reached it
                self._expired.discard(task)
                task.uncancel()
            if outer is None:
                del self._due[task]
            else:
                self._due[task] = outer

    async def _watch(self) -> None:
        while self._due:  # ends once nothing is in flight; the next request starts another
            await asyncio.sleep(self.tick)
            now = time.monotonic()
            for task, due in list(self._due.items()):
                if due <= now and task not in self._expired:
                    self._expired.add(task)
                    task.cancel()


class TargetGate:
    """Calls one target within its concurrency and rate limits, retrying transient failures.

    Retries cover `TransientTargetError` (429, 5xx, timeouts, dropped connections) and
    `TargetUnreachable` (refused connections); the last failure is raised unchanged.
    """

    def __init__(self, target: Target, *, sleep: Any = asyncio.sleep) -> None:
        opts = target.options
        self.target = target
        self.semaphore = asyncio.Semaphore(max(1, opts.concurrency))
        self.limiter = RateLimiter(opts.rpm) if opts.rpm else None
        self.max_retries = max(0, opts.max_retries)
        self.timeout = opts.timeout
        self.deadlines = Deadlines(opts.timeout)
        self.retries = 0
        self._sleep = sleep
        #: the run's metrics (`Runner` sets them), or None
        self.metrics: RunnerMetrics | None = None

    async def generate(self, messages: Sequence[Message], params: GenerationParams,
                       tools: Sequence[dict[str, Any]] | None = None) -> Completion:
        return await self._call(lambda: self.target.generate(messages, params=params, tools=tools))

    async def converse(self, conversation: str, messages: Sequence[Message], params: GenerationParams,
                       ) -> Completion:
        """A stateful target's next turn (see `Target.converse`), with the same limits and retries."""
        return await self._call(lambda: self.target.converse(conversation, messages, params=params))

    async def _call(self, request: Callable[[], Awaitable[Completion]]) -> Completion:
        if self.metrics is not None:
            return await self._measured(request, self.metrics)
        return await self._retrying(request)

    async def _measured(self, request: Callable[[], Awaitable[Completion]], metrics: RunnerMetrics) -> Completion:
        """`_retrying` with each request counted, timed and its queue and flight tracked."""
        spec = self.target.spec
        queued, in_flight = metrics.queued.labels(spec), metrics.in_flight.labels(spec)

        async def timed() -> Completion:
            queued.dec()
            in_flight.inc()
            started = time.perf_counter()
            result = "ok"
            try:
                return await request()
            except (TransientTargetError, TimeoutError):
                result = "transient"
                raise
            except TargetUnreachable:
                result = "unreachable"
                raise
            except asyncio.CancelledError:  # past its deadline, or the run interrupted
                result = "cancelled"
                raise
            except BaseException:
                result = "other"
                raise
            finally:
                in_flight.dec()
                queued.inc()  # back to waiting until `_retrying` returns (or retries)
                metrics.latency.labels(spec).observe(time.perf_counter() - started)
                metrics.requests.labels(spec, result).inc()

        queued.inc()
        try:
            return await self._retrying(timed)
        finally:
            queued.dec()

    async def _retrying(self, request: Callable[[], Awaitable[Completion]]) -> Completion:
        attempt = 0
        while True:
            try:
                async with self.semaphore:
                    if self.limiter is not None:
                        await self.limiter.acquire()
                    try:
                        return await self.deadlines.call(request)
                    except TimeoutError:
                        raise TransientTargetError(
                            f"{self.target.spec} did not answer within {self.timeout:g} s."
                        ) from None
            except (TransientTargetError, TargetUnreachable) as exc:
                if attempt >= self.max_retries:
                    raise
                retry_after = exc.retry_after if isinstance(exc, TransientTargetError) else None
                self.retries += 1
                if self.metrics is not None:
                    self.metrics.retries.labels(self.target.spec).inc()
                delay = backoff_delay(attempt, retry_after=retry_after)
                log.info("retrying", extra={"target": self.target.spec, "retry": attempt + 1,
                                            "delay_s": round(delay, 3), "error": exc.message})
                await self._sleep(delay)
                attempt += 1
