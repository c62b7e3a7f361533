/**
 * Errors split by blame (STYLE.md 4): the system under test being wrong (`CheckFailed`) is a
 * different outcome from the VM or a channel breaking (`InfraError`) or bad input (`ScenarioError`).
 * The exit code follows from the class, in one place (`exitCodeFor`).
 */
import { formatDuration } from './util/duration.ts';

export class HarnessError extends Error {
  override name = 'HarnessError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The VM, a channel or the host broke: not a verdict on the system under test. */
export class InfraError extends HarnessError {
  override name = 'InfraError';
}

/** The host lacks a tool or feature; `install` says how to get it. Exit code 3. */
export class HostError extends HarnessError {
  override name = 'HostError';
  constructor(
    message: string,
    readonly install?: string,
    options?: { cause?: unknown },
  ) {
    super(install ? `${message}\n  install: ${install}` : message, options);
  }
}

/** A scenario or command line is wrong. Exit code 2; nothing has been started. */
export class ScenarioError extends HarnessError {
  override name = 'ScenarioError';
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(file ? `${file}${line ? `:${line}:${column ?? 1}` : ''}: ${message}` : message);
  }
}

/** The system under test is not as expected. */
export class CheckFailed extends HarnessError {
  override name = 'CheckFailed';
}

/** A wait ran out. Carries what was awaited, for how long, and what was seen last. */
export class TimeoutError extends InfraError {
  override name = 'TimeoutError';
  readonly timedOut = true;
  constructor(
    readonly awaited: string,
    readonly timeoutMs: number,
    readonly lastSeen: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Timed out after ${formatDuration(timeoutMs)} waiting for ${awaited}` +
        (lastSeen ? `\n--- last output ---\n${lastSeen}` : ''),
      options,
    );
  }
}

/** What the guest showed instead of what was awaited: a panic, an emergency shell. */
export class GuestCrashed extends InfraError {
  override name = 'GuestCrashed';
  constructor(
    readonly kind: 'kernel-panic' | 'emergency-mode' | 'qemu-exited',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The run was stopped by a signal (Ctrl-C, SIGTERM) or by its overall deadline. */
export class AbortedError extends HarnessError {
  override name = 'AbortedError';
}

/** DESIGN.md exit codes: 0 passed, 1 check or step failed, 2 bad usage, 3 host lacks something. */
export function exitCodeFor(error: unknown): 1 | 2 | 3 {
  if (error instanceof ScenarioError) return 2;
  if (error instanceof HostError) return 3;
  return 1;
}
