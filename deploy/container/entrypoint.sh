#!/bin/sh
# Container entrypoint for microcred: applies migrations, then runs the web server, the task
# worker and the scheduler under `microcred-admin supervise`, which restarts any of them that
# exits (granian's crash-loop stop, a killed worker...). One role per container works too.
#
#   entrypoint.sh              all three (default)
#   entrypoint.sh web          only the web server   (also: worker, scheduler)
#   entrypoint.sh <command…>   anything else is run as given (e.g. microcred-admin shell)
#
# Environment: DATABASE_URL, SECRET_KEY, MICROCRED_KEY_ENCRYPTION_KEY (see docs/operations.md),
# PORT (default 8000), MICROCRED_HOST (default 0.0.0.0), MICROCRED_WEB_WORKERS.
set -eu

role="${1:-all}"
host="${MICROCRED_HOST:-0.0.0.0}"
port="${PORT:-8000}"

case "$role" in
  all)
    microcred-admin migrate --noinput
    exec microcred-admin supervise --host "$host" --port "$port"
    ;;
  web)
    microcred-admin migrate --noinput
    exec microcred-admin supervise --only web --host "$host" --port "$port"
    ;;
  worker|scheduler)
    exec microcred-admin supervise --only "$role"
    ;;
  *)
    exec "$@"
    ;;
esac
