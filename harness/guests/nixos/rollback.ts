/**
 * The rollback of the root subvolume to its blank snapshot, as shell text for stage 1: the blog's
 * steps with the scenario's names, or the user's own script. Both are framed by the console lines
 * the harness waits for (`darlings-initrd: rollback begin|end`, docs/guest-contract.md).
 */
import type { Plan } from '../../scenario/plan.ts';
import { mapperDevice, rootSubvolume } from './layout.ts';

export const ROLLBACK_BEGIN = 'darlings-initrd: rollback begin';
export const ROLLBACK_END = 'darlings-initrd: rollback end';

/**
 * The blog's rollback (same commands, options and order) for this plan's device and names.
 * Runs under busybox ash (scripted stage 1) and bash (systemd stage 1).
 *
 * @example
 * builtinRollbackScript(plan) // "mkdir -p /mnt\nmount -o subvol=/ /dev/mapper/enc /mnt\n…"
 */
export function builtinRollbackScript(plan: Plan): string {
  const device = mapperDevice(plan);
  const root = rootSubvolume(plan);
  const blank = plan.btrfs.blankSnapshot;
  return [
    'mkdir -p /mnt',
    '',
    '# The top of the btrfs volume, where the subvolumes are siblings.',
    `mount -o subvol=/ ${device} /mnt`,
    '',
    `# systemd leaves subvolumes inside /${root} (var/lib/portables, var/lib/machines);`,
    `# /${root} cannot be deleted before them.`,
    `btrfs subvolume list -o /mnt/${root} |`,
    "cut -f9 -d' ' |",
    'while read subvolume; do',
    '  echo "deleting /$subvolume subvolume..."',
    '  btrfs subvolume delete "/mnt/$subvolume"',
    'done &&',
    `echo "deleting /${root} subvolume..." &&`,
    `btrfs subvolume delete /mnt/${root}`,
    '',
    `echo "restoring blank /${root} subvolume..."`,
    `btrfs subvolume snapshot /mnt/${blank} /mnt/${root}`,
    '',
    'umount /mnt',
  ].join('\n');
}

/** The rollback body for this plan framed by the harness's lines, or null for `rollback: none`. */
export function rollbackScript(plan: Plan): string | null {
  if (plan.rollback.kind === 'none') return null;
  const body = plan.rollback.kind === 'script' ? plan.rollback.source : builtinRollbackScript(plan);
  // A subshell, so a user's `exit` or `set -e` cannot end stage 1 itself.
  return [`echo "${ROLLBACK_BEGIN}"`, '(', body.replace(/\n+$/, ''), ')', `echo "${ROLLBACK_END}"`].join('\n');
}
