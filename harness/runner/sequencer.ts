/**
 * Runs named phases in order, each a timed span with nested steps, and the teardowns their
 * setups registered (reverse order, also after a failure or an abort: Playwright's runner and
 * `test.step`). The first failing phase stops the sequence; its status comes from the error's
 * class. Nothing here knows what a phase does.
 */
import { AbortedError } from '../errors.ts';
import type { Emit } from '../report/events.ts';
import type { PhaseResult } from '../report/results.ts';
import type { StepRunner } from '../procedure/context.ts';
import { statusForError } from './judge.ts';
import { Teardowns } from './teardowns.ts';

export interface Phase {
  name: string;
  run(): Promise<void>;
}

export interface SequencerOptions {
  runId: string;
  emit: Emit;
  signal: AbortSignal;
  startedAt: number;
  /** Secrets out of error messages. */
  redact: (text: string) => string;
  /** After a phase failed, before its end is reported (a screenshot of the screen then). */
  onFailure?: (phase: string, error: unknown) => Promise<void>;
  /** Before a phase starts (a debugging pause); its errors fail that phase. */
  beforePhase?: (phase: string) => Promise<void>;
}

export class Sequencer {
  readonly phases: PhaseResult[] = [];
  readonly teardowns = new Teardowns();
  /** The phase that stopped the run, and why (an error outside any phase is named `run`). */
  failed?: { phase: string; error: unknown };
  #current = '';
  #depth = 0;

  constructor(readonly o: SequencerOptions) {}

  get currentPhase(): string {
    return this.#current;
  }

  /** Runs the phases in order; throws the first failure after recording it. */
  async run(phases: readonly Phase[]): Promise<void> {
    for (const p of phases) await this.phase(p.name, () => p.run());
  }

  async phase(name: string, fn: () => Promise<void>): Promise<void> {
    const { emit, runId } = this.o;
    if (this.o.signal.aborted) {
      const error = new AbortedError(String(this.o.signal.reason?.message ?? 'aborted'));
      this.failed ??= { phase: name, error };
      throw error;
    }
    const at = Date.now();
    this.#current = name;
    emit({ type: 'phase-begin', runId, phase: name, at });
    try {
      await this.o.beforePhase?.(name);
      await fn();
      this.phases.push({ name, status: 'passed', durationMs: Date.now() - at, startMs: at - this.o.startedAt });
      emit({ type: 'phase-end', runId, phase: name, status: 'passed', durationMs: Date.now() - at, at: Date.now() });
    } catch (error) {
      const status = this.o.signal.aborted ? 'error' : statusForError(error);
      const message = this.o.redact(error instanceof Error ? error.message : String(error));
      this.failed = { phase: name, error };
      this.phases.push({ name, status, durationMs: Date.now() - at, error: message, startMs: at - this.o.startedAt });
      // Not when interrupted: the user asked to stop, and under load a QMP round trip can eat the
      // grace period a CI runner gives before SIGKILL.
      if (!this.o.signal.aborted) await this.o.onFailure?.(name, error).catch(() => undefined);
      emit({ type: 'phase-end', runId, phase: name, status, durationMs: Date.now() - at, error: message, at: Date.now() });
      throw error;
    }
  }

  /**
   * An error that escaped the phases (a bug, or a failure between them) is recorded as a phase
   * of its own, so the run can never end green without saying what happened.
   */
  recordOutside(error: unknown): void {
    if (this.failed) return;
    const message = this.o.redact(error instanceof Error ? error.message : String(error));
    this.failed = { phase: 'run', error };
    this.phases.push({ name: 'run', status: 'error', durationMs: 0, error: message, startMs: Date.now() - this.o.startedAt });
  }

  /** Times a nested step ("wait for the passphrase prompt … 31.2 s"); depth 0 is directly in the phase. */
  step: StepRunner = async (name, fn) => {
    const { emit, runId } = this.o;
    const depth = this.#depth++;
    const at = Date.now();
    const phase = this.#current;
    emit({ type: 'step-begin', runId, phase, step: name, depth, at });
    let ok = false;
    try {
      const v = await fn();
      ok = true;
      return v;
    } finally {
      this.#depth--;
      emit({ type: 'step-end', runId, phase, step: name, depth, durationMs: Date.now() - at, ok, at: Date.now() });
    }
  };
}
