import { describe, expect, it } from 'vitest';
import { judgeRollbackOrder, parseUnitEvents, type RollbackOrderGathered } from '../../harness/checks/rollback-order.ts';

const STARTING = '7d4958e842da4a758f6c1cdc7b36dcc5';
const STARTED = '39f53479d3a045ac8e11786248231fbf';
const UNITS = ['rollback.service', 'systemd-cryptsetup@enc.service', 'sysroot.mount'];

/** One `journalctl -o json` line as systemd 252 writes it (the fields the check reads). */
function record(usec: number, fields: Record<string, string>): string {
  return JSON.stringify({ __MONOTONIC_TIMESTAMP: String(usec), _BOOT_ID: 'b0', _PID: '1', ...fields });
}

/** The journal of a systemd stage 1 in which each unit starts and finishes at the given seconds. */
function journal(times: { cryptStart: number; cryptDone: number; rbStart: number; rbDone: number; mountStart: number }): string {
  const s = (x: number) => Math.round(x * 1e6);
  return [
    record(s(times.cryptStart), { MESSAGE_ID: STARTING, UNIT: 'systemd-cryptsetup@enc.service', MESSAGE: 'Starting Cryptography Setup for enc...' }),
    record(s(times.cryptDone), { MESSAGE_ID: STARTED, UNIT: 'systemd-cryptsetup@enc.service', MESSAGE: 'Finished Cryptography Setup for enc.' }),
    record(s(times.rbStart), { MESSAGE_ID: STARTING, UNIT: 'rollback.service', MESSAGE: 'Starting Roll back the btrfs root subvolume to its blank snapshot...' }),
    record(s(times.rbStart) + 1000, { _PID: '212', _SYSTEMD_UNIT: 'rollback.service', MESSAGE: 'darlings-initrd: rollback begin' }),
    record(s(times.rbDone) - 1000, { _PID: '212', _SYSTEMD_UNIT: 'rollback.service', MESSAGE: 'darlings-initrd: rollback end status=0' }),
    record(s(times.rbDone), { MESSAGE_ID: STARTED, UNIT: 'rollback.service', MESSAGE: 'Finished Roll back the btrfs root subvolume to its blank snapshot.' }),
    record(s(times.mountStart), { MESSAGE_ID: STARTING, UNIT: 'sysroot.mount', MESSAGE: 'Mounting /sysroot...' }),
    record(s(times.mountStart) + 90_000, { MESSAGE_ID: STARTED, UNIT: 'sysroot.mount', MESSAGE: 'Mounted /sysroot.' }),
  ].join('\n');
}

const DEFAULT_KEYS = {
  after: ['systemd-cryptsetup@enc.service'],
  before: ['sysroot.mount'],
  requires: ['systemd-cryptsetup@enc.service'],
  bindsTo: [],
};

function systemdState(keys: NonNullable<RollbackOrderGathered['unit']>['keys'], json: string, devices: RollbackOrderGathered['devices'] = []): RollbackOrderGathered {
  return { initrd: 'systemd', mapping: 'enc', unit: { name: 'rollback', keys }, events: parseUnitEvents(json, UNITS, 'rollback.service'), devices };
}

const IN_ORDER = { cryptStart: 2.1, cryptDone: 9.4, rbStart: 9.5, rbDone: 10.2, mountStart: 10.3 };

