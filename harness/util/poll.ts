/**
 * The one polling loop (STYLE.md 3). On timeout it says what it waited for, how long, and the
 * last thing it saw, so no caller writes its own half-informative loop. Every wait of the harness
 * goes through it: a socket to open, sshd to answer, QEMU to exit, a guest command to succeed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedError, HarnessError, TimeoutError } from '../errors.ts';

export interface PollOptions {
  timeoutMs: number;
  /** Pause between tries (default 100 ms); grows by `backoff` up to `maxIntervalMs`. */
  intervalMs?: number;
  /** Each pause is the last one times this (default 1: a fixed interval). */
  backoff?: number;
  maxIntervalMs?: number;
  signal?: AbortSignal;
  /** What is awaited, for the message: "the SSH port to accept connections". */
  what: string;
  /** What was seen last (e.g. the last serial lines), asked only on timeout. */
  lastSeen?: () => string;
  /**
   * Instead of sleeping the interval: resolves when trying again is worth it, after at most `ms`
   * (the serial console wakes its waits on new output).
   */
  wake?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Thrown inside a polled function to stop polling at once and fail with `cause` (p-retry's
 * AbortError): for what retrying will not fix, such as a wrong host key or a refused login.
 */
export class StopPolling extends Error {
  override name = 'StopPolling';
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason), { cause: reason });
  }
}

/**
 * Calls `fn` until it returns a value other than `undefined`/`false`. Errors it throws count as
 * "not yet" (the last one is the TimeoutError's cause), except StopPolling's reason, an abort,
 * and bad input or a missing host tool (ScenarioError, HostError), which no retry fixes.
 *
 * @example
 * const pid = await pollUntil(async () => readPidFile(), { timeoutMs: 5000, what: 'the pid file' });
 */
export async function pollUntil<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  options: PollOptions,
): Promise<T> {
  const started = Date.now();
  let interval = options.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    throwIfAborted(options.signal);
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      if (error instanceof StopPolling) throw error.reason;
      if (isFinal(error)) throw error;
      lastError = error;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= options.timeoutMs) {
      const seen = options.lastSeen?.() ?? (lastError instanceof Error ? lastError.message : '');
      throw new TimeoutError(options.what, options.timeoutMs, seen, { cause: lastError });
    }
    // Never sleep past the deadline: the last try comes at the limit, not a backoff later.
    const pause = Math.min(options.wake ? options.timeoutMs - elapsed : interval, options.timeoutMs - elapsed);
    if (options.wake) await options.wake(pause, options.signal);
    else await sleep(pause, undefined, { signal: options.signal }).catch(() => undefined);
    interval = Math.min(interval * (options.backoff ?? 1), options.maxIntervalMs ?? Number.POSITIVE_INFINITY);
  }
}

/** Errors no retry fixes: an abort, bad input, a missing host tool. */
function isFinal(error: unknown): boolean {
  return error instanceof AbortedError || (error instanceof HarnessError && (error.blame === 'input' || error.blame === 'host'));
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

export interface LimitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** The error when the limit is reached first (built then, so it can show the output so far). */
  timedOut: () => unknown;
  /** Called when the limit or the signal wins: close the stream, forget the pending answer. */
  stop?: () => void;
}

/**
 * `work` raced against its limit and the signal (STYLE.md: a timeout is one more promise in the
 * race): the first reason to stop wins, `stop` cleans up, and an abort rejects as AbortedError.
 *
 * @example await withLimit(answer, { timeoutMs: 10_000, signal, timedOut: () => new InfraError('no answer'), stop: () => pending.delete(id) });
 */
export async function withLimit<T>(work: Promise<T>, options: LimitOptions): Promise<T> {
  // The losing side may still reject later; that is not an unhandled rejection.
  work.catch(() => undefined);
  throwIfAborted(options.signal);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      options.stop?.();
      reject(options.timedOut());
    }, options.timeoutMs);
    timer.unref();
    onAbort = () => {
      options.stop?.();
      try {
        throwIfAborted(options.signal);
      } catch (error) {
        reject(error);
      }
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}
