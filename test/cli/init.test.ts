/** `darlings init`: the starter files, written only where none of them exists. */
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { init, initFiles, STARTER_SCENARIO, STARTER_WORKFLOW } from '../../harness/cli/init.ts';
import { exitCodeFor, ScenarioError } from '../../harness/errors.ts';
import { expandPlans, loadScenario } from '../../harness/scenario/index.ts';
import { parse } from 'yaml';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('darlings init', () => {
  it('writes a starter scenario that loads and a workflow that runs it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'darlings-init-'));
    const lines: string[] = [];
    expect(await init({ dir, print: (l) => lines.push(l) })).toEqual([STARTER_SCENARIO, STARTER_WORKFLOW]);
    const plans = expandPlans(await loadScenario(join(dir, STARTER_SCENARIO)));
    expect(plans.map((p) => `${p.name}/${p.guest}`)).toEqual(['laptop/debian']);
    const workflow = parse(await readFile(join(dir, STARTER_WORKFLOW), 'utf8')) as { jobs: { darlings: { steps: { run?: string }[] } } };
    const runs = workflow.jobs.darlings.steps.flatMap((s) => (s.run ? [s.run] : []));
    expect(runs.some((r) => r.includes(`npx darlings run ${STARTER_SCENARIO} --guest debian`))).toBe(true);
    expect(lines.at(-1)).toMatch(/^next: npx darlings run darlings\/laptop\.yaml/);
  });

  it('refuses, naming the file and writing nothing, when any of its files exists', async () => {
    dir = await mkdtemp(join(tmpdir(), 'darlings-init-'));
    await mkdir(join(dir, '.github/workflows'), { recursive: true });
    await writeFile(join(dir, STARTER_WORKFLOW), 'mine\n');
    const error = await init({ dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect(exitCodeFor(error)).toBe(2);
    expect((error as Error).message).toContain(`${STARTER_WORKFLOW} exists already`);
    expect(await readFile(join(dir, STARTER_WORKFLOW), 'utf8')).toBe('mine\n');
    expect(await readdir(dir)).toEqual(['.github']);
  });

  it('leaves nothing half-written when a write fails midway', async () => {
    dir = await mkdtemp(join(tmpdir(), 'darlings-init-'));
    // `.github` as a file: the scenario is written first, then the workflow's folder cannot be made.
    await writeFile(join(dir, '.github'), '');
    await expect(init({ dir })).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['.github']);
    expect(Object.keys(initFiles())).toEqual([STARTER_SCENARIO, STARTER_WORKFLOW]);
  });
});
