"""How `openai:` targets POST JSON to one endpoint: aiohttp by default, httpx where it is needed.

aiohttp (C HTTP parser, O(1) connection pool) costs about a sixth of httpx's CPU per request, which
is what lets one core keep 256 requests in flight at the full rate (bench/README.md). httpx stays
for endpoints reached through a proxy (it reads HTTP(S)_PROXY / ALL_PROXY, SOCKS included, the
way it always has), when asked for (`http_client=httpx`), and when aiohttp is not installed.
Both transports verify TLS with the same context and fail with the same sentences; HTTP status
codes are left to the target.
"""

from __future__ import annotations

import abc
import asyncio
import importlib.util
import json
import os
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from redhive.errors import InvalidInput, TargetUnreachable, TransientTargetError

if TYPE_CHECKING:  # each is imported where it is used: httpx for proxies and TLS, aiohttp for the rest
    import aiohttp
    import httpx

__all__ = ["CHOICES", "AiohttpTransport", "ConnectionSlots", "HttpReply", "HttpxTransport", "Transport",
           "choose_transport", "make_transport", "url_parts"]

#: Values of the `http_client` target option.
CHOICES = ("auto", "aiohttp", "httpx")


@dataclass(slots=True, frozen=True)
class HttpReply:
    status: int
    body: bytes
    retry_after: str | None

    def json(self) -> Any:
        return json.loads(self.body)


class Transport(abc.ABC):
    """POSTs JSON to one URL with at most `size` requests (connections) at once."""

    name: str

    def __init__(self, url: str, label: str, headers: dict[str, str], *, size: int, connect_timeout: float) -> None:
        self.url, self.label, self.headers = url, label, headers
        self.size = max(1, size)
        self.connect_timeout = connect_timeout

    @abc.abstractmethod
    async def post_json(self, body: dict[str, Any], headers: dict[str, str] | None = None) -> HttpReply:
        """Send one request (with `headers` besides the transport's own); a transport failure raises
        TargetUnreachable or TransientTargetError."""

    @abc.abstractmethod
    async def aclose(self) -> None: ...

    def _unreachable(self, reason: str) -> TargetUnreachable:
        return TargetUnreachable(
            f"Cannot reach {self.label} ({reason}): check --base-url and that the server is running."
        )

    def _timed_out(self) -> TransientTargetError:
        return TransientTargetError(f"{self.label} timed out.")

    def _failed(self, reason: str) -> TransientTargetError:
        return TransientTargetError(f"The connection to {self.label} failed ({reason}).")


class AiohttpTransport(Transport):
    """One aiohttp session whose connector keeps up to `size` kept-alive connections.

    The session is made on first use: aiohttp wants it created, used and closed in one event loop.
    """

    name = "aiohttp"

    def __init__(self, url: str, label: str, headers: dict[str, str], *, size: int, connect_timeout: float) -> None:
        super().__init__(url, label, headers, size=size, connect_timeout=connect_timeout)
        import yarl  # aiohttp's URL type; aiohttp itself is imported when the target is first used

        self._url = yarl.URL(url)  # parsed once, not on every request
        self._session: aiohttp.ClientSession | None = None

    def _new_session(self) -> aiohttp.ClientSession:
        import aiohttp

        # The runner owns the overall timeout; aiohttp's only bounds connecting (as httpx's did).
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=self.connect_timeout)
        tls = shared_tls() if self._url.scheme == "https" else True  # plain HTTP: no context to build
        connector = aiohttp.TCPConnector(limit=self.size, limit_per_host=0, ssl=tls)
        return aiohttp.ClientSession(connector=connector, headers=self.headers, timeout=timeout, trust_env=False)

    async def post_json(self, body: dict[str, Any], headers: dict[str, str] | None = None) -> HttpReply:
        import aiohttp  # a look-up in sys.modules after the first time

        session = self._session
        if session is None:
            session = self._session = self._new_session()
        try:
            # No redirects, as with httpx: a redirected POST would come back as a GET.
            async with session.post(self._url, json=body, headers=headers, allow_redirects=False) as response:
                data = await response.read()
                return HttpReply(response.status, data, response.headers.get("Retry-After"))
        except aiohttp.ClientConnectorError as exc:  # refused, DNS, TLS handshake: nothing was sent
            raise self._unreachable(_os_reason(exc)) from None
        except aiohttp.ServerTimeoutError:
            raise self._timed_out() from None
        except aiohttp.ClientError as exc:
            raise self._failed(str(exc) or type(exc).__name__) from None

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()


