/**
 * Errors split by blame (STYLE.md 4): the system under test being wrong (`CheckFailed`, a failed
 * guest command) is a different outcome from the VM or a channel breaking (`InfraError`) or bad
 * input (`ScenarioError`). Each class carries its blame; the run status (`status`) and the CLI's
 * exit code (`cliExitCode`) follow from it, so no caller keeps a list of classes.
 */
import { formatDuration } from './util/duration.ts';

/**
 * Who is at fault: `system` (the system under test is not as expected: the phase `failed`),
 * `harness` (the VM, a channel, the harness itself: `error`), `input` (the scenario or command
 * line: exit 2), `host` (a missing tool: exit 3).
 */
export type Blame = 'system' | 'harness' | 'input' | 'host';

export class HarnessError extends Error {
  override name = 'HarnessError';
  readonly blame: Blame = 'harness';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /** The status of the phase this error ended: only the system's fault is a failure. */
  get status(): 'failed' | 'error' {
    return this.blame === 'system' ? 'failed' : 'error';
  }

  /** DESIGN.md exit codes: 1 check or step failed (or harness error), 2 bad usage, 3 host lacks something. */
  get cliExitCode(): 1 | 2 | 3 {
    return this.blame === 'input' ? 2 : this.blame === 'host' ? 3 : 1;
  }
}

/** The VM, a channel or the host broke: not a verdict on the system under test. */
export class InfraError extends HarnessError {
  override name = 'InfraError';
}

/** The host lacks a tool or feature; `install` says how to get it. Exit code 3. */
export class HostError extends HarnessError {
  override name = 'HostError';
  override readonly blame: Blame = 'host';
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
  override readonly blame: Blame = 'input';
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
  override readonly blame: Blame = 'system';
}

/**
 * A wait ran out. Carries what was awaited, for how long, and what was seen last. The guest not
 * showing what it should in time (a prompt, a login) is the system's fault.
 */
export class TimeoutError extends InfraError {
  override name = 'TimeoutError';
  override readonly blame: Blame = 'system';
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
  override readonly blame: Blame = 'system';
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
  return error instanceof HarnessError ? error.cliExitCode : 1;
}

/** What a finished (or stopped) command gave back: execa's result fields, for CommandFailed. */
export interface CommandResult {
  command: string;
  /** Undefined when the command never exited (timed out, connection lost). */
  exitCode?: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /** The limit it ran under, for the message. */
  timeoutMs?: number;
}

/**
 * A command on the guest exited non-zero or did not finish within its limit. Carries the result,
 * as execa's errors do; the message, built here only, names the command, its exit code or the
 * limit, and the tail of its output. `redact` is applied to every field, so no secret reaches a
 * log through it.
 *
 * @example
 * throw new CommandFailed({ command: 'cryptsetup open …', exitCode: 2, stdout: '', stderr: 'No key available', durationMs: 812, timedOut: false }, redactor.redact);
 */
export class CommandFailed extends HarnessError implements CommandResult {
  override name = 'CommandFailed';
  override readonly blame: Blame = 'system';
  readonly command: string;
  readonly exitCode?: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
  readonly timeoutMs?: number;

  constructor(result: CommandResult, redact: (text: string) => string = (t) => t, options?: { cause?: unknown }) {
    const r = { ...result, command: redact(result.command), stdout: redact(result.stdout), stderr: redact(result.stderr) };
    super(commandFailedMessage(r), options);
    this.command = r.command;
    if (r.exitCode !== undefined) this.exitCode = r.exitCode;
    this.stdout = r.stdout;
    this.stderr = r.stderr;
    this.durationMs = r.durationMs;
    this.timedOut = r.timedOut;
    if (r.timeoutMs !== undefined) this.timeoutMs = r.timeoutMs;
  }
}

/** "`cmd` exited 2 after 0.8 s:\n<last 20 lines>" or "`cmd` did not finish within 2m 00s". */
function commandFailedMessage(r: CommandResult): string {
  const what = r.timedOut
    ? `\`${r.command}\` did not finish within ${formatDuration(r.timeoutMs ?? r.durationMs)}`
    : r.exitCode === undefined
      ? `\`${r.command}\` ended without an exit status after ${formatDuration(r.durationMs)}`
      : `\`${r.command}\` exited ${r.exitCode} after ${formatDuration(r.durationMs)}`;
  const output = r.timedOut ? (r.stdout + r.stderr).trim() : (r.stderr || r.stdout).trim();
  const tail = output.split('\n').slice(-20).join('\n');
  return tail ? `${what}${r.timedOut ? '\n--- output so far ---\n' : ':\n'}${tail}` : what;
}
