#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine: installs what the tests need (Node
# packages; Docker, runc, conmon, netavark and friends from Debian), starts dockerd when none
# runs, builds, then runs lint, type checks and every test. CI runs exactly this.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/ensure-node.sh"
"$root/scripts/setup-host.sh"
dockerd_pid="$("$root/scripts/start-dockerd.sh")"
if [ -n "$dockerd_pid" ]; then trap 'kill "$dockerd_pid" 2>/dev/null || true' EXIT; fi
"$root/scripts/make-test-images.sh"
cd "$root"
npm run --silent build
npx biome check .
npx tsc --noEmit -p .
npx vitest run "$@"
