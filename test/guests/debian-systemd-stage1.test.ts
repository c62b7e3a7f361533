import { describe, expect, it } from 'vitest';
import { configurationConf, systemdStage1Files } from '../../harness/guests/debian/config-files.ts';
import { debianConfigFiles, debianDriver } from '../../harness/guests/debian/driver.ts';
import { planWith } from '../nixos/plan.ts';

const debian = (changes: Parameters<typeof planWith>[0]) => planWith({ guest: 'debian', guests: ['debian'], ...changes });

describe('the stand-in with initrd: systemd', () => {
  it('writes the generated rollback unit and its script, and tells darlings-install which initrd', () => {
    const plan = debian({ initrd: 'systemd' });
    const files = debianConfigFiles(plan);
    expect(Object.keys(files).sort()).toEqual(
      ['configuration.conf', 'persist.conf', 'rollback-unit.sh', 'rollback.sh', 'tmpfiles.conf', 'units/rollback.service'].map((f) => `/etc/darlings/${f}`),
    );
    const unit = files['/etc/darlings/units/rollback.service']!;
    expect(unit).toContain('After=systemd-cryptsetup@enc.service\n');
    expect(unit).toContain('ExecStart=/bin/sh /etc/darlings/rollback-unit.sh\n');
    expect(files['/etc/darlings/rollback-unit.sh']).toContain('echo "darlings-initrd: rollback end status=$darlings_status"');
    expect(configurationConf(plan)).toContain('INITRD="systemd"\n');
  });

  it('the scripted form and rollback: none have no unit', () => {
    expect(systemdStage1Files(debian({ initrd: 'scripted' }))).toEqual({});
    expect(systemdStage1Files(debian({ initrd: 'systemd', rollback: { kind: 'none' } }))).toEqual({});
    expect(configurationConf(debian({ initrd: 'scripted' }))).toContain('INITRD="scripted"\n');
  });

  it("a scenario's own unit keeps its name and keys", () => {
    const files = systemdStage1Files(debian({ initrd: 'systemd', rollbackUnit: { name: 'wipe', after: ['initrd-root-device.target'] } }));
    expect(files['units/wipe.service']).toContain('After=initrd-root-device.target\n');
    expect(files['units/wipe.service']).not.toContain('systemd-cryptsetup@');
  });

  it('waits for the prompt and refusal of the stage 1 the plan boots', () => {
    const systemd = debianDriver.passphrasePatterns!(debian({ initrd: 'systemd' }));
    expect(systemd.passphrasePrompt.test('Please enter passphrase for disk QEMU NVMe Ctrl (enc): ')).toBe(true);
    expect(systemd.passphraseRefused.test('Failed to activate with specified passphrase. (Passphrase incorrect?)')).toBe(true);
    expect(systemd.passphrasePrompt.test('Enter passphrase for /dev/nvme0n1p3: ')).toBe(false);
    const scripted = debianDriver.passphrasePatterns!(debian({ initrd: 'scripted' }));
    expect(scripted.passphrasePrompt.test('Enter passphrase for /dev/nvme0n1p3: ')).toBe(true);
    expect(scripted.passphraseRefused.test('No key available with this passphrase.')).toBe(true);
  });
});
