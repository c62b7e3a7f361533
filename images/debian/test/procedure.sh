#!/bin/sh
# The blog's installation procedure, run in the installer over SSH by
# install-test.sh (busybox sh). The passphrase comes on stdin (first line),
# never in argv. Non-interactive variants of the blog's commands:
# luksFormat takes the key from stdin with a cheap PBKDF (TCG is slow).
set -eu
DISK=/dev/nvme0n1
IFS= read -r PASS

/usr/sbin/sfdisk --quiet --wipe always "$DISK" <<'PARTS'
label: gpt
size=512MiB, type=uefi, name=boot
size=512MiB, type=swap, name=swap
type=linux, name=enc
PARTS

printf '%s' "$PASS" | /usr/sbin/cryptsetup luksFormat --type luks2 --pbkdf pbkdf2 --iter-time 100 --batch-mode --key-file - "$DISK"p3
printf '%s' "$PASS" | /usr/sbin/cryptsetup open --key-file - "$DISK"p3 enc

/usr/sbin/mkfs.vfat -n boot "$DISK"p1 >/dev/null
/usr/sbin/mkswap "$DISK"p2 >/dev/null
/usr/sbin/swapon "$DISK"p2
/usr/sbin/mkfs.btrfs -q /dev/mapper/enc

mkdir -p /mnt
mount -t btrfs /dev/mapper/enc /mnt
for sv in root home nix persist log; do /usr/bin/btrfs subvolume create /mnt/$sv >/dev/null; done
/usr/bin/btrfs subvolume snapshot -r /mnt/root /mnt/root-blank >/dev/null
umount /mnt

mount -o subvol=root,compress=zstd,noatime /dev/mapper/enc /mnt
mkdir /mnt/home
mount -o subvol=home,compress=zstd,noatime /dev/mapper/enc /mnt/home
mkdir /mnt/nix
mount -o subvol=nix,compress=zstd,noatime /dev/mapper/enc /mnt/nix
mkdir /mnt/persist
mount -o subvol=persist,compress=zstd,noatime /dev/mapper/enc /mnt/persist
mkdir -p /mnt/var/log
mount -o subvol=log,compress=zstd,noatime /dev/mapper/enc /mnt/var/log
mkdir /mnt/boot
mount "$DISK"p1 /mnt/boot

darlings-generate-config --root /mnt
