import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  CheckFailed,
  CommandFailed,
  exitCodeFor,
  GuestCrashed,
  HarnessError,
  HostError,
  InfraError,
  ScenarioError,
  TimeoutError,
} from '../harness/errors.ts';
import { Redactor } from '../harness/util/redact.ts';

describe('errors carry their blame', () => {
  it('each class says its status and exit code; nothing else decides them', () => {
    const cases: [HarnessError, 'failed' | 'error', 1 | 2 | 3][] = [
      [new CheckFailed('x'), 'failed', 1],
      [new CommandFailed({ command: 'false', exitCode: 1, stdout: '', stderr: '', durationMs: 1, timedOut: false }), 'failed', 1],
      [new TimeoutError('the prompt', 10, ''), 'failed', 1],
      [new GuestCrashed('kernel-panic', 'x'), 'failed', 1],
      [new InfraError('x'), 'error', 1],
      [new AbortedError('x'), 'error', 1],
      [new HostError('x', 'apt-get install -y qemu-system-x86'), 'error', 3],
      [new ScenarioError('x', 'a.yaml', 3, 4), 'error', 2],
    ];
    for (const [error, status, exit] of cases) {
      expect(error.status, error.name).toBe(status);
      expect(exitCodeFor(error), error.name).toBe(exit);
    }
    expect(exitCodeFor(new Error('bug'))).toBe(1);
  });
});

describe('CommandFailed carries the result, as execa does', () => {
  it('has command, exitCode, stdout, stderr, durationMs, timedOut and cause', () => {
    const cause = new Error('underlying');
    const e = new CommandFailed({ command: 'btrfs subvolume delete /mnt/root', exitCode: 1, stdout: 'out', stderr: 'ERROR: busy', durationMs: 1234, timedOut: false }, undefined, { cause });
    expect(e).toMatchObject({ command: 'btrfs subvolume delete /mnt/root', exitCode: 1, stdout: 'out', stderr: 'ERROR: busy', durationMs: 1234, timedOut: false, cause });
    expect(e.message).toBe('`btrfs subvolume delete /mnt/root` exited 1 after 1.2 s:\nERROR: busy');
  });

  it('names the limit when the command timed out, with the output so far', () => {
    const e = new CommandFailed({ command: 'nixos-install', stdout: 'copying…', stderr: '', durationMs: 120_004, timedOut: true, timeoutMs: 120_000 });
    expect(e.exitCode).toBeUndefined();
    expect(e.message).toBe('`nixos-install` did not finish within 2m 00s\n--- output so far ---\ncopying…');
  });

  it('keeps only the last 20 lines of output in the message', () => {
    const stderr = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const e = new CommandFailed({ command: 'x', exitCode: 3, stdout: '', stderr, durationMs: 1, timedOut: false });
    expect(e.message).not.toContain('line 9\n');
    expect(e.message).toContain('line 10\n');
    expect(e.stderr).toBe(stderr);
  });

  it('never carries a secret, in the message or in any field', () => {
    const redactor = new Redactor(['hunter2-passphrase']);
    const e = new CommandFailed(
      { command: 'echo hunter2-passphrase | cryptsetup open', exitCode: 2, stdout: 'hunter2-passphrase', stderr: 'bad hunter2-passphrase', durationMs: 1, timedOut: false },
      (t) => redactor.redact(t),
    );
    expect(JSON.stringify({ ...e, message: e.message })).not.toContain('hunter2');
    expect(e.message).toContain('`echo');
  });
});
