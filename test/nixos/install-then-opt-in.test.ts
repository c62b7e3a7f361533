import { describe, expect, it } from 'vitest';
import { installOptinModule, nixosConfigFiles } from '../../harness/guests/nixos/files.ts';
import { configurationNix } from '../../harness/guests/nixos/configuration.ts';
import { nixosDriver } from '../../harness/guests/nixos/driver.ts';
import type { GuestShell } from '../../harness/guests/guest.ts';
import { hasNixInstantiate, nixParseError } from './nix-parse.ts';
import { blogXps13Plan, planWith } from './plan.ts';

describe('nixos: the minimal configuration first, the opt-in state on the first boot', () => {
  it('installs optin.nix without persisted entries, L rules or rollback, keeping neededForBoot', () => {
    const text = nixosConfigFiles(blogXps13Plan(), {}, 'install')['optin.nix']!;
    expect(text).toBe(installOptinModule(blogXps13Plan()));
    expect(text).toContain('fileSystems."/var/log".neededForBoot = true;');
    expect(text).not.toMatch(/environment\.etc|tmpfiles|postDeviceCommands|initrd\.systemd/);
  });

  it.runIf(hasNixInstantiate)('the install-stage module parses', () => {
    expect(nixParseError(installOptinModule(blogXps13Plan()))).toBeNull();
  });

  it('applies the opt-in module with nixos-rebuild boot, on the running system', async () => {
    const calls: string[] = [];
    const shell = {
      upload: async (path: string, text: string) => void calls.push(`upload ${path} ${text.includes('environment.etc') ? 'with opt-in' : 'without'}`),
      expectSuccess: async (command: string) => (calls.push(command), ''),
      run: async () => ({ exitCode: 0, stdout: '', stderr: '', durationMs: 0 }),
    } as unknown as GuestShell;
    await nixosDriver.applyOptIn(shell, blogXps13Plan());
    expect(calls).toEqual(['upload /etc/nixos/optin.nix with opt-in', 'nixos-rebuild boot']);
  });

  it('declares the password only when the scenario says so; passwd leaves it to the first boot', () => {
    expect(configurationNix(blogXps13Plan())).toContain('hashedPasswordFile');
    const viaPasswd = planWith({ user: { name: 'delta', password: 'x', passwordVia: 'passwd' } });
    expect(configurationNix(viaPasswd)).not.toContain('hashedPasswordFile');
    expect(configurationNix(viaPasswd)).toContain('`passwd delta`');
  });
});
