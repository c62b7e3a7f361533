/** The small commands: list, eval, show-report. Wiring only. */
import { resolve } from 'node:path';
import { defaultScenarioFiles, loadPlans } from '../runner/load-plans.ts';
import { listEntries } from '../scenario/index.ts';
import { requireHost } from '../host/requirements.ts';
import { ScenarioError } from '../errors.ts';
import { formatDuration } from '../util/duration.ts';

export async function listCommand(files: string[], o: { json: boolean; guest?: string; grep?: string; shard?: string }): Promise<number> {
  const plans = await loadPlans(files.length ? files : await defaultScenarioFiles(), o);
  const entries = listEntries(plans);
  if (o.json) console.log(JSON.stringify(entries, null, 2));
  else for (const e of entries) console.log(`${e.id}  (${e.file}, profile ${e.profile})`);
  return 0;
}

export async function evalCommand(file: string, o: { nixpkgs?: string }): Promise<number> {
  const [plan] = await loadPlans([file], { guest: 'nixos', ...(o.nixpkgs && { nixpkgs: o.nixpkgs }) });
  if (!plan) throw new ScenarioError(`${file} has no run for the nixos guest`);
  await requireHost(['nixos']);
  const { evalScenario } = await import('../guests/nixos/index.ts');
  const r = await evalScenario(plan, { nixpkgs: o.nixpkgs, onProgress: (l: string) => process.stderr.write(`${l}\n`) });
  console.log(`system: ${r.toplevelDrv}`);
  console.log(`iso:    ${r.isoDrv}`);
  console.log(`evaluated in ${formatDuration(r.durationMs)}`);
  return 0;
}

export async function showReportCommand(dir: string, o: { port?: number }): Promise<number> {
  const { showReport } = await import('../report/index.ts');
  await showReport(resolve(dir), { port: o.port, print: (l: string) => console.log(l) });
  // The server keeps the process alive until Ctrl-C.
  await new Promise<void>((r) => process.once('SIGINT', () => r()));
  return 0;
}
