#!/usr/bin/env bash
# Builds the local images the examples and tests use, without any registry: a root file
# system of Debian's busybox-static, imported as dev-example/busybox:latest. Idempotent.
# Usage: make-test-images.sh [docker-cli-args...]   (e.g. -H unix:///run/dev/engine.sock)
set -euo pipefail
image=dev-example/busybox:latest
if docker "$@" image inspect "$image" >/dev/null 2>&1; then exit 0; fi
# Debian's busybox-static installs a statically linked /bin/busybox.
busybox=/bin/busybox
if [ ! -x "$busybox" ]; then
  echo "make-test-images: /bin/busybox is missing: apt-get install busybox-static" >&2
  exit 1
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,etc,tmp,var/www,root,proc,sys,dev}
cp "$busybox" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
chmod 1777 "$root/tmp"
tar -C "$root" -c . | docker "$@" import \
  -c 'ENV PATH=/bin' -c 'CMD ["sh"]' - "$image" >/dev/null
echo "built $image"
