"""Serve a fixture application (or its hardened twin) on 127.0.0.1, with its ground-truth log.

    with serve("brightwave-skye", log=tmp / "skye.jsonl") as app:          # a background thread
        app.base_url, app.model, app.log                                    # point openai:<model> at base_url
    with spawn("brightwave-skye", hardened=True, log=path) as app: ...      # its own process (benchmarks)

    python -m tests.efficacy.serve brightwave-skye [--hardened] --log PATH  # prints the base URL first

Both wait until the server listens (a started flag, a printed line), never on wall time, and stop it
cleanly: the thread joined, the process terminated and reaped.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.efficacy.apps import APPS
from tests.efficacy.apps.base import GroundTruthLog, asgi_app

__all__ = ["Served", "main", "serve", "spawn"]

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Served:
    base_url: str  # http://127.0.0.1:PORT/v1
    model: str  # what to name in --target openai:<model>
    log: Path  # the ground-truth JSONL


def _socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    return sock


def _server(name: str, hardened: bool, log: GroundTruthLog) -> object:
    import uvicorn

    app = APPS[name].build(hardened=hardened)
    config = uvicorn.Config(asgi_app(app, log), log_config=None, log_level="warning", access_log=False,
                            lifespan="off", timeout_graceful_shutdown=2, timeout_keep_alive=120)
    return uvicorn.Server(config)


@contextmanager
def serve(name: str, *, log: Path, hardened: bool = False, startup_timeout: float = 10.0) -> Iterator[Served]:
    """Serve in a background thread of this process."""
    ground_truth = GroundTruthLog(log)
    server = _server(name, hardened, ground_truth)
    sock = _socket()
    started = threading.Event()
    thread = threading.Thread(target=lambda: server.run(sockets=[sock]), daemon=True,  # type: ignore[attr-defined]
                              name=f"efficacy-{name}")
    _notify_when_started(server, started)
    thread.start()
    try:
        if not started.wait(startup_timeout):
            raise RuntimeError(f"The fixture application {name} did not start.")
        model = APPS[name].build(hardened=hardened).model
        yield Served(f"http://127.0.0.1:{sock.getsockname()[1]}/v1", model, log)
    finally:
        server.should_exit = True  # type: ignore[attr-defined]
        thread.join(timeout=startup_timeout)
        sock.close()
        ground_truth.close()


def _notify_when_started(server: object, started: threading.Event) -> None:
    original = server.startup  # type: ignore[attr-defined]

    async def startup(*args: object, **kwargs: object) -> None:
        await original(*args, **kwargs)
        started.set()

    server.startup = startup  # type: ignore[attr-defined]


@contextmanager
def spawn(name: str, *, log: Path, hardened: bool = False, startup_timeout: float = 30.0) -> Iterator[Served]:
    """Serve in a child process (its own GIL), for benchmarks."""
    args = [sys.executable, "-m", "tests.efficacy.serve", name, "--log", str(log)]
    args += ["--hardened"] if hardened else []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    try:
        assert proc.stdout is not None
        timer = threading.Timer(startup_timeout, proc.kill)  # a child that never prints is killed, not waited on
        timer.start()
        try:
            first = proc.stdout.readline().strip()
        finally:
            timer.cancel()
        if not first.startswith("http://"):
            raise RuntimeError(f"The fixture application {name} did not start (exit {proc.poll()}).")
        model = APPS[name].build(hardened=hardened).model
        yield Served(first, model, log)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.efficacy.serve", description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(APPS))
    parser.add_argument("--hardened", action="store_true", help="serve the hardened twin")
    parser.add_argument("--log", type=Path, required=True, help="ground-truth JSONL (appended)")
    args = parser.parse_args(argv)
    ground_truth = GroundTruthLog(args.log)
    server = _server(args.name, args.hardened, ground_truth)
    sock = _socket()
    original = server.startup  # type: ignore[attr-defined]

    async def startup(*a: object, **k: object) -> None:
        await original(*a, **k)
        print(f"http://127.0.0.1:{sock.getsockname()[1]}/v1", flush=True)

    server.startup = startup  # type: ignore[attr-defined]
    try:
        server.run(sockets=[sock])  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        ground_truth.close()


if __name__ == "__main__":
    main()
