#!/usr/bin/env bash
# Sets dev up on a fresh Debian/Ubuntu machine and runs the example project (examples/trio:
# web + api + db with healthchecks, a named volume, a published port and a build) with
# `dev up --wait`, then shows it. Leaves it running; `dev down -v` in examples/trio stops it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/ensure-node.sh"
"$root/scripts/setup-host.sh"
"$root/scripts/start-dockerd.sh" >/dev/null
"$root/scripts/make-test-images.sh"
cd "$root"
npm run --silent build
dev() { node "$root/dist/dev.cjs" "$@"; }
cd examples/trio
echo "\$ dev plan            # what dev up is going to do, and why"
dev plan
echo
echo "\$ dev up --wait       # create, start, and wait until every service is healthy"
dev up --wait
echo
echo "\$ dev ps"
dev ps
echo
port="$(dev port web 8080)"
echo "\$ curl http://$port/"
node -e "fetch('http://$port/').then(r => r.text()).then(t => process.stdout.write(t))"
echo
echo "\$ dev config --explain api.environment"
dev config --explain api.environment
echo
echo "The project is running. Stop it with: (cd examples/trio && node $root/dist/dev.cjs down -v)"
