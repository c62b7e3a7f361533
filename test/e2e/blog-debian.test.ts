/**
 * The main job (issue 4), on the debian guest under whatever accelerator the host has: the blog
 * scenario from a blank disk to a checked, rebooted machine; the broken rollback caught; wrong
 * passphrases refused; runs from the installed checkpoint; and no secret in any output.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { badModes, darlings, filesUnder, outputDir, readResults } from './support/run-cli.ts';
import { KNOWN_CHECK_IDS } from '../../harness/scenario/index.ts';
import { expandPlans, loadScenario } from '../../harness/scenario/index.ts';

const DESIGN_IDS = [
  'rollback.blank-not-nested', 'rollback.canary-gone', 'persist.files', 'persist.machine-id', 'persist.journal-boots',
  'persist.networkmanager', 'luks.root-encrypted', 'btrfs.layout', 'mounts.options', 'swap.active', 'state.drift',
];
const outputs: string[] = [];

async function secretsOf(files: string[]): Promise<string[]> {
  const secrets = new Set<string>();
  for (const f of files) for (const p of expandPlans(await loadScenario(f), { guest: 'debian' })) for (const s of p.secrets) secrets.add(s);
  return [...secrets];
}

describe('the blog procedure on the debian guest', () => {
  it('installs, unlocks, rolls back and keeps what it should: every DESIGN.md check passes', async () => {
    const out = await outputDir('blog');
    outputs.push(out);
    const r = await darlings(['run', 'scenarios/blog-xps13.yaml', '--guest', 'debian', '--output', out]);
    const results = await readResults(out);
    expect(results.guest).toBe('debian');
    const log = r.all?.slice(-3000);
    expect(results.checks.filter((c) => DESIGN_IDS.includes(c.id) && c.status !== 'passed'), log).toEqual([]);
    expect(results.checks.filter((c) => c.status === 'failed'), log).toEqual([]);
    expect(results.checks.map((c) => c.id)).toEqual(expect.arrayContaining(DESIGN_IDS));
    expect(results.status).toBe('passed');
    expect(r.exitCode).toBe(0);
    expect(KNOWN_CHECK_IDS).toEqual(expect.arrayContaining(DESIGN_IDS));
    // The artifacts the contract promises.
    const names = (await filesUnder(out)).map((f) => f.slice(out.length + 1));
    expect(names).toEqual(expect.arrayContaining(['results.json', 'junit.xml', 'ssh.log', 'fs-diff.txt', 'serial-1.log', 'serial-2.log', 'serial-3.log', 'report.html']));
    // Each output says which guest ran: never NixOS for a debian run.
    expect(await readFile(`${out}/junit.xml`, 'utf8')).toContain('[debian]');
    const serial2 = await readFile(`${out}/serial-2.log`, 'utf8');
    expect(serial2).toMatch(/Enter passphrase for/);
    expect(serial2).toMatch(/restoring blank \/root subvolume/);
  });

  it('catches a rollback left out: the run passes only because exactly the expected checks fail', async () => {
    const out = await outputDir('broken');
    outputs.push(out);
    const r = await darlings(['run', 'scenarios/broken-rollback.yaml', '--guest', 'debian', '--output', out]);
    const results = await readResults(out);
    const failed = results.checks.filter((c) => c.status === 'failed');
    expect(failed.map((c) => c.id).sort(), r.all?.slice(-3000)).toEqual(['rollback.canary-gone', 'state.drift']);
    expect(failed.every((c) => c.expectedFailure)).toBe(true);
    expect(failed.find((c) => c.id === 'rollback.canary-gone')!.message).toMatch(/still there after the reboot/);
    expect(r.exitCode).toBe(0);
  });

  it('runs two scenarios side by side from the installed checkpoint (--workers 2): same checks, wrong passphrases refused', async () => {
    const out = await outputDir('workers');
    outputs.push(out);
    const r = await darlings(['run', 'scenarios/blog-xps13-from-installed.yaml', 'scenarios/wrong-passphrase.yaml', '--guest', 'debian', '--workers', '2', '--output', out]);
    const log = r.all?.slice(-4000);
    const from = await readResults(`${out}/blog-xps13-from-installed-debian-bookworm`);
    const wrong = await readResults(`${out}/wrong-passphrase-debian-bookworm`);
    // No install: overlays on the blog's checkpoint, and the same checks pass as in the full run.
    for (const results of [from, wrong]) {
      expect(results.phases.map((p) => p.name), log).not.toContain('install');
      expect(results.checks.filter((c) => DESIGN_IDS.includes(c.id) && c.status !== 'passed'), log).toEqual([]);
    }
    // Side by side: they overlapped in time, and shared no port or socket.
    const span = (x: typeof from) => [Date.parse(x.startedAt!), Date.parse(x.startedAt!) + x.durationMs];
    const [a0, a1] = span(from);
    const [b0, b1] = span(wrong);
    expect(a0! < b1! && b0! < a1!).toBe(true);
    const ports = async (dir: string) => [...(await readFile(`${out}/${dir}/ssh.log`, 'utf8')).matchAll(/connected to 127\.0\.0\.1:(\d+)/g)].map((m) => m[1]);
    const pa = await ports('blog-xps13-from-installed-debian-bookworm');
    const pb = await ports('wrong-passphrase-debian-bookworm');
    expect(pa.length && pb.length).toBeTruthy();
    expect(pa.filter((p) => pb.includes(p))).toEqual([]);
    const serial = await readFile(`${out}/wrong-passphrase-debian-bookworm/serial-1.log`, 'utf8');
    expect(serial.match(/No key available with this passphrase/g)?.length).toBeGreaterThanOrEqual(2);
    expect(r.exitCode, log).toBe(0);
  });

  it('leaves no passphrase or password in any output file, and keeps files 0600 and folders 0700', async () => {
    const secrets = await secretsOf(['scenarios/blog-xps13.yaml', 'scenarios/broken-rollback.yaml', 'scenarios/wrong-passphrase.yaml']);
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const out of outputs) {
      for (const f of await filesUnder(out)) {
        const text = (await readFile(f)).toString('latin1');
        for (const s of secrets) expect.soft(text.includes(s), `${f} contains a secret`).toBe(false);
      }
      expect(await badModes(out)).toEqual([]);
    }
  });
});
