# shellcheck shell=bash
# The target's systemd stage 1 (`initrd: systemd`): an initramfs with systemd as PID 1, assembled
# from the target's own Debian packages (systemd, udev, dmsetup, util-linux, btrfs-progs), as
# NixOS's boot.initrd.systemd assembles one from nixpkgs:
#   udev finds the NVMe disk -> systemd-cryptsetup@<mapping>.service asks for the passphrase on
#   the console (systemd-ask-password-console) -> the rollback unit the harness generated
#   (harness/guests/rollback-unit.ts) -> sysroot.mount and the neededForBoot mounts
#   (darlings-initrd-generator, from hardware.conf) -> darlings-activate.service (initrd-init's
#   activation, as NixOS's initrd-nixos-activation) -> initrd-switch-root.
# The per-system part (/etc/darlings/*) comes in the same second cpio as for the scripted form.

SD_INITRD_DIR="$IMAGES_DIR/debian/target/systemd-initrd"

# Binaries from the target tree (its libraries follow, resolved inside the tree).
SD_INITRD_BINS="/lib/systemd/systemd /lib/systemd/systemd-journald /lib/systemd/systemd-udevd
/lib/systemd/systemd-cryptsetup /lib/systemd/systemd-shutdown /lib/systemd/systemd-sulogin-shell
/lib/systemd/systemd-modules-load /lib/systemd/systemd-reply-password
/lib/systemd/system-generators/systemd-cryptsetup-generator /lib/systemd/system-generators/systemd-fstab-generator
/bin/systemctl /bin/udevadm /bin/journalctl /usr/bin/systemd-escape /bin/systemd-tty-ask-password-agent
/usr/bin/systemd-ask-password /bin/dash /bin/mount /bin/umount /sbin/sulogin /bin/kmod /sbin/dmsetup /bin/btrfs"

# Units of the stage-1 transaction, from the target tree's /lib/systemd/system.
SD_INITRD_UNITS="initrd.target initrd-fs.target initrd-root-fs.target initrd-root-device.target initrd-usr-fs.target
initrd-switch-root.target initrd-switch-root.service initrd-cleanup.service initrd-parse-etc.service
initrd-udevadm-cleanup-db.service basic.target sysinit.target local-fs.target local-fs-pre.target paths.target
slices.target sockets.target timers.target swap.target cryptsetup.target cryptsetup-pre.target
emergency.target emergency.service rescue.target rescue.service shutdown.target umount.target final.target
reboot.target poweroff.target halt.target systemd-reboot.service systemd-poweroff.service systemd-halt.service
systemd-journald.service systemd-journald.socket systemd-journald-dev-log.socket
systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket systemd-udev-trigger.service
systemd-ask-password-console.path systemd-ask-password-console.service systemd-modules-load.service"

# What they are wanted by, as in the target's own /lib/systemd/system/*.wants.
SD_INITRD_WANTS="sysinit.target:systemd-journald.service sysinit.target:systemd-udevd.service
sysinit.target:systemd-udev-trigger.service sysinit.target:systemd-ask-password-console.path
sysinit.target:systemd-modules-load.service sysinit.target:cryptsetup.target
sockets.target:systemd-journald.socket sockets.target:systemd-journald-dev-log.socket
sockets.target:systemd-udevd-control.socket sockets.target:systemd-udevd-kernel.socket"

# udev rules: storage, device-mapper (the /dev/mapper links, the cookie libdevmapper waits
# for), btrfs readiness, modalias module loading, systemd's device tags.
SD_INITRD_RULES="50-udev-default.rules 55-dm.rules 60-block.rules 60-persistent-storage.rules
60-persistent-storage-dm.rules 64-btrfs.rules 64-btrfs-dm.rules 80-drivers.rules 95-dm-notify.rules 99-systemd.rules"

# sd_copy TREE ROOT FILE...: FILE from TREE into ROOT, with every library ldd names in TREE.
sd_copy() {
	local tree="$1" root="$2" f lib; shift 2
	for f in "$@"; do
		[ -e "$tree$f" ] || [ -L "$tree$f" ] || die "missing in the target tree: $f"
		copy_file_from "$tree" "$root" "$f"
		while read -r lib; do
			copy_file_from "$tree" "$root" "$lib"
		done < <(chroot "$tree" /usr/bin/ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true)
	done
}

