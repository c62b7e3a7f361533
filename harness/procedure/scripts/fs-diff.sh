#!/usr/bin/env bash
# darlings: the blog's fs-diff, step for step. Lists files that exist in the root subvolume but
# not in root-blank (state the configuration did not opt in to). Needs the top of the btrfs
# volume mounted at /mnt (mount -o subvol=/ /dev/mapper/enc /mnt).
set -euo pipefail

OLD_TRANSID=$(sudo btrfs subvolume find-new /mnt/root-blank 9999999)
OLD_TRANSID=${OLD_TRANSID#transid marker was }

sudo btrfs subvolume find-new "/mnt/root" "$OLD_TRANSID" |
sed '$d' |
cut -f17- -d' ' |
sort |
uniq |
while read path; do
  path="/$path"
  if [ -L "$path" ]; then
    : # a symlink: the configuration made it
  elif [ -d "$path" ]; then
    : # directories are not state by themselves
  else
    echo "$path"
  fi
done
