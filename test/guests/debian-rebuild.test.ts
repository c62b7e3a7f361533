import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newcArchive, rebuildBoot } from '../../harness/guests/debian/rebuild.ts';
import type { GuestShell } from '../../harness/channels/shell.ts';
import type { Plan } from '../../harness/scenario/plan.ts';

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

describe("the stand-in's nixos-rebuild boot", () => {
  it('carries the systemd stage-1 rollback unit and its script into the next boot (or that boot has no rollback)', async () => {
    const conf = mkdtempSync(join(tmpdir(), 'darlings-conf-'));
    const out = mkdtempSync(join(tmpdir(), 'darlings-cpio-'));
    try {
      mkdirSync(join(conf, 'units'));
      writeFileSync(join(conf, 'hardware.conf'), 'UUID=x / btrfs subvol=root 0 0\n');
      writeFileSync(join(conf, 'rollback-unit.sh'), 'echo rollback\n');
      writeFileSync(join(conf, 'units/rollback.service'), '[Unit]\nAfter=systemd-cryptsetup@enc.service\n');
      let archive: Buffer | undefined;
      // The guest's commands, run by sh on a copy of /etc/darlings; the moves onto /boot and /nix/os are not.
      const shell = {
        async expectSuccess(command: string) {
          if (/\/boot\/|\/nix\/os/.test(command)) return '';
          return execFileSync('sh', ['-c', command.replaceAll('/etc/darlings', conf)], { encoding: 'utf8' });
        },
        async upload(_path: string, content: string | Buffer) {
          archive = Buffer.from(content);
        },
      } as unknown as GuestShell;
      await rebuildBoot(shell, { timeouts: { commandMs: 10_000 } } as Plan);
      execFileSync('cpio', ['-idm', '--quiet', '--no-absolute-filenames'], { cwd: out, input: archive });
      expect(readFileSync(join(out, 'etc/darlings/units/rollback.service'), 'utf8')).toContain('After=systemd-cryptsetup@enc.service');
      expect(readFileSync(join(out, 'etc/darlings/rollback-unit.sh'), 'utf8')).toBe('echo rollback\n');
    } finally {
      rmSync(conf, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  });
});
