# darlings: the rollback the blog describes, step for step, run in stage 1 after `enc` is open.
# Same commands, options and order: mount the top of the btrfs volume, delete the subvolumes
# nested under root (systemd creates some), delete root, snapshot root-blank back to root.
mkdir -p /mnt

mount -o subvol=/ /dev/mapper/enc /mnt

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
