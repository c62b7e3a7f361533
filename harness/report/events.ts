/**
 * What the core tells the world. Core code never prints (STYLE.md 6): it emits these, and
 * reporters turn them into lines, JUnit, JSON and HTML. Reporters import only this file and
 * `results.ts`, never the runner or the machine.
 */
import type { RunResult } from './results.ts';
import type { GuestName } from '../scenario/plan.ts';

export type Status = 'passed' | 'failed' | 'error';
export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface RunInfo {
  /** Unique per run in one harness invocation (scenario, guest, kernel). */
  runId: string;
  scenario: string;
  guest: GuestName;
  profile: string;
  kernel: string;
  outputDir: string;
}

export type HarnessEvent =
  | { type: 'run-begin'; run: RunInfo; accel: 'kvm' | 'tcg'; accelNote: string; at: number }
  | { type: 'phase-begin'; runId: string; phase: string; at: number }
  | { type: 'phase-end'; runId: string; phase: string; status: Status; durationMs: number; error?: string; at: number }
  /** A timed action inside a phase ("waiting for the passphrase prompt"), nested spans; depth 0 is directly in the phase. */
  | { type: 'step-begin'; runId: string; phase: string; step: string; depth: number; at: number }
  | { type: 'step-end'; runId: string; phase: string; step: string; depth: number; durationMs: number; ok: boolean; at: number }
  | { type: 'boot'; runId: string; boot: number; label: string; at: number }
  | {
      type: 'check'; runId: string; id: string; status: CheckStatus; message: string; expectedFailure: boolean; at: number;
      /** Addition: where in the serial logs the check's moment is (links the HTML report there). */
      serial?: { boot: number; line: number };
    }
  | { type: 'artifact'; runId: string; name: string; path: string; at: number }
  | { type: 'log'; runId: string; level: 'info' | 'warn'; message: string; at: number }
  | { type: 'run-end'; runId: string; result: RunResult; at: number };

/** A reporter: every method optional; a throwing reporter never breaks a run (see multiplexer). */
export interface Reporter {
  /** Addition: names the reporter in the multiplexer's warning when it throws. */
  readonly name?: string;
  onEvent?(event: HarnessEvent): void;
  /** Called once after every run has ended; may write files. */
  onEnd?(results: RunResult[]): Promise<void> | void;
}

export type Emit = (event: HarnessEvent) => void;
