import { describe, expect, it } from 'vitest';
import { harnessModule } from '../../harness/guests/nixos/index.ts';
import { planWith } from './plan.ts';

describe('darlings.nix (the harness module)', () => {
  it('puts the console on ttyS0 and loads qemu_fw_cfg', () => {
    const text = harnessModule(planWith({}));
    expect(text).toContain('boot.kernelParams = [ "console=tty0" "console=ttyS0,115200" ];');
    expect(text).toContain('boot.kernelModules = [ "qemu_fw_cfg" ];');
  });

  it('lets root in over SSH only with the fw_cfg key', () => {
    const text = harnessModule(planWith({}));
    expect(text).toContain('settings.PermitRootLogin = "prohibit-password";');
    expect(text).toContain('/sys/firmware/qemu_fw_cfg/by_name/opt/darlings/ssh-key/raw');
    expect(text).toContain('authorizedKeysFiles = [ "/run/darlings/authorized_keys.d/%u" ];');
  });

  it('announces the host key and readiness on ttyS0', () => {
    const text = harnessModule(planWith({}));
    expect(text).toContain('echo "darlings-hostkey: $(cut -d\' \' -f1,2 $key)" > /dev/ttyS0');
    expect(text).toContain('echo "darlings-ready: target" > /dev/ttyS0');
  });

  it('says "switching root" from the stage 1 the plan uses', () => {
    expect(harnessModule(planWith({ initrd: 'scripted' }))).toContain('boot.initrd.postMountCommands');
    const systemd = harnessModule(planWith({ initrd: 'systemd' }));
    expect(systemd).not.toContain('postMountCommands');
    expect(systemd).toContain('before = [ "initrd-switch-root.service" ];');
  });
});

describe('NixOS stage-1 console text', () => {
  it("matches luksroot.nix's prompt and refusal and systemd's prompt", async () => {
    const { NIXOS_PASSPHRASE_PROMPT, NIXOS_PASSPHRASE_REFUSED } = await import('../../harness/guests/nixos/index.ts');
    expect(NIXOS_PASSPHRASE_PROMPT.test('Passphrase for /dev/disk/by-uuid/050db9bf-0741: ')).toBe(true);
    expect(NIXOS_PASSPHRASE_PROMPT.test('🔐 Please enter passphrase for disk enc:')).toBe(true);
    expect(NIXOS_PASSPHRASE_REFUSED.test('Verifying passphrase for /dev/disk/by-uuid/050d... - failure')).toBe(true);
    expect(NIXOS_PASSPHRASE_REFUSED.test('No key available with this passphrase.')).toBe(true);
  });
});
