# What the blog adds to its installer: all firmware (hence unfree) and a few tools.
{ config, pkgs, ... }:

{
  hardware.enableAllFirmware = true;
  nixpkgs.config.allowUnfree = true;

  environment.systemPackages = with pkgs; [
    wget
    vim
    git
    tmux
    gparted
    nix-prefetch-scripts
  ];
}
