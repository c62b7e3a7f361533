# A user's own configuration.nix, as kept in their repository: it imports a module of its own by a
# relative path, and leaves the hardware (and the opt-in state) to be added around it.
{ config, lib, pkgs, ... }:

{
  imports = [ ./modules/packages.nix ];

  boot.supportedFilesystems = [ "btrfs" ];
  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;

  networking.hostName = "laptop";
  networking.networkmanager.enable = true;

  users.users.delta = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
    hashedPasswordFile = "/persist/passwords/delta";
  };

  system.stateVersion = "24.05";
}
