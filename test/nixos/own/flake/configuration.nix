{ config, lib, pkgs, ... }:

{
  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;
  networking.hostName = "flaky";
  networking.networkmanager.enable = true;
  users.users.delta = { isNormalUser = true; extraGroups = [ "wheel" ]; hashedPasswordFile = "/persist/passwords/delta"; };
  system.stateVersion = "24.05";
}
