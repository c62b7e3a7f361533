#!/usr/bin/env bash
# Builds OUT_DIR/tiny.iso: the installer's kernel + a busybox initramfs with
# NVMe, virtio-net, fw_cfg and dropbear. Prints `darlings-ready: tiny` when up.
# Used by the harness's own tests (serial, SSH, QMP plumbing); no payload.
#
# Usage: images/tiny/build.sh OUT_DIR     (as root)
# Cache: downloaded kernel .deb and its extracted tree live in
#        ${DARLINGS_WORK:-OUT_DIR.work} and are reused across builds.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../common/lib.sh"
. "$HERE/../common/live.sh"

[ $# -eq 1 ] || die "usage: $0 OUT_DIR"
require_root
require_tools apt-get dpkg-deb depmod kmod cpio zstd mkfs.vfat mmd mcopy xorriso

start_out_dir "$1"
WORK="${DARLINGS_WORK:-$OUT_DIR.work}"
STAGE="$OUT_TMP/.stage"
mkdir -p "$WORK" "$STAGE"
# No half outputs: on any failure drop the temporary dir.
trap 'rc=$?; [ $rc -eq 0 ] || rm -rf "$OUT_TMP"' EXIT

step "kernel"
kernel_fetch "$WORK"
note "$KPKG $KPKG_VERSION"

step "initramfs"
live_root "$STAGE/root" tiny no "ttyS0"
mk_cpio "$STAGE/root" "$STAGE/initrd.img" zstd

step "esp"
mk_esp "$STAGE/esp.img" "$KIMAGE" "$STAGE/initrd.img" "darlings tiny" "$KERNEL_CONSOLE quiet"

step "iso"
mkdir -p "$STAGE/iso"
printf 'darlings tiny\nkernel %s %s\n' "$KPKG" "$KPKG_VERSION" >"$STAGE/iso/DARLINGS.TXT"
mk_iso "$OUT_TMP/tiny.iso" "$STAGE/esp.img" "$STAGE/iso"

rm -rf "$STAGE"
finish_out_dir
step "done: $OUT_DIR/tiny.iso ($(stat -c %s "$OUT_DIR/tiny.iso") bytes)"
