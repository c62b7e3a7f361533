/**
 * The check ids a scenario may name in `expect.failures` and `skip`: DESIGN.md's table, plus the
 * families of checks scenarios add (`kernel.*`, `hardware.*`, `power-cut.*`).
 */
import type { CheckId } from './plan.ts';

export const KNOWN_CHECK_IDS: readonly CheckId[] = [
  'rollback.blank-not-nested',
  'rollback.canary-gone',
  'persist.files',
  'persist.machine-id',
  'persist.journal-boots',
  'persist.networkmanager',
  'luks.root-encrypted',
  'btrfs.layout',
  'mounts.options',
  'swap.active',
  'state.drift',
  // Added by adding (issue 13); harness/checks/index.ts CHECK_IDS is what the harness runs.
  'rollback.ran',
  'rollback.ordered',
  'persist.config',
  'persist.adjtime',
  'persist.nixos-marker',
  'persist.nm-seen-bssids',
  'persist.nm-timestamps',
  'persist.login',
  'services.active',
];

export const CHECK_ID_PREFIXES: readonly string[] = ['kernel.', 'hardware.', 'power-cut.'];

const SUFFIX = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/;

/**
 * Whether `id` names a known check or one of a known family.
 * @example isCheckId('state.drift') // true
 * @example isCheckId('kernel.log-clean') // true
 */
export function isCheckId(id: string): boolean {
  if (KNOWN_CHECK_IDS.includes(id)) return true;
  const prefix = CHECK_ID_PREFIXES.find((p) => id.startsWith(p));
  return prefix !== undefined && SUFFIX.test(id.slice(prefix.length));
}
