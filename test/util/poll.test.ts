import { describe, expect, it } from 'vitest';
import { pollUntil, StopPolling, withLimit } from '../../harness/util/poll.ts';
import { AbortedError, HostError, InfraError, ScenarioError, TimeoutError } from '../../harness/errors.ts';
import { untilSucceeds, type ExecResult, type GuestShell } from '../../harness/channels/shell.ts';

describe('pollUntil, the one wait', () => {
  it('returns the first value that is not undefined or false', async () => {
    let n = 0;
    await expect(pollUntil(() => (++n >= 3 ? `try ${n}` : false), { timeoutMs: 1000, intervalMs: 1, what: 'x' })).resolves.toBe('try 3');
  });

  it('on timeout says what it waited for, how long, and the last thing it saw', async () => {
    const error = await pollUntil(() => {
      throw new InfraError('connection refused');
    }, { timeoutMs: 30, intervalMs: 5, what: 'the socket' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe('Timed out after 0.0 s waiting for the socket\n--- last output ---\nconnection refused');
    expect((error as TimeoutError).cause).toBeInstanceOf(InfraError);
  });

  it('stops at once on StopPolling, failing with its reason', async () => {
    let n = 0;
    const reason = new InfraError('wrong host key');
    await expect(pollUntil(() => {
      n++;
      throw new StopPolling(reason);
    }, { timeoutMs: 5000, intervalMs: 1, what: 'x' })).rejects.toBe(reason);
    expect(n).toBe(1);
  });

  it('never retries bad input, a missing host tool or an abort', async () => {
    for (const error of [new ScenarioError('bad'), new HostError('no qemu'), new AbortedError('stop')]) {
      let n = 0;
      await expect(pollUntil(() => {
        n++;
        throw error;
      }, { timeoutMs: 5000, intervalMs: 1, what: 'x' })).rejects.toBe(error);
      expect(n, error.name).toBe(1);
    }
  });

  it('stops with an AbortedError when the signal fires during a pause', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('Ctrl-C')), 20);
    const started = Date.now();
    const error = await pollUntil(() => false, { timeoutMs: 10_000, intervalMs: 5000, what: 'x', signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('backs off between tries, and makes its last try at the deadline, not a pause past it', async () => {
    const tries = async (options: { backoff?: number; maxIntervalMs?: number }) => {
      const at: number[] = [];
      const started = Date.now();
      await pollUntil(() => {
        at.push(Date.now() - started);
        return false;
      }, { timeoutMs: 300, intervalMs: 10, what: 'x', ...options }).catch(() => undefined);
      return at;
    };
    const fixed = await tries({});
    const backedOff = await tries({ backoff: 2, maxIntervalMs: 80 });
    expect(backedOff.length).toBeLessThan(fixed.length);
    // 10, 20, 40, 80, 80 ms… : the pauses grow, and the one before the deadline is cut short.
    expect(backedOff.at(-1)!).toBeGreaterThanOrEqual(300);
  });
});

describe('untilSucceeds, a wait inside the guest', () => {
  const shellAnswering = (codes: number[]): GuestShell & { calls: number } => {
    const shell = {
      calls: 0,
      async run(): Promise<ExecResult> {
        const exitCode = codes[Math.min(shell.calls++, codes.length - 1)]!;
        return { exitCode, stdout: '', stderr: exitCode ? 'not yet' : '', durationMs: 1 };
      },
      async expectSuccess(): Promise<string> {
        return '';
      },
      async upload(): Promise<void> {},
    };
    return shell;
  };

  it('tries the command until it exits 0', async () => {
    const shell = shellAnswering([1, 1, 0]);
    await expect(untilSucceeds(shell, 'test -b /dev/x', { timeoutMs: 1000, intervalMs: 1, what: 'x' })).resolves.toMatchObject({ exitCode: 0 });
    expect(shell.calls).toBe(3);
  });

  it('times out showing the last exit code and output', async () => {
    const error = await untilSucceeds(shellAnswering([1]), 'test -b /dev/x', { timeoutMs: 20, intervalMs: 5, what: 'the partition' }).catch((e: unknown) => e);
    expect((error as TimeoutError).message).toMatch(/waiting for the partition\n--- last output ---\n`test -b \/dev\/x` exited 1:\nnot yet$/);
  });
});

describe('withLimit, a timeout as one more promise in the race', () => {
  it('gives the work its result when it wins', async () => {
    await expect(withLimit(Promise.resolve(7), { timeoutMs: 1000, timedOut: () => new Error('late') })).resolves.toBe(7);
  });

  it('rejects with the timeout error when the limit wins, and stops the work', async () => {
    let stopped = 0;
    const never = new Promise<number>(() => {});
    await expect(withLimit(never, { timeoutMs: 10, timedOut: () => new InfraError('no answer'), stop: () => stopped++ })).rejects.toThrow('no answer');
    expect(stopped).toBe(1);
  });

  it('rejects with an AbortedError when the signal wins, and stops the work', async () => {
    let stopped = 0;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('Ctrl-C')), 10);
    const never = new Promise<number>(() => {});
    await expect(withLimit(never, { timeoutMs: 60_000, signal: controller.signal, timedOut: () => new Error('late'), stop: () => stopped++ })).rejects.toBeInstanceOf(AbortedError);
    expect(stopped).toBe(1);
  });

  it('does not leave the losing work as an unhandled rejection', async () => {
    const failsLater = new Promise<number>((_, reject) => setTimeout(() => reject(new Error('after the limit')), 20));
    await expect(withLimit(failsLater, { timeoutMs: 5, timedOut: () => new Error('limit') })).rejects.toThrow('limit');
    await new Promise((r) => setTimeout(r, 40));
  });
});
