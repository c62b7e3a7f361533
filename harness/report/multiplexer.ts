/**
 * Fans events out to reporters, Playwright-style: every reporter method is optional, and a
 * reporter that throws (or rejects) is recorded and warned about once, never allowed to break the
 * run or the other reporters.
 *
 * @example
 * const mux = new Multiplexer([list, junit], { warn: (s) => process.stderr.write(s) });
 * emit = (e) => mux.onEvent(e);
 * await mux.onEnd(results);
 * if (mux.errors.length) … // the run's verdict does not change
 */
import type { HarnessEvent, Reporter } from './events.ts';
import type { RunResult } from './results.ts';

export interface ReporterFailure {
  reporter: string;
  /** `onEvent:<type>` or `onEnd`. */
  during: string;
  error: unknown;
}

export interface MultiplexerOptions {
  /** Where the one-line warning goes (the CLI passes stderr). Injected: reporters never print on their own. */
  warn?: (text: string) => void;
}

export class Multiplexer implements Reporter {
  readonly name = 'multiplexer';
  readonly reporters: readonly Reporter[];
  readonly errors: ReporterFailure[] = [];
  readonly #warn: (text: string) => void;
  readonly #warned = new Set<Reporter>();

  constructor(reporters: Reporter[], options: MultiplexerOptions = {}) {
    this.reporters = [...reporters];
    this.#warn = options.warn ?? (() => {});
  }

  onEvent(event: HarnessEvent): void {
    for (const r of this.reporters) {
      if (!r.onEvent) continue;
      try {
        // onEvent is typed void, but an async implementation would leak an unhandled rejection.
        const ret: unknown = r.onEvent(event);
        if (isThenable(ret)) ret.then(undefined, (err) => this.#record(r, `onEvent:${event.type}`, err));
      } catch (err) {
        this.#record(r, `onEvent:${event.type}`, err);
      }
    }
  }

  /** Awaits each reporter's onEnd in order (later ones may read files earlier ones wrote). */
  async onEnd(results: RunResult[]): Promise<void> {
    for (const r of this.reporters) {
      if (!r.onEnd) continue;
      try {
        await r.onEnd(results);
      } catch (err) {
        this.#record(r, 'onEnd', err);
      }
    }
  }

  #record(r: Reporter, during: string, error: unknown): void {
    const reporter = nameOf(r);
    this.errors.push({ reporter, during, error });
    if (this.#warned.has(r)) return;
    this.#warned.add(r);
    const msg = error instanceof Error ? error.message : String(error);
    try {
      this.#warn(`darlings: reporter "${reporter}" failed in ${during}: ${firstLine(msg)} (further errors from it are not shown; the run goes on)\n`);
    } catch {
      // A broken warn sink must not break the run either.
    }
  }
}

function nameOf(r: Reporter): string {
  return r.name ?? (r.constructor && r.constructor !== Object ? r.constructor.name : 'anonymous');
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0] ?? '';
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return !!v && typeof (v as { then?: unknown }).then === 'function';
}
