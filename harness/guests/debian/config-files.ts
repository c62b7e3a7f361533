/**
 * The Debian stand-in's "configuration" (docs/guest-contract.md): the files the harness writes to
 * /mnt/etc/darlings before `darlings-install`, as NixOS's configuration.nix would say the same.
 */
import type { Plan } from '../../scenario/plan.ts';
import { builtinRollbackScript } from '../rollback-script.ts';
import { rollbackUnit, unitFileText } from '../rollback-unit.ts';

/** The wrapped rollback the systemd stage 1's unit runs (markers of docs/guest-contract.md). */
export const ROLLBACK_UNIT_SCRIPT = 'rollback-unit.sh';

/** Values that cannot break out of a double-quoted shell assignment. */
function shValue(v: string): string {
  if (/["$`\\\n]/.test(v)) throw new Error(`Unsafe value for configuration.conf: ${JSON.stringify(v)}`);
  return `"${v}"`;
}

export function configurationConf(plan: Plan): string {
  const needed = plan.btrfs.subvolumes.filter((s) => s.neededForBoot && s.mountPoint !== '/').map((s) => s.mountPoint);
  return [
    '# darlings: the Debian stand-in\'s configuration (like configuration.nix); read by the initrd',
    '# and darlings-install.',
    `HOSTNAME=${shValue(plan.hostname)}`,
    `USER_NAME=${shValue(plan.user.name)}`,
    `NEEDED_FOR_BOOT=${shValue(needed.join(' '))}`,
    `LUKS_MAPPING=${shValue(plan.luks.mapping)}`,
    `BTRFS_OPTIONS=${shValue(plan.btrfs.mountOptions.join(','))}`,
    '# boot.initrd.systemd.enable: the stage 1 darlings-install puts on the ESP.',
    `INITRD=${shValue(plan.initrd)}`,
    '',
  ].join('\n');
}

/** `environment.etc.<name>.source` as lines `etc <name> <source>`. */
export function persistConf(plan: Plan, mapEtc: (name: string) => string | null): string {
  const lines = ['# darlings: persisted /etc entries (environment.etc.<name>.source)'];
  for (const [name, source] of Object.entries(plan.persist.etc)) {
    const mapped = mapEtc(name);
    if (mapped === null) continue;
    lines.push(`etc ${mapped} ${mapped === name ? source : source.replace(new RegExp(`/etc/${name}$`), `/etc/${mapped}`)}`);
  }
  return lines.join('\n') + '\n';
}

/** `systemd.tmpfiles.rules`, one per line, as tmpfiles.d wants them. */
export function tmpfilesConf(plan: Plan): string {
  return ['# darlings: systemd.tmpfiles.rules', ...plan.persist.tmpfiles].join('\n') + '\n';
}

/** The rollback for stage 1, or null when the scenario leaves it out on purpose. */
export function rollbackScript(plan: Plan): string | null {
  if (plan.rollback.kind === 'none') return null;
  if (plan.rollback.kind === 'script') return plan.rollback.source;
  return `${builtinRollbackScript(plan)}\n`;
}

/**
 * systemd stage 1 (`initrd: systemd`): the rollback unit and its script, by path under
 * /etc/darlings (darlings-install puts them into the per-system cpio; the initrd's generator links
 * the unit as its [Install] says). Empty for the scripted form and for `rollback: none`.
 *
 * @example
 * Object.keys(systemdStage1Files(plan)) // ['units/rollback.service', 'rollback-unit.sh']
 */
export function systemdStage1Files(plan: Plan): Record<string, string> {
  const unit = plan.initrd === 'systemd' ? rollbackUnit(plan) : null;
  if (unit === null) return {};
  return {
    [`units/${unit.name}.service`]: unitFileText(unit, `/etc/darlings/${ROLLBACK_UNIT_SCRIPT}`),
    [ROLLBACK_UNIT_SCRIPT]: `${unit.script}\n`,
  };
}
