/**
 * The fs-diff both guests run for state.drift unless the scenario brings its own: the blog's
 * listing (find-new against the blank snapshot's generation, symlinks and directories left out),
 * written by the project with the plan's names for the top, the root subvolume and the snapshot.
 */
import type { Plan } from '../scenario/plan.ts';
import { shQuote } from '../util/shell.ts';
import { rootSubvolume } from './check.ts';

/**
 * The fs-diff for this plan, as a POSIX sh script; `top` is where the btrfs top (subvol=/) is
 * mounted (the blog's /mnt). Runs as root, so without the blog's `sudo`.
 *
 * @example
 * builtinFsDiffScript(plan, '/mnt') // "…btrfs subvolume find-new '/mnt/root-blank' 9999999…"
 */
export function builtinFsDiffScript(plan: Pick<Plan, 'btrfs'>, top: string): string {
  const root = rootSubvolume(plan);
  if (!root) throw new Error('the plan mounts no subvolume at /: there is no root subvolume to diff');
  const blank = shQuote(`${top}/${plan.btrfs.blankSnapshot}`);
  return [
    '#!/bin/sh',
    `# darlings: files written in the root subvolume (${root}) since its blank snapshot`,
    `# (${plan.btrfs.blankSnapshot}) was taken: state the configuration did not opt in to.`,
    'set -eu',
    '',
    '# The generation the blank snapshot was made at ("transid marker was N").',
    `old=$(btrfs subvolume find-new ${blank} 9999999)`,
    'old=${old#transid marker was }',
    '',
    '# Every inode of the root newer than that; the last line is the marker again.',
    '# Kept in a variable first, so a failing find-new fails the script (sh has no pipefail).',
    `new=$(btrfs subvolume find-new ${shQuote(`${top}/${root}`)} "$old")`,
    'printf \'%s\\n\' "$new" |',
    "sed '$d' |",
    "cut -f17- -d' ' |",
    'sort -u |',
    'while IFS= read -r path; do',
    '  path="/$path"',
    '  # Links are made by the configuration, folders are not state by themselves.',
    '  if [ -L "$path" ] || [ -d "$path" ]; then continue; fi',
    '  printf \'%s\\n\' "$path"',
    'done',
    '',
  ].join('\n');
}
