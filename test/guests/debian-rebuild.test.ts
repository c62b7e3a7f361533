import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newcArchive } from '../../harness/guests/debian/rebuild.ts';

describe("the stand-in's nixos-rebuild boot archive", () => {
  const archive = newcArchive([
    { name: 'etc', mode: 0o040755 },
    { name: 'etc/darlings', mode: 0o040755 },
    { name: 'etc/darlings/persist.conf', mode: 0o100644, data: Buffer.from('etc machine-id /persist/etc/machine-id\n') },
    { name: 'etc/darlings/rollback.sh', mode: 0o100755, data: Buffer.from('echo odd length\n') },
  ]);

  it('is a newc archive padded to 4 bytes that ends with the trailer', () => {
    expect(archive.subarray(0, 6).toString()).toBe('070701');
    expect(archive.length % 4).toBe(0);
    expect(archive.toString('latin1')).toContain('TRAILER!!!\0');
  });

  it('unpacks with cpio to the same files, modes and bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'darlings-cpio-'));
    try {
      execFileSync('cpio', ['-idm', '--quiet', '--no-absolute-filenames'], { cwd: dir, input: archive });
      expect(readFileSync(join(dir, 'etc/darlings/persist.conf'), 'utf8')).toBe('etc machine-id /persist/etc/machine-id\n');
      expect(readFileSync(join(dir, 'etc/darlings/rollback.sh'), 'utf8')).toBe('echo odd length\n');
      expect(statSync(join(dir, 'etc/darlings/rollback.sh')).mode & 0o777).toBe(0o755);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
