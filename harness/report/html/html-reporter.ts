/**
 * Writes report.html into each run's folder, and index.html into the common parent when there
 * were several runs. It renders from the folder (results.json and artifacts), so it writes in
 * onEnd, after the JSON reporter; if results.json is missing (no `json` reporter chosen) it
 * writes it first, since the page is built from it.
 *
 * @example
 * new HtmlReporter({ redactor }) // --reporter html
 */
import { access } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { RunInfo } from '../events.ts';
import { RESULTS_FILE, writeResultsJson } from '../json-reporter.ts';
import type { OutputDir } from '../output-dir.ts';
import type { RunResult } from '../results.ts';
import { RunFileReporter, type FileReporterOptions } from '../run-files.ts';
import { writeIndex, writeReport } from './page.ts';

export interface HtmlReporterOptions extends FileReporterOptions {
  /** Where index.html goes with several runs; default: the runs' common parent folder. */
  indexDir?: string;
  /** false: never write index.html. */
  index?: boolean;
}

export class HtmlReporter extends RunFileReporter {
  readonly name = 'html';
  protected override readonly writeAtRunEnd = false;
  readonly #options: HtmlReporterOptions;

  constructor(options: HtmlReporterOptions = {}) {
    super(options);
    this.#options = options;
  }

  protected async writeRun(out: OutputDir, result: RunResult, _info?: RunInfo): Promise<void> {
    try {
      await access(join(out.path, RESULTS_FILE));
    } catch {
      await writeResultsJson(out, result);
    }
    await writeReport(out.path, { redactor: this.redactor });
  }

  override async onEnd(results: RunResult[]): Promise<void> {
    await super.onEnd(results);
    const dirs = [...new Set(this.dirs.map((d) => resolve(d)))];
    if (this.#options.index === false || dirs.length < 2) return;
    await writeIndex(dirs, this.#options.indexDir ?? commonParent(dirs), { redactor: this.redactor });
  }
}

/** The deepest folder containing all of `dirs` (each run folder's parent when they are siblings). */
export function commonParent(dirs: string[]): string {
  const split = dirs.map((d) => dirname(resolve(d)).split(sep));
  const first = split[0] ?? [];
  let n = first.length;
  for (const parts of split) {
    let i = 0;
    while (i < n && parts[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join(sep) || sep;
}
