# What the darlings harness needs from every NixOS it drives (see docs/guest-contract.md), the
# installer ISO and the installed target alike: a console on ttyS0, an SSH server that takes the
# per-run key QEMU hands over through fw_cfg (kept on tmpfs, so it never ends up on the image or
# the target), and the two lines the harness waits for on ttyS0:
#   darlings-hostkey: <type> <base64>
#   darlings-ready: <darlings.ready>
#
# One file, two users: harness-installer.nix imports it for the ISO, and the harness uploads this
# same text as /etc/nixos/darlings-harness.nix on the target, where the generated darlings.nix
# imports it and sets the options below.
{ config, lib, pkgs, ... }:

let
  cfg = config.darlings;
  # Where QEMU's `-fw_cfg name=opt/darlings/ssh-key,…` appears once qemu_fw_cfg is loaded.
  fwCfgKey = "/sys/firmware/qemu_fw_cfg/by_name/opt/darlings/ssh-key/raw";
  # Kept on tmpfs: the key is per run.
  keyDir = "/run/darlings/authorized_keys.d";
  hostKey = if cfg.hostKey == null then "/etc/ssh/ssh_host_ed25519_key" else cfg.hostKey;
in
{
  options.darlings = {
    ready = lib.mkOption {
      type = lib.types.str;
      example = "target";
      description = "What is ready when the harness reads `darlings-ready: <ready>` on ttyS0.";
    };
    hostKey = lib.mkOption {
      type = lib.types.nullOr lib.types.str;
      default = null;
      example = "/run/darlings/ssh_host_ed25519_key";
      description = ''
        The ed25519 host key sshd uses and `darlings-hostkey:` announces (its .pub); null keeps
        sshd's own host keys in /etc/ssh.
      '';
    };
  };

  config = {
    # ttyS0 last, so /dev/console (stage 1 prompts, serial getty) is the port the harness reads.
    boot.kernelParams = [ "console=tty0" "console=ttyS0,115200" ];
    boot.kernelModules = [ "qemu_fw_cfg" ];

    services.openssh = {
      enable = true;
      settings.PermitRootLogin = "prohibit-password";
      # Only the harness's key, from fw_cfg, on tmpfs; root's home stays untouched.
      authorizedKeysFiles = [ "${keyDir}/%u" ];
      hostKeys = lib.mkIf (cfg.hostKey != null) [ { type = "ed25519"; path = cfg.hostKey; } ];
    };

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
      description = "Tell the harness on ttyS0 that the ${cfg.ready} is ready";
      wantedBy = [ "multi-user.target" ];
      after = [ "sshd.service" "darlings-ssh-key.service" ];
      wants = [ "sshd.service" ];
      serviceConfig.Type = "oneshot";
      script = ''
        key=${hostKey}.pub
        for _ in $(seq 1 100); do [ -s $key ] && break; sleep 0.1; done
        echo "darlings-hostkey: $(cut -d' ' -f1,2 $key)" > /dev/ttyS0
        echo "darlings-ready: ${cfg.ready}" > /dev/ttyS0
      '';
    };
  };
}
