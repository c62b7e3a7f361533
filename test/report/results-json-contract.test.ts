import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonReporter, toContract } from '../../harness/report/json-reporter.ts';
import { Multiplexer } from '../../harness/report/multiplexer.ts';
import type { RunResult } from '../../harness/report/results.ts';
import { sampleRun, tempDir } from './sample-run.ts';

const CONTRACT = ['scenario', 'guest', 'status', 'durationMs', 'accel', 'phases', 'checks'];
const ADDITIONS = ['profile', 'kernel', 'startedAt', 'error', 'artifacts', 'boots', 'host', 'outputDir', 'checkpoint', 'knownGaps', 'deviations', 'commandFailures'];

/** The DESIGN.md contract, checked field by field so an accidental extra key fails the test. */
function expectContract(json: Record<string, unknown>): void {
  const keys = Object.keys(json);
  expect(keys.slice(0, CONTRACT.length)).toEqual(CONTRACT);
  for (const k of keys.slice(CONTRACT.length)) expect(ADDITIONS).toContain(k);
  expect(typeof json.scenario).toBe('string');
  expect(['debian', 'nixos']).toContain(json.guest);
  expect(['passed', 'failed', 'error']).toContain(json.status);
  expect(Number.isInteger(json.durationMs)).toBe(true);
  expect(['kvm', 'tcg']).toContain(json.accel);
  for (const p of json.phases as Record<string, unknown>[]) {
    expect(Object.keys(p).slice(0, 3)).toEqual(['name', 'status', 'durationMs']);
    for (const k of Object.keys(p).slice(3)) expect(['error', 'startMs']).toContain(k);
    expect(['passed', 'failed', 'error']).toContain(p.status);
  }
  for (const c of json.checks as Record<string, unknown>[]) {
    expect(Object.keys(c).slice(0, 4)).toEqual(['id', 'status', 'message', 'expectedFailure']);
    for (const k of Object.keys(c).slice(4)) expect(['ok', 'atMs', 'serial', 'reason', 'knownGap']).toContain(k);
    expect(['passed', 'failed', 'skipped']).toContain(c.status);
    expect(typeof c.message).toBe('string');
    expect(typeof c.expectedFailure).toBe('boolean');
  }
}

describe('results.json', () => {
  it('has exactly the contract shape, and drops keys outside it', async () => {
    const dir = await tempDir();
    const { events, result } = sampleRun({ outputDir: dir });
    // A future core field that nobody added to the contract must not leak out.
    (result as RunResult & { internal?: unknown }).internal = { pid: 1 };
    (result.checks[0] as unknown as Record<string, unknown>).stack = 'Error: …';
    const mux = new Multiplexer([new JsonReporter()]);
    for (const e of events) mux.onEvent(e);
    await mux.onEnd([result]);
    expect(mux.errors).toEqual([]);

    const file = join(dir, 'results.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const json = JSON.parse(await readFile(file, 'utf8'));
    expectContract(json);
    expect(json.internal).toBeUndefined();
    expect(json.checks[0].stack).toBeUndefined();
    expect(json.checks[1].serial).toEqual({ boot: 2, line: 3 });
    expect(json.artifacts).toContain('results.json');
  });

  it('the recorded fixture follows the contract too', async () => {
    const json = JSON.parse(await readFile(new URL('../fixtures/recorded-run/results.json', import.meta.url), 'utf8'));
    expectContract(json);
    expect(toContract(json)).toEqual(json);
  });
});
