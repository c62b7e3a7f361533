/**
 * Where a run pauses for a person (`--pause-before`, `--debug`): the sequencer's hook before a
 * phase, and after a failure before the teardowns. The waiting itself is harness/debug.
 */
import { pauseMachine, pausesAtEnd, pausesBefore, pausesOnFailure } from '../debug/pause.ts';
import { AbortedError } from '../errors.ts';
import { judgeChecks } from './judge.ts';
import type { RunContext } from './run-context.ts';

/** The person ended a pause before a phase: that phase does not run, and the run stops. */
class PauseEnded extends AbortedError {}

async function pause(run: RunContext, phase: string, reason: string): Promise<string | undefined> {
  const guest = run.guest;
  return pauseMachine(guest?.running ? guest.machine : undefined, {
    pause: run.o.pause,
    emit: run.o.emit,
    signal: run.o.signal,
    runId: run.runId,
    phase,
    reason,
    workDir: run.files?.workDir ?? '',
    privateKey: guest?.o.key.privateKey,
    boot: guest?.boots.length ?? 0,
  });
}

/**
 * `--pause-before PHASE` pauses there and the phase fails as interrupted. Before `power-off`,
 * `--debug` pauses when a check failed unexpectedly (or always, with `always`); the checks'
 * verdict stands and power-off then just stops QEMU.
 */
export async function pauseBefore(run: RunContext, phase: string): Promise<void> {
  const when = run.o.pause?.when;
  if (pausesBefore(when, phase)) {
    const ended = await pause(run, phase, `before ${phase}`);
    if (ended) throw new PauseEnded(ended);
  }
  if (phase !== 'power-off') return;
  const failed = judgeChecks(run.checks, run.plan.expectedFailures).filter((c) => c.ok === false).map((c) => c.id);
  if (failed.length && pausesOnFailure(when)) await pause(run, 'checks', `checks failed: ${failed.join(', ')}`);
  else if (pausesAtEnd(when)) await pause(run, 'checks', 'after the checks');
}

/** `--debug`: the phase that failed is recorded and reported; the guest is kept until Ctrl-C. */
export async function pauseAtFailure(run: RunContext): Promise<void> {
  const failed = run.seq.failed;
  if (!failed || !pausesOnFailure(run.o.pause?.when) || run.o.signal.aborted || failed.error instanceof PauseEnded) return;
  const message = run.o.redactor.redact(failed.error instanceof Error ? failed.error.message : String(failed.error));
  // The run's own failure is what the result reports; a pause that cannot be set up only warns.
  await pause(run, failed.phase, `${failed.phase} failed: ${message.split('\n', 1)[0]}`).catch((e: unknown) => run.log(`debug: could not pause: ${e instanceof Error ? e.message : String(e)}`, 'warn'));
}
