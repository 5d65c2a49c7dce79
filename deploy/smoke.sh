#!/bin/sh
# The compose stack's steps where no container runtime exists: against a PostgreSQL database, run the
# image's `migrate` step, then its `serve` step on 127.0.0.1, and check that /readyz says ready and
# /metrics answers in Prometheus's format, as compose's health check does. The server is always stopped.
#
#   deploy/smoke.sh postgresql://postgres@127.0.0.1:5432/redhive [PORT]
#
# Needs `redhive` (with the postgres extra) on PATH, as the image has it. Exit 0: the stack is up.
set -eu
url="${1:?usage: deploy/smoke.sh POSTGRESQL_URL [PORT]}"
port="${2:-8000}"
here="$(cd "$(dirname "$0")" && pwd)"
export REDHIVE_DATABASE_URL="$url" REDHIVE_BIND_HOST=127.0.0.1 REDHIVE_BIND_PORT="$port"
export REDHIVE_ENV="${REDHIVE_ENV:-production}"
export REDHIVE_SECRET_KEY="${REDHIVE_SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')}"
export REDHIVE_HOME="${REDHIVE_HOME:-$(mktemp -d)}"

echo "== migrate"
"$here/entrypoint.sh" migrate

echo "== serve on 127.0.0.1:$port"
"$here/entrypoint.sh" serve &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT INT TERM

python3 - "$port" "$server" <<'PY'
import json, os, sys, time, urllib.error, urllib.request
port, server = sys.argv[1], int(sys.argv[2])
base = f"http://127.0.0.1:{port}"
deadline = time.monotonic() + 120
while True:
    try:
        os.kill(server, 0)
    except OSError:
        sys.exit("the server exited before it was ready")
    try:
        with urllib.request.urlopen(f"{base}/readyz", timeout=5) as r:
            ready = json.load(r)
            break
    except urllib.error.HTTPError as exc:  # 503: answering, not ready (yet)
        said = exc.read().decode(errors="replace")
        if time.monotonic() > deadline:
            sys.exit(f"the server is not ready: {said}")
        time.sleep(0.2)
    except (urllib.error.URLError, ConnectionError):
        if time.monotonic() > deadline:
            sys.exit("the server did not answer /readyz within 120 s")
        time.sleep(0.2)
print("== /readyz", json.dumps(ready))
if ready.get("status") != "ready":
    sys.exit("not ready")
with urllib.request.urlopen(f"{base}/metrics", timeout=5) as r:
    text = r.read().decode()
    kind = r.headers.get("content-type", "")
assert kind.startswith("text/plain"), kind
assert "# TYPE redhive_gateway_requests_total counter" in text, text[:500]
print("== /metrics", len(text.splitlines()), "lines, redhive_gateway_requests_total present")
PY
echo "== the stack is up"
