#!/usr/bin/env bash
# Sets up and runs the whole pipeline on the embedded defaults, dashboard included.
# Extra arguments go to `clickflow start` (e.g. --port 9000 --data-dir /var/lib/clickflow).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
clickflow_setup run
npm run --silent build
exec node bin/clickflow.js start "$@"
