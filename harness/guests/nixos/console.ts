/**
 * What NixOS's stage 1 prints on the console where docs/guest-contract.md expects cryptsetup's own
 * `Enter passphrase for /dev/nvme0n1p3:`: the scripted stage 1 asks itself (luksroot.nix), systemd
 * stage 1 asks through systemd-ask-password. For the procedure's unlock step to match either.
 */

/** `Passphrase for /dev/disk/by-uuid/…: ` (scripted) or `Please enter passphrase for disk …` (systemd). */
export const NIXOS_PASSPHRASE_PROMPT = /Passphrase for \/dev\/\S+: |Please enter passphrase for disk/;

/** cryptsetup's refusal plus luksroot.nix's ` - failure`, or systemd-cryptsetup's retry message. */
export const NIXOS_PASSPHRASE_REFUSED = /No key available with this passphrase|Verifying passphrase for \S+\.\.\. - failure|Passphrase incorrect/;
