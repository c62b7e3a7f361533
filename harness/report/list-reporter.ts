/**
 * Live progress for people. On a TTY: one spinner line per running run (phase, step, elapsed
 * time) kept at the bottom and redrawn ~8×/s in a single write (no flicker), with permanent lines
 * (steps, phase ends, checks) printed above it. Elsewhere (CI logs, pipes): plain lines, no escape
 * codes. At the end a summary table and the output folders.
 *
 * The stream and the TTY/color/width decision are injected by the CLI: this file never reads
 * process.* or the environment (STYLE.md).
 *
 * @example
 * new ListReporter({ stream: process.stdout, isTTY: true, color: true, width: 100 })
 * // [blog-xps13/debian] install ▸ partition … 0.6 s
 */
import type { HarnessEvent, Reporter, RunInfo } from './events.ts';
import { checkOk, countChecks } from './format.ts';
import { formatDuration } from '../util/duration.ts';
import type { RunResult } from './results.ts';
import type { Redactor } from '../util/redact.ts';

export interface ListReporterOptions {
  stream: { write(text: string): unknown };
  isTTY: boolean;
  /** Ignored (off) when `isTTY` is false. */
  color?: boolean;
  /** Terminal columns; spinner lines are cut to fit so they never wrap (wrapping breaks redraw). */
  width?: number;
  redactor?: Redactor;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Spinner redraw period. */
  intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 125;
const DEFAULT_WIDTH = 80;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;

interface RunState {
  info: RunInfo;
  label: string;
  startedAt: number;
  phase?: string;
  phaseAt?: number;
  lastPhase?: string;
  steps: { step: string; at: number }[];
  result?: RunResult;
}

export class ListReporter implements Reporter {
  readonly name = 'list';
  readonly #o: Required<Omit<ListReporterOptions, 'redactor'>> & { redactor?: Redactor };
  readonly #runs = new Map<string, RunState>();
  #statusLines = 0;
  #frame = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: ListReporterOptions) {
    // Explicit `??`: a caller passing `width: undefined` (stdout.columns off a TTY) gets the default.
    this.#o = {
      ...options,
      color: options.color ?? false,
      width: options.width && options.width > 0 ? options.width : DEFAULT_WIDTH,
      now: options.now ?? Date.now,
      intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
    };
    // Plain lines off a TTY mean no escape codes at all: log viewers and greps choke on them.
    if (!this.#o.isTTY) this.#o.color = false;
  }

