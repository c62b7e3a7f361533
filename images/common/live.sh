# shellcheck shell=bash
# Builds the root tree of a live system (tiny guest, installer): busybox,
# dropbear, kmod's modprobe, the modules it needs, and the common /init.
# Requires lib.sh to be sourced and kernel_fetch to have run.

LIVE_DIR="$COMMON_DIR/live"

# Modules every live system needs: the NVMe target disk, virtio NIC, fw_cfg.
LIVE_BASE_MODULES="nvme virtio_pci virtio_net qemu_fw_cfg"

# live_root ROOT ROLE MEDIA(yes|no) CONSOLES MODULE...
#   CONSOLES: busybox inittab tty names that get a root shell, e.g. "ttyS0 tty1".
live_root() {
	local root="$1" role="$2" media="$3" consoles="$4"; shift 4
	local c
	busybox_root "$root"
	# Real modprobe (kmod): understands modules.dep/softdeps; also the kernel's helper.
	real_tool "$root" /usr/bin/kmod
	ln -sf /usr/bin/kmod "$root/sbin/modprobe"
	real_tool "$root" /usr/sbin/dropbear /usr/bin/dropbearkey
	modules_install "$root" $LIVE_BASE_MODULES "$@"

	install -m 0755 "$LIVE_DIR/init" "$root/init"
	install -m 0755 "$LIVE_DIR/udhcpc.script" "$root/etc/udhcpc.script"
	install -m 0644 "$LIVE_DIR/profile" "$root/etc/profile"
	mkdir -p "$root/etc/darlings"
	{
		printf 'ROLE=%s\n' "$role"
		printf 'MEDIA=%s\n' "$media"
		printf 'MODULES="%s"\n' "$LIVE_BASE_MODULES $*"
	} >"$root/etc/darlings/live.conf"
	# busybox init: a respawning login shell (no password) per console; it sets
	# the console as controlling tty, so job control and ^C work.
	{
		for c in $consoles; do printf '%s::respawn:-/bin/sh\n' "$c"; done
		printf '::ctrlaltdel:/sbin/reboot\n'
		printf '::shutdown:/bin/sh -c "swapoff -a; umount -a -r"\n'
	} >"$root/etc/inittab"
}
