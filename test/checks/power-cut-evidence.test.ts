import { describe, expect, it } from 'vitest';
import { judgeMidWrite, judgeSynced } from '../../harness/checks/power-cut-evidence.ts';
import { lookCommand, parseLook, writerCommand } from '../../harness/procedure/power-cut.ts';

const MiB = 1048576;
const cut = {
  synced: [{ path: '/persist/darlings-synced', sha256: 'aa' }],
  progress: [
    { atMs: 300, bytes: { '/persist/darlings-unsynced': 3 * MiB, '/darlings-unsynced': 0 } },
    { atMs: 1500, bytes: { '/persist/darlings-unsynced': 20 * MiB, '/darlings-unsynced': 0 } },
  ],
  cutAtMs: 1520,
  inFlight: true,
};

describe('power-cut.mid-write', () => {
  it('holds when the writer was running and had written part of its data', () => {
    const r = judgeMidWrite(cut);
    expect(r.status).toBe('passed');
    expect(r.message).toContain('cut at 1520 ms with the writer running and growing: 300 ms: /persist/darlings-unsynced 3.0 MiB');
  });

  it('fails when the writer had finished before the cut', () => {
    expect(judgeMidWrite({ ...cut, inFlight: false }).status).toBe('failed');
  });

  it('fails when nothing was written before the cut, or no cut was recorded', () => {
    expect(judgeMidWrite({ ...cut, progress: [{ atMs: 300, bytes: { '/persist/darlings-unsynced': 0 } }] }).status).toBe('failed');
    expect(judgeMidWrite(undefined).status).toBe('failed');
  });
});

describe('power-cut.synced-kept', () => {
  it('holds when the synced file has the same bytes after the cut', () => {
    expect(judgeSynced({ now: { '/persist/darlings-synced': 'aa' } }, cut).status).toBe('passed');
  });

  it('fails when the synced file is gone or changed', () => {
    expect(judgeSynced({ now: { '/persist/darlings-synced': null } }, cut)).toEqual({ status: 'failed', message: 'synced before the cut, but after it: /persist/darlings-synced is gone' });
    expect(judgeSynced({ now: { '/persist/darlings-synced': 'bb' } }, cut).message).toContain('changed');
  });
});

describe('the writer and the looks at it', () => {
  it('writes without syncing and keeps its pid', () => {
    expect(writerCommand(64)).toContain('count=64');
    expect(writerCommand(64)).not.toMatch(/\bsync\b|fsync|oflag/);
    expect(writerCommand(64)).toContain('echo $! > /run/darlings-writer.pid');
  });

  it('parses a look', () => {
    expect(lookCommand()).toContain('kill -0');
    expect(parseLook('alive 1\n4194304 /persist/darlings-unsynced\n0 /darlings-unsynced\n')).toEqual({ alive: true, bytes: { '/persist/darlings-unsynced': 4194304, '/darlings-unsynced': 0 } });
  });
});