  onEvent(e: HarnessEvent): void {
    if (e.type === 'run-begin') {
      const label = this.#labelFor(e.run);
      this.#runs.set(e.run.runId, { info: e.run, label, startedAt: e.at, steps: [] });
      const bits = [`accel ${e.accel}${e.accelNote ? ` (${e.accelNote})` : ''}`, `profile ${e.run.profile}`, `kernel ${e.run.kernel}`];
      this.#print(`${this.#tag(label)} ${this.#c('bold', '▶ start')} ${this.#c('dim', '· ' + bits.join(' · '))}`);
      this.#ensureTimer();
      return;
    }
    const run = this.#runs.get(e.runId);
    if (!run) return;
    const tag = this.#tag(run.label);
    switch (e.type) {
      case 'phase-begin':
        run.phase = e.phase;
        run.phaseAt = e.at;
        run.steps = [];
        // Off a TTY there is no spinner: say what started, so a hang in a CI log shows where.
        if (!this.#o.isTTY) this.#print(`${tag} ${e.phase} …`);
        break;
      case 'phase-end': {
        run.phase = undefined;
        run.lastPhase = e.phase;
        run.steps = [];
        const ok = e.status === 'passed';
        const err = e.error ? `: ${firstLine(e.error)}` : '';
        this.#print(ok ? `${tag} ${this.#c('green', '✓')} ${e.phase} ${this.#c('dim', formatDuration(e.durationMs))}`
          : `${tag} ${this.#c('red', '✗')} ${e.phase} ${this.#c('red', e.status)} after ${formatDuration(e.durationMs)}${err}`);
        break;
      }
      case 'step-begin':
        run.steps.length = Math.max(0, e.depth);
        run.steps.push({ step: e.step, at: e.at });
        break;
      case 'step-end': {
        const path = [e.phase, ...run.steps.slice(0, e.depth).map((s) => s.step), e.step].join(' ▸ ');
        run.steps.length = Math.max(0, e.depth);
        const mark = e.ok ? '…' : this.#c('red', '✗');
        this.#print(`${tag} ${path} ${mark} ${this.#c('dim', formatDuration(e.durationMs))}`);
        break;
      }
      case 'boot':
        this.#print(`${tag} ${this.#c('cyan', `boot ${e.boot}`)} ${this.#c('dim', '·')} ${e.label}`);
        break;
      case 'check':
        this.#print(`${tag}   ${this.#checkLine(e)}`);
        break;
      case 'log':
        this.#print(e.level === 'warn' ? `${tag} ${this.#c('yellow', `warning: ${e.message}`)}` : `${tag} ${e.message}`);
        break;
      case 'run-end': {
        run.result = e.result;
        const n = countChecks(e.result.checks);
        const ok = e.result.status === 'passed';
        const verdict = ok ? this.#c('green', '✓ passed') : this.#c('red', `✗ ${e.result.status}`);
        this.#print(`${tag} ${verdict} in ${formatDuration(e.result.durationMs)} ${this.#c('dim', `· checks ${n.passed} passed, ${n.failed} failed, ${n.skipped} skipped`)}`);
        break;
      }
      default:
        break;
    }
    if (e.type === 'run-end' || e.type === 'phase-begin' || e.type === 'step-begin') this.#redraw();
  }

  async onEnd(results: RunResult[]): Promise<void> {
    this.#stopTimer();
    this.#clearStatus();
    const rows = results.map((r) => this.#row(r));
    if (rows.length === 0) return;
    const head = ['Scenario', 'Guest', 'Kernel', 'Status', 'Duration', 'Passed', 'Failed', 'Skipped'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => visible(r[i] ?? '').length)));
    const line = (cells: string[]): string => '  ' + cells.map((c, i) => pad(c, widths[i]!, i >= 5)).join('  ').trimEnd();
    const out = ['', this.#c('bold', line(head)), ...rows.map(line)];
    const dirs = results.map((r) => r.outputDir ?? this.#infoFor(r)?.outputDir).filter((d): d is string => !!d);
    if (dirs.length) out.push('', 'Output:', ...dirs.map((d) => `  ${d}`));
    this.#write(out.join('\n') + '\n');
  }

  #row(r: RunResult): string[] {
    const info = this.#infoFor(r);
    const n = countChecks(r.checks);
    const status = r.status === 'passed' ? this.#c('green', 'passed') : this.#c('red', r.status);
    return [r.scenario, r.guest, r.kernel ?? info?.kernel ?? '', status, formatDuration(r.durationMs),
      String(n.passed), n.failed ? this.#c('red', String(n.failed)) : '0', String(n.skipped)];
  }

  #infoFor(r: RunResult): RunInfo | undefined {
    for (const s of this.#runs.values()) if (s.result === r || (r.outputDir && s.info.outputDir === r.outputDir)) return s.info;
    return undefined;
  }

  #checkLine(e: Extract<HarnessEvent, { type: 'check' }>): string {
    const msg = e.message ? `: ${firstLine(e.message)}` : '';
    if (e.status === 'skipped') return `${this.#c('yellow', '−')} ${e.id} ${this.#c('dim', `skipped${msg}`)}`;
    if (checkOk(e)) {
      return e.expectedFailure
        ? `${this.#c('green', '✓')} ${e.id} ${this.#c('yellow', '(expected failure)')}${this.#c('dim', msg)}`
        : `${this.#c('green', '✓')} ${e.id}`;
    }
    return e.expectedFailure
      ? `${this.#c('red', '✗')} ${e.id} ${this.#c('red', 'passed but was expected to fail')}`
      : `${this.#c('red', '✗')} ${e.id}${msg}`;
  }

