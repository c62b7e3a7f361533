#!/usr/bin/env bash
# Installs what darlings needs on a Debian or Ubuntu host: QEMU, OVMF, the tools the Debian guest's
# images are built from, Debian's nix-bin for the nixos guest's offline checks, and Chromium for
# the HTML report's browser test. As root it runs apt-get itself (a fresh Debian image has no
# sudo); as a user, through sudo. Idempotent; safe to run again. Run it with bash:
#   bash ci/setup-host.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"

if [ "$(id -u)" -eq 0 ]; then
  as_root() { "$@"; }
elif command -v sudo >/dev/null; then
  as_root() { sudo "$@"; }
else
  echo "ci/setup-host.sh: needs root or sudo to install packages (run it as root: bash ci/setup-host.sh)" >&2
  exit 3
fi
if ! command -v apt-get >/dev/null; then
  echo "ci/setup-host.sh: needs apt-get (Debian or Ubuntu); install the packages in images/debian/host-packages.txt by hand" >&2
  exit 3
fi

mapfile -t image_packages < <(grep -v '^\s*#' "$repo/images/debian/host-packages.txt" | sed '/^\s*$/d')
extra=(nix-bin chromium iproute2 procps ca-certificates debian-archive-keyring)

apt_get() { as_root env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
apt_get update -q
# Chromium is "chromium-browser" (a snap shim) on Ubuntu; the report test skips without it.
apt_get install -y -q --no-install-recommends "${image_packages[@]}" "${extra[@]}" ||
  apt_get install -y -q --no-install-recommends "${image_packages[@]}" nix-bin iproute2 procps ca-certificates
# Node 20 for the harness itself, when the host has none (Debian 12 and Ubuntu 24.04 ship 18).
if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "ci/setup-host.sh: darlings needs Node 20 or later (https://nodejs.org, or your distribution's nodejs 20 package)" >&2
fi
