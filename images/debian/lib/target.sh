# shellcheck shell=bash
# The target system ("payload"): a configured copy of the debootstrap base,
# trimmed, with the target's kernel modules, its generic initrd and the boot
# files darlings-install copies to the ESP (under /usr/lib/darlings).

TARGET_DIR="$IMAGES_DIR/debian/target"
TARGET_CMDLINE="$KERNEL_CONSOLE quiet"

# Modules the target may load (udev, on demand): the crypto and filesystems of
# the setup as whole directories, the QEMU devices by name (deps follow).
# Kept small: every MB is unpacked onto dm-crypt + btrfs zstd under TCG at install.
TARGET_MODULE_DIRS="arch/x86/crypto crypto fs/btrfs fs/fat fs/isofs fs/nls fs/efivarfs fs/autofs fs/fuse
drivers/nvme drivers/virtio drivers/char/hw_random"
# dummy: the network joined once that persist.nm-timestamps reads (harness/procedure/state.ts).
TARGET_MODULES_EXTRA="virtio_net net_failover virtio_blk virtio_scsi sd_mod sr_mod ahci xhci_pci usb_storage uas
dm_mod dm_crypt loop evdev qemu_fw_cfg efivarfs dummy"

# Modules of the target's initrd (see initrd-init's EARLY_MODULES and LATE_MODULES; deps resolved).
INITRD_MODULES="nvme ahci sd_mod virtio_pci virtio_blk dm_mod dm_crypt aesni_intel xts cbc ecb crc32c_intel crc32c_generic libcrc32c btrfs af_alg algif_skcipher"

# target_tree DEST: copy of the base system, configured.
target_tree() {
	local t="$1"
	cp -a "$BASE_DIR" "$t"
	target_trim "$t"
	target_configure "$t"
	target_fix_etc_links "$t"
}

