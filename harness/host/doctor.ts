/**
 * `darlings doctor [--fix]`: what the host has, what it lacks and how to get it; `--fix`
 * installs the missing packages with apt-get on Debian/Ubuntu when run as root.
 */
import { exists } from '../util/fs.ts';
import { execa } from 'execa';
import { probe, REQUIREMENTS, type ProbeResult } from './requirements.ts';
import { chooseAccel } from '../vm/accel.ts';

export interface DoctorOptions {
  fix: boolean;
  write: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Returns the exit code: 0 when everything required is there, 3 otherwise. */
export async function doctor(o: DoctorOptions): Promise<0 | 3> {
  let results = await probeAll(o.env);
  if (o.fix) {
    const missing = [...new Set(results.filter((r) => !r.ok && !r.req.apt.startsWith('(')).map((r) => r.req.apt))];
    if (missing.length) {
      const canApt = process.getuid?.() === 0 && (await exists('/usr/bin/apt-get'));
      if (!canApt) {
        o.write(`--fix needs root and apt-get (Debian/Ubuntu). Run: sudo apt-get install -y ${missing.join(' ')}`);
      } else {
        o.write(`installing: ${missing.join(' ')}`);
        await execa('apt-get', ['update', '-q'], { stdio: 'inherit', reject: false });
        const r = await execa('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
          stdio: 'inherit',
          reject: false,
          env: { DEBIAN_FRONTEND: 'noninteractive' },
        });
        if (r.exitCode !== 0) o.write(`apt-get install failed (exit ${r.exitCode})`);
        results = await probeAll(o.env);
      }
    }
  }
  const width = Math.max(...results.map((r) => r.req.name.length));
  for (const r of results) {
    const mark = r.ok ? 'ok  ' : r.req.optional ? 'warn' : 'MISS';
    const hint = r.ok ? r.detail : `${r.detail} -> install: ${r.req.apt}`;
    o.write(`${mark}  ${r.req.name.padEnd(width)}  ${hint}  [${r.req.for.join(', ')}: ${r.req.why}]`);
  }
  const accel = await chooseAccel('auto');
  o.write(`accelerator: ${accel.note}`);
  const missing = results.filter((r) => !r.ok && !r.req.optional && !r.req.for.every((p) => p === 'nixos'));
  if (missing.length) {
    o.write(`missing: ${missing.map((m) => m.req.name).join(', ')} (npx darlings doctor --fix installs them as root)`);
    return 3;
  }
  return 0;
}

async function probeAll(env?: NodeJS.ProcessEnv): Promise<ProbeResult[]> {
  return Promise.all(REQUIREMENTS.map((r) => probe(r, env)));
}
