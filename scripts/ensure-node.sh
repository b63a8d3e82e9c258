#!/usr/bin/env bash
# Sourced by the other scripts: checks Node >= 20 and installs the npm dependencies once.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v node >/dev/null 2>&1; then
  echo "dev needs Node.js 20 or newer: install it (https://nodejs.org) and run this again" >&2
  exit 1
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "dev needs Node.js 20 or newer; this machine has $(node --version)" >&2
  exit 1
fi
cd "$root"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
