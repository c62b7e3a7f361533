/**
 * `junit.xml` per run, for CI dashboards: one testsuite per run named `<scenario> [<guest>]`, a
 * testcase per phase (`<scenario>.<guest>.phases`) and per check (`<scenario>.<guest>.checks`).
 * An expected failure that failed is a pass (the run judges it so) with a `system-out` note; one
 * that passed is a failure, since the breakage it should have caught went unnoticed.
 *
 * @example
 * new JunitReporter({ redactor }) // writes <outputDir>/junit.xml when each run ends
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { checkOk, countChecks, recipeLines, runTitle } from './format.ts';
import type { OutputDir } from './output-dir.ts';
import type { CheckResult, PhaseResult, RunResult } from './results.ts';
import { RunFileReporter } from './run-files.ts';

export const JUNIT_FILE = 'junit.xml';

export class JunitReporter extends RunFileReporter {
  readonly name = 'junit';

  protected async writeRun(out: OutputDir, result: RunResult): Promise<void> {
    // Redact before building: the XML escaping could otherwise split a secret ("&amp;").
    await out.writeText(JUNIT_FILE, renderJunit(out.redactor.redactValue(result)));
  }
}

/** The JUnit document of one run (pure; used by the reporter and the tests). */
export function renderJunit(r: RunResult): string {
  const counts = countChecks(r.checks);
  const phaseFailures = r.phases.filter((p) => p.status === 'failed').length;
  const phaseErrors = r.phases.filter((p) => p.status === 'error').length;
  const tests = r.phases.length + r.checks.length;
  const totals = {
    tests: String(tests),
    failures: String(phaseFailures + counts.failed),
    errors: String(phaseErrors),
    skipped: String(counts.skipped),
    time: seconds(r.durationMs),
  };

  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const suites = doc.ele('testsuites', { name: 'darlings', ...totals });
  const suite = suites.ele('testsuite', {
    name: runTitle(r),
    ...totals,
    ...(r.startedAt ? { timestamp: r.startedAt } : {}),
    ...(r.host?.hostname ? { hostname: clean(r.host.hostname) } : {}),
  });

  const props = suite.ele('properties');
  const prop = (name: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') props.ele('property', { name, value: clean(value) });
  };
  prop('guest', r.guest);
  prop('accel', r.accel);
  prop('profile', r.profile);
  prop('kernel', r.kernel);
  prop('qemuVersion', r.host?.qemuVersion);
  prop('status', r.status);
  (r.knownGaps ?? []).forEach((g, i) => prop(`knownGap.${i + 1}`, `${g.id}: ${g.reason}`));
  (r.deviations ?? []).forEach((d, i) => prop(`deviation.${i + 1}`, `${d.instead} (instead of ${d.blog}): ${d.reason}`));

  const base = `${r.scenario}.${r.guest}`;
  for (const p of r.phases) phaseCase(suite, `${base}.phases`, p);
  for (const c of r.checks) checkCase(suite, `${base}.checks`, c);
  // Apart from the checks: the recipe's known gaps, deviations and expected command failures.
  const recipe = recipeLines(r);
  if (recipe.length) suite.ele('system-out').txt(clean(['The recipe as written:', ...recipe].join('\n')));
  if (r.error) suite.ele('system-err').txt(clean(r.error));

  return doc.end({ prettyPrint: true }) + '\n';
}

function phaseCase(suite: XMLBuilder, classname: string, p: PhaseResult): void {
  const tc = suite.ele('testcase', { classname, name: p.name, time: seconds(p.durationMs) });
  if (p.status === 'passed') return;
  const text = clean(p.error ?? `phase ${p.name} ${p.status}`);
  // JUnit separates a failed assertion from an error; so does darlings (CheckFailed vs InfraError).
  tc.ele(p.status === 'failed' ? 'failure' : 'error', { message: firstLine(text), type: p.status }).txt(text);
}

function checkCase(suite: XMLBuilder, classname: string, c: CheckResult): void {
  const tc = suite.ele('testcase', { classname, name: c.id, time: '0' });
  const message = clean(c.message ?? '');
  if (c.status === 'skipped') {
    tc.ele('skipped', message ? { message: firstLine(message) } : {});
    return;
  }
  if (checkOk(c)) {
    if (c.expectedFailure && c.knownGap) tc.ele('system-out').txt(`known gap of the recipe: ${clean(c.reason ?? '')}\nthe scenario declares that the blog's recipe falls short here, and the run shows it.${message ? `\n${message}` : ''}`);
    else if (c.expectedFailure) tc.ele('system-out').txt(`expected failure: the scenario expects ${c.id} to fail${c.reason ? ` (${clean(c.reason)})` : ''}, and it did.${message ? `\n${message}` : ''}`);
    return;
  }
  const why = c.expectedFailure ? `expected to fail, but passed${message ? `: ${message}` : ''}` : message || `${c.id} failed`;
  tc.ele('failure', { message: firstLine(why), type: c.expectedFailure ? 'unexpected-pass' : 'check' }).txt(why);
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** XML 1.0 cannot carry most control characters (serial logs are full of them): drop ANSI, mark the rest. */
export function clean(s: string): string {
  return s
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
