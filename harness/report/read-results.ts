/**
 * Reading an output folder back: its results.json (the DESIGN.md contract) and the files beside
 * it, for programs that act on a run (a CI step, a dashboard).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HarnessError } from '../errors.ts';
import { RESULTS_FILE } from './json-reporter.ts';
import type { RunResult } from './results.ts';

/** A results folder as read back: the run's result and the files the folder holds. */
export interface ResultsFolder {
  dir: string;
  result: RunResult;
  /** Every file in the folder, relative names, sorted. */
  files: string[];
}

const STATUSES = ['passed', 'failed', 'error'];

/**
 * Reads `dir/results.json`. Throws a HarnessError naming the file when it is missing or is not a
 * run's results (no scenario, guest, status, phases or checks).
 *
 * @example
 * ```ts
 * const { result } = await readResults('darlings-results/laptop');
 * const failed = result.checks.filter((c) => c.status === 'failed' && !c.expectedFailure);
 * ```
 */
export async function readResults(dir: string): Promise<ResultsFolder> {
  const root = resolve(dir);
  const file = join(root, RESULTS_FILE);
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new HarnessError(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const r = data as Partial<RunResult> | null;
  const problems = [
    typeof r?.scenario !== 'string' && 'scenario',
    (r?.guest !== 'debian' && r?.guest !== 'nixos') && 'guest',
    !STATUSES.includes(String(r?.status)) && 'status',
    !Array.isArray(r?.phases) && 'phases',
    !Array.isArray(r?.checks) && 'checks',
  ].filter(Boolean);
  if (problems.length) throw new HarnessError(`${file} is not a darlings results.json (missing or wrong: ${problems.join(', ')})`);
  const files: string[] = [];
  for (const e of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) files.push(join(e.parentPath ?? e.path, e.name).slice(root.length + 1));
  }
  return { dir: root, result: r as RunResult, files: files.sort() };
}
