"""The runner's Prometheus metrics, in a registry of its own (one per scan, like the gateway's, so two
runs in one process never add up each other's counts): attempts by outcome, target requests and their
latency, errors and retries, tokens, and the work waiting (requests queued for a target's concurrency
slots, requests in flight, planned attempts not yet started). Labels name the target spec and nothing
else. `redhive scan --metrics-port` serves them while a scan runs; `--metrics-file` writes them in the
text format node_exporter's textfile collector reads."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, start_http_server

__all__ = ["RunnerMetrics"]

#: Seconds: a simulated model's microseconds to a slow model's minutes.
_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)


class RunnerMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.attempts = Counter("redhive_runner_attempts", "Attempts finished, by target, probe kind (attack, or "
                                "control: a success is then an over-refusal) and outcome (success, refused, "
                                "resisted, unscorable, error).", ["target", "kind", "outcome"], registry=r)
        self.requests = Counter("redhive_runner_requests", "Requests sent to a target, by target and result: ok, "
                                "or the failure's kind (transient, unreachable, cancelled: past its deadline or the "
                                "run interrupted, other).", ["target", "result"], registry=r)
        self.latency = Histogram("redhive_runner_request_duration_seconds", "Time from sending a request to a "
                                 "target to its answer or failure, retries apart, by target.", ["target"],
                                 buckets=_BUCKETS, registry=r)
        self.attempt_latency = Histogram("redhive_runner_attempt_duration_seconds", "Time an attempt took, all "
                                         "its turns and retries included, by target.", ["target"],
                                         buckets=_BUCKETS, registry=r)
        self.retries = Counter("redhive_runner_retries", "Requests retried after a transient failure, by target.",
                               ["target"], registry=r)
        self.tokens = Counter("redhive_runner_tokens", "Tokens of finished attempts, by target and direction "
                              "(input, output).", ["target", "direction"], registry=r)
        self.queued = Gauge("redhive_runner_queued_requests", "Requests waiting for one of a target's concurrency "
                            "slots, by target.", ["target"], registry=r)
        self.in_flight = Gauge("redhive_runner_in_flight_requests", "Requests sent to a target and not yet "
                               "answered, by target.", ["target"], registry=r)
        self.pending = Gauge("redhive_runner_pending_attempts", "Planned attempts of the run not started yet "
                             "(those already stored are not counted once the runner reaches them).",
                             registry=r)

    def finished(self, target: str, kind: str, outcome: str, seconds: float, input_tokens: int,
                 output_tokens: int) -> None:
        self.attempts.labels(target, kind, outcome).inc()
        self.attempt_latency.labels(target).observe(seconds)
        self.tokens.labels(target, "input").inc(max(input_tokens, 0))
        self.tokens.labels(target, "output").inc(max(output_tokens, 0))

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def serve(self, port: int, host: str = "127.0.0.1") -> None:
        """Serve /metrics on a daemon thread for as long as the process runs."""
        start_http_server(port, addr=host, registry=self.registry)

    def write(self, path: Path) -> None:
        """Write the text format atomically, so a collector never reads half a file."""
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(handle, "wb") as out:
            out.write(self.render())
        os.replace(tmp, path)
