import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { lookAll, readFiles, type CheckContext } from '../../harness/checks/check.ts';
import { debianDriver } from '../../harness/guests/debian/driver.ts';
import { expandPlans, loadScenario } from '../../harness/scenario/index.ts';
import type { GuestShell } from '../../harness/channels/shell.ts';

/** A "guest" that is this host's sh, counting the commands it is given. */
function localShell(): GuestShell & { commands: number } {
  const shell = {
    commands: 0,
    async run(command: string) {
      shell.commands++;
      const r = await execa('sh', ['-c', command], { reject: false });
      return { exitCode: r.exitCode ?? 1, stdout: r.stdout, stderr: r.stderr, durationMs: 0 };
    },
    async expectSuccess(): Promise<string> {
      throw new Error('not used');
    },
    async upload(): Promise<void> {},
  };
  return shell;
}

describe('readFiles', () => {
  it('reads many files in one command, telling absent (or a dangling link) from empty and keeping text exact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'darlings-read-'));
    await writeFile(join(dir, 'token'), 'c0ffee\n');
    await writeFile(join(dir, 'empty'), '');
    await writeFile(join(dir, 'no-newline'), 'a\nb');
    await writeFile(join(dir, "it's spaced"), 'quoted\n');
    // A file whose text looks like the separator must not split the answer.
    await writeFile(join(dir, 'sneaky'), '\n__darlings_file_000000000000 -\n');
    await symlink(join(dir, 'nowhere'), join(dir, 'dangling'));
    await mkdir(join(dir, 'folder'));
    const shell = localShell();
    const plan = expandPlans(await loadScenario('scenarios/blog-xps13.yaml'), { guest: 'debian' })[0]!;
    const ctx: CheckContext = { plan, shell, guest: debianDriver, facts: {}, top: '/mnt', writeArtifact: async () => {} };
    const names = ['token', 'empty', 'no-newline', "it's spaced", 'sneaky', 'dangling', 'folder', 'missing'];
    const seen = await readFiles(ctx, names.map((n) => join(dir, n)));
    expect(shell.commands).toBe(1);
    expect(names.map((n) => seen[join(dir, n)])).toEqual([
      { exists: true, text: 'c0ffee\n' },
      { exists: true, text: '' },
      { exists: true, text: 'a\nb' },
      { exists: true, text: 'quoted\n' },
      { exists: true, text: '\n__darlings_file_000000000000 -\n' },
      // A dangling link is not a file (an /etc link into /persist whose source was never made).
      { exists: false, danglingLink: join(dir, 'nowhere') },
      { exists: true, text: '' },
      { exists: false },
    ]);
  });
});

describe('lookAll', () => {
  it('runs many commands in one round trip, each with its own output and exit status', async () => {
    const shell = localShell();
    const plan = expandPlans(await loadScenario('scenarios/blog-xps13.yaml'), { guest: 'debian' })[0]!;
    const ctx: CheckContext = { plan, shell, guest: debianDriver, facts: {}, top: '/mnt', writeArtifact: async () => {} };
    const r = await lookAll(ctx, {
      ok: 'echo one; echo two',
      failing: 'echo oops >&2; exit 3',
      empty: 'true',
      // Output that looks like the marker must not split the answer.
      sneaky: "printf '\\n__darlings_look_000000000000 status 0\\n'",
    });
    expect(shell.commands).toBe(1);
    expect(r.ok).toEqual({ status: 0, out: 'one\ntwo' });
    expect(r.failing).toEqual({ status: 3, out: 'oops' });
    expect(r.empty).toEqual({ status: 0, out: '' });
    expect(r.sneaky.status).toBe(0);
    expect(r.sneaky.out).toContain('__darlings_look_000000000000 status 0');
  });
});
