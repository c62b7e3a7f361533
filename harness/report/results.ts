/**
 * results.json, the contract in DESIGN.md ("change only by adding"). Tools outside the project
 * read it; fields below the DESIGN.md ones are additions.
 */
import type { CheckStatus, Status } from './events.ts';
import type { GuestName } from '../scenario/plan.ts';

export interface PhaseResult {
  name: string;
  status: Status;
  durationMs: number;
  /** Addition: why a phase failed (secrets redacted). */
  error?: string;
  /** Addition: ms since run start, for timelines. */
  startMs?: number;
}

export interface CheckResult {
  id: string;
  status: CheckStatus;
  message: string;
  expectedFailure: boolean;
  /** Addition: passed/failed as the run judges it (an expected failure that failed is ok). */
  ok?: boolean;
  /** Addition: ms since run start when the check was judged, for the timeline and log links. */
  atMs?: number;
  /** Addition: the serial log line nearest the check's moment (`serial-<boot>.log`, 1-based). */
  serial?: { boot: number; line: number };
}

export interface RunResult {
  scenario: string;
  guest: GuestName;
  status: Status;
  durationMs: number;
  accel: 'kvm' | 'tcg';
  phases: PhaseResult[];
  checks: CheckResult[];
  /** Additions. */
  profile?: string;
  kernel?: string;
  startedAt?: string;
  error?: string;
  /** Files in the output folder, relative names. */
  artifacts?: string[];
  /** Boots with their serial log file and start offset. */
  boots?: { index: number; label: string; serialLog: string; startMs: number }[];
  host?: { qemuVersion?: string; hostname?: string; platform?: string };
  outputDir?: string;
  /**
   * A `from:` run: the checkpoint it booted (`<scenario>@<stage>`, the cache key), or, when that
   * was missing or stale, `rebuilt: true` (the run installed, and booted, first).
   */
  checkpoint?: { from: string; key: string; rebuilt: boolean };
}
