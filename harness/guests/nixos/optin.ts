/**
 * `optin.nix`: the blog's opt-in state module for a Plan. Persisted `/etc` entries, tmpfiles L
 * rules, the neededForBoot mounts, the sudo lecture, and the rollback in the stage-1 form the plan
 * asks for (`initrd: scripted` -> postDeviceCommands, `initrd: systemd` -> a stage-1 unit).
 */
import type { Plan } from '../../scenario/plan.ts';
import { cryptsetupUnit, nixServiceLines, rollbackBody, rollbackUnit, wrapRollback } from '../rollback-unit.ts';
import { neededForBootMounts } from './layout.ts';
import { nixModule, nixAttrName, nixIndentedString, nixString, nixStringList } from './nix-text.ts';

export { cryptsetupUnit };
/**
 * The text of optin.nix for `plan`.
 *
 * @example
 * const text = optinModule(plan); // '{ config, lib, pkgs, ... }:\n{\n  environment.etc = {…'
 */
export function optinModule(plan: Plan): string {
  const parts: string[] = [];

  const etc = Object.entries(plan.persist.etc);
  if (etc.length > 0) {
    parts.push(
      '# /etc entries that live in /persist: links recreated at every activation.',
      'environment.etc = {',
      ...etc.map(([name, source]) => `  ${nixAttrName(name)}.source = ${nixString(source)};`),
      '};',
      '',
    );
  }
  if (plan.persist.tmpfiles.length > 0) {
    parts.push(
      '# State outside /etc, linked into /persist by systemd-tmpfiles at boot.',
      'systemd.tmpfiles.rules = [',
      ...plan.persist.tmpfiles.map((rule) => `  ${nixString(rule)}`),
      '];',
      '',
    );
  }
  const early = neededForBootMounts(plan);
  if (early.length > 0) {
    parts.push(
      '# Mounted in stage 1: journald writes to /var/log before stage 2 mounts the rest, and the',
      "# activation reads the user's password hash from /persist.",
      ...early.map((mountPoint) => `fileSystems.${nixString(mountPoint)}.neededForBoot = true;`),
      '',
    );
  }
  parts.push(
    "security.sudo.extraConfig = ''",
    '  # Each boot starts from a blank root, so sudo would lecture every time.',
    '  Defaults lecture = never',
    "'';",
  );

  parts.push('', ...(plan.initrd === 'scripted' ? scriptedRollback(plan) : systemdRollback(plan)));

  return nixModule([], '{ config, lib, pkgs, ... }', parts.join('\n'));
}

/**
 * Scripted stage 1: the rollback in postDeviceCommands (after the devices, LUKS, are open; before
 * the filesystems are mounted), with systemd stage 1 turned off explicitly: from 26.05 it is the
 * default, and a configuration that relies on the old default breaks there.
 */
function scriptedRollback(plan: Plan): string[] {
  const lines = [
    '# The scripted stage 1, said explicitly: systemd stage 1 is the default from NixOS 26.05.',
    'boot.initrd.systemd.enable = false;',
  ];
  const body = rollbackBody(plan);
  if (body === null) return lines;
  return [
    ...lines,
    '# Roll / back to the blank snapshot at every boot. mkBefore: before other postDeviceCommands.',
    `boot.initrd.postDeviceCommands = lib.mkBefore ${nixIndentedString(wrapRollback(body, { exitWithStatus: false }), '')};`,
  ];
}

/**
 * systemd stage 1 rejects postDeviceCommands: the same steps as a unit after the LUKS mapping is
 * open and before /sysroot is mounted (harness/guests/rollback-unit.ts, shared with the
 * stand-in). bash, coreutils and mount are stage 1's own; btrfs is added.
 */
function systemdRollback(plan: Plan): string[] {
  const lines = ['boot.initrd.systemd.enable = true;'];
  const unit = rollbackUnit(plan);
  if (unit === null) return lines;
  return [
    ...lines,
    'boot.initrd.systemd.extraBin.btrfs = "${pkgs.btrfs-progs}/bin/btrfs";',
    '',
    '# Roll / back to the blank snapshot at every boot.',
    ...nixServiceLines(unit, { nixString, nixStringList, nixAttrName, nixIndentedString }),
  ];
}