class ConnectionSlots:
    """One single-connection httpx client per request in flight, reused LIFO.

    httpcore's pool scans every pooled connection (a liveness check with a system call on each
    idle one) whenever a request starts or ends, so one AsyncClient with n connections costs O(n)
    per request: at 256 in flight that was 6 ms of CPU per request. A client per slot costs the
    same at any concurrency. Clients are created on demand, at most `size`, sharing one TLS context.
    """

    def __init__(self, size: int, factory: Callable[[], httpx.AsyncClient]) -> None:
        self.size = max(1, size)
        self._factory = factory
        self._idle: list[httpx.AsyncClient] = []
        self._clients: list[httpx.AsyncClient] = []
        self._slots = asyncio.Semaphore(self.size)

    @asynccontextmanager
    async def client(self) -> AsyncIterator[httpx.AsyncClient]:
        async with self._slots:
            if self._idle:
                client = self._idle.pop()
            else:  # fewer than `size` exist: every other one is held by another slot
                client = self._factory()
                self._clients.append(client)
            try:
                yield client
            finally:
                self._idle.append(client)

    @property
    def opened(self) -> int:
        """How many clients (connections) exist."""
        return len(self._clients)

    async def aclose(self) -> None:
        clients, self._clients, self._idle = self._clients, [], []
        for client in clients:
            await client.aclose()


class HttpxTransport(Transport):
    name = "httpx"

    def __init__(self, url: str, label: str, headers: dict[str, str], *, size: int, connect_timeout: float) -> None:
        super().__init__(url, label, headers, size=size, connect_timeout=connect_timeout)
        import httpx

        self._endpoint = httpx.URL(url)
        timeout = httpx.Timeout(None, connect=connect_timeout)
        one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        tls = shared_tls()
        self.slots = ConnectionSlots(
            size, lambda: httpx.AsyncClient(headers=headers, limits=one, timeout=timeout, verify=tls)
        )

    async def post_json(self, body: dict[str, Any], headers: dict[str, str] | None = None) -> HttpReply:
        import httpx  # a look-up in sys.modules after the first time

        try:
            async with self.slots.client() as client:
                response = await client.post(self._endpoint, json=body, headers=headers)
        except httpx.ConnectError as exc:
            raise self._unreachable(_reason(exc)) from None
        except httpx.TimeoutException:
            raise self._timed_out() from None
        except httpx.TransportError as exc:
            raise self._failed(_reason(exc)) from None
        return HttpReply(response.status_code, response.content, response.headers.get("retry-after"))

    async def aclose(self) -> None:
        await self.slots.aclose()


_TLS: Any = None


def shared_tls() -> Any:
    """httpx's TLS context (certifi, SSL_CERT_FILE / SSL_CERT_DIR), made once: both transports
    verify certificates the same way, and building a context costs milliseconds."""
    global _TLS
    if _TLS is None:
        import httpx

        _TLS = httpx.create_ssl_context()
    return _TLS


def url_parts(url: str) -> tuple[str, str]:
    """(scheme, host) of `url`; ValueError where it is not a URL (a port that is not a number or out
    of range, unbalanced brackets)."""
    parts = urllib.parse.urlsplit(url)
    _ = parts.port  # parsed only when asked for: raises here for a bad one
    return parts.scheme.lower(), parts.hostname or ""


def uses_proxy(url: str) -> bool:
    """Whether the proxy environment (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY) routes `url` through a proxy."""
    scheme, host = url_parts(url)
    proxies = urllib.request.getproxies()
    if not (proxies.get(scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(host)


def choose_transport(url: str, requested: object = "auto") -> str:
    """'aiohttp' or 'httpx' for `url`: `requested` when it names one, else aiohttp unless a proxy
    applies or aiohttp is missing."""
    choice = str(requested or "auto").strip().lower()
    if choice not in CHOICES:
        raise InvalidInput(
            f"The target option http_client={requested} is not one of {', '.join(CHOICES)}: "
            "drop it or pick one (auto uses aiohttp unless a proxy is set)."
        )
    if choice == "auto":
        if uses_proxy(url) or not _aiohttp_installed():
            return "httpx"
        return "aiohttp"
    if choice == "aiohttp" and not _aiohttp_installed():
        raise InvalidInput("The target option http_client=aiohttp needs aiohttp: pip install aiohttp, "
                           "or use http_client=httpx.")
    return choice


def make_transport(url: str, label: str, headers: dict[str, str], *, size: int, connect_timeout: float,
                   requested: object = "auto") -> Transport:
    kind: type[Transport] = AiohttpTransport if choose_transport(url, requested) == "aiohttp" else HttpxTransport
    return kind(url, label, headers, size=size, connect_timeout=connect_timeout)


def _aiohttp_installed() -> bool:
    return importlib.util.find_spec("aiohttp") is not None  # without importing it (~0.1 s)


def _os_reason(exc: OSError) -> str:
    errno = exc.errno or 0
    text = os.strerror(errno) if errno > 0 else (exc.strerror or str(exc))
    return text or type(exc).__name__


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return text.split("]")[-1].strip() if text else type(exc).__name__