  /** `[scenario/guest]`, plus the kernel when two runs would otherwise share a name. */
  #labelFor(info: RunInfo): string {
    const clash = [...this.#runs.values()].some((r) => r.info.scenario === info.scenario && r.info.guest === info.guest);
    return `${info.scenario}/${info.guest}${clash ? `/${info.kernel}` : ''}`;
  }

  #tag(label: string): string {
    return this.#c('dim', '[') + this.#c('bold', label) + this.#c('dim', ']');
  }

  /** A permanent line; on a TTY it goes above the spinner block, redrawn in the same write. */
  #print(line: string): void {
    if (!this.#o.isTTY) return this.#write(line + '\n');
    this.#write(this.#clearSeq() + line + '\n' + this.#statusBlock());
  }

  #redraw(): void {
    if (!this.#o.isTTY) return;
    this.#write(this.#clearSeq() + this.#statusBlock());
  }

  #clearStatus(): void {
    if (this.#o.isTTY) this.#write(this.#clearSeq());
  }

  /** Cursor up over the spinner block and erase to the end of the screen. */
  #clearSeq(): string {
    const n = this.#statusLines;
    this.#statusLines = 0;
    return n > 0 ? `\r\x1b[${n}A\x1b[0J` : '';
  }

  #statusBlock(): string {
    const now = this.#o.now();
    const spin = SPINNER[this.#frame % SPINNER.length]!;
    const lines: string[] = [];
    for (const r of this.#runs.values()) {
      if (r.result) continue;
      const where = r.phase ? [r.phase, ...r.steps.map((s) => s.step)].join(' ▸ ') : r.lastPhase ? `after ${r.lastPhase}` : 'starting';
      const since = r.steps.at(-1)?.at ?? r.phaseAt ?? r.startedAt;
      // Event times come from the core's clock; never show a negative elapsed time if clocks disagree.
      const el = (from: number): string => formatDuration(Math.max(0, now - from));
      const text = `${this.#c('cyan', spin)} ${this.#tag(r.label)} ${where} ${this.#c('dim', `${el(since)} · run ${el(r.startedAt)}`)}`;
      lines.push(truncate(text, Math.max(10, this.#o.width - 1)));
    }
    this.#statusLines = lines.length;
    return lines.map((l) => l + '\n').join('');
  }

  #ensureTimer(): void {
    if (!this.#o.isTTY || this.#timer) return;
    this.#timer = setInterval(() => {
      this.#frame++;
      if ([...this.#runs.values()].every((r) => r.result)) return this.#stopTimer();
      this.#redraw();
    }, this.#o.intervalMs);
    // The spinner must never keep the process alive on its own.
    this.#timer.unref?.();
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #write(text: string): void {
    if (!text) return;
    this.#o.stream.write(this.#o.redactor ? this.#o.redactor.redact(text) : text);
  }

  #c(style: keyof typeof STYLES, s: string): string {
    return this.#o.color ? `${STYLES[style]}${s}\x1b[0m` : s;
  }
}

const STYLES = { bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m' };

function firstLine(s: string): string {
  return s.split('\n', 1)[0] ?? '';
}

function visible(s: string): string {
  return s.replace(ANSI, '');
}

function pad(s: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - visible(s).length));
  return right ? fill + s : s + fill;
}

/** Cuts to `max` visible characters, keeping escape codes intact and resetting at the cut. */
function truncate(s: string, max: number): string {
  if (visible(s).length <= max) return s;
  let out = '';
  let n = 0;
  for (const part of s.split(/(\x1b\[[0-?]*[ -/]*[@-~])/)) {
    if (part.startsWith('\x1b[')) out += part;
    else for (const ch of part) {
      if (n >= max - 1) return out + '…\x1b[0m';
      out += ch;
      n++;
    }
  }
  return out;
}
