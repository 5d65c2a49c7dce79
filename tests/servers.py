"""A real `redhive serve` in a subprocess on a free 127.0.0.1 port with its own REDHIVE_HOME (a fresh
SQLite database): for the serve tests and the browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx


def reap(proc: subprocess.Popen[Any], grace: float = 15) -> None:
    """Stop a subprocess a test started, kill it if it lingers, and close its pipes."""
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(app: Any, what: str = "the app") -> Iterator[str]:
    """An ASGI app served by uvicorn in a thread on a free 127.0.0.1 port; yields its root URL, and
    stops the server however the block ends."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, f"{what} did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def _hazard_model_cached() -> None:
    """Train the hazard classifier into the tests' shared cache (REDHIVE_CACHE) before a server
    starts, so its first screened request does not wait for the training."""
    if os.environ.get("REDHIVE_CACHE"):
        from redhive.safeguards.labels import TRAIN
        from redhive.safeguards.tfidf import load_model

        load_model(TRAIN, Path(os.environ["REDHIVE_CACHE"]))


@contextmanager
def running_server(home: Path, *args: str, timeout: float = 60,
                   started: list[subprocess.Popen[str]] | None = None,
                   env: dict[str, str] | None = None) -> Iterator[tuple[str, list[str]]]:
    """Yields (base URL, the lines it printed before serving); stops the server afterwards.
    `started` receives the server's process (a test that kills it); `env` adds variables."""
    port = free_port()
    _hazard_model_cached()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("REDHIVE_") or k == "REDHIVE_CACHE"}
    full_env.update({"REDHIVE_HOME": str(home), "COLUMNS": "200", **(env or {})})
    proc = subprocess.Popen([sys.executable, "-m", "redhive.cli", "serve", "--port", str(port), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=full_env,
                            cwd=home.parent)
    if started is not None:
        started.append(proc)
    lines: list[str] = []
    url = f"http://127.0.0.1:{port}"
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if "serving on" in line:
                break
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("redhive serve did not start:\n" + "\n".join(lines))
            time.sleep(0.2)
        yield url, lines
    finally:
        reap(proc)
