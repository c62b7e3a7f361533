/** The blog scenario on the debian guest: full run vs a run from its installed checkpoint. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/darlings.js', import.meta.url));

async function timedRun(scenario: string): Promise<number> {
  const out = await mkdtemp(join(tmpdir(), 'darlings-bench-run-'));
  const started = Date.now();
  const r = await execa(process.execPath, [bin, 'run', scenario, '--guest', 'debian', '--output', out, '--reporter', 'json'], { reject: false, env: { CI: 'true' } });
  const ms = Date.now() - started;
  await rm(out, { recursive: true, force: true });
  if (r.exitCode !== 0) throw new Error(`${scenario} failed (exit ${r.exitCode}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  return ms;
}

export async function scenarioTimes(): Promise<{ fullMs: number; fromCheckpointMs: number }> {
  const fullMs = await timedRun('scenarios/blog-xps13.yaml');
  const fromCheckpointMs = await timedRun('scenarios/blog-xps13-from-installed.yaml');
  return { fullMs, fromCheckpointMs };
}
