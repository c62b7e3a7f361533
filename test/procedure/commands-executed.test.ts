import { describe, expect, it } from 'vitest';
import type { ExecOptions, ExecResult, GuestShell } from '../../harness/guests/guest.ts';
import { debianDriver } from '../../harness/guests/debian/driver.ts';
import { nixosDriver, standInHardwareConfiguration } from '../../harness/guests/nixos/index.ts';
import { installPhases } from '../../harness/procedure/install.ts';
import { installCommands, secretInput } from '../../harness/procedure/commands.ts';
import type { StepContext } from '../../harness/procedure/context.ts';
import type { Plan } from '../../harness/scenario/plan.ts';
import { testPlan } from '../support/plan.ts';

/** Records every command and upload, answering `cat` of the hardware config with a good one. */
function recorder(plan: Plan) {
  const sent: { command?: string; upload?: string; content?: string; stdin?: string }[] = [];
  const shell: GuestShell = {
    async run(command: string, o?: ExecOptions): Promise<ExecResult> {
      sent.push({ command, ...(o?.stdin !== undefined && { stdin: String(o.stdin) }) });
      return { exitCode: 0, stdout: command.startsWith('cat ') ? standInHardwareConfiguration(plan) : '', stderr: '', durationMs: 1 };
    },
    async expectSuccess(command: string, o?: ExecOptions): Promise<string> {
      return (await shell.run(command, o)).stdout;
    },
    async upload(path: string, content: string | Buffer): Promise<void> {
      sent.push({ upload: path, content: String(content) });
    },
  };
  return { shell, sent };
}

describe.each(['debian', 'nixos'] as const)('the %s install runs exactly the procedure as data', (guest) => {
  const plan = testPlan({}, guest);
  const driver = guest === 'debian' ? debianDriver : nixosDriver;
  const install = installPhases.filter((p) => p.name !== 'persist');

  it('sends the commands of commands.ts, in order, with their files and secrets on stdin', async () => {
    const { shell, sent } = recorder(plan);
    const ctx = { plan, driver, shell, step: async (_n: string, f: () => Promise<unknown>) => f(), facts: {}, log: () => {} } as unknown as StepContext;
    for (const p of install) await p.run(ctx);
    const expected = installCommands(plan, driver).map((c) =>
      c.file ? { upload: c.file.path, content: c.file.content } : { command: c.command, ...(c.stdin ? { stdin: secretInput(c.stdin.secret, plan) } : c.input !== undefined ? { stdin: c.input } : {}) },
    );
    expect(sent).toEqual(expected);
  });

  it('names its secrets and never puts one in a command', () => {
    const cmds = installCommands(plan, driver);
    expect(cmds.filter((c) => c.stdin).map((c) => c.stdin!.secret)).toEqual(['passphrase', 'passphrase', 'password']);
    for (const c of cmds) for (const s of plan.secrets) expect(`${c.command}${c.file?.content ?? ''}${c.input ?? ''}`).not.toContain(s);
  });

  it('labels the guest\'s own steps and leaves the shared ones unlabelled', () => {
    const cmds = installCommands(plan, driver);
    expect(cmds.filter((c) => c.guest).every((c) => c.guest === guest && ['configure', 'install'].includes(c.phase))).toBe(true);
    expect(cmds.filter((c) => ['partition', 'encrypt', 'format', 'subvolumes', 'mount'].includes(c.phase)).some((c) => c.guest)).toBe(false);
  });
});
