/**
 * The blog scenario on the debian guest: the full run, then runs from its two checkpoints
 * (`@first-boot` boots once; `@installed` boots twice). The full run comes first and makes
 * both checkpoints, so neither later run has to rebuild one (checked: results.json says so).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../harness/report/results.ts';

const bin = fileURLToPath(new URL('../bin/darlings.js', import.meta.url));

export interface ScenarioTime {
  /** The run as results.json times it (from its start to its result). */
  runMs: number;
  /** The whole `darlings run` process: Node start, host checks, the KVM probe, reporters. */
  wallMs: number;
  /** Phase name -> seconds, in run order. */
  phases: [name: string, ms: number][];
}

async function timedRun(scenario: string): Promise<ScenarioTime> {
  const out = await mkdtemp(join(tmpdir(), 'darlings-bench-run-'));
  try {
    const started = Date.now();
    const r = await execa(process.execPath, [bin, 'run', scenario, '--guest', 'debian', '--output', out, '--reporter', 'json'], { reject: false, env: { CI: 'true' } });
    const wallMs = Date.now() - started;
    if (r.exitCode !== 0) throw new Error(`${scenario} failed (exit ${r.exitCode}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    const result = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as RunResult;
    if (result.checkpoint?.rebuilt) throw new Error(`${scenario} had to rebuild ${result.checkpoint.from}: the timing would include an install`);
    return { runMs: result.durationMs, wallMs, phases: result.phases.map((p) => [p.name, p.durationMs]) };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export async function scenarioTimes(): Promise<{ full: ScenarioTime; fromFirstBoot: ScenarioTime; fromInstalled: ScenarioTime }> {
  const full = await timedRun('scenarios/blog-xps13.yaml');
  const fromFirstBoot = await timedRun('scenarios/blog-xps13-from-first-boot.yaml');
  const fromInstalled = await timedRun('scenarios/blog-xps13-from-installed.yaml');
  return { full, fromFirstBoot, fromInstalled };
}
