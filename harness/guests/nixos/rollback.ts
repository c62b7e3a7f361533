/**
 * The rollback of the root subvolume to its blank snapshot, as shell text for stage 1: the blog's
 * steps with the scenario's names, or the user's own script. Both are framed by the console lines
 * the harness waits for (`darlings-initrd: rollback begin|end`, docs/guest-contract.md).
 */
import type { Plan } from '../../scenario/plan.ts';
import { builtinRollbackScript } from '../rollback-script.ts';

export { builtinRollbackScript };

export const ROLLBACK_BEGIN = 'darlings-initrd: rollback begin';
export const ROLLBACK_END = 'darlings-initrd: rollback end';

/** The rollback body for this plan framed by the harness's lines, or null for `rollback: none`. */
export function rollbackScript(plan: Plan): string | null {
  if (plan.rollback.kind === 'none') return null;
  const body = plan.rollback.kind === 'script' ? plan.rollback.source : builtinRollbackScript(plan);
  // A subshell, so a user's `exit` or `set -e` cannot end stage 1 itself.
  return [`echo "${ROLLBACK_BEGIN}"`, '(', body.replace(/\n+$/, ''), ')', `echo "${ROLLBACK_END}"`].join('\n');
}
