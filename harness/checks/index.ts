/** The DESIGN.md checks, in report order. */
import type { Check } from './check.ts';
import { blankNotNested, canaryGone } from './rollback.ts';
import { journalBoots, machineId, networkManager, persistFiles } from './persist.ts';
import { btrfsLayout, mountOptions, rootEncrypted, swapActive } from './layout.ts';
import { stateDrift } from './drift.ts';
import { KERNEL_CHECKS } from './kernel.ts';
import { rollbackOrdered } from './rollback-order.ts';

export const DESIGN_CHECKS: readonly Check[] = [
  blankNotNested,
  canaryGone,
  persistFiles,
  machineId,
  journalBoots,
  networkManager,
  rootEncrypted,
  btrfsLayout,
  mountOptions,
  swapActive,
  stateDrift,
];

export type { Check, CheckContext, CheckOutcome } from './check.ts';
export * from './parse.ts';

/** What a run of the blog procedure checks: DESIGN.md's, then the kernel and hardware ones. */
export const ALL_CHECKS: readonly Check[] = [...DESIGN_CHECKS, rollbackOrdered, ...KERNEL_CHECKS];
export { KERNEL_CHECKS, badKernelLines, DEFAULT_DENY } from './kernel.ts';
export { POWER_CUT_CHECKS, nonZeroStats } from './power-cut.ts';
