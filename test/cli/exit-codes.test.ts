/**
 * The CLI's contract with the outside (DESIGN.md): exit 2 with file:line:column for a bad
 * scenario and nothing started, 3 naming the package when the host lacks a tool.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/darlings.js', import.meta.url));
const bad = fileURLToPath(new URL('../fixtures/bad-scenarios/', import.meta.url));
const darlings = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [bin, ...args], { reject: false, env: { ...env, CI: 'true' }, timeout: 60_000 });

describe('darlings exit codes', () => {
  it('exits 2 with file:line:column for every bad scenario, before any VM or build', async () => {
    const files = readdirSync(bad).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(20);
    // Without qemu on PATH: had the CLI got as far as starting anything, it would exit 3 instead.
    for (const f of files) {
      const r = await darlings(['run', `${bad}${f}`, '--guest', 'debian'], { PATH: '/nonexistent' });
      expect.soft(r.exitCode, f).toBe(2);
      expect.soft(r.stderr, f).toMatch(new RegExp(`${f.replace('.', '\\.')}(:\\d+:\\d+)?: `));
    }
  }, 120_000);

  it('exits 2 for an unknown option or reporter', async () => {
    expect((await darlings(['run', 'scenarios/blog-xps13.yaml', '--no-such-flag'])).exitCode).toBe(2);
    const r = await darlings(['run', 'scenarios/blog-xps13.yaml', '--reporter', 'list,xml', '--guest', 'debian']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/Expected `--reporter`/);
  });

  it('exits 2 when asked for a guest the scenario does not list', async () => {
    const r = await darlings(['run', 'scenarios/power-cut.yaml', '--guest', 'nixos']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/power-cut\.yaml:\d+:\d+: .*nixos/);
  });

  it('exits 3 and names the package when the host lacks QEMU', async () => {
    // A PATH with node and nothing else.
    const dir = mkdtempSync(join(tmpdir(), 'darlings-path-'));
    symlinkSync(process.execPath, join(dir, 'node'));
    const r = await darlings(['run', 'scenarios/blog-xps13.yaml', '--guest', 'debian'], { PATH: dir });
    rmSync(dir, { recursive: true });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/qemu-system-x86_64/);
    expect(r.stderr).toMatch(/apt-get install -y .*qemu-system-x86/);
  });

  it('lists runs as JSON for CI matrices', async () => {
    const r = await darlings(['list', '--json', '--guest', 'debian']);
    expect(r.exitCode).toBe(0);
    const entries = JSON.parse(r.stdout) as { id: string; guest: string }[];
    expect(entries.map((e) => e.id)).toContain('blog-xps13/debian/bookworm');
    expect(entries.every((e) => e.guest === 'debian')).toBe(true);
  });
});
