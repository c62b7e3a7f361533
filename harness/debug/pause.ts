/**
 * `darlings run --debug[=on-failure|always]` and `--pause-before PHASE`: the runner calls one hook
 * where it would otherwise go on or tear down; the hook tells the reporters how to reach the
 * still-running guest (a `debug-access` event: core code never prints) and waits for Ctrl-C (the
 * run's AbortSignal) or for the guest to power itself off. Then the run tears down as usual.
 *
 * @example
 * const pause = createPause({ emit, signal });
 * await pause({ runId, phase: 'checks', reason: 'before checks' }, access); // until Ctrl-C
 */
import type { Emit } from '../report/events.ts';
import { accessLines, type GuestAccess } from './access.ts';

/** `on-failure`: at a failed phase or an unexpectedly failed check; `always`: also after the checks when all passed. */
export type DebugMode = 'off' | 'on-failure' | 'always';

export interface PauseWhen {
  debug: DebugMode;
  /** Pause right before this phase starts (it does not run). */
  beforePhase?: string;
}

export interface PauseWhere {
  runId: string;
  phase: string;
  /** Why, in words: `before checks`, `checks failed: persist.files`, the phase's error. */
  reason: string;
  /** Settles when QEMU exits (the person powered the guest off): the pause ends then too. */
  machineExited?: Promise<unknown>;
}

export type PauseHook = (where: PauseWhere, access: GuestAccess) => Promise<void>;

/** What RunOptions carries: when to pause and the hook to call. */
export interface RunPause {
  when: PauseWhen;
  pause: PauseHook;
}

/** `--debug` alone means on-failure: what a person reproducing a failing run wants. */
export function parseDebugMode(value: string | boolean | undefined): DebugMode {
  if (value === undefined || value === false) return 'off';
  if (value === true || value === 'on-failure') return 'on-failure';
  if (value === 'always') return 'always';
  throw new Error(`Expected \`--debug\` to be on-failure or always, got \`${value}\``);
}

export function pausesBefore(when: PauseWhen | undefined, phase: string): boolean {
  return when?.beforePhase === phase;
}

export function pausesOnFailure(when: PauseWhen | undefined): boolean {
  return when !== undefined && when.debug !== 'off';
}

export function pausesAtEnd(when: PauseWhen | undefined): boolean {
  return when?.debug === 'always';
}

/** The hook used by `darlings run`. */
export function createPause(o: { emit: Emit; signal: AbortSignal }): PauseHook {
  return async (where, access) => {
    o.emit({ type: 'debug-access', runId: where.runId, phase: where.phase, reason: where.reason, user: access.user, lines: accessLines(access), at: Date.now() });
    await untilAbortedOr(o.signal, where.machineExited);
  };
}

function untilAbortedOr(signal: AbortSignal, other?: Promise<unknown>): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void other?.then(done, done);
  });
}
