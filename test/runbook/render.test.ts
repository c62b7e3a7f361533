import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { debianDriver } from '../../harness/guests/debian/driver.ts';
import { nixosDriver } from '../../harness/guests/nixos/index.ts';
import { buildRunbook, personCommand, renderMarkdown, renderScript, sentSteps, withDiskVars } from '../../harness/runbook/index.ts';
import { testPlan } from '../support/plan.ts';

const run = promisify(execFile);

describe.each([['debian', debianDriver], ['nixos', nixosDriver]] as const)('the %s runbook from the plan', (guest, driver) => {
  const plan = testPlan({}, guest);
  const book = buildRunbook(plan, driver);
  const md = renderMarkdown(book);
  const sh = renderScript(book);

  it('holds no secret, only placeholders and variables', () => {
    for (const s of plan.secrets) {
      expect(md).not.toContain(s);
      expect(sh).not.toContain(s);
      expect(JSON.stringify(book)).not.toContain(s);
    }
    expect(md).toContain(`printf '%s' '<passphrase>' | cryptsetup --batch-mode -v luksFormat`);
    expect(md).toContain(`printf '%s\\n' '<password>' | `);
    expect(sh).toContain(`printf '%s' "$PASSPHRASE" | cryptsetup open --key-file - \${PART}3 enc`);
  });

  it('shows every command the harness sends, in its order, with the disk as a variable', () => {
    let at = 0;
    for (const s of sentSteps(book)) {
      const shown = personCommand(s, book.disk, 'md')!;
      const i = md.indexOf(shown, at);
      expect(i, `${s.id} ${s.title}`).toBeGreaterThanOrEqual(at);
      at = i + shown.length;
    }
    expect(md).toContain('DISK=/dev/nvme0n1');
    expect(md).not.toMatch(/mkfs\.vfat -n boot \/dev\/nvme0n1p1/);
    expect(md).toContain('mkfs.vfat -n boot ${PART}1');
  });

  it('prints the configuration files in full and labels the guest\'s steps', () => {
    const files = sentSteps(book).filter((s) => s.file);
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) expect(md).toContain(f.file!.content.trimEnd());
    expect(md).toContain(`· *${guest} only*`);
    expect(md).toContain(`${guest === 'nixos' ? 'nixos-generate-config' : 'darlings-generate-config'} --root /mnt`);
  });

  it('lists every check, with its commands or the note that it has none', () => {
    for (const c of book.checks) expect(md).toContain(`**\`${c.id}\`**: ${c.holds}`);
    const without = book.checks.filter((c) => !c.see?.length).length;
    expect(md.split('The commands for this check are not listed yet').length - 1).toBe(without);
  });

  it('is a script sh accepts, that refuses to start without the disk and the secrets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'darlings-runbook-'));
    const file = join(dir, 'runbook.sh');
    await writeFile(file, sh);
    await run('sh', ['-n', file]);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    // Only the variable checks run: each is the first thing the install stage does.
    await expect(run('sh', [file, 'install'], { env })).rejects.toMatchObject({ stderr: expect.stringContaining('set DISK to the disk to erase') });
    await expect(run('sh', [file, 'install'], { env: { ...env, DISK: '/dev/null-disk' } })).rejects.toMatchObject({ stderr: expect.stringContaining('set PASSPHRASE') });
    await expect(run('sh', [file, 'install'], { env: { ...env, DISK: '/dev/null-disk', PASSPHRASE: 'x' } })).rejects.toMatchObject({ stderr: expect.stringContaining('set PASSWORD') });
    await expect(run('sh', [file])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage:') });
  });
});

describe('the disk as a variable', () => {
  it('names NVMe partitions ${PART}N and the disk ${DISK}, for sd disks too', () => {
    expect(withDiskVars('mount /dev/nvme0n1p1 /mnt/boot; sfdisk /dev/nvme0n1', '/dev/nvme0n1')).toBe('mount ${PART}1 /mnt/boot; sfdisk ${DISK}');
    expect(withDiskVars('mkswap /dev/sda2; wipefs /dev/sda', '/dev/sda')).toBe('mkswap ${PART}2; wipefs ${DISK}');
  });
});
