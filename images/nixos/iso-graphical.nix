# The blog's ISO as it wrote it (graphical Plasma 5, new kernel), with the
# harness's needs. Larger and slower to build than iso.nix; same contract.
#
#   nix-build '<nixpkgs/nixos>' -A config.system.build.isoImage -I nixos-config=images/nixos/iso-graphical.nix
{ config, pkgs, ... }:

{
  imports = [
    # Sets boot.kernelPackages = pkgs.linuxPackages_latest: do not set it again.
    <nixpkgs/nixos/modules/installer/cd-dvd/installation-cd-graphical-plasma5-new-kernel.nix>
    <nixpkgs/nixos/modules/installer/cd-dvd/channel.nix>
    ./blog-installer.nix
    ./harness-installer.nix
  ];
}
