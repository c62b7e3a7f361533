/**
 * `darlings runbook <scenario> --guest nixos|debian [--from-run DIR] [--format md|sh]`: the
 * procedure a person follows, on stdout. Wiring only: the book is harness/runbook's.
 */
import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { HarnessError, ScenarioError } from '../errors.ts';

export interface RunbookOptions {
  guest: 'debian' | 'nixos';
  fromRun?: string;
  format: 'md' | 'sh';
  kernel?: string;
}

/** The runbook's text; throws ScenarioError for a scenario or run that does not fit. */
export async function runbookText(file: string, o: RunbookOptions): Promise<string> {
  // Loaded here, not at the top: every other darlings command starts without them.
  const [{ loadPlans }, { driverFor }, { buildRunbook, renderMarkdown, renderScript, runbookFromRun }] = await Promise.all([
    import('../runner/load-plans.ts'),
    import('../guests/drivers.ts'),
    import('../runbook/index.ts'),
  ]);
  const [plan] = await loadPlans([file], { guest: o.guest, kernel: o.kernel });
  if (!plan) throw new ScenarioError(`${file} has no run for the ${o.guest} guest`);
  let book = buildRunbook(plan, await driverFor(plan.guest));
  if (o.fromRun) {
    const dir = resolve(o.fromRun);
    const fromRun = await runbookFromRun(dir, book).catch((e: Error) => {
      throw new ScenarioError(`--from-run ${o.fromRun}: ${e.message}`);
    });
    const p = fromRun!.provenance!;
    if (p.scenario !== plan.name || p.guest !== plan.guest) {
      throw new ScenarioError(`--from-run ${o.fromRun} is a run of ${p.scenario} [${p.guest}], not ${plan.name} [${plan.guest}]`);
    }
    book = fromRun!;
  }
  const command = `darlings runbook ${file} --guest ${o.guest}${o.fromRun ? ` --from-run ${o.fromRun}` : ''}${o.format === 'sh' ? ' --format sh' : ''}`;
  const text = o.format === 'sh' ? renderScript(book, command) : renderMarkdown(book, command);
  // The book holds placeholders only; a secret here would be a bug, so nothing is printed then.
  if (plan.secrets.some((s) => s && text.includes(s))) throw new HarnessError('the runbook would show a secret of the scenario; refusing to print it');
  return text;
}

/** Adds `runbook` to the program (one line in cli.ts). */
export function registerRunbookCommand(program: Command): void {
  program
    .command('runbook')
    .description('print the procedure a person follows, from the plan or proved by a run')
    .argument('<scenario>', 'scenario YAML file')
    .addOption(new Option('--guest <guest>', 'the guest whose steps to print').choices(['debian', 'nixos']).makeOptionMandatory())
    .option('--from-run <dir>', 'take it from this run\'s output folder and say which run proved it')
    .addOption(new Option('--format <format>', 'md (to read) or sh (a script to run)').choices(['md', 'sh']).default('md'))
    .option('--kernel <name>', 'this kernel of the scenario\'s matrix')
    .action(async (file: string, opts: RunbookOptions) => {
      process.stdout.write(await runbookText(file, opts));
    });
}
