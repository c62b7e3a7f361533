# What the darlings harness needs from the installer, on top of the blog's ISO
# (see docs/guest-contract.md): harness-common.nix (console on ttyS0, an SSH
# server that accepts only the per-run key QEMU hands over through fw_cfg, so
# one ISO serves every run, and the two lines the harness waits for), plus a
# root shell on that console and the installer-only overrides below.
{ config, lib, pkgs, ... }:

{
  # Console on ttyS0, qemu_fw_cfg, sshd with the fw_cfg key, the darlings-hostkey: and
  # darlings-ready: lines: shared with the installed target (which gets this file's text as
  # /etc/nixos/darlings-harness.nix).
  imports = [ ./harness-common.nix ];
  darlings.ready = "installer";

  # The latest kernel can mark ZFS broken; the procedure does not need it.
  # (boot.kernelPackages is set by the new-kernel profile: never set it here.)
  boot.supportedFilesystems.zfs = lib.mkForce false;

  # A root shell on the serial console without a login (installation-device.nix
  # logs in "nixos"; the harness runs the procedure as root).
  services.getty.autologinUser = lib.mkForce "root";

  # installation-device.nix lets root in by password ("yes"): here root comes in by the
  # harness's key only, and sshd starts at boot whatever the profile says.
  services.openssh.settings = {
    PermitRootLogin = lib.mkForce "prohibit-password";
    PasswordAuthentication = lib.mkForce false;
    KbdInteractiveAuthentication = lib.mkForce false;
  };
  systemd.services.sshd.wantedBy = lib.mkForce [ "multi-user.target" ];

  environment.systemPackages = with pkgs; [ cryptsetup btrfs-progs mkpasswd ];
}
