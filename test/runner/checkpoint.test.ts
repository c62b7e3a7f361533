import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandPlans, loadScenario } from '../../harness/scenario/index.ts';
import type { Plan } from '../../harness/scenario/plan.ts';
import { debianDriver } from '../../harness/guests/debian/driver.ts';
import {
  installCommands,
  type WrittenToDisk,
  checkpointFiles,
  checkpointKey,
  CHECKPOINT_FACTS,
  loadCheckpointFacts,
  saveCheckpoint,
} from '../../harness/runner/checkpoint.ts';
import { InfraError } from '../../harness/errors.ts';
import { mergeOntoBase } from '../../harness/scenario/index.ts';

const plan = async (file: string): Promise<Plan> => expandPlans(await loadScenario(`scenarios/${file}`), { guest: 'debian' })[0]!;
const written = (p: Plan): WrittenToDisk => ({ configFiles: debianDriver.configFiles(p), commands: installCommands(p) });

describe('checkpoint keys', () => {
  it('name the scenario and the stage, and differ between stages', async () => {
    const blog = await plan('blog-xps13.yaml');
    const installed = checkpointKey(blog, 'img1', 'installed', written(blog));
    const firstBoot = checkpointKey(blog, 'img1', 'first-boot', written(blog));
    expect(installed).toMatch(/^blog-xps13-installed-[0-9a-f]{16}$/);
    expect(firstBoot).toMatch(/^blog-xps13-first-boot-[0-9a-f]{16}$/);
    expect(checkpointKey(blog, 'img2', 'installed', written(blog))).not.toBe(installed);
  });

  it('change with the canaries only from the first boot on, since that boot writes them', async () => {
    const blog = await plan('blog-xps13.yaml');
    const more = { ...blog, canaries: { extra: [{ path: '/srv/x', expect: 'gone' as const }] } };
    expect(checkpointKey(more, 'img', 'installed', written(more))).toBe(checkpointKey(blog, 'img', 'installed', written(blog)));
    expect(checkpointKey(more, 'img', 'first-boot', written(more))).not.toBe(checkpointKey(blog, 'img', 'first-boot', written(blog)));
  });

  it('change with what the harness wrote to the disk: the generated rollback, a configuration file, a command', async () => {
    const blog = await plan('blog-xps13.yaml');
    const key = checkpointKey(blog, 'img', 'installed', written(blog));
    const files = written(blog);
    const rollback = Object.keys(files.configFiles).find((f) => f.endsWith('rollback.sh'))!;
    const editedRollback = { ...files, configFiles: { ...files.configFiles, [rollback]: `${files.configFiles[rollback]}# a harness change\n` } };
    expect(checkpointKey(blog, 'img', 'installed', editedRollback)).not.toBe(key);
    const editedConf = { ...files, configFiles: { ...files.configFiles, '/etc/darlings/persist.conf': 'etc adjtime /persist/etc/adjtime\n' } };
    expect(checkpointKey(blog, 'img', 'installed', editedConf)).not.toBe(key);
    expect(checkpointKey(blog, 'img', 'installed', { ...files, commands: [...files.commands, 'sync'] })).not.toBe(key);
    // The plan's settings alone are the same in all three: only what was written differs.
    expect(checkpointKey(blog, 'img', 'installed', written(blog))).toBe(key);
  });

  it('never hold a secret', async () => {
    const blog = await plan('blog-xps13.yaml');
    for (const stage of ['installed', 'first-boot'] as const) {
      const key = checkpointKey(blog, 'img', stage, written(blog));
      for (const s of blog.secrets) expect(key).not.toContain(s);
    }
  });
});

describe('a run from the first-boot checkpoint', () => {
  it("boots with the base's install, canaries and service state, and its own wrong passphrases", async () => {
    const wrong = await plan('wrong-passphrase.yaml');
    expect(wrong.from).toMatchObject({ scenario: 'blog-xps13', checkpoint: 'first-boot' });
    const base = wrong.from!.base;
    const merged = mergeOntoBase({ ...wrong, canaries: { extra: [{ path: '/x', expect: 'gone' }] } }, base);
    expect(merged.canaries).toEqual(base.canaries);
    expect(merged.serviceState).toEqual(base.serviceState);
    expect(merged.luks.wrongPassphrases).toEqual(wrong.luks.wrongPassphrases);
    expect(merged.persist).toEqual(base.persist);
  });

  it('from @installed keeps its own canaries (its run writes them)', async () => {
    const cut = await plan('power-cut.yaml');
    const merged = mergeOntoBase(cut, cut.from!.base);
    expect(merged.canaries.extra.map((c) => c.path)).toContain('/var/tmp/darlings-power-cut');
  });

  it('keeps the facts of the first boot beside the disk, read-only, and reads them back labelled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'darlings-ckpt-'));
    await writeFile(join(dir, 'disk.qcow2'), 'qcow2');
    await writeFile(join(dir, 'vars.fd'), 'vars');
    const out = join(dir, 'out');
    await saveCheckpoint(join(dir, 'disk.qcow2'), join(dir, 'vars.fd'), out, {
      canaryToken: 'c0ffee',
      before: { 'persist.machine-id': { status: 0, out: 'm1' } },
      kernelLogs: [{ boot: 2, text: '[0.0] Linux' }],
      currentBoot: 3,
    });
    for (const f of checkpointFiles('first-boot')) expect((await stat(join(out, f))).mode & 0o777).toBe(0o400);
    const kept = JSON.parse(await readFile(join(out, CHECKPOINT_FACTS), 'utf8'));
    expect(kept.currentBoot).toBeUndefined();
    const facts = await loadCheckpointFacts(out, 'blog-xps13');
    expect(facts).toMatchObject({ canaryToken: 'c0ffee', before: { 'persist.machine-id': { status: 0, out: 'm1' } } });
    expect(facts.kernelLogs).toEqual([{ boot: 2, text: '[0.0] Linux', label: 'blog-xps13 boot 2 (checkpoint)' }]);
  });

  it('refuses facts without the canary token, rather than checking against nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'darlings-ckpt-'));
    await writeFile(join(dir, CHECKPOINT_FACTS), JSON.stringify({ before: {} }));
    await expect(loadCheckpointFacts(dir, 'blog-xps13')).rejects.toThrow(InfraError);
    await expect(loadCheckpointFacts(dir, 'blog-xps13')).rejects.toThrow(/lack the canary token/);
  });
});
