#!/usr/bin/env bash
# Builds the Debian stand-in for the NixOS installer (see docs/guest-contract.md):
#   OUT_DIR/installer.iso   live busybox installer (tools, SSH, darlings-* commands);
#                           the target payload at /darlings/payload.tar.zst
#   OUT_DIR/manifest.json   kernel, sizes, the target's package set
#
# Usage: images/debian/build.sh OUT_DIR     (as root)
# Env:   DARLINGS_KERNEL=bookworm (default) | backports (bookworm-backports' newer kernel)
# Cache: kernel .deb and the debootstrap tree live in ${DARLINGS_WORK:-OUT_DIR.work}.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
. "$HERE/../common/lib.sh"
. "$HERE/../common/live.sh"
. "$HERE/lib/base.sh"
. "$HERE/lib/target.sh"
. "$HERE/lib/systemd-initrd.sh"
. "$HERE/lib/installer.sh"

[ $# -eq 1 ] || die "usage: $0 OUT_DIR"
require_root
require_tools apt-get apt-cache dpkg-deb depmod kmod cpio zstd tar truncate efibootmgr mkfs.vfat mmd mcopy xorriso debootstrap \
	cryptsetup btrfs sfdisk sgdisk fatlabel mkswap blkid lsblk findmnt wipefs dropbear dropbearkey busybox

start_out_dir "$1"
WORK="${DARLINGS_WORK:-$OUT_DIR.work}"
STAGE="$OUT_TMP/.stage"
mkdir -p "$WORK" "$STAGE"
# No half outputs: on any failure drop the temporary dir.
trap 'rc=$?; [ $rc -eq 0 ] || rm -rf "$OUT_TMP"' EXIT

step "kernel"
kernel_fetch "$WORK"
note "$KFLAVOR: $KPKG $KPKG_VERSION"

step "target base system (debootstrap)"
base_system "$WORK"

step "target system"
target_tree "$STAGE/target"
target_boot_files "$STAGE/target"

step "payload"
mkdir -p "$STAGE/iso/darlings"
pack_payload "$STAGE/target" "$STAGE/iso/darlings/payload.tar.zst"
PAYLOAD_BYTES=$(stat -c %s "$STAGE/iso/darlings/payload.tar.zst")
note "payload.tar.zst: $PAYLOAD_BYTES bytes"
cp "$BASE_PACKAGES_FILE" "$STAGE/iso/darlings/packages.txt"

step "installer initramfs"
installer_root "$STAGE/installer"
mk_cpio "$STAGE/installer" "$STAGE/installer.img" zstd

step "esp"
mk_esp "$STAGE/esp.img" "$KIMAGE" "$STAGE/installer.img" "darlings installer" "$KERNEL_CONSOLE quiet"

step "iso"
mk_iso "$OUT_TMP/installer.iso" "$STAGE/esp.img" "$STAGE/iso"
ISO_BYTES=$(stat -c %s "$OUT_TMP/installer.iso")

step "manifest"
{
	printf '{\n'
	printf '  "kernel": "%s",\n' "$KVER"
	printf '  "kernelFlavor": "%s",\n' "$KFLAVOR"
	printf '  "kernelPackage": "%s",\n' "$KPKG"
	printf '  "kernelPackageVersion": "%s",\n' "$KPKG_VERSION"
	printf '  "suite": "%s",\n' "$SUITE"
	printf '  "payloadBytes": %s,\n' "$PAYLOAD_BYTES"
	printf '  "isoBytes": %s,\n' "$ISO_BYTES"
	printf '  "packages": [\n'
	sed 's/.*/    "&"/; $!s/$/,/' "$BASE_PACKAGES_FILE"
	printf '  ]\n}\n'
} >"$OUT_TMP/manifest.json"

rm -rf "$STAGE"
finish_out_dir
step "done: $OUT_DIR/installer.iso ($ISO_BYTES bytes), payload $PAYLOAD_BYTES bytes"
