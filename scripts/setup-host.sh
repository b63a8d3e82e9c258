#!/usr/bin/env bash
# Host prerequisites for running containers, on Debian/Ubuntu: Docker's engine (a peer and a
# test target), the OCI runtime pieces the bundled engine builds on (runc, conmon, netavark,
# aardvark-dns, iptables, attr, socat, an init; `dev engine doctor` checks them), busybox-static
# for local test images, Debian's docker-registry and docker-compose v1 (peers in tests and
# benchmarks). Idempotent; installs only what is missing.
# Sourced by demo.sh and test.sh; needs root (or sudo) only when something is missing.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
have dockerd || need+=(docker.io)
have docker-compose || need+=(docker-compose)
have docker-registry || need+=(docker-registry)

dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
have runc || need+=(runc)
have conmon || need+=(conmon)
have /usr/lib/podman/netavark || need+=(netavark)
have /usr/lib/podman/aardvark-dns || need+=(aardvark-dns)
have iptables || need+=(iptables)
have setfattr || need+=(attr)
have socat || need+=(socat)
have ip || need+=(iproute2)
# a static init for `init: true` on the bundled engine (docker.io brings docker-init)
have docker-init || have tini-static || need+=(tini)

if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-host: missing ${need[*]}; install them with your package manager" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup-host: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

