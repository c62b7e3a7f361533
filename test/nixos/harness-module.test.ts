import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FW_CFG_SSH_KEY,
  HARNESS_COMMON_FILE,
  HOSTKEY_PREFIX,
  harnessCommonModule,
  harnessModule,
  imagesDir,
  nixosConfigFiles,
} from '../../harness/guests/nixos/index.ts';
import { planWith } from './plan.ts';

describe('darlings.nix (the harness module)', () => {
  it('imports the shared harness module uploaded beside it', () => {
    const text = harnessModule(planWith({}));
    expect(HARNESS_COMMON_FILE).toBe('darlings-harness.nix');
    expect(text).toContain('imports = [ ./darlings-harness.nix ];');
    expect(nixosConfigFiles(planWith({}))['darlings-harness.nix']).toBe(harnessCommonModule());
  });

  it('announces "target", with the host key on /run, once multi-user is reached', () => {
    const text = harnessModule(planWith({}));
    expect(text).toContain('darlings.ready = "target";');
    expect(text).toContain('darlings.hostKey = "/run/darlings/ssh_host_ed25519_key";');
    expect(text).toContain('systemd.services.darlings-announce.after = [ "multi-user.target" ];');
  });

  it('says "switching root" from the stage 1 the plan uses', () => {
    expect(harnessModule(planWith({ initrd: 'scripted' }))).toContain('boot.initrd.postMountCommands');
    const systemd = harnessModule(planWith({ initrd: 'systemd' }));
    expect(systemd).not.toContain('postMountCommands');
    expect(systemd).toContain('before = [ "initrd-switch-root.service" ];');
  });
});

describe('darlings-harness.nix (images/nixos/harness-common.nix, shared with the installer)', () => {
  const text = harnessCommonModule();

  it('is the file in images/nixos, as the ISO imports it', () => {
    expect(text).toBe(readFileSync(join(imagesDir(), 'harness-common.nix'), 'utf8'));
    expect(readFileSync(join(imagesDir(), 'harness-installer.nix'), 'utf8')).toContain('imports = [ ./harness-common.nix ];');
  });

  it('puts the console on ttyS0 and loads qemu_fw_cfg', () => {
    expect(text).toContain('boot.kernelParams = [ "console=tty0" "console=ttyS0,115200" ];');
    expect(text).toContain('boot.kernelModules = [ "qemu_fw_cfg" ];');
  });

  it('lets root in over SSH only with the fw_cfg key, kept on /run', () => {
    expect(text).toContain('settings.PermitRootLogin = "prohibit-password";');
    expect(text).toContain(`fwCfgKey = "${FW_CFG_SSH_KEY}";`);
    expect(text).toContain('keyDir = "/run/darlings/authorized_keys.d";');
    expect(text).toContain('authorizedKeysFiles = [ "${keyDir}/%u" ];');
    expect(text).toContain('mv ${keyDir}/root.tmp ${keyDir}/root');
  });

  it('announces the host key and readiness on ttyS0, by its options', () => {
    expect(text).toContain('options.darlings = {');
    expect(text).toContain(`echo "${HOSTKEY_PREFIX} $(cut -d' ' -f1,2 $key)" > /dev/ttyS0`);
    expect(text).toContain('echo "darlings-ready: ${cfg.ready}" > /dev/ttyS0');
    expect(text).toContain('hostKeys = lib.mkIf (cfg.hostKey != null) [ { type = "ed25519"; path = cfg.hostKey; } ];');
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
