/** The small commands: list, build-image, eval, show-report. Wiring only. */
import { resolve } from 'node:path';
import { defaultScenarioFiles, loadPlans } from './load-plans.ts';
import { listEntries } from '../scenario/index.ts';
import { defaultCacheDir } from '../guests/image-cache.ts';
import { driverFor } from '../guests/drivers.ts';
import { buildTinyImage } from '../guests/tiny.ts';
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

export async function buildImageCommand(guest: string, o: { nixpkgs?: string }): Promise<number> {
  if (!['debian', 'nixos', 'tiny'].includes(guest)) throw new ScenarioError(`Expected the guest to be one of debian, nixos, tiny, got \`${guest}\``);
  await requireHost(guest === 'nixos' ? ['nixos'] : ['build-debian']);
  const options = {
    cacheDir: defaultCacheDir(),
    nixpkgs: o.nixpkgs,
    onProgress: (line: string) => console.log(`  ${line}`),
  };
  const started = Date.now();
  const image = guest === 'tiny' ? await buildTinyImage(options) : await (await driverFor(guest as 'debian' | 'nixos')).buildImage(options);
  console.log(`${guest} image: ${image.iso}`);
  for (const [k, v] of Object.entries(image.facts)) console.log(`  ${k}: ${v}`);
  console.log(`  key: ${image.key} (${formatDuration(Date.now() - started)})`);
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