describe('rollback.ordered, systemd stage 1', () => {
  it('holds: the unit starts after the mapping is open and ends before sysroot.mount', () => {
    const outcome = judgeRollbackOrder(systemdState(DEFAULT_KEYS, journal(IN_ORDER)));
    expect(outcome.status).toBe('passed');
    expect(outcome.message).toBe('rollback.service ran 9.50 s to 10.20 s, after systemd-cryptsetup@enc.service finished at 9.40 s and before sysroot.mount began at 10.30 s');
  });

  it('fails when the unit started before the cryptsetup unit finished (no ordering on it)', () => {
    const state = systemdState({ ...DEFAULT_KEYS, after: [], requires: [] }, journal({ ...IN_ORDER, rbStart: 1.0, rbDone: 1.2 }));
    const outcome = judgeRollbackOrder(state);
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toContain('has After=(nothing), which names neither systemd-cryptsetup@enc.service nor dev-mapper-enc.device');
    expect(outcome.message).toContain('rollback.service started at 1.00 s, before systemd-cryptsetup@enc.service finished at 9.40 s: the mapping was not open yet');
  });

  it('fails, naming systemd#24904, when ordered only after initrd-root-device.target, even if it ran late this time', () => {
    const outcome = judgeRollbackOrder(systemdState({ ...DEFAULT_KEYS, after: ['initrd-root-device.target'], requires: [] }, journal(IN_ORDER)));
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toBe(
      'rollback.service is ordered only after initrd-root-device.target, which does not wait for the LUKS device (systemd/systemd#24904): nothing orders it after systemd-cryptsetup@enc.service',
    );
  });

  it('fails, naming the lost backslash, when a \\x2d unit name lost it in a Nix string', () => {
    const state: RollbackOrderGathered = {
      ...systemdState({ ...DEFAULT_KEYS, after: ['dev-mapper-cryptx2droot.device'], requires: [] }, journal({ ...IN_ORDER, rbStart: 1.0, rbDone: 1.2 })),
      mapping: 'crypt-root',
      devices: [{ unit: 'dev-mapper-cryptx2droot.device', path: '/dev/mapper/cryptx2droot', exists: false }],
    };
    const outcome = judgeRollbackOrder(state);
    expect(outcome.status).toBe('failed');
    expect(outcome.message).toContain(
      'rollback.service is ordered on `dev-mapper-cryptx2droot.device`, a unit that never appears: it is `dev-mapper-crypt\\x2droot.device` with the backslash of \\x2d lost',
    );
  });

  it('fails on a device name that does not resolve', () => {
    const state = systemdState({ ...DEFAULT_KEYS, after: ['dev-disk-by\\x2dlabel-nixos.device'], requires: [] }, journal(IN_ORDER), [
      { unit: 'dev-disk-by\\x2dlabel-nixos.device', path: '/dev/disk/by-label/nixos', exists: false },
    ]);
    expect(judgeRollbackOrder(state).message).toContain(
      'ordered on `dev-disk-by\\x2dlabel-nixos.device`, a device that does not resolve on this machine (/dev/disk/by-label/nixos does not exist)',
    );
  });

  it('fails when the unit was still running as sysroot.mount began, and when it is not ordered before it', () => {
    const raced = judgeRollbackOrder(systemdState({ ...DEFAULT_KEYS, before: [] }, journal({ ...IN_ORDER, rbDone: 10.6 })));
    expect(raced.status).toBe('failed');
    expect(raced.message).toContain('is not ordered before sysroot.mount');
    expect(raced.message).toContain('was still running when sysroot.mount began at 10.30 s (it finished at 10.60 s)');
  });

  it('fails when the unit did not run at all', () => {
    const json = journal(IN_ORDER).split('\n').filter((l) => !l.includes('rollback')).join('\n');
    const outcome = judgeRollbackOrder(systemdState(DEFAULT_KEYS, json));
    expect(outcome).toEqual({ status: 'failed', message: "rollback.service did not run in this boot's stage 1 (the journal has no record of it starting)" });
  });

  it('is skipped, not passed, without a rollback', () => {
    expect(judgeRollbackOrder({ initrd: 'systemd', mapping: 'enc', unit: null }).status).toBe('skipped');
  });
});

describe('rollback.ordered, scripted stage 1', () => {
  // As the harness records it: from just after the first prompt (a wrong passphrase was typed there).
  const text = [
    '',
    'No key available with this passphrase.',
    'Enter passphrase for /dev/nvme0n1p3: ',
    'darlings-initrd: rollback begin',
    'deleting /root subvolume...',
    'darlings-initrd: rollback end status=0',
    'darlings-initrd: switching root',
  ].join('\n');
  const state = (t: string): RollbackOrderGathered => ({ initrd: 'scripted', mapping: 'enc', unit: { name: 'rollback', keys: DEFAULT_KEYS }, stage1: { boot: 2, text: t } });

  it('holds when the markers follow the last prompt and precede the handover', () => {
    expect(judgeRollbackOrder(state(text)).status).toBe('passed');
  });

  it('fails when no rollback ran, or it began before the last prompt', () => {
    expect(judgeRollbackOrder(state(text.replace(/darlings-initrd: rollback (begin|end).*\n/g, ''))).message).toContain('no rollback ran in stage 1');
    const early = ['', 'darlings-initrd: rollback begin', 'darlings-initrd: rollback end status=1', 'Enter passphrase for /dev/nvme0n1p3: ', 'darlings-initrd: switching root'].join('\n');
    expect(judgeRollbackOrder(state(early)).message).toContain('began before the last passphrase prompt');
  });
});
