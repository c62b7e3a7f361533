{
  boot.initrd.luks.devices.enc.device = "/dev/nvme0n1p3";
  fileSystems."/" = { device = "/dev/mapper/enc"; fsType = "btrfs"; options = [ "subvol=root" "compress=zstd" "noatime" ]; };
  fileSystems."/nix" = { device = "/dev/mapper/enc"; fsType = "btrfs"; options = [ "subvol=nix" "compress=zstd" "noatime" ]; };
  fileSystems."/persist" = { device = "/dev/mapper/enc"; fsType = "btrfs"; options = [ "subvol=persist" "compress=zstd" "noatime" ]; neededForBoot = true; };
  fileSystems."/boot" = { device = "/dev/disk/by-label/boot"; fsType = "vfat"; };
}
