/**
 * The common part of the reporters that write a file into each run's output folder (JSON, JUnit,
 * HTML): they write as soon as a run ends (so a later crash of the harness still leaves the files
 * of the runs that finished), and `onEnd` waits for those writes and covers results that came
 * without a run-end event. Write errors surface in `onEnd`, where the multiplexer records them.
 */
import type { HarnessEvent, Reporter, RunInfo } from './events.ts';
import { OutputDir } from './output-dir.ts';
import type { RunResult } from './results.ts';
import { Redactor } from '../util/redact.ts';

export interface FileReporterOptions {
  /** The run's secrets; everything written passes through it. */
  redactor?: Redactor;
}

export abstract class RunFileReporter implements Reporter {
  abstract readonly name: string;
  protected readonly redactor: Redactor;
  readonly #infos = new Map<string, RunInfo>();
  readonly #written = new Set<RunResult>();
  readonly #pending: Promise<unknown>[] = [];
  readonly #deferred: { result: RunResult; info?: RunInfo }[] = [];
  /**
   * False for reporters that read what others wrote (HTML reads results.json): they write in
   * onEnd, which the multiplexer calls in order, after the JSON reporter's.
   */
  protected readonly writeAtRunEnd: boolean = true;

  constructor(options: FileReporterOptions = {}) {
    this.redactor = options.redactor ?? new Redactor();
  }

  /** Writes this reporter's file(s) for one finished run. */
  protected abstract writeRun(out: OutputDir, result: RunResult, info?: RunInfo): Promise<void>;

  onEvent(event: HarnessEvent): void {
    if (event.type === 'run-begin') this.#infos.set(event.run.runId, event.run);
    if (event.type !== 'run-end') return;
    const info = this.#infos.get(event.runId);
    if (this.writeAtRunEnd) this.#start(event.result, info);
    else this.#deferred.push({ result: event.result, info });
  }

  async onEnd(results: RunResult[]): Promise<void> {
    for (const d of this.#deferred.splice(0)) this.#start(d.result, d.info);
    for (const r of results) if (!this.#written.has(r)) this.#start(r);
    const settled = await Promise.allSettled(this.#pending.splice(0));
    const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed.length === 1) throw failed[0]!.reason;
    if (failed.length > 1) throw new AggregateError(failed.map((f) => f.reason), `${this.name}: ${failed.length} runs could not be written`);
  }

  /** Output folder of a run: the result's own, else the one announced at run-begin. */
  protected dirOf(result: RunResult, info?: RunInfo): string | undefined {
    return result.outputDir ?? info?.outputDir;
  }

  /** The folders this reporter wrote to (or tried), in run order. */
  protected readonly dirs: string[] = [];

  #start(result: RunResult, info?: RunInfo): void {
    this.#written.add(result);
    const dir = this.dirOf(result, info);
    if (!dir) {
      this.#track(Promise.reject(new Error(`${this.name}: run ${result.scenario} [${result.guest}] has no output folder`)));
      return;
    }
    this.dirs.push(dir);
    const withKernel: RunResult = { ...result, kernel: result.kernel ?? info?.kernel, profile: result.profile ?? info?.profile };
    if (withKernel.kernel === undefined) delete withKernel.kernel;
    if (withKernel.profile === undefined) delete withKernel.profile;
    this.#track(this.writeRun(new OutputDir(dir, this.redactor), withKernel, info));
  }

  /** Marks the write as handled now (Node would crash on an unhandled rejection); onEnd reports it. */
  #track(p: Promise<unknown>): void {
    p.catch(() => {});
    this.#pending.push(p);
  }
}
