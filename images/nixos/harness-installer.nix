# What the darlings harness needs from the installer, on top of the blog's ISO
# (see docs/guest-contract.md): a console on ttyS0 with a root shell, an SSH
# server that accepts only the per-run key QEMU hands over through fw_cfg (so
# one ISO serves every run), and the two lines the harness waits for.
{ config, lib, pkgs, ... }:

let
  # Where QEMU's `-fw_cfg name=opt/darlings/ssh-key,…` appears once qemu_fw_cfg is loaded.
  fwCfgKey = "/sys/firmware/qemu_fw_cfg/by_name/opt/darlings/ssh-key/raw";
  # Kept on tmpfs: the key is per run and must never end up on the image or the target.
  keyDir = "/run/darlings/authorized_keys.d";
in
{
  # ttyS0 last, so /dev/console is the serial port the harness reads.
  boot.kernelParams = [ "console=tty0" "console=ttyS0,115200" ];
  boot.kernelModules = [ "qemu_fw_cfg" ];

  # The latest kernel can mark ZFS broken; the procedure does not need it.
  # (boot.kernelPackages is set by the new-kernel profile: never set it here.)
  boot.supportedFilesystems.zfs = lib.mkForce false;

  # A root shell on the serial console without a login (installation-device.nix
  # logs in "nixos"; the harness runs the procedure as root).
  services.getty.autologinUser = lib.mkForce "root";

  services.openssh = {
    enable = true;
    settings.PermitRootLogin = lib.mkForce "prohibit-password";
    settings.PasswordAuthentication = lib.mkForce false;
    settings.KbdInteractiveAuthentication = lib.mkForce false;
    authorizedKeysFiles = [ "${keyDir}/%u" ];
  };
  systemd.services.sshd.wantedBy = lib.mkForce [ "multi-user.target" ];

  systemd.services.darlings-ssh-key = {
    description = "Install the harness's per-run SSH key from QEMU fw_cfg";
    wantedBy = [ "multi-user.target" ];
    before = [ "sshd.service" ];
    after = [ "systemd-modules-load.service" ];
    serviceConfig.Type = "oneshot";
    serviceConfig.RemainAfterExit = true;
    script = ''
      umask 077
      mkdir -p ${keyDir}
      chmod 0755 /run/darlings ${keyDir}
      if [ -r ${fwCfgKey} ]; then
        cat ${fwCfgKey} > ${keyDir}/root.tmp
        mv ${keyDir}/root.tmp ${keyDir}/root
      else
        echo "darlings: no fw_cfg entry opt/darlings/ssh-key, SSH stays closed" >&2
      fi
    '';
  };

  systemd.services.darlings-announce = {
    description = "Tell the harness on ttyS0 that the installer is ready";
    wantedBy = [ "multi-user.target" ];
    after = [ "sshd.service" "darlings-ssh-key.service" ];
    wants = [ "sshd.service" ];
    serviceConfig.Type = "oneshot";
    script = ''
      key=/etc/ssh/ssh_host_ed25519_key.pub
      for _ in $(seq 1 100); do [ -s $key ] && break; sleep 0.1; done
      echo "darlings-hostkey: $(cut -d' ' -f1,2 $key)" > /dev/ttyS0
      echo "darlings-ready: installer" > /dev/ttyS0
    '';
  };

  environment.systemPackages = with pkgs; [ cryptsetup btrfs-progs mkpasswd ];
}
