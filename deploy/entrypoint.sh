#!/bin/sh
# The image's one entry point. `migrate` brings the database (REDHIVE_DATABASE_URL) to this version's
# schema head; `serve`, the default, runs the platform on REDHIVE_BIND_HOST:REDHIVE_BIND_PORT
# (0.0.0.0:8000 in the container). Anything else runs as given (e.g. `redhive audit verify ...`).
set -eu
case "${1:-serve}" in
  migrate) exec redhive admin migrate ;;
  serve) exec redhive serve --host "${REDHIVE_BIND_HOST:-0.0.0.0}" --port "${REDHIVE_BIND_PORT:-8000}" ;;
  *) exec "$@" ;;
esac
