/**
 * The one polling loop (STYLE.md 3). On timeout it says what it waited for, how long, and the
 * last thing it saw, so no caller writes its own half-informative loop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, TimeoutError } from '../errors.ts';

export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** What is awaited, for the message: "the SSH port to accept connections". */
  what: string;
  /** What was seen last (e.g. the last serial lines), asked only on timeout. */
  lastSeen?: () => string;
}

/**
 * Calls `fn` until it returns a value other than `undefined`/`false`.
 *
 * @example
 * const pid = await pollUntil(async () => readPidFile(), { timeoutMs: 5000, what: 'the pid file' });
 */
export async function pollUntil<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  options: PollOptions,
): Promise<T> {
  const started = Date.now();
  const interval = options.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    throwIfAborted(options.signal);
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - started >= options.timeoutMs) {
      const seen = options.lastSeen?.() ?? (lastError instanceof Error ? lastError.message : '');
      throw new TimeoutError(options.what, options.timeoutMs, seen, { cause: lastError });
    }
    await sleep(interval, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

/** Throws the signal's reason as an AbortedError so callers see one class for "stopped". */
export function throwIfAborted(signal?: AbortSignal): void {
  if (!signal?.aborted) return;
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortedError') throw reason;
  throw new AbortedError(reason instanceof Error ? reason.message : String(reason ?? 'aborted'), {
    cause: reason,
  });
}
