/** The image cache: keyed by inputs, nothing half-built left behind, one builder per key. */
import { describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedBuild, hashInputs } from '../../harness/guests/image-cache.ts';

const build = (text: string) => async (out: string) => {
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'image.iso'), text);
};

describe('the image cache', () => {
  it('builds once, then answers from the cache', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'darlings-cache-'));
    let builds = 0;
    const opts = { cacheDir, name: 'x', key: 'k1', outputs: ['image.iso'], build: async (out: string) => { builds++; await build('a')(out); } };
    expect((await cachedBuild(opts)).cached).toBe(false);
    expect((await cachedBuild(opts)).cached).toBe(true);
    expect(builds).toBe(1);
  });

  it('leaves no entry and no temporary folder when a build fails', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'darlings-cache-'));
    const failing = { cacheDir, name: 'x', key: 'k2', outputs: ['image.iso'], build: async (out: string) => { await mkdir(out); throw new Error('mirror down'); } };
    await expect(cachedBuild(failing)).rejects.toThrow('mirror down');
    expect(await readdir(join(cacheDir, 'x'))).toEqual([]);
  });

  it('refuses an entry that lacks an output', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'darlings-cache-'));
    await expect(cachedBuild({ cacheDir, name: 'x', key: 'k3', outputs: ['image.iso', 'manifest.json'], build: build('a') })).rejects.toThrow(/did not produce manifest\.json/);
    expect(await readdir(join(cacheDir, 'x'))).toEqual([]);
  });

  it('lets two concurrent callers of one key share one build', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'darlings-cache-'));
    let builds = 0;
    const opts = { cacheDir, name: 'x', key: 'k4', outputs: ['image.iso'], build: async (out: string) => { builds++; await new Promise((r) => setTimeout(r, 300)); await build('a')(out); } };
    const [a, b] = await Promise.all([cachedBuild(opts), cachedBuild(opts)]);
    expect(builds).toBe(1);
    expect([a.cached, b.cached].sort()).toEqual([false, true]);
  });

  it('changes the key when any input file or extra input changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'darlings-inputs-'));
    await writeFile(join(dir, 'build.sh'), 'echo 1');
    const k1 = await hashInputs([dir], dir, ['busybox=1']);
    expect(await hashInputs([dir], dir, ['busybox=1'])).toBe(k1);
    expect(await hashInputs([dir], dir, ['busybox=2'])).not.toBe(k1);
    await writeFile(join(dir, 'build.sh'), 'echo 2');
    expect(await hashInputs([dir], dir, ['busybox=1'])).not.toBe(k1);
  });
});
