import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandPlans, grep, listEntries, loadScenario, parseShard, shard } from '../../harness/scenario/index.ts';
import type { Plan } from '../../harness/scenario/plan.ts';

const SCENARIOS = ['blog-xps13', 'wrong-passphrase', 'broken-rollback', 'docker-lxd', 'systemd-initrd', 'power-cut'];

async function allPlans(): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const name of SCENARIOS) {
    plans.push(...expandPlans(await loadScenario(join(import.meta.dirname, '../../scenarios', `${name}.yaml`))));
  }
  return plans;
}

describe('shard', () => {
  it('puts every entry in exactly one shard, for N in 1..5', async () => {
    const ids = listEntries(await allPlans()).map((e) => e.id);
    for (let total = 1; total <= 5; total++) {
      const union = [];
      for (let index = 1; index <= total; index++) union.push(...shard(ids, index, total));
      expect(union).toEqual(ids);
      expect(new Set(union).size).toBe(ids.length);
    }
  });

  it('is deterministic, near-equal and contiguous, including more shards than items', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    expect([1, 2, 3].map((i) => shard(items, i, 3))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(shard(items, 2, 3)).toEqual(shard(items, 2, 3));
    expect([1, 2, 3, 4, 5, 6, 7].map((i) => shard(items, i, 7).length)).toEqual([1, 1, 1, 1, 1, 0, 0]);
    expect(shard([], 1, 3)).toEqual([]);
  });

  it('refuses an index outside 1..N', () => {
    expect(() => shard([1], 0, 2)).toThrow('Expected the shard index to be an integer from 1 to 2, got `0`');
    expect(() => shard([1], 3, 2)).toThrow(/got `3`/);
    expect(() => shard([1], 1, 0)).toThrow('Expected the shard count to be a positive integer, got `0`');
  });

  it('parses --shard I/N', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, total: 3 });
    expect(() => parseShard('4/3')).toThrow('Expected `--shard` to be I/N with 1 ≤ I ≤ N, like `2/3`, got `4/3`');
    expect(() => parseShard('two')).toThrow(/got `two`/);
  });
});

describe('grep', () => {
  it('keeps plans whose id matches', async () => {
    const plans = await allPlans();
    expect(listEntries(grep(plans, 'debian')).every((e) => e.guest === 'debian')).toBe(true);
    expect(listEntries(grep(plans, /^blog-xps13\//)).map((e) => e.id)).toEqual(['blog-xps13/debian/bookworm', 'blog-xps13/nixos/default']);
    expect(grep(plans, /rollback/g)).toHaveLength(2);
  });

  it('refuses a bad regular expression', async () => {
    expect(() => grep([], '(')).toThrow(/Expected `--grep` to be a valid regular expression, got `\(`/);
  });
});

describe('listEntries', () => {
  it('gives stable ids and the fields a CI matrix needs', async () => {
    const entries = listEntries(await allPlans());
    expect(entries.map((e) => e.id)).toEqual([
      'blog-xps13/debian/bookworm',
      'blog-xps13/nixos/default',
      'wrong-passphrase/debian/bookworm',
      'wrong-passphrase/nixos/default',
      'broken-rollback/debian/bookworm',
      'broken-rollback/nixos/default',
      'docker-lxd/debian/bookworm',
      'docker-lxd/nixos/default',
      'systemd-initrd/nixos/default',
      'systemd-initrd/debian/bookworm',
      'power-cut/debian/bookworm',
    ]);
    expect(entries[0]).toEqual({
      id: 'blog-xps13/debian/bookworm',
      scenario: 'blog-xps13',
      guest: 'debian',
      kernel: 'bookworm',
      profile: 'xps13-7390',
      file: join(import.meta.dirname, '../../scenarios/blog-xps13.yaml'),
      initrd: 'scripted',
    });
    expect(JSON.parse(JSON.stringify(entries))).toEqual(entries);
  });
});
