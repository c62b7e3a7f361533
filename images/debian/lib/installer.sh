# shellcheck shell=bash
# The installer's live initramfs: the tiny guest's live system plus the tools
# of the blog's procedure and the darlings-* stand-in commands.

INSTALLER_DIR="$IMAGES_DIR/debian/installer"

# Disk, USB stick / CD (to find the boot medium), filesystems and crypto.
INSTALLER_MODULES="ahci sd_mod sr_mod xhci_pci usb_storage uas isofs vfat nls_cp437 nls_ascii nls_utf8
dm_mod dm_crypt aesni_intel xts cbc ecb crc32c_intel crc32c_generic libcrc32c btrfs af_alg algif_skcipher algif_hash
efivarfs loop"

# Real tools (util-linux, cryptsetup, btrfs-progs, dosfstools, gdisk); scripts and
# people call them by these paths, busybox applets of the same name stay in /bin.
INSTALLER_TOOLS="/usr/sbin/cryptsetup /usr/sbin/dmsetup /usr/bin/btrfs /usr/sbin/mkfs.btrfs
/usr/sbin/sfdisk /usr/sbin/sgdisk /usr/sbin/mkfs.fat /usr/sbin/mkfs.vfat /usr/sbin/fatlabel
/usr/sbin/mkswap /usr/sbin/swapon /usr/sbin/swapoff /usr/sbin/blkid /usr/bin/lsblk /usr/bin/findmnt
/usr/sbin/wipefs /usr/bin/zstd /usr/bin/tar /usr/bin/efibootmgr"

installer_root() {
	local r="$1" t
	# shellcheck disable=SC2086
	live_root "$r" installer yes "ttyS0 tty1" $INSTALLER_MODULES
	# shellcheck disable=SC2086
	real_tool "$r" $INSTALLER_TOOLS
	# mkfs.fat converts the label through iconv (codepage 850); without these it
	# warns on every run. No gconv-modules.cache: it would name absent modules.
	local g=/usr/lib/x86_64-linux-gnu/gconv
	mkdir -p "$r$g"
	cp -a "$g/gconv-modules" "$g/gconv-modules.d" "$g/IBM850.so" "$g/IBM437.so" "$r$g/"
	for t in darlings-generate-config darlings-install darlings-passwd; do
		install -m 0755 "$INSTALLER_DIR/$t" "$r/usr/bin/$t"
	done
}
