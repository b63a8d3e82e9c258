#!/usr/bin/env bash
# Sets dev up on a fresh Debian/Ubuntu machine and runs the example project examples/hello
# (web + api + db: healthchecks, depends_on conditions, a named volume, a published port) with
# `dev up --wait` on dev's bundled engine, or on Docker where the bundled engine cannot run
# (not root). Leaves it running; `dev down -v` in examples/hello stops it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/ensure-node.sh"
"$root/scripts/setup-host.sh"
cd "$root"
npm run --silent build
dev() { node "$root/dist/dev.cjs" "$@"; }
if dev engine doctor >/dev/null 2>&1; then
  dev engine start
  # The example's image, made locally from busybox-static (no registry needed).
  socket="$(dev engine env | sed -n 's/^export DOCKER_HOST=//p')"
  "$root/scripts/make-test-images.sh" -H "$socket"
  export DEV_ENGINE=bundled
  echo "(running on dev's bundled engine: $socket)"
else
  "$root/scripts/start-dockerd.sh" >/dev/null
  "$root/scripts/make-test-images.sh"
  echo "(the bundled engine cannot run here — see \`dev engine doctor\`; running on Docker)"
fi
cd examples/hello
echo
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
echo "\$ dev exec web wget -qO- http://api:9000/index.json    # service names resolve inside the project"
dev exec -T web wget -qO- http://api:9000/index.json
echo
echo "The project is running. Stop it with: (cd examples/hello && node $root/dist/dev.cjs down -v)"
