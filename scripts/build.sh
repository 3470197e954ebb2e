#!/usr/bin/env bash
# Compiles the monorepo once (one tsc pass emits every app under dist/apps/<app>/src/main.js),
# skipping the work when no source changed since the last build.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
stamp="$ROOT/dist/.source-sha256"
want="$(cd "$ROOT" && find apps libs migrations tsconfig*.json nest-cli.json package-lock.json -type f \
  -not -name '*spec.ts' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
log "building (nest build)"
# stdout stays clean for commands whose output is captured: TOKEN=$(npm run -s ledger-cli -- token ...).
(cd "$ROOT" && npx --no-install nest build balance-api >&2) || die "build failed"
echo "$want" > "$stamp"
