/**
 * Reads a run's output folder into a runbook proved by that run: the procedure it ran
 * (procedure.json, written at the start of every run; else the one given, built from the plan),
 * annotated from its results.json and ssh.log. Used by `darlings runbook --from-run` and the
 * HTML report's Procedure section.
 */
import { readFile, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { annotateWithRun, type RunRecord } from './annotate.ts';
import { PROCEDURE_FILE, type Runbook } from './model.ts';

async function maybe(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
}

/** The procedure.json a run wrote, or undefined (older folders have none). Throws on a bad one. */
export async function readProcedureFile(dir: string): Promise<Runbook | undefined> {
  const text = await maybe(join(dir, PROCEDURE_FILE));
  if (text === undefined) return undefined;
  const book = JSON.parse(text) as Runbook;
  if (book.version !== 1 || !Array.isArray(book.sections)) throw new Error(`${join(dir, PROCEDURE_FILE)}: expected a darlings procedure (version 1), got version ${String(book.version)}`);
  return book;
}

/**
 * @example
 * const book = await runbookFromRun('darlings-results/blog-xps13-debian-…');
 * book?.provenance?.status // 'passed'
 */
export async function runbookFromRun(dir: string, fromPlan?: Runbook, redact: (t: string) => string = (t) => t): Promise<Runbook | undefined> {
  const resultsText = await maybe(join(dir, 'results.json'));
  if (resultsText === undefined) throw new Error(`Expected a darlings output folder with results.json in ${dir}`);
  const results = JSON.parse(redact(resultsText)) as RunRecord;
  const book = (await readProcedureFile(dir)) ?? fromPlan;
  if (!book) return undefined;
  const names = await readdir(dir);
  const dmesg = names.filter((n) => /^dmesg-\d+\.txt$/.test(n)).sort()[0] ?? names.filter((n) => /^serial-\d+\.log$/.test(n)).sort().at(-1);
  const ssh = await maybe(join(dir, 'ssh.log'));
  const kernelLog = dmesg ? await maybe(join(dir, dmesg)) : undefined;
  return annotateWithRun(book, {
    folder: basename(dir),
    results,
    ...(ssh !== undefined && { ssh: redact(ssh) }),
    ...(kernelLog !== undefined && { kernelLog }),
  });
}
