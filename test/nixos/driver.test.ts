import { describe, expect, it } from 'vitest';
import { CheckFailed } from '../../harness/errors.ts';
import type { ExecOptions, ExecResult, GuestShell } from '../../harness/channels/shell.ts';
import { nixosDriver, standInHardwareConfiguration } from '../../harness/guests/nixos/index.ts';
import { blogXps13Plan } from './plan.ts';

/** A GuestShell that records what the driver asks of the guest. */
function recordingShell(hardware: string) {
  const commands: { command: string; stdin?: string }[] = [];
  const uploads: { path: string; content: string; mode?: number }[] = [];
  const shell: GuestShell = {
    async run(command: string, options?: ExecOptions): Promise<ExecResult> {
      commands.push({ command, ...(options?.stdin !== undefined ? { stdin: String(options.stdin) } : {}) });
      return { exitCode: 0, stdout: command.startsWith('cat ') ? hardware : '', stderr: '', durationMs: 1 };
    },
    async expectSuccess(command: string, options?: ExecOptions): Promise<string> {
      return (await shell.run(command, options)).stdout;
    },
    async upload(path: string, content: string | Buffer, mode?: number): Promise<void> {
      uploads.push({ path, content: String(content), ...(mode !== undefined ? { mode } : {}) });
    },
  };
  return { shell, commands, uploads };
}

describe('nixosDriver', () => {
  it('keeps its configuration in /etc/nixos and /etc entries under their own names', () => {
    expect(nixosDriver.name).toBe('nixos');
    expect(nixosDriver.configDir).toBe('/etc/nixos');
    expect(nixosDriver.etcEntry('NIXOS')).toBe('NIXOS');
    expect(nixosDriver.etcEntry('NetworkManager/system-connections')).toBe('NetworkManager/system-connections');
  });

  it('writeConfig generates the hardware config, then uploads the modules beside it', async () => {
    const plan = blogXps13Plan();
    const { shell, commands, uploads } = recordingShell(standInHardwareConfiguration(plan));
    await nixosDriver.writeConfig(shell, plan);
    expect(commands[0]?.command).toBe('nixos-generate-config --root /mnt');
    expect(uploads.map((u) => u.path).sort()).toEqual(
      ['configuration.nix', 'darlings-harness.nix', 'darlings.nix', 'extra.nix', 'mounts.nix', 'optin.nix'].map((f) => `/mnt/etc/nixos/${f}`),
    );
    expect(uploads.some((u) => u.path.endsWith('hardware-configuration.nix'))).toBe(false);
  });

  it('writeConfig fails as a check when the generated file misses the LUKS device', async () => {
    const plan = blogXps13Plan();
    const broken = standInHardwareConfiguration(plan).replace(/.*luks.*\n/, '');
    const { shell } = recordingShell(broken);
    await expect(nixosDriver.writeConfig(shell, plan)).rejects.toBeInstanceOf(CheckFailed);
  });

  it('install runs nixos-install without a root password prompt', async () => {
    const { shell, commands } = recordingShell('');
    await nixosDriver.install(shell, blogXps13Plan());
    expect(commands.map((c) => c.command)).toEqual(['nixos-install --no-root-passwd --root /mnt']);
  });

  it('setPassword hashes in the guest from stdin and never puts the password in a command', async () => {
    const plan = blogXps13Plan();
    const { shell, commands } = recordingShell('');
    await nixosDriver.setPassword(shell, plan);
    expect(commands).toHaveLength(1);
    expect(commands[0]?.command).toContain('mkpasswd -m sha-512 -s');
    expect(commands[0]?.command).toContain("'/mnt/persist/passwords/delta'");
    expect(commands[0]?.command).not.toContain(plan.user.password);
    expect(commands[0]?.stdin).toBe(`${plan.user.password}\n`);
  });
});
