/** Runs `darlings run` as users do, and reads what it wrote. */
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import type { RunResult } from '../../../harness/report/results.ts';

export const BIN = fileURLToPath(new URL('../../../bin/darlings.js', import.meta.url));

export async function outputDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `darlings-e2e-${name}-`));
}

export function darlings(args: string[]): ResultPromise<{ reject: false; all: true; env: Record<string, string> }> {
  return execa(process.execPath, [BIN, ...args], { reject: false, all: true, env: { CI: 'true' } });
}

export async function readResults(dir: string): Promise<RunResult> {
  return JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as RunResult;
}

/** Every file under `dir`, recursively. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

/** Files and folders whose mode is not the contract's (0600 files, 0700 folders). */
export async function badModes(dir: string): Promise<string[]> {
  const bad: string[] = [];
  const walk = async (d: string): Promise<void> => {
    if (((await stat(d)).mode & 0o777) !== 0o700) bad.push(`${d} (folder)`);
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (((await stat(p)).mode & 0o777) !== 0o600) bad.push(p);
    }
  };
  await walk(dir);
  return bad;
}
