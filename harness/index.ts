/**
 * darlings as a library: what `import … from 'darlings'` gives. The CLI is a thin user of these
 * same functions (harness/cli/), so a program can do everything `darlings` does: load and
 * validate scenarios, run their plans with reporters of its own, read a results folder back.
 *
 * @example
 * ```ts
 * import { loadPlans, runPlans, createReporters, readResults } from 'darlings';
 *
 * // Scenario files anywhere (paths inside them are relative to each file); bad input is a
 * // ScenarioError whose message starts with file:line:column.
 * const plans = await loadPlans(['ci/laptop.yaml'], { guest: 'debian' });
 * const run = await runPlans(plans, {
 *   output: 'out/laptop',
 *   reporters: (redactor) => [createReporters(['list', 'json'], { stdout: process.stdout, isTTY: false, redactor })],
 * });
 * const { result } = await readResults(run.outputs[0]!);
 * console.log(result.status, result.checks.map((c) => `${c.id}: ${c.status}`));
 * ```
 *
 * @packageDocumentation
 */

// Scenarios: load, validate, expand into Plans, select.
export { loadScenario, expandPlans, persistFor, listEntries, planId, grep, shard, parseShard, listProfiles, loadProfile, KNOWN_CHECK_IDS, GUEST_NAMES } from './scenario/index.ts';
export type { Scenario, LoadOptions, ExpandOptions, ListEntry, Plan, GuestName, CheckpointStage } from './scenario/index.ts';
export { loadPlans, defaultScenarioFiles, runSlug, type SelectOptions } from './runner/load-plans.ts';

// Running: images, plans, results.
export { buildGuestImage, IMAGE_GUESTS, type BuildGuestImageOptions, type ImageGuest } from './runner/build-image.ts';
export { runPlans, outputFolders, type RunPlansOptions, type RunPlansResult } from './runner/run-plans.ts';
export type { GuestImage } from './guests/guest.ts';
export { defaultCacheDir } from './guests/image-cache.ts';

// Reporting: the reporters `--reporter` names, the events they get, the results they write.
export {
  createReporters,
  parseReporterNames,
  REPORTER_NAMES,
  DEFAULT_REPORTERS,
  ListReporter,
  JsonReporter,
  JunitReporter,
  HtmlReporter,
  Multiplexer,
  RESULTS_FILE,
  JUNIT_FILE,
  REPORT_FILE,
  defaultOutputDirName,
  type CreateReportersOptions,
  type ReporterName,
} from './report/index.ts';
export type { Reporter, HarnessEvent, Emit, RunInfo, Status, CheckStatus, RunResult, CheckResult, PhaseResult } from './report/index.ts';
export { readResults, type ResultsFolder } from './report/read-results.ts';
export { Redactor } from './util/redact.ts';

// nixos: evaluate a scenario's system and the installer without building.
export { evalScenario, NixEvalFailed, type EvalOptions, type EvalResult } from './guests/nixos/index.ts';

// A new repository: the starter scenario and workflow `darlings init` writes.
export { init, initFiles, STARTER_SCENARIO, STARTER_WORKFLOW, type InitOptions } from './cli/init.ts';

// Errors by blame, and the exit code each means.
export { HarnessError, ScenarioError, HostError, InfraError, CheckFailed, TimeoutError, GuestCrashed, AbortedError, exitCodeFor } from './errors.ts';
