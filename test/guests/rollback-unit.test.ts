import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  cryptsetupUnit,
  mappingDeviceUnit,
  rollbackUnit,
  systemdEscape,
  unitFileText,
  wrapRollback,
} from '../../harness/guests/rollback-unit.ts';
import { planWith } from '../nixos/plan.ts';

const hasSystemdEscape = spawnSync('systemd-escape', ['x']).status === 0;
function realEscape(value: string, path: boolean): string {
  const r = spawnSync('systemd-escape', [...(path ? ['--path'] : []), '--', value], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

const NAMES = ['enc', 'crypt-root', 'a.b', '.hidden', 'dir/sub', 'café', 'x y', 'a\\b', '-lead', 'a_b:c', 'ü-ß', 'luks-0a1b-2c3d'];
const PATHS = ['/dev/mapper/enc', '/dev/mapper/crypt-root', '/dev/disk/by-label/nixos', '/dev/disk/by-uuid/0a1b-2c3d', '/', '//a//b/', '/.x/y', '/a/.b', '/sysroot/var/log'];

describe.skipIf(!hasSystemdEscape)('systemdEscape matches systemd-escape on this host', () => {
  it.each(NAMES)('name %j', (name) => {
    expect(systemdEscape(name)).toBe(realEscape(name, false));
  });
  it.each(PATHS)('path %j', (path) => {
    expect(systemdEscape(path, { path: true })).toBe(realEscape(path, true));
  });
});

describe('systemdEscape', () => {
  it('escapes the dash of a mapping name, which Nix strings must keep as \\x2d', () => {
    expect(cryptsetupUnit('crypt-root')).toBe('systemd-cryptsetup@crypt\\x2droot.service');
    expect(mappingDeviceUnit('crypt-root')).toBe('dev-mapper-crypt\\x2droot.device');
  });
  it('refuses a path that is not normalized, as systemd-escape does', () => {
    expect(() => systemdEscape('/a/../b', { path: true })).toThrow(/normalized/);
  });
});

describe('the rollback unit', () => {
  it('by default: after and requiring the cryptsetup unit, before sysroot.mount, wanted by initrd.target', () => {
    const unit = rollbackUnit(planWith({ initrd: 'systemd' }));
    expect(unit?.keys).toEqual({
      after: ['systemd-cryptsetup@enc.service'],
      before: ['sysroot.mount'],
      requires: ['systemd-cryptsetup@enc.service'],
      bindsTo: [],
      wantedBy: ['initrd.target'],
      requiredBy: [],
    });
    expect(unit?.custom).toBe(false);
  });

  it('none for rollback: none', () => {
    expect(rollbackUnit(planWith({ initrd: 'systemd', rollback: { kind: 'none' } }))).toBeNull();
  });

  it("a scenario's own keys replace the defaults; requires goes with after", () => {
    const unit = rollbackUnit(planWith({ initrd: 'systemd', rollbackUnit: { name: 'wipe-root', after: ['initrd-root-device.target'] } }));
    expect(unit?.name).toBe('wipe-root');
    expect(unit?.keys.after).toEqual(['initrd-root-device.target']);
    expect(unit?.keys.requires).toEqual([]);
    expect(unit?.keys.before).toEqual(['sysroot.mount']);
    expect(unit?.custom).toBe(true);
  });

  it('the unit file says the same ordering as the Nix service', () => {
    const unit = rollbackUnit(planWith({ initrd: 'systemd' }))!;
    const text = unitFileText(unit, '/etc/darlings/rollback-unit.sh');
    for (const line of [
      '[Unit]',
      'DefaultDependencies=no',
      'Requires=systemd-cryptsetup@enc.service',
      'After=systemd-cryptsetup@enc.service',
      'Before=sysroot.mount',
      '[Service]',
      'Type=oneshot',
      'ExecStart=/bin/sh /etc/darlings/rollback-unit.sh',
      'StandardOutput=journal+console',
      '[Install]',
      'WantedBy=initrd.target',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    expect(text).not.toContain('RequiredBy=');
  });

  it('frames the script with begin, end status=<exit status>, and exits with that status', () => {
    const script = wrapRollback('false', { exitWithStatus: true });
    const r = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
    expect(r.stdout).toBe('darlings-initrd: rollback begin\ndarlings-initrd: rollback end status=1\n');
    expect(r.status).toBe(1);
  });

  it("scripted form: a user's exit or set -e does not end stage 1, and the status is still printed", () => {
    const script = `${wrapRollback('set -e\nfalse\necho unreachable', { exitWithStatus: false })}\necho after`;
    const r = spawnSync('sh', ['-e', '-c', script], { encoding: 'utf8' });
    expect(r.stdout).toBe('darlings-initrd: rollback begin\ndarlings-initrd: rollback end status=1\nafter\n');
    expect(r.status).toBe(0);
  });
});
