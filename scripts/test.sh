#!/usr/bin/env bash
# Sets up and runs every test: installs what the tests need when it is missing (Debian/Ubuntu
# packages, node_modules), then lint, typecheck, build and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
clickflow_setup test

echo "== lint" && npm run --silent lint
echo "== typecheck" && npm run --silent typecheck
echo "== build" && npm run --silent build
echo "== tests" && npx vitest run "$@"
