# shellcheck shell=bash
# Shared build helpers for the darlings guest images (tiny, debian).
# Sourced by images/*/build.sh, which run as root with `set -euo pipefail`.
#
# Conventions:
#   WORK     persistent cache/work dir (downloaded .debs, extracted kernel, ...)
#   STAGE    scratch dir of the current build ("$OUT_DIR.tmp/.stage", removed before the rename)
# Everything that ends up in OUT_DIR is produced under "$OUT_DIR.tmp" first and
# renamed at the end by finish_out_dir, so an interrupted build leaves no half output.

set -euo pipefail

COMMON_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
IMAGES_DIR="$(dirname "$COMMON_DIR")"

# OVMF's systemd-boot, the only boot loader we ship (same one NixOS installs).
SYSTEMD_BOOT_EFI=/usr/lib/systemd/boot/efi/systemd-bootx64.efi
# Console arguments: ttyS0 last so /dev/console is the serial port (see the contract).
KERNEL_CONSOLE="console=tty0 console=ttyS0,115200"

step() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

require_root() { [ "$(id -u)" = 0 ] || die "must run as root (debootstrap, cpio owners, mknod)"; }

require_tools() {
	local t missing=()
	for t in "$@"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
	[ ${#missing[@]} -eq 0 ] || die "missing host tools: ${missing[*]} (see images/debian/host-packages.txt)"
}

# ---------------------------------------------------------------------------
# Output directory handling
# ---------------------------------------------------------------------------

# start_out_dir OUT_DIR: prepares "$OUT_DIR.tmp" (fresh) and sets OUT_TMP.
start_out_dir() {
	OUT_DIR="$(realpath -m "$1")"
	OUT_TMP="$OUT_DIR.tmp"
	rm -rf "$OUT_TMP"
	mkdir -p "$OUT_TMP"
}

# finish_out_dir: moves the outputs from OUT_DIR.tmp into OUT_DIR, each by one
# rename (a reader sees the old file or the new one, never a partial one).
# Files already in OUT_DIR that this build does not produce are kept (the
# harness may keep its own stamps there).
finish_out_dir() {
	mkdir -p "$OUT_DIR"
	local f
	for f in "$OUT_TMP"/*; do
		mv -f "$f" "$OUT_DIR/"
	done
	rmdir "$OUT_TMP"
}

# ---------------------------------------------------------------------------
# Kernel
# ---------------------------------------------------------------------------

# host_mirror: the first non-security "debian" URI in the host's apt sources
# (deb822 or one-line format); the only mirror this machine can reach.
host_mirror() {
	local m
	m="$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | head -n1 || true)"
	[ -n "$m" ] || m="$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | head -n1 || true)"
	[ -n "$m" ] || m=http://deb.debian.org/debian
	printf '%s\n' "$m"
}

# apt_opts WORK FLAVOR: sets APT_OPTS, the apt options to query FLAVOR's kernel.
#   bookworm   the host's own apt configuration (bookworm + security updates)
#   backports  a private apt state under WORK with bookworm-backports only, so
#              the host's sources stay untouched (the lists are refreshed daily)
apt_opts() {
	local work="$1" flavor="$2" d
	APT_OPTS=()
	case "$flavor" in
	bookworm) ;;
	backports)
		d="$work/apt-backports"
		mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
		printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s bookworm-backports main\n' \
			"$(host_mirror)" >"$d/sources.list"
		APT_OPTS=(-o "Dir::Etc::SourceList=$d/sources.list" -o Dir::Etc::SourceParts=/nonexistent
			-o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache")
		if [ -z "$(find "$d/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
			apt-get -q "${APT_OPTS[@]}" update >&2 || die "apt-get update (bookworm-backports) failed"
		fi
		;;
	*) die "unknown DARLINGS_KERNEL=$flavor (bookworm|backports)" ;;
	esac
}

# kernel_fetch WORK: downloads (cached) the kernel image package that
# linux-image-amd64 depends on, for ${DARLINGS_KERNEL:-bookworm} (or backports),
# and extracts it once.
# Sets KFLAVOR, KPKG (package name), KPKG_VERSION, KVER (uname -r), KROOT
# (extracted tree), KIMAGE (vmlinuz path).
kernel_fetch() {
	local work="$1" debs="$1/debs" deb
	KFLAVOR="${DARLINGS_KERNEL:-bookworm}"
	apt_opts "$work" "$KFLAVOR"
	mkdir -p "$debs"
	# linux-image-amd64's Depends names the concrete ABI package, e.g. linux-image-6.1.0-56-amd64.
	KPKG="$(apt-cache "${APT_OPTS[@]}" depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')"
	[ -n "$KPKG" ] || die "cannot resolve linux-image-amd64 (run apt-get update?)"
	KVER="${KPKG#linux-image-}"
	deb="$(ls "$debs/${KPKG}_"*.deb 2>/dev/null | head -n1 || true)"
	if [ -z "$deb" ]; then
		(cd "$debs" && apt-get -q "${APT_OPTS[@]}" download "$KPKG" 2>&1 | grep -v 'unsandboxed' >&2) || die "apt-get download $KPKG failed"
		deb="$(ls "$debs/${KPKG}_"*.deb | head -n1)"
	fi
	# The version of the file we have (the cache may be older than apt's candidate).
	KPKG_VERSION="$(dpkg-deb -f "$deb" Version)"
	KROOT="$work/kernel-$KVER"
	if [ ! -f "$KROOT/.done" ]; then
		rm -rf "$KROOT"
		mkdir -p "$KROOT"
		dpkg-deb -x "$deb" "$KROOT"
		# The package ships no modules.dep (postinst runs depmod); we need it to resolve deps.
		depmod -b "$KROOT" "$KVER"
		touch "$KROOT/.done"
	fi
	KIMAGE="$KROOT/boot/vmlinuz-$KVER"
	[ -f "$KIMAGE" ] || die "no kernel image in $deb"
}

# modules_install DEST_ROOT MODULE...: copies the named modules and everything
# they depend on (closure over the full tree's modules.dep, one awk pass) into
# DEST_ROOT/lib/modules/$KVER and runs depmod there. Builtin ones are skipped;
# unknown names only warn (module names move between kernel versions, e.g.
# libcrc32c), the boot tests catch a missing one that matters. Compressed
# modules (.ko.xz in newer Debian kernels) stay compressed: kmod reads them.
modules_install() {
	local dest="$1"; shift
	local src="$KROOT/lib/modules/$KVER" files
	files="$(printf '%s\n' "$@" | awk -v dep="$src/modules.dep" -v builtin="$src/modules.builtin" '
		function norm(n) { gsub("-", "_", n); return n }
		function name(p) { sub(".*/", "", p); sub("\\.ko(\\.xz|\\.zst|\\.gz)?$", "", p); return norm(p) }
		function add(p,   i, n, d) {
			if (p in seen) return
			seen[p] = 1; print p
			n = split(deps[p], d, " ")
			for (i = 1; i <= n; i++) add(d[i])
		}
		BEGIN {
			while ((getline l < dep) > 0) {
				split(l, f, ":"); path[name(f[1])] = f[1]; deps[f[1]] = f[2]
			}
			while ((getline l < builtin) > 0) isbuiltin[name(l)] = 1
		}
		{ m = norm($1); if (m == "") next
		  if (m in path) add(path[m])
		  else if (!(m in isbuiltin)) print "    warning: no kernel module " m " in " dep > "/dev/stderr" }')" ||
		die "cannot resolve kernel modules"
	mkdir -p "$dest/lib/modules/$KVER"
	(cd "$src" && printf '%s\n' $files | cpio -pdmu --quiet "$dest/lib/modules/$KVER")
	modules_finish "$dest"
}

# modules_install_dirs DEST_ROOT RELDIR...: copies whole subtrees of kernel/
# (e.g. fs/btrfs, drivers/net) plus their dependencies; for the target system,
# which loads modules on demand through udev.
modules_install_dirs() {
	local dest="$1"; shift
	local d names=()
	for d in "$@"; do
		[ -e "$KROOT/lib/modules/$KVER/kernel/$d" ] || die "no such module dir: kernel/$d"
		while IFS= read -r f; do
			f="$(basename "$f")"
			names+=("${f%%.ko*}")
		done < <(find "$KROOT/lib/modules/$KVER/kernel/$d" -name '*.ko*')
	done
	modules_install "$dest" "${names[@]}"
}

modules_finish() {
	local dest="$1" mdir="$1/lib/modules/$KVER"
	cp "$KROOT/lib/modules/$KVER/modules.builtin" "$KROOT/lib/modules/$KVER/modules.builtin.modinfo" \
		"$KROOT/lib/modules/$KVER/modules.order" "$mdir/"
	depmod -b "$dest" "$KVER"
}

# ---------------------------------------------------------------------------
# Binaries
# ---------------------------------------------------------------------------

# copy_bins ROOT FILE...: copies executables (keeping their path) and every
# shared library ldd names, plus the dynamic loader, into ROOT.
copy_bins() {
	local root="$1"; shift
	local f lib
	for f in "$@"; do
		[ -e "$f" ] || die "missing binary on host: $f"
		copy_file "$root" "$f"
		# ldd prints "name => /path (addr)" and "/lib64/ld-linux-x86-64.so.2 (addr)".
		while read -r lib; do
			copy_file "$root" "$lib"
		done < <(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true)
	done
}

# copy_file ROOT PATH: copies PATH into ROOT at the same path, following
# symlinks but also recreating the symlink chain (the loader is reached via
# /lib64 -> usr/lib64 style links on merged-/usr hosts).
copy_file() {
	local root="$1" f="$2"
	[ -e "$root$f" ] && return 0
	mkdir -p "$root$(dirname "$f")"
	if [ -L "$f" ]; then
		local target
		target="$(readlink -f "$f")"
		copy_file "$root" "$target"
		ln -sf "$target" "$root$f"
	else
		cp -a "$f" "$root$f"
	fi
}

# busybox_root ROOT: a minimal FHS skeleton with busybox-static and its applet links.
# Debian's busybox-static prefers its own applets in its shell, so scripts call
# real tools (cryptsetup, btrfs, ...) by full path.
busybox_root() {
	local root="$1" a
	mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,run,tmp,root,mnt,usr/bin,usr/sbin,lib,var/log}
	chmod 1777 "$root/tmp"
	chmod 700 "$root/root"
	cp /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list-full); do
		# Do not shadow a real tool already copied there.
		[ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
	done
	# Merged-/usr style: binaries copied from /usr/lib/... need these to resolve.
	[ -e "$root/lib64" ] || ln -s lib "$root/lib64"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\n' >"$root/etc/group"
	printf 'root:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
	chmod 600 "$root/etc/shadow"
	printf '/bin/sh\n' >"$root/etc/shells"
	printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
	printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
	: >"$root/etc/fstab"
}

# real_tool ROOT PATH...: installs host tools replacing busybox links of the same name.
real_tool() {
	local root="$1" f; shift
	for f in "$@"; do
		rm -f "$root$f"
		copy_bins "$root" "$f"
	done
}

# ---------------------------------------------------------------------------
# Packing
# ---------------------------------------------------------------------------

# mk_cpio DIR OUT [zstd|none]: newc cpio of DIR with root-owned entries.
mk_cpio() {
	local dir="$1" out="$2" comp="${3:-zstd}"
	if [ "$comp" = zstd ]; then
		(cd "$dir" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) | zstd -q -T0 -12 -o "$out" -f
	else
		(cd "$dir" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) >"$out"
	fi
}

# mk_esp IMG KERNEL INITRD TITLE OPTIONS: a FAT ESP image (sized to fit) with
# systemd-boot as the removable-media loader, loader.conf (timeout 0) and one entry.
mk_esp() {
	local img="$1" kernel="$2" initrd="$3" title="$4" options="$5"
	local tmp kb
	tmp="$(mktemp -d)"
	printf 'default darlings.conf\ntimeout 0\nconsole-mode keep\neditor no\n' >"$tmp/loader.conf"
	printf 'title %s\nlinux /vmlinuz\ninitrd /initrd.img\noptions %s\n' "$title" "$options" >"$tmp/darlings.conf"
	# Size: payload + 25% + 2 MiB of FAT overhead, in KiB, at least 8 MiB.
	kb=$(( ( $(stat -c %s "$kernel") + $(stat -c %s "$initrd") + $(stat -c %s "$SYSTEMD_BOOT_EFI") ) * 5 / 4 / 1024 + 2048 ))
	[ "$kb" -ge 8192 ] || kb=8192
	rm -f "$img"
	mkfs.vfat -C -n DARLINGSEFI "$img" "$kb" >/dev/null
	mmd -i "$img" ::/EFI ::/EFI/BOOT ::/loader ::/loader/entries
	mcopy -i "$img" "$SYSTEMD_BOOT_EFI" ::/EFI/BOOT/BOOTX64.EFI
	mcopy -i "$img" "$tmp/loader.conf" ::/loader/loader.conf
	mcopy -i "$img" "$tmp/darlings.conf" ::/loader/entries/darlings.conf
	mcopy -i "$img" "$kernel" ::/vmlinuz
	mcopy -i "$img" "$initrd" ::/initrd.img
	rm -rf "$tmp"
}

# mk_iso OUT ESP_IMG TREE: hybrid ISO, volume DARLINGS. The ESP is appended as a
# GPT partition (USB stick boot) and the same bytes are the El Torito EFI image
# (CD boot), so kernel and initrd are stored once. TREE is the ISO9660 content.
mk_iso() {
	local out="$1" esp="$2" tree="$3"
	xorriso -as mkisofs -quiet \
		-o "$out" -V DARLINGS -r -J \
		-append_partition 2 0xef "$esp" -appended_part_as_gpt \
		-e --interval:appended_partition_2:all:: -no-emul-boot \
		"$tree" 2>&1 | grep -v '^xorriso : UPDATE' >&2 || true
	[ -s "$out" ] || die "xorriso produced no ISO"
	xorriso -indev "$out" -report_el_torito plain 2>/dev/null | grep -q 'El Torito boot img :   1  UEFI' ||
		die "ISO has no EFI El Torito boot image"
}
