#!/bin/sh
# Container entrypoint for balance-api and projector (docker/Dockerfile).
#
# 1. Applies pending SQL migrations from /app/migrations with node-pg-migrate's CLI, against
#    DATABASE_URL. The advisory lock in "wait" mode lets both processes start at once: one
#    migrates, the other waits for it and then finds nothing to do.
# 2. Replaces itself with the command (default: node dist/apps/$APP/src/main.js).
#
# RUN_MIGRATIONS=false skips step 1 (e.g. when migrations are applied by a separate job).
# The database named in DATABASE_URL must already exist (docker-compose.yml creates `ledger`).
set -eu

cd /app

if [ "${RUN_MIGRATIONS:-true}" != "false" ]; then
  if [ -z "${DATABASE_URL:-}" ]; then
    echo "ledger-entrypoint: DATABASE_URL is not set; cannot apply migrations" >&2
    exit 78
  fi
  echo "ledger-entrypoint: applying migrations (node-pg-migrate up)" >&2
  # node-pg-migrate reads the connection string from DATABASE_URL (its --database-url-var default).
  node node_modules/node-pg-migrate/bin/node-pg-migrate.js up \
    --migrations-dir migrations \
    --migrations-table pgmigrations \
    --advisory-lock-mode wait
fi

if [ "$#" -eq 0 ]; then
  set -- node "dist/apps/${APP:?APP must name the application to run}/src/main.js"
fi
exec "$@"
