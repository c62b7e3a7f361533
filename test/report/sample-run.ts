/**
 * A recorded-looking stream of events for one run, shared by the reporter tests. `secret` is
 * sprinkled into messages the way a careless step might leak it, so redaction can be tested.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HarnessEvent, RunInfo } from '../../harness/report/events.ts';
import type { RunResult } from '../../harness/report/results.ts';

export interface SampleRun {
  info: RunInfo;
  events: HarnessEvent[];
  result: RunResult;
}

export async function tempDir(prefix = 'darlings-report-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export function sampleRun(opts: { outputDir: string; runId?: string; secret?: string; guest?: 'debian' | 'nixos'; t0?: number }): SampleRun {
  const runId = opts.runId ?? 'r1';
  const guest = opts.guest ?? 'debian';
  const secret = opts.secret ?? 'no-secret-here';
  const t0 = opts.t0 ?? 1_750_000_000_000;
  const info: RunInfo = { runId, scenario: 'blog-xps13', guest, profile: 'default', kernel: '6.1.0-37-amd64', outputDir: opts.outputDir };
  const events: HarnessEvent[] = [];
  let t = t0;
  const at = (ms: number): number => (t += ms);
  events.push({ type: 'run-begin', run: info, accel: 'tcg', accelNote: 'no /dev/kvm', at: t });
  const phases: RunResult['phases'] = [];
  const phase = (name: string, durationMs: number, status: 'passed' | 'failed' | 'error' = 'passed', error?: string): void => {
    const start = t;
    events.push({ type: 'phase-begin', runId, phase: name, at: start });
    events.push({ type: 'step-begin', runId, phase: name, step: name === 'luks' ? 'luksFormat' : 'run', depth: 0, at: start });
    events.push({ type: 'step-end', runId, phase: name, step: name === 'luks' ? 'luksFormat' : 'run', depth: 0, durationMs, ok: status === 'passed', at: at(durationMs) });
    events.push({ type: 'phase-end', runId, phase: name, status, durationMs, at: t, ...(error ? { error } : {}) });
    phases.push({ name, status, durationMs, startMs: start - t0, ...(error ? { error } : {}) });
  };
  events.push({ type: 'boot', runId, boot: 1, label: 'installer', at: t });
  phase('partition', 600);
  phase('luks', 2000);
  events.push({ type: 'log', runId, level: 'warn', message: `typed passphrase ${secret} into the console`, at: t });
  phase('install', 9000);
  events.push({ type: 'boot', runId, boot: 2, label: 'installed system', at: t });
  phase('boot', 12000);
  const checks: RunResult['checks'] = [
    { id: 'rollback.canary-gone', status: 'passed', message: '', expectedFailure: false },
    { id: 'persist.machine-id', status: 'failed', message: `machine-id changed (passphrase was ${secret})`, expectedFailure: false, serial: { boot: 2, line: 3 } },
    { id: 'swap.active', status: 'skipped', message: 'no swap in this profile', expectedFailure: false },
    { id: 'rollback.blank-not-nested', status: 'failed', message: 'root-blank found inside root', expectedFailure: true },
  ];
  phase('checks', 1500, 'failed', '1 check failed: persist.machine-id');
  for (const c of checks) events.push({ type: 'check', runId, ...c, at: t });
  const result: RunResult = {
    scenario: 'blog-xps13',
    guest,
    status: 'failed',
    durationMs: t - t0,
    accel: 'tcg',
    phases,
    checks,
    profile: 'default',
    kernel: '6.1.0-37-amd64',
    startedAt: new Date(t0).toISOString(),
    error: `check failed; luks key ${secret}`,
    boots: [
      { index: 1, label: 'installer', serialLog: 'serial-1.log', startMs: 0 },
      { index: 2, label: 'installed system', serialLog: 'serial-2.log', startMs: 11_600 },
    ],
    host: { qemuVersion: '7.2.15', hostname: 'ci-host', platform: 'linux x64' },
    outputDir: opts.outputDir,
  };
  events.push({ type: 'run-end', runId, result, at: t });
  return { info, events, result };
}
