#!/usr/bin/env bash
# Installs what darlings needs on a Debian or Ubuntu host (as root): QEMU, OVMF, the tools the
# Debian guest's images are built from, Debian's nix-bin for the nixos guest's offline checks,
# and Chromium for the HTML report's browser test. Idempotent; safe to run again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

if [ "$(id -u)" -ne 0 ]; then
  echo "ci/setup-host.sh: run as root (sudo ci/setup-host.sh)" >&2
  exit 3
fi
if ! command -v apt-get >/dev/null; then
  echo "ci/setup-host.sh: needs apt-get (Debian or Ubuntu); install the packages in images/debian/host-packages.txt by hand" >&2
  exit 3
fi

mapfile -t image_packages < <(grep -v '^\s*#' "$repo/images/debian/host-packages.txt" | sed '/^\s*$/d')
extra=(nix-bin chromium iproute2 procps ca-certificates debian-archive-keyring)

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# Chromium is "chromium-browser" (a snap shim) on Ubuntu; the report test skips without it.
apt-get install -y -q --no-install-recommends "${image_packages[@]}" "${extra[@]}" ||
  apt-get install -y -q --no-install-recommends "${image_packages[@]}" nix-bin iproute2 procps ca-certificates