# Nothing under /var is used (the root is blank at each boot; /var is made by
# systemd-tmpfiles), and no apt/dpkg runs on the target.
target_trim() {
	local t="$1"
	rm -rf "$t"/var/* "$t"/usr/share/doc/* "$t"/usr/share/man "$t"/usr/share/info \
		"$t"/usr/share/lintian "$t"/usr/share/linda "$t"/usr/share/bug
	find "$t/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
	# Per-machine identity must not come from the image.
	rm -f "$t"/etc/ssh/ssh_host_* "$t/etc/machine-id" "$t/etc/resolv.conf" "$t/etc/hostname"
	rm -f "$t"/etc/apt/apt.conf.d/* 2>/dev/null || true
	# Lock files are opened with O_NOFOLLOW (systemd-sysusers, shadow tools):
	# they must be real files in the generated /etc, so they come from nowhere.
	rm -f "$t/etc/.pwd.lock"
	# udev's hardware database only names devices (vendor strings); 20+ MB.
	rm -rf "$t/usr/lib/udev/hwdb.bin" "$t/usr/lib/udev/hwdb.d"
	# No ifupdown on the target (NetworkManager only); its hook fails on every event.
	rm -f "$t/etc/NetworkManager/dispatcher.d/01-ifupdown"
}

target_configure() {
	local t="$1" e="$1/etc"
	# journald keeps past boots in /var/log/journal (the log subvolume).
	mkdir -p "$e/systemd/journald.conf.d"
	printf '[Journal]\nStorage=persistent\n' >"$e/systemd/journald.conf.d/darlings.conf"
	# sshd: the harness's key from /run/darlings/authorized_keys.d, root by key only,
	# only the ed25519 host key (generated at boot; RSA would be slow under TCG).
	mkdir -p "$e/ssh/sshd_config.d"
	cat >"$e/ssh/sshd_config.d/darlings.conf" <<'CONF'
HostKey /etc/ssh/ssh_host_ed25519_key
AuthorizedKeysFile .ssh/authorized_keys /run/darlings/authorized_keys.d/%u
PermitRootLogin prohibit-password
CONF
	install -d "$t/usr/lib/darlings"
	install -m 0755 "$TARGET_DIR/ssh-setup" "$t/usr/lib/darlings/ssh-setup"
	install -m 0644 "$TARGET_DIR"/units/*.service "$e/systemd/system/"
	enable_unit "$t" multi-user.target darlings-ssh-setup.service
	enable_unit "$t" multi-user.target darlings-ready.service
	enable_unit "$t" multi-user.target ssh.service
	enable_unit "$t" multi-user.target NetworkManager.service
	enable_unit "$t" getty.target serial-getty@ttyS0.service
	# Masked: systemd-firstboot would prompt for locale/timezone/root password on
	# the console (every boot is a first boot unless machine-id is persisted);
	# no apt/dpkg/ext4 here (timers, e2scrub_reap costs ~6 s of boot under TCG);
	# systemd-networkd: NetworkManager manages the NIC (networkd-wait-online
	# would hold network-online.target for two minutes).
	local u
	for u in systemd-firstboot.service apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service \
		systemd-networkd.service systemd-networkd.socket systemd-networkd-wait-online.service; do
		ln -sf /dev/null "$e/systemd/system/$u"
	done
	rm -f "$e"/systemd/system/*.wants/systemd-networkd* "$e"/systemd/system/*.wants/e2scrub_reap.service \
		"$e"/systemd/system/dbus-org.freedesktop.network1.service
	# Locales are trimmed; C.UTF-8 is built into glibc (pam_env reads this file).
	printf 'LANG=C.UTF-8\n' >"$e/default/locale"
	# readline: no bracketed-paste escapes around the prompt on the serial console.
	printf 'set enable-bracketed-paste off\n' >>"$e/inputrc"
}

# enable_unit ROOT TARGET UNIT: what `systemctl enable` does for [Install] WantedBy.
enable_unit() {
	local t="$1" target="$2" unit="$3" src
	mkdir -p "$t/etc/systemd/system/$target.wants"
	if [ -e "$t/etc/systemd/system/$unit" ]; then src="/etc/systemd/system/$unit"
	else src="/lib/systemd/system/${unit/@*./@.}"; fi
	ln -sf "$src" "$t/etc/systemd/system/$target.wants/$unit"
}

# The initrd links /etc entries to /nix/os/etc/...; relative symlinks inside
# etc (e.g. mtab -> ../proc/self/mounts) would then resolve under /nix/os.
# Make them absolute, as they would resolve from /etc.
target_fix_etc_links() {
	local t="$1" l rel target dir
	while IFS= read -r -d '' l; do
		target="$(readlink "$l")"
		case "$target" in /*) continue ;; esac
		rel="${l#"$t"}"
		dir="$(dirname "$rel")"
		ln -sfn "$(realpath -m -s "$dir/$target")" "$l"
	done < <(find "$t/etc" -type l -print0)
}

# target_boot_files ROOT: kernel, generic initrd, systemd-boot and the kernel
# command line, for darlings-install (copied to the ESP at install time).
target_boot_files() {
	local t="$1" d="$1/usr/lib/darlings"
	modules_install_dirs "$t" $TARGET_MODULE_DIRS
	modules_install "$t" $TARGET_MODULES_EXTRA $INITRD_MODULES qemu_fw_cfg
	cp "$KIMAGE" "$d/vmlinuz"
	cp "$SYSTEMD_BOOT_EFI" "$d/systemd-bootx64.efi"
	printf '%s\n' "$TARGET_CMDLINE" >"$d/cmdline"
	target_initrd "$STAGE/initrd-root" "$d/initrd.img"
	# initrd: systemd (darlings-install picks one by configuration.conf's INITRD).
	target_systemd_initrd "$t" "$STAGE/initrd-systemd-root" "$d/initrd-systemd.img"
}

# target_initrd ROOT OUT: the generic initrd (busybox, cryptsetup, btrfs,
# blkid, kmod) with initrd-init as /init.
target_initrd() {
	local r="$1" out="$2"
	busybox_root "$r"
	real_tool "$r" /usr/bin/kmod /usr/sbin/cryptsetup /usr/bin/btrfs /usr/sbin/blkid
	ln -sf /usr/bin/kmod "$r/sbin/modprobe"
	modules_install "$r" $INITRD_MODULES
	install -m 0755 "$TARGET_DIR/initrd-init" "$r/init"
	mkdir -p "$r/sysroot" "$r/etc/darlings"
	mk_cpio "$r" "$out" zstd
	# darlings-install appends the per-system cpio as a second initrd; systemd-boot
	# concatenates them as loaded and the kernel only finds a cpio that starts at
	# a 4-byte aligned offset (zero padding between archives is skipped).
	truncate -s %4 "$out"
}

# pack_payload TREE OUT: the system as the installer unpacks it into /nix/os.
pack_payload() {
	local t="$1" out="$2"
	tar -C "$t" --numeric-owner --one-file-system -cf - . | zstd -q -T0 -12 -o "$out" -f
}
