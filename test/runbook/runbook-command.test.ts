import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runbookText } from '../../harness/cli/runbook.ts';
import { ScenarioError } from '../../harness/errors.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/runbook-run/', import.meta.url));
const BLOG = 'scenarios/blog-xps13.yaml';

describe('darlings runbook', () => {
  it('--from-run says which run proved it: scenario, guest, kernel, date, status', async () => {
    const md = await runbookText(BLOG, { guest: 'debian', format: 'md', fromRun: FIXTURE });
    const results = JSON.parse(await readFile(join(FIXTURE, 'results.json'), 'utf8'));
    const proved = md.split('\n').find((l) => l.startsWith('Proved by the run in'))!;
    expect(proved).toContain('scenario **blog-xps13**, guest **debian** (the NixOS-shaped Debian stand-in, not NixOS)');
    expect(proved).toMatch(/kernel \S+ \(\d+\.\d+[^)]*\)/);
    expect(proved).toContain(`started ${results.startedAt}`);
    expect(proved).toContain(`status **${results.status}**`);
    expect(md).toContain('*✓ ran (exit 0,');
  });

  it('--from-run of another scenario or guest is refused (exit 2)', async () => {
    await expect(runbookText('scenarios/blog-xps13.yaml', { guest: 'nixos', format: 'md', fromRun: FIXTURE })).rejects.toThrow(ScenarioError);
    await expect(runbookText('scenarios/blog-xps13.yaml', { guest: 'nixos', format: 'md', fromRun: FIXTURE })).rejects.toThrow(/is a run of blog-xps13 \[debian\], not blog-xps13 \[nixos\]/);
  });

  it('--from-run of a folder that is no run is refused (exit 2)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'darlings-runbook-'));
    await expect(runbookText(BLOG, { guest: 'debian', format: 'md', fromRun: dir })).rejects.toThrow(/results\.json/);
    await rm(dir, { recursive: true });
  });

  it('--from-run of a folder from before procedure.json uses the plan, still proved by the ssh.log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'darlings-runbook-'));
    await cp(FIXTURE, dir, { recursive: true });
    await rm(join(dir, 'procedure.json'));
    const md = await runbookText(BLOG, { guest: 'debian', format: 'md', fromRun: dir });
    expect(md.includes('not in this run\'s ssh.log'), 'a step of today\'s plan is not in the fixture\'s ssh.log: re-record test/fixtures/runbook-run (see runbook-matches-recorded-run.test.ts)').toBe(false);
    expect(md).toContain('*✓ ran (exit 0,');
    await writeFile(join(dir, 'procedure.json'), '{"version":7}');
    await expect(runbookText(BLOG, { guest: 'debian', format: 'md', fromRun: dir })).rejects.toThrow(/version 1/);
    await rm(dir, { recursive: true });
  });
});
