import { describe, expect, it } from 'vitest';
import { commandsFor, persistCommands, runPersistCommands } from '../../harness/procedure/persist-commands.ts';
import { debianEtcEntry } from '../../harness/guests/debian/driver.ts';
import { DEFAULT_PERSIST_COMMANDS } from '../../harness/scenario/defaults.ts';
import type { StepContext } from '../../harness/procedure/context.ts';
import type { ExecResult } from '../../harness/guests/guest.ts';
import { testPlan } from '../support/plan.ts';

const blogPlan = () => testPlan({ deviations: [], expectedCommandFailures: [], persist: { ...testPlan().persist, commands: [...DEFAULT_PERSIST_COMMANDS] } });

describe("the blog's copies into /persist", () => {
  it('are the blog commands by default, verbatim (no -r on /etc/nixos)', () => {
    expect(DEFAULT_PERSIST_COMMANDS).toContain('cp {,/persist}/etc/nixos');
    expect(DEFAULT_PERSIST_COMMANDS).toContain('cp /var/lib/NetworkManager/{secret_key,seen-bssids,timestamps} /persist/var/lib/NetworkManager/');
    expect(DEFAULT_PERSIST_COMMANDS.some((c) => c.includes('machine-id'))).toBe(false);
  });

  it('map /etc/nixos to the stand-in folder and say so, and keep /etc/NIXOS for nixos only', () => {
    const cmds = persistCommands(blogPlan(), 'debian', debianEtcEntry);
    const nixos = cmds.find((c) => c.name === 'cp {,/persist}/etc/nixos')!;
    expect(nixos.command).toBe('cp {,/persist}/etc/darlings');
    expect(nixos.note).toContain('/etc/darlings is its /etc/nixos');
    const marker = cmds.find((c) => c.name === 'cp {,/persist}/etc/NIXOS')!;
    expect(marker).toMatchObject({ guest: 'nixos', note: 'not on debian: it has no /etc/NIXOS' });
    expect(commandsFor(blogPlan(), 'debian', debianEtcEntry).map((c) => c.name)).not.toContain('cp {,/persist}/etc/NIXOS');
  });

  it('are unchanged on nixos', () => {
    expect(commandsFor(blogPlan(), 'nixos', (n) => n).map((c) => c.command)).toEqual([...DEFAULT_PERSIST_COMMANDS]);
  });

  it('note a deviation with its reason', () => {
    const plan = testPlan();
    const mended = persistCommands(plan, 'nixos', (n) => n).find((c) => c.name === 'cp -r {,/persist}/etc/nixos');
    expect(mended?.note).toMatch(/^deviation from the blog's `cp \{,\/persist\}\/etc\/nixos`: /);
  });
});

/** A StepContext whose shell answers each command with the exit code `exits` gives it. */
function fakeContext(plan: ReturnType<typeof testPlan>, exits: (command: string) => number) {
  const ran: string[] = [];
  const ctx = {
    plan,
    driver: { etcEntry: debianEtcEntry },
    shell: {
      run: async (command: string): Promise<ExecResult> => {
        ran.push(command);
        const code = exits(command);
        return { exitCode: code, stdout: '', stderr: code ? `cp: failed (${code})` : '', durationMs: 1 };
      },
    },
    step: async <T,>(_name: string, fn: () => Promise<T>) => fn(),
    facts: {},
    log: () => undefined,
  } as unknown as StepContext;
  return { ctx, ran };
}

describe('running the persist commands', () => {
  it('runs each under bash, in order', async () => {
    const { ctx, ran } = fakeContext(blogPlan(), () => 0);
    await runPersistCommands(ctx);
    expect(ran[0]).toBe("bash -c 'mkdir -p /persist/etc/NetworkManager'");
    expect(ran).toHaveLength(6);
  });

  it('fails the phase with the stderr of a command that fails', async () => {
    const { ctx } = fakeContext(blogPlan(), (c) => (c.includes('etc/darlings') ? 1 : 0));
    await expect(runPersistCommands(ctx)).rejects.toThrow('`cp {,/persist}/etc/darlings` exited 1: cp: failed (1)');
  });

  it('goes on past a command the scenario expects to fail, recording it', async () => {
    const plan = { ...blogPlan(), expectedCommandFailures: [{ command: 'cp {,/persist}/etc/nixos', reason: 'no -r', gap: true }] };
    const { ctx } = fakeContext(plan, (c) => (c.includes('etc/darlings') ? 1 : 0));
    const outcomes = await runPersistCommands(ctx);
    expect(outcomes.find((o) => o.exitCode !== 0)).toEqual({
      name: 'cp {,/persist}/etc/nixos', command: 'cp {,/persist}/etc/darlings', exitCode: 1, stderr: 'cp: failed (1)', expectedFailure: { reason: 'no -r', gap: true },
    });
  });

  it('fails when a command expected to fail succeeds', async () => {
    const plan = { ...blogPlan(), expectedCommandFailures: [{ command: 'cp {,/persist}/etc/adjtime', reason: 'none', gap: false }] };
    const { ctx } = fakeContext(plan, () => 0);
    await expect(runPersistCommands(ctx)).rejects.toThrow(/was expected to fail \(none\) but succeeded/);
  });
});
