"""The gateway's Prometheus metrics, in a registry of its own (one per server app, so that two apps
in one process never share counts): requests and their latency per endpoint and status, errors, and
tokens per endpoint and direction. Labels hold no mission, model or key: `/metrics` is aggregate."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

__all__ = ["CONTENT_TYPE", "GatewayMetrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: Seconds: from a cached grant's few milliseconds to the call deadline's minutes.
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("redhive_gateway_requests", "Gateway requests answered, by endpoint and HTTP status.",
                                ["endpoint", "status"], registry=self.registry)
        self.errors = Counter("redhive_gateway_errors", "Gateway requests answered with an error status (>= 400) "
                              "or a stream cut by an error, by endpoint and error code.", ["endpoint", "code"],
                              registry=self.registry)
        self.latency = Histogram("redhive_gateway_request_duration_seconds", "Time from a request's arrival to "
                                 "the last byte of its answer (a stream's included), by endpoint.", ["endpoint"],
                                 buckets=_BUCKETS, registry=self.registry)
        self.tokens = Counter("redhive_gateway_tokens", "Tokens of recorded exchanges, by endpoint and direction "
                              "(input, output): the upstream's usage, or the gateway's estimate.",
                              ["endpoint", "direction"], registry=self.registry)

    def answered(self, endpoint: str, status: int, seconds: float, code: str | None = None) -> None:
        self.requests.labels(endpoint, str(status)).inc()
        self.latency.labels(endpoint).observe(seconds)
        if status >= 400 or code:
            self.errors.labels(endpoint, code or str(status)).inc()

    def cut(self, endpoint: str, outcome: str) -> None:
        """A stream that began 200 and ended otherwise (`partial`, blocked, `client_disconnected`)."""
        self.errors.labels(endpoint, outcome).inc()

    def used(self, endpoint: str, input_tokens: int, output_tokens: int) -> None:
        self.tokens.labels(endpoint, "input").inc(max(input_tokens, 0))
        self.tokens.labels(endpoint, "output").inc(max(output_tokens, 0))

    def render(self) -> bytes:
        return generate_latest(self.registry)
