/**
 * The reporting room: re-exports, plus `createReporters` for `--reporter list,junit,json,html`.
 *
 * @example
 * const reporter = createReporters(['list', 'junit,json'], {
 *   stdout: process.stdout, isTTY: process.stdout.isTTY === true, color: true, width: process.stdout.columns,
 *   redactor, warn: (s) => process.stderr.write(s),
 * });
 * const emit: Emit = (e) => reporter.onEvent(e);
 * await reporter.onEnd(results);
 */
import { ScenarioError } from '../errors.ts';
import type { Reporter } from './events.ts';
import { HtmlReporter } from './html/html-reporter.ts';
import { JsonReporter } from './json-reporter.ts';
import { JunitReporter } from './junit-reporter.ts';
import { ListReporter } from './list-reporter.ts';
import { Multiplexer } from './multiplexer.ts';
import type { Redactor } from '../util/redact.ts';

export type { Emit, HarnessEvent, Reporter, RunInfo, Status, CheckStatus } from './events.ts';
export type { CheckResult, PhaseResult, RunResult } from './results.ts';
export { OutputDir, defaultOutputDirName, DEFAULT_RESULTS_ROOT, DIR_MODE, FILE_MODE } from './output-dir.ts';
export { Multiplexer, type MultiplexerOptions, type ReporterFailure } from './multiplexer.ts';
export { ListReporter, type ListReporterOptions } from './list-reporter.ts';
export { JunitReporter, renderJunit, JUNIT_FILE } from './junit-reporter.ts';
export { JsonReporter, toContract, writeResultsJson, RESULTS_FILE } from './json-reporter.ts';
export { HtmlReporter, commonParent, type HtmlReporterOptions } from './html/html-reporter.ts';
export { renderReport, writeReport, renderIndex, writeIndex, REPORT_FILE, INDEX_FILE } from './html/page.ts';
export { serveReport, showReport, DEFAULT_REPORT_PORT, type ServedReport, type ShowReportOptions } from './serve.ts';
export { checkOk, countChecks } from './format.ts';
export { formatDuration } from '../util/duration.ts';

/** In the order they run: html renders from the results.json that json wrote. */
export const REPORTER_NAMES = ['list', 'json', 'junit', 'html'] as const;
export type ReporterName = (typeof REPORTER_NAMES)[number];
/** What `darlings run` uses without `--reporter`. */
export const DEFAULT_REPORTERS: readonly ReporterName[] = ['list', 'json', 'junit', 'html'];

export interface CreateReportersOptions {
  /** Where the list reporter writes (the CLI passes process.stdout). */
  stdout: { write(text: string): unknown };
  /** The CLI's decision (stdout.isTTY and not CI): spinner lines or plain lines. */
  isTTY: boolean;
  color?: boolean;
  width?: number;
  /** The run's secrets; every reporter passes what it writes through it. */
  redactor?: Redactor;
  /** Where a failing reporter's one-line warning goes (the CLI passes stderr). */
  warn?: (text: string) => void;
  /** html: where index.html goes when there are several runs. */
  indexDir?: string;
}

/**
 * `['list,junit', 'json']` → the names in run order, deduplicated.
 * Throws a ScenarioError (exit 2) naming the unknown one.
 */
export function parseReporterNames(names: readonly string[]): ReporterName[] {
  const wanted = new Set<string>();
  for (const n of names.flatMap((s) => s.split(','))) {
    const name = n.trim();
    if (!name) continue;
    if (!(REPORTER_NAMES as readonly string[]).includes(name)) {
      throw new ScenarioError(`Expected \`--reporter\` to be a comma-separated list of ${REPORTER_NAMES.join(', ')}, got \`${name}\``);
    }
    wanted.add(name);
  }
  return REPORTER_NAMES.filter((n) => wanted.has(n));
}

/** Builds the chosen reporters behind one Multiplexer (itself a Reporter). */
export function createReporters(names: readonly string[], options: CreateReportersOptions): Multiplexer {
  const chosen = parseReporterNames(names.length ? names : DEFAULT_REPORTERS);
  const redactor = options.redactor;
  const make: Record<ReporterName, () => Reporter> = {
    list: () => new ListReporter({ stream: options.stdout, isTTY: options.isTTY, color: options.color, width: options.width, redactor }),
    json: () => new JsonReporter({ redactor }),
    junit: () => new JunitReporter({ redactor }),
    html: () => new HtmlReporter({ redactor, indexDir: options.indexDir }),
  };
  return new Multiplexer(chosen.map((n) => make[n]()), { warn: options.warn });
}
