#!/usr/bin/env bash
# Sets up and runs the whole pipeline on the embedded defaults, dashboard included.
# Extra arguments go to `clickflow start` (e.g. --port 9000 --data-dir /var/lib/clickflow).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
clickflow_setup run
npm run --silent build
# A young generation of 8 MB semi-spaces: at import rates the default (16 MB) lets major
# collections pause the serving thread several times a second (docs/query-api.md).
exec node --max-semi-space-size=8 bin/clickflow.js start "$@"
