/**
 * The rollback both guests run in stage 1 unless the scenario brings its own: the blog's
 * commands, options and order, with the scenario's names for the mapping, root and blank snapshot.
 */
import type { Plan } from '../scenario/plan.ts';

/**
 * The blog's rollback (same commands, options and order) for this plan's device and names.
 * Runs under busybox ash (scripted stage 1) and bash (systemd stage 1).
 *
 * @example
 * builtinRollbackScript(plan) // "mkdir -p /mnt\nmount -o subvol=/ /dev/mapper/enc /mnt\n…"
 */
export function builtinRollbackScript(plan: Plan): string {
  const device = `/dev/mapper/${plan.luks.mapping}`;
  const root = plan.btrfs.subvolumes.find((s) => s.mountPoint === '/')?.name ?? 'root';
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

