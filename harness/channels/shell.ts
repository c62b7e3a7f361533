/**
 * What a shell on a booted guest offers (the SSH channel implements it). Lives in channels/, the
 * lower layer, so guests and the procedure can speak of a shell without channels importing them.
 */
import { pollUntil, type PollOptions } from '../util/poll.ts';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface ExecOptions {
  /**
   * Fed to the command's stdin (how secrets reach the guest: never in argv); a stream is piped as
   * it comes (a store closure), never held whole in memory.
   */
  stdin?: string | Buffer | NodeJS.ReadableStream;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A shell on a booted guest (the SSH channel); what guest drivers may use. */
export interface GuestShell {
  /** Runs `command` under `sh -c`; resolves with its exit code, never throws on non-zero (CommandFailed on its limit). */
  run(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Like run, but a non-zero exit throws CommandFailed (errors.ts) carrying the whole result. */
  expectSuccess(command: string, options?: ExecOptions): Promise<string>;
  /** Writes `content` to `path` on the guest with `mode` (octal, e.g. 0o600). */
  upload(path: string, content: string | Buffer, mode?: number, options?: Omit<ExecOptions, 'stdin'>): Promise<void>;
}

/**
 * Waits until `command` exits 0 on the guest, trying again every `intervalMs`: the one way to
 * wait for something inside the guest (a device node, a service), through pollUntil. On timeout
 * the TimeoutError shows the last try's exit code and output.
 *
 * @example await untilSucceeds(shell, 'test -b /dev/nvme0n1p3', { timeoutMs: 10_000, intervalMs: 200, what: 'the partition', signal });
 */
export async function untilSucceeds(shell: GuestShell, command: string, options: PollOptions & { commandTimeoutMs?: number }): Promise<ExecResult> {
  let last: ExecResult | undefined;
  return pollUntil(
    async () => {
      last = await shell.run(command, { signal: options.signal, timeoutMs: options.commandTimeoutMs ?? options.timeoutMs });
      return last.exitCode === 0 ? last : undefined;
    },
    {
      ...options,
      lastSeen: () =>
        options.lastSeen?.() ?? (last ? `\`${command}\` exited ${last.exitCode}${(last.stdout + last.stderr).trim() ? `:\n${(last.stdout + last.stderr).trim()}` : ''}` : ''),
    },
  );
}
