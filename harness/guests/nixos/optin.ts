/**
 * `optin.nix`: the blog's opt-in state module for a Plan. Persisted `/etc` entries, tmpfiles L
 * rules, the neededForBoot mounts, the sudo lecture, and the rollback in the stage-1 form the plan
 * asks for (`initrd: scripted` -> postDeviceCommands, `initrd: systemd` -> a stage-1 unit).
 */
import type { Plan } from '../../scenario/plan.ts';
import { neededForBootMounts } from './layout.ts';
import { nixModule, nixAttrName, nixIndentedString, nixString, systemdEscape } from './nix-text.ts';
import { rollbackScript } from './rollback.ts';

/** The systemd stage-1 unit that opens the LUKS mapping (`systemd-cryptsetup@enc.service`). */
export function cryptsetupUnit(mapping: string): string {
  return `systemd-cryptsetup@${systemdEscape(mapping)}.service`;
}

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

  const rollback = rollbackScript(plan);
  if (rollback !== null) {
    parts.push('', ...(plan.initrd === 'scripted' ? scriptedRollback(rollback) : systemdRollback(plan, rollback)));
  }

  return nixModule([], '{ config, lib, pkgs, ... }', parts.join('\n'));
}

/** Scripted stage 1: before the filesystems are mounted, after the devices (LUKS) are open. */
function scriptedRollback(script: string): string[] {
  return [
    '# Roll / back to the blank snapshot at every boot. mkBefore: before other postDeviceCommands.',
    `boot.initrd.postDeviceCommands = lib.mkBefore ${nixIndentedString(script, '')};`,
  ];
}

/**
 * systemd stage 1 rejects postDeviceCommands: the same steps as a unit after the LUKS mapping is
 * open and before /sysroot is mounted. bash, coreutils and mount are stage 1's own; btrfs is added.
 */
function systemdRollback(plan: Plan, script: string): string[] {
  const body = `# Like the scripted stage 1: a failing step does not stop the others.\nset +e\n${script}`;
  return [
    'boot.initrd.systemd.enable = true;',
    'boot.initrd.systemd.extraBin.btrfs = "${pkgs.btrfs-progs}/bin/btrfs";',
    '',
    '# Roll / back to the blank snapshot at every boot.',
    'boot.initrd.systemd.services.rollback = {',
    '  description = "Roll back the btrfs root subvolume to its blank snapshot";',
    '  wantedBy = [ "initrd.target" ];',
    `  after = [ ${nixString(cryptsetupUnit(plan.luks.mapping))} ];`,
    '  before = [ "sysroot.mount" ];',
    '  unitConfig.DefaultDependencies = "no";',
    '  serviceConfig.Type = "oneshot";',
    '  # The begin/end lines reach the serial console the harness reads.',
    '  serviceConfig.StandardOutput = "journal+console";',
    `  script = ${nixIndentedString(body, '  ')};`,
    '};',
  ];
}
