/**
 * The ISO cache, with stand-ins for nix-build and nix-instantiate on PATH (a real build takes an
 * hour and a Nix store): built once, then found again in well under a second.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, revisionOf } from '../../harness/guests/nixos/index.ts';

const work = mkdtempSync(join(tmpdir(), 'darlings-image-test-'));
const bin = join(work, 'bin');
const store = join(work, 'store');
const nixpkgs = join(work, 'nixpkgs');
const calls = join(work, 'nix-build-calls');
let savedPath: string | undefined;

beforeAll(() => {
  mkdirSync(bin);
  mkdirSync(store);
  mkdirSync(nixpkgs);
  writeFileSync(join(nixpkgs, '.version'), '24.05');
  // nix-build: records the call, "builds" <store>/<n>-iso/iso/nixos.iso, links --out-link.
  writeFileSync(
    join(bin, 'nix-build'),
    `#!/bin/sh
echo "$@" >> ${calls}
out=${store}/$(wc -l < ${calls} | tr -d ' ')-nixos.iso
mkdir -p $out/iso && echo iso > $out/iso/nixos-24.05-x86_64-linux.iso
while [ $# -gt 0 ]; do [ "$1" = --out-link ] && ln -sfn $out "$2"; shift; done
echo "building the ISO" >&2
echo $out
`,
  );
  writeFileSync(
    join(bin, 'nix-instantiate'),
    `#!/bin/sh
case "$1" in --version) echo "nix-instantiate (Nix) 2.8.0";; --eval) echo '"linux-6.9.3"';; esac
`,
  );
  chmodSync(join(bin, 'nix-build'), 0o755);
  chmodSync(join(bin, 'nix-instantiate'), 0o755);
  savedPath = process.env.PATH;
  process.env.PATH = `${bin}:${savedPath}`;
});

afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(work, { recursive: true, force: true });
});

describe('buildImage (nixos)', () => {
  it('builds once, streams nix output, then reuses the cache entry in under a second', async () => {
    const cacheDir = join(work, 'cache');
    const lines: string[] = [];
    const first = await buildImage({ cacheDir, nixpkgs, onProgress: (l) => lines.push(l) });
    expect(first.iso).toMatch(/iso\/nixos-24\.05-x86_64-linux\.iso$/);
    expect(first.key).toBe(first.iso.replace(/\/iso\/[^/]+$/, ''));
    expect(first.facts.kernel).toBe('6.9.3');
    expect(lines).toContain('building the ISO');

    const startedAt = Date.now();
    const second = await buildImage({ cacheDir, nixpkgs });
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(second.iso).toBe(first.iso);
    expect(second.facts.cached).toBe('yes');
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('passes the ISO config and nixpkgs to nix-build with a gc-root beside the cache entry', () => {
    const args = readFileSync(calls, 'utf8').split('\n')[0]!;
    expect(args).toContain("<nixpkgs/nixos> -A config.system.build.isoImage -I nixos-config=");
    expect(args).toContain('images/nixos/iso.nix');
    expect(args).toContain(`-I nixpkgs=${nixpkgs}`);
    expect(args).toMatch(/--out-link .*\/cache\/nixos\/gcroots\/[0-9a-f]{24}( |$)/);
  });

  it('rebuilds when the cached store path was garbage-collected', async () => {
    const cacheDir = join(work, 'cache');
    const before = await buildImage({ cacheDir, nixpkgs });
    rmSync(before.key, { recursive: true });
    const after = await buildImage({ cacheDir, nixpkgs });
    expect(after.key).not.toBe(before.key);
    expect(after.facts.cached).toBe('no');
  });

  it('keys the cache on the nixpkgs revision', async () => {
    await expect(revisionOf(nixpkgs)).resolves.toBe('24.05');
    writeFileSync(join(nixpkgs, '.git-revision'), 'abc123');
    await expect(revisionOf(nixpkgs)).resolves.toBe('abc123');
    const calls0 = readFileSync(calls, 'utf8').trim().split('\n').length;
    await buildImage({ cacheDir: join(work, 'cache'), nixpkgs });
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toHaveLength(calls0 + 1);
  });
});
