/**
 * A runbook taken from a run: each step the harness sends is looked up, in order, in the run's
 * ssh.log (ran, failed with its output, or not run and why), each section gets its phase's
 * status, each check its result, and the book says which run proved it. Pure: the inputs are the
 * folder's texts, already redacted when the run wrote them.
 */
import type { Provenance, Runbook, RunbookSection, RunbookStep, StepRun } from './model.ts';
import { parseSshLog } from './transcript.ts';

/** The part of results.json this reads (report/results.ts has the whole contract). */
export interface RunRecord {
  scenario: string;
  guest: 'debian' | 'nixos';
  status: string;
  kernel?: string;
  startedAt?: string;
  accel?: string;
  phases: { name: string; status: string; error?: string }[];
  /** `reason`: why a failure is expected or a gap is known, where results.json carries one. */
  checks: { id: string; status: string; message: string; expectedFailure: boolean; reason?: string }[];
  checkpoint?: { from: string };
}

export interface RunTexts {
  folder: string;
  results: RunRecord;
  ssh?: string;
  /** dmesg or serial text, for the kernel release the run booted. */
  kernelLog?: string;
}

/** The harness phases each section's steps run in. */
const SECTION_PHASES: Record<string, string[]> = {
  'reboot-installer': ['power-off-installer'],
  'first-boot': ['first-boot', 'first-boot-state', 'reboot'],
  reboot: ['reboot'],
};

const OUTPUT_LINES = 15;

export function annotateWithRun(book: Runbook, texts: RunTexts): Runbook {
  const r = texts.results;
  const phases = new Map(r.phases.map((p) => [p.name, p]));
  const sent = texts.ssh ? parseSshLog(texts.ssh) : [];
  let cursor = 0;
  let unseen = 0;
  const whyNot = (step: RunbookStep): string => {
    const p = phases.get(step.phase);
    if (!p) return r.checkpoint ? `phase ${step.phase} did not run: this run booted the checkpoint ${r.checkpoint.from}` : `phase ${step.phase} did not run`;
    if (step.sent === 'if') return `not needed in this run (${step.note ?? 'conditional'})`;
    return `not in this run's ssh.log although phase ${step.phase} ${p.status}`;
  };
  const mark = (step: RunbookStep): RunbookStep => {
    if (step.sent === 'never' || step.command === undefined) {
      const p = phases.get(step.phase);
      const run: StepRun = p ? { status: p.status === 'passed' ? 'ran' : 'failed', detail: p.status === 'passed' ? 'done by the harness on the serial console' : p.error ?? `phase ${step.phase} ${p.status}` } : { status: 'not-run', detail: `phase ${step.phase} did not run` };
      return { ...step, run };
    }
    const at = sent.findIndex((c, i) => i >= cursor && c.command === step.command);
    if (at < 0) {
      if (step.sent === 'always' && phases.get(step.phase)?.status === 'passed') unseen++;
      return { ...step, run: { status: 'not-run', detail: whyNot(step) } };
    }
    // A wait is sent until it succeeds: its tries follow one another, the last one counts.
    let last = at;
    while (step.until && sent[last + 1]?.command === step.command) last++;
    cursor = last + 1;
    const c = sent[last]!;
    const tail = c.output.split('\n').slice(-OUTPUT_LINES).join('\n').trim();
    const run: StepRun = c.exitCode === 0
      ? { status: 'ran', exitCode: 0, ...(c.durationMs !== undefined && { durationMs: c.durationMs }) }
      : { status: 'failed', ...(c.exitCode !== undefined && { exitCode: c.exitCode }), ...(c.durationMs !== undefined && { durationMs: c.durationMs }), detail: c.exitCode === undefined ? `no exit status in ssh.log (cut off)${tail ? `:\n${tail}` : ''}` : tail };
    // Today's persist copies do not check their status (the step says so): a non-zero exit is shown, not hidden.
    return { ...step, run };
  };
  const sections: RunbookSection[] = book.sections.map((s) => {
    const names = SECTION_PHASES[s.id] ?? [s.id];
    const ran = names.map((n) => phases.get(n)).filter((p): p is NonNullable<typeof p> => !!p);
    const bad = ran.find((p) => p.status !== 'passed');
    const status = !ran.length ? 'not-run' : bad ? bad.status : 'passed';
    return { ...s, steps: s.steps.map(mark), run: { status, ...(bad?.error && { error: bad.error }) } };
  });
  const byId = new Map(r.checks.map((c) => [c.id, c]));
  const checks = book.checks.map((c) => {
    const got = byId.get(c.id);
    if (!got) return { ...c, run: { status: 'not-run' as const, detail: 'this run has no result for it' } };
    const status: StepRun['status'] = got.status === 'passed' ? 'passed' : got.status === 'skipped' ? 'skipped' : got.expectedFailure ? 'expected-failure' : 'failed';
    return { ...c, run: { status, detail: got.expectedFailure ? `expected to fail (${got.reason ?? 'the scenario\'s expect.failures'}): ${got.message}` : got.message } };
  });
  const provenance: Provenance = {
    folder: texts.folder,
    scenario: r.scenario,
    guest: r.guest,
    kernel: r.kernel ?? 'unknown',
    ...(kernelRelease(texts.kernelLog) && { kernelRelease: kernelRelease(texts.kernelLog) }),
    ...(r.startedAt && { startedAt: r.startedAt }),
    status: r.status,
    ...(r.accel && { accel: r.accel }),
    unseen,
  };
  return { ...book, sections, checks, provenance };
}

/** `Linux version 6.1.0-28-amd64 (…)` -> `6.1.0-28-amd64`. */
export function kernelRelease(text?: string): string | undefined {
  return text ? /Linux version (\S+)/.exec(text)?.[1] : undefined;
}
