/**
 * The rollback of the root subvolume to its blank snapshot, as shell text for stage 1: the blog's
 * steps with the scenario's names, or the user's own script, framed by the console lines the
 * harness waits for (harness/procedure/rollback-unit.ts, docs/guest-contract.md).
 */
export { builtinRollbackScript } from '../../procedure/rollback-script.ts';
export { ROLLBACK_BEGIN, ROLLBACK_END } from '../../procedure/rollback-unit.ts';
