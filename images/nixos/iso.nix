# The installer ISO of the blog, for the harness: the minimal new-kernel
# profile (no desktop: a smaller ISO for CI and nothing the procedure uses),
# the blog's firmware, unfree and tools, and harness-installer.nix.
# For the blog's graphical ISO use iso-graphical.nix instead.
#
#   nix-build '<nixpkgs/nixos>' -A config.system.build.isoImage -I nixos-config=images/nixos/iso.nix
{ config, pkgs, ... }:

{
  imports = [
    # Sets boot.kernelPackages = pkgs.linuxPackages_latest: do not set it again.
    <nixpkgs/nixos/modules/installer/cd-dvd/installation-cd-minimal-new-kernel.nix>
    <nixpkgs/nixos/modules/installer/cd-dvd/channel.nix>
    ./blog-installer.nix
    ./harness-installer.nix
  ];
}
