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
import { accessLines, writeAccessFiles, type GuestAccess } from './access.ts';

/** What the pause needs of a running machine (vm/machine.ts's Machine has it). */
export interface PausableMachine {
  readonly running: boolean;
  readonly exited: Promise<unknown>;
  readonly spec: { sshPort: number; serialSocket: string; qmpSocket: string };
  readonly serial: { since(offset: number): string; close(): void };
  readonly qmp: { close(): void };
}

/** The console line each boot announces its host key with (as channels/keys.ts's HOSTKEY_LINE). */
const HOSTKEY = /darlings-hostkey: (ssh-[a-z0-9-]+ [A-Za-z0-9+/=]+)[^\S\n]*\r?\n/g;

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

export interface PauseMachineOptions {
  pause?: RunPause;
  emit: Emit;
  signal: AbortSignal;
  runId: string;
  phase: string;
  reason: string;
  /** The run's 0700 work folder: the key and known_hosts go there, and go with it. */
  workDir: string;
  privateKey?: string;
  boot: number;
}

/**
 * Writes the access files, hands the console and QMP over (each takes one client at a time), and
 * waits in the hook. Resolves with why the pause ended (`interrupted by SIGINT`, the guest powered
 * off), or undefined when there was nothing to pause at (no machine running: a warning says so).
 */
export async function pauseMachine(m: PausableMachine | undefined, o: PauseMachineOptions): Promise<string | undefined> {
  if (!o.pause || !m?.running || !o.privateKey) {
    o.emit({ type: 'log', runId: o.runId, level: 'warn', message: `debug: no pause at ${o.phase} (${o.reason}): no machine is running`, at: Date.now() });
    return undefined;
  }
  // This boot's host key, if the guest announced it: each boot is a new QEMU with a new console.
  const announced = [...m.serial.since(0).matchAll(HOSTKEY)].at(-1)?.[1];
  const files = await writeAccessFiles(o.workDir, { privateKey: o.privateKey, sshPort: m.spec.sshPort, hostKeyLine: announced, boot: o.boot });
  m.serial.close();
  m.qmp.close();
  await o.pause.pause(
    { runId: o.runId, phase: o.phase, reason: o.reason, machineExited: m.exited },
    { sshPort: m.spec.sshPort, ...files, serialSocket: m.spec.serialSocket, qmpSocket: m.spec.qmpSocket, user: 'root' },
  );
  if (o.signal.aborted) return String((o.signal.reason as Error | undefined)?.message ?? 'aborted');
  return 'the guest powered off during the debug pause';
}
