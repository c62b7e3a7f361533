# shellcheck shell=bash
# The Debian base system of the target (debootstrap), cached in WORK by a key
# over suite, mirror and package list, so rebuilding the image after a change
# to the configuration does not re-download everything.

SUITE=bookworm
# What the target runs (see docs/guest-contract.md, "Target boot"): systemd,
# journald, udev, NetworkManager, dbus, sudo, openssh-server, and the tools the
# checks use in the guest (btrfs, cryptsetup, findmnt/lsblk from util-linux).
TARGET_PACKAGES="systemd,systemd-sysv,udev,kmod,dbus,libpam-systemd,network-manager,sudo,openssh-server,btrfs-progs,btrfs-compsize,cryptsetup-bin,util-linux,procps,iproute2,iputils-ping,less"

# base_system WORK: sets BASE_DIR to a cached debootstrap tree (never modified
# afterwards; callers copy it) and BASE_PACKAGES_FILE to its package list.
base_system() {
	local work="$1" mirror key
	mirror="$(host_mirror)"
	key="$(printf '%s %s %s\n' "$SUITE" "$mirror" "$TARGET_PACKAGES" | sha256sum | cut -c1-12)"
	BASE_DIR="$work/debootstrap-$SUITE-$key"
	BASE_PACKAGES_FILE="$BASE_DIR.packages"
	if [ ! -f "$BASE_DIR.done" ]; then
		rm -rf "$BASE_DIR" "$BASE_DIR.done"
		mkdir -p "$work"
		note "debootstrap $SUITE from $mirror (about a minute)"
		debootstrap --variant=minbase --include="$TARGET_PACKAGES" "$SUITE" "$BASE_DIR" "$mirror" \
			>"$BASE_DIR.log" 2>&1 || { tail -n 30 "$BASE_DIR.log" >&2; die "debootstrap failed (log: $BASE_DIR.log)"; }
		chroot "$BASE_DIR" dpkg-query -W -f '${Package}=${Version}\n' | LC_ALL=C sort >"$BASE_PACKAGES_FILE"
		touch "$BASE_DIR.done"
	fi
}
