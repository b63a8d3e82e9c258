#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine: installs what the tests need,
# builds, then runs lint, type checks and every test. CI runs exactly this.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/ensure-node.sh"
cd "$root"
npm run --silent build
npx biome check .
npx tsc --noEmit -p .
npx vitest run "$@"
