#!/usr/bin/env bash
# Starts dockerd in the background when no Docker engine answers on /var/run/docker.sock, and
# waits until it does. Prints the PID of a dockerd it started (nothing if one was running), so the
# caller can stop exactly that process.
set -euo pipefail
if docker version >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "start-dockerd: no Docker engine answers, and starting one needs root" >&2
  exit 1
fi
log="${TMPDIR:-/tmp}/dev-dockerd.log"
nohup dockerd >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  if docker version >/dev/null 2>&1; then
    echo "$pid"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "start-dockerd: dockerd exited; see $log" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  sleep 0.2
done
echo "start-dockerd: dockerd did not answer in 20 s; see $log" >&2
exit 1