# copy_file_from TREE ROOT PATH: like copy_file, but PATH is read inside TREE; symlinks are
# followed within TREE, and recreated.
copy_file_from() {
	local tree="$1" root="$2" f="$3" target
	[ -e "$root$f" ] || [ -L "$root$f" ] && return 0
	mkdir -p "$root$(dirname "$f")"
	if [ -L "$tree$f" ]; then
		target="$(chroot "$tree" /usr/bin/readlink -f "$f")"
		copy_file_from "$tree" "$root" "$target"
		ln -sf "$target" "$root$f"
	else
		cp -a "$tree$f" "$root$f"
	fi
}

# target_systemd_initrd TREE ROOT OUT: the systemd stage 1 of the target in TREE.
target_systemd_initrd() {
	local t="$1" r="$2" out="$3" u w
	rm -rf "$r"
	# busybox for the shell tools of the rollback and the activation (mkdir, cut, cp, find, …);
	# dash is /bin/sh, so a script's commands are found on PATH (busybox sh prefers its applets).
	busybox_root "$r"
	# The real tools replace busybox's links of the same name.
	for u in /bin/sh $SD_INITRD_BINS; do rm -f "$r$u"; done
	mkdir -p "$r/usr/lib" "$r/lib/systemd/system" "$r/lib/udev/rules.d" "$r/etc/systemd/system" "$r/lib/systemd/system-generators"
	# Merged /usr in the tree: /bin -> usr/bin etc. in the initrd too, as the tree's links expect.
	sd_copy "$t" "$r" $SD_INITRD_BINS
	ln -sf dash "$r/bin/sh"
	ln -sf /bin/kmod "$r/sbin/modprobe"
	for u in $SD_INITRD_UNITS; do cp -a "$t/lib/systemd/system/$u" "$r/lib/systemd/system/$u"; done
	for w in $SD_INITRD_WANTS; do
		mkdir -p "$r/lib/systemd/system/${w%%:*}.wants"
		ln -sf "../${w#*:}" "$r/lib/systemd/system/${w%%:*}.wants/${w#*:}"
	done
	ln -sf initrd.target "$r/lib/systemd/system/default.target"
	for u in $SD_INITRD_RULES; do cp -a "$t/lib/udev/rules.d/$u" "$r/lib/udev/rules.d/$u"; done
	install -m 0644 "$SD_INITRD_DIR/11-dm.rules" "$r/lib/udev/rules.d/11-dm.rules"
	mkdir -p "$r/etc/udev" && : >"$r/etc/udev/udev.conf"
	# systemd knows it is stage 1 by /etc/initrd-release.
	cp "$t/usr/lib/os-release" "$r/etc/initrd-release"
	ln -sf initrd-release "$r/etc/os-release"
	: >"$r/etc/machine-id"
	# systemd-cryptsetup-generator reads /etc/crypttab: the per-system one darlings-install writes.
	ln -sf darlings/crypttab "$r/etc/crypttab"
	modules_install "$r" $INITRD_MODULES
	# Loaded early (udev loads the devices' own by modalias), as the scripted form does.
	mkdir -p "$r/etc/modules-load.d"
	printf '%s\n' dm_crypt aesni_intel xts btrfs >"$r/etc/modules-load.d/darlings.conf"
	# The stand-in's own parts: mounts from hardware.conf, the rollback unit's link, activation.
	install -m 0755 "$SD_INITRD_DIR/darlings-initrd-generator" "$r/lib/systemd/system-generators/darlings-initrd-generator"
	install -m 0644 "$SD_INITRD_DIR"/*.service "$r/lib/systemd/system/"
	cp -a "$SD_INITRD_DIR/systemd-cryptsetup@.service.d" "$r/lib/systemd/system/"
	mkdir -p "$r/lib/systemd/system/initrd.target.requires"
	ln -sf ../darlings-activate.service "$r/lib/systemd/system/initrd.target.requires/darlings-activate.service"
	install -d "$r/usr/lib/darlings"
	install -m 0755 "$TARGET_DIR/initrd-init" "$r/usr/lib/darlings/initrd-init"
	mkdir -p "$r/sysroot" "$r/etc/darlings"
	ln -sf /lib/systemd/systemd "$r/init"
	mk_cpio "$r" "$out" zstd
	# A second cpio (the per-system part) follows; see target_initrd.
	truncate -s %4 "$out"
}
