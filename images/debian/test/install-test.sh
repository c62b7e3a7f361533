#!/usr/bin/env bash
# By-hand end-to-end test of the debian stand-in under QEMU (TCG is fine):
# installer boot -> the blog's procedure over SSH -> install -> boot the target
# (wrong passphrase first, then the right one) -> canaries -> reboot -> checks.
# The harness's real tests are TypeScript; this only proves the images work.
#
# Usage: images/debian/test/install-test.sh OUT_DIR    (OUT_DIR of images/debian/build.sh)
# Env:   PORT (ssh forward, default 2299), KEEP=1 keeps the temp dir,
#        NVME_BOOTINDEX (default 2; empty: rely on the EFI entry darlings-install registers).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$(realpath "${1:?usage: $0 OUT_DIR}")"
PORT="${PORT:-2299}"
NVME_BOOTINDEX="${NVME_BOOTINDEX-2}"
T="$(mktemp -d /tmp/darlings-test.XXXXXX)"
export DARLINGS_PASS="correct horse battery"
QEMU_PID=

cleanup() {
	[ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null || true
	[ "${KEEP:-0}" = 1 ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT

say() { printf '\n### %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
ok() { printf 'ok: %s\n' "$*"; }

# qemu_start ISO|"" NAME: starts a VM in the background (serial on $T/NAME.sock).
# The stick gets bootindex 1, the NVMe $NVME_BOOTINDEX (OVMF then tries the disk when no stick).
qemu_start() {
	local iso="$1" name="$2" stick=()
	[ -n "$iso" ] && stick=(-drive "file=$iso,if=none,id=stick,format=raw,readonly=on"
		-device qemu-xhci -device usb-storage,drive=stick,bootindex=1)
	setpriv --pdeathsig KILL qemu-system-x86_64 -machine q35 -cpu max -accel tcg -m 768 \
		-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
		-drive if=pflash,format=raw,file="$T/vars.fd" \
		-drive file="$T/disk.qcow2",if=none,id=nvme0 -device nvme,serial=DARLINGS0001,drive=nvme0${NVME_BOOTINDEX:+,bootindex=$NVME_BOOTINDEX} \
		"${stick[@]}" \
		-netdev user,id=n0,hostfwd=tcp:127.0.0.1:$PORT-:22 -device virtio-net-pci,netdev=n0 \
		-fw_cfg name=opt/darlings/ssh-key,file="$T/key.pub" -display none \
		-chardev socket,id=ser0,path="$T/$name.sock",server=on,wait=off,logfile="$T/$name.log" \
		-serial chardev:ser0 &
	QEMU_PID=$!
}

qemu_wait_exit() {
	local i
	for i in $(seq 1 60); do kill -0 "$QEMU_PID" 2>/dev/null || { QEMU_PID=; return 0; }; sleep 1; done
	kill "$QEMU_PID"; QEMU_PID=
}

# console NAME ARGS...: run console.py on the VM's serial socket.
console() { local name="$1"; shift; timeout 900 python3 "$HERE/console.py" "$T/$name.sock" "$@"; }

# pin NAME: trust only the host key the guest announced on its console.
pin() {
	local hk
	hk="$(tr -d '\r' <"$T/$1.log" | grep -a '^darlings-hostkey: ' | tail -n1 | cut -d' ' -f2,3)"
	[ -n "$hk" ] || fail "no darlings-hostkey line on $1's console"
	echo "[127.0.0.1]:$PORT $hk" >"$T/known_hosts"
}

g() {
	ssh -i "$T/key" -o UserKnownHostsFile="$T/known_hosts" -o StrictHostKeyChecking=yes \
		-o ConnectTimeout=20 -o BatchMode=yes -p "$PORT" root@127.0.0.1 "$@"
}

boot_target() {
	local name="$1"; shift
	qemu_start "" "$name"
	local t0=$SECONDS
	console "$name" "$@" --until 'darlings-ready: target' || fail "$name: target not ready"
	ok "$name: ready after $((SECONDS - t0)) s"
	pin "$name"
	grep -aq 'darlings-initrd: rollback begin' "$T/$name.log" || fail "$name: no rollback begin line"
	grep -aq 'darlings-initrd: rollback end' "$T/$name.log" || fail "$name: no rollback end line"
	grep -aq 'darlings-initrd: switching root' "$T/$name.log" || fail "$name: no switching root line"
}

ssh-keygen -q -t ed25519 -N '' -C darlings -f "$T/key"
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$T/vars.fd"
qemu-img create -q -f qcow2 "$T/disk.qcow2" 4G

say "installer"
qemu_start "$OUT/installer.iso" installer
t0=$SECONDS
console installer --until 'darlings-ready: installer' || fail "installer not ready"
ok "installer ready after $((SECONDS - t0)) s"
pin installer
g 'cat >/tmp/procedure.sh' <"$HERE/procedure.sh"
g 'cat >/tmp/configure.sh' <"$HERE/configure.sh"
t0=$SECONDS
printf '%s\n' "$DARLINGS_PASS" | g 'sh /tmp/procedure.sh' || fail "procedure"
ok "partition, LUKS, btrfs, mounts, generate-config in $((SECONDS - t0)) s"
g 'mkdir -p /mnt/persist/etc /mnt/persist/var/lib/NetworkManager /mnt/persist/etc/NetworkManager/system-connections'
t0=$SECONDS
g 'sh /tmp/configure.sh' || fail "darlings-install"
ok "darlings-install in $((SECONDS - t0)) s"
echo 'delta-pw' | g 'darlings-passwd --root /mnt delta'
echo 'root-pw' | g 'darlings-passwd --root /mnt root'
g 'cat /mnt/etc/darlings/hardware.conf /mnt/etc/darlings/crypttab'
g 'swapoff /dev/nvme0n1p2; sync; poweroff' || true
qemu_wait_exit

say "target, first boot (a wrong passphrase first)"
boot_target boot1 --wrong-first
grep -aq 'No key available with this passphrase' "$T/boot1.log" || fail "wrong passphrase not refused"
ok "wrong passphrase refused and asked again"
g 'findmnt -rn -o TARGET,SOURCE,OPTIONS | grep -E "^/(| |home|nix|persist|var/log|boot) "' || true
g 'test "$(findmnt -rn -o SOURCE /)" = "/dev/mapper/enc[/root]"' && ok "/ is enc[/root]" || fail "/ not on enc[/root]"
g 'swapon --show --noheadings | grep -q nvme0n1p2' && ok "swap active" || fail "swap not active"
g 'systemctl is-system-running || true; systemctl --failed --no-legend || true'
MID1="$(g 'cat /etc/machine-id')"
g 'echo canary >/canary; echo p >/persist/canary; echo l >/var/log/canary; echo h >/home/delta/canary; ls -la /etc/machine-id /persist/etc/'
g 'systemctl poweroff' || true
qemu_wait_exit

say "target, second boot"
boot_target boot2
g 'test ! -e /canary' && ok "canary in / is gone" || fail "/canary survived"
g 'test -e /persist/canary && test -e /var/log/canary && test -e /home/delta/canary' && ok "persist, log, home survived" || fail "persisted files lost"
MID2="$(g 'cat /etc/machine-id')"
[ "$MID1" = "$MID2" ] && ok "machine-id persisted ($MID2)" || fail "machine-id changed: $MID1 -> $MID2"
g 'journalctl --list-boots --no-pager | tee /dev/stderr | grep -c "^ *-\{0,1\}[0-9]"' | { read -r n; [ "$n" -ge 2 ] && ok "journal has $n boots" || fail "journal boots: $n"; }
g 'mount -o subvol=/ /dev/mapper/enc /mnt && test ! -e /mnt/root/root-blank && btrfs subvolume list /mnt; umount /mnt' && ok "root-blank not nested"
grep -aq 'login:' "$T/boot2.log" && ok "login prompt on ttyS0" || fail "no login prompt"
say "all checks passed"
