#!/bin/sh
# Writes the test configuration (what the harness uploads), like the blog's
# configuration.nix with opt-in state, then installs. Runs in the installer.
set -eu
C=/mnt/etc/darlings
cat >"$C/configuration.conf" <<'CONF'
HOSTNAME=apollo
USER_NAME=delta
NEEDED_FOR_BOOT="/persist /var/log"
SUDO_LECTURE=never
CONF
cat >"$C/persist.conf" <<'CONF'
etc NetworkManager/system-connections /persist/etc/NetworkManager/system-connections
etc adjtime /persist/etc/adjtime
etc machine-id /persist/etc/machine-id
CONF
cat >"$C/tmpfiles.conf" <<'CONF'
L /var/lib/NetworkManager/secret_key - - - - /persist/var/lib/NetworkManager/secret_key
L /var/lib/NetworkManager/seen-bssids - - - - /persist/var/lib/NetworkManager/seen-bssids
L /var/lib/NetworkManager/timestamps - - - - /persist/var/lib/NetworkManager/timestamps
CONF
# The blog's rollback (boot.initrd.postDeviceCommands), written by this project.
cat >"$C/rollback.sh" <<'CONF'
mkdir -p /mnt

# Mount the top of the btrfs volume to manipulate subvolumes.
mount -o subvol=/ /dev/mapper/enc /mnt

# Nested subvolumes (systemd creates some) make deleting root fail: drop them first.
btrfs subvolume list -o /mnt/root |
cut -f9 -d' ' |
while read subvolume; do
  echo "deleting /$subvolume subvolume..."
  btrfs subvolume delete "/mnt/$subvolume"
done &&
echo "deleting /root subvolume..." &&
btrfs subvolume delete /mnt/root

echo "restoring blank /root subvolume..."
btrfs subvolume snapshot /mnt/root-blank /mnt/root

umount /mnt
CONF
darlings-install --root /mnt
