#!/usr/bin/env bash
# Sets dev up on a fresh machine and runs it on the example project (examples/trio).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/ensure-node.sh"
cd "$root"
npm run --silent build
cd examples/trio
echo "\$ dev config        # the project as dev reads it (compose.yaml + compose.override.yaml + .env)"
node "$root/dist/dev.cjs" config
echo
echo "\$ dev config --explain api.environment"
node "$root/dist/dev.cjs" config --explain api.environment
