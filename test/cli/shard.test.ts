/** CI matrices (issue 6): `--shard I/N` over `darlings list` covers every run exactly once. */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/darlings.js', import.meta.url));
const list = async (...args: string[]) => {
  const r = await execa(process.execPath, [bin, 'list', '--json', ...args]);
  return (JSON.parse(r.stdout) as { id: string }[]).map((e) => e.id);
};

describe('darlings list --shard', () => {
  it('splits the runs over 2 and 3 shards without overlap or loss', async () => {
    const all = await list();
    expect(all.length).toBeGreaterThan(5);
    for (const n of [2, 3]) {
      const shards = await Promise.all(Array.from({ length: n }, (_, i) => list('--shard', `${i + 1}/${n}`)));
      const union = shards.flat();
      expect(union.sort()).toEqual([...all].sort());
      expect(new Set(union).size).toBe(union.length);
    }
  });

  it('rejects a shard outside 1..N with exit 2', async () => {
    const r = await execa(process.execPath, [bin, 'list', '--shard', '3/2'], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/shard/);
  });
});
