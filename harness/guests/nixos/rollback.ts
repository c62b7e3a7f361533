/**
 * The rollback of the root subvolume to its blank snapshot, as shell text for stage 1: the blog's
 * steps with the scenario's names, or the user's own script, framed by the console lines the
 * harness waits for (harness/guests/rollback-unit.ts, docs/guest-contract.md).
 */
export { builtinRollbackScript } from '../rollback-script.ts';
export { ROLLBACK_BEGIN, ROLLBACK_END } from '../rollback-unit.ts';
