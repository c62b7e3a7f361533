/**
 * `npm run bench`: one table, every number measured in this run on this host, compared as
 * ratios (machines here are noisy; absolute times mean little across runs).
 *   --rounds N      boots per side for the boot ratio (default 3)
 *   --scenario      also time the blog scenario full and from its two checkpoints (~4 min under TCG)
 *   --scenario-rounds N   that many times, reporting medians (default 1)
 */
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir, hostname, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { harnessBootMs, rawBootMs } from './boot.ts';
import { roundTrips } from './roundtrip.ts';
import { median, percentile, table } from './stats.ts';
import { buildTinyImage } from '../harness/guests/tiny.ts';
import { debianDriver } from '../harness/guests/debian/driver.ts';
import { defaultCacheDir } from '../harness/guests/image-cache.ts';
import { chooseAccel } from '../harness/vm/accel.ts';
import { scenarioTimes, type ScenarioTime } from './scenario.ts';
import { cliMedianMs } from './cli.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback);
const rounds = option('--rounds', 3);
const scenarioRounds = option('--scenario-rounds', 1);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rows: string[][] = [['measure', 'A', 'B', 'B / A', 'target']];

const accel = await chooseAccel('auto');
const qemu = (await execa('qemu-system-x86_64', ['--version'])).stdout.split('\n')[0];
console.log(`host: ${hostname()}, ${cpus().length} cores (${cpus()[0]?.model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${accel.note}`);
console.log(`${qemu}; node ${process.version}; ${new Date().toISOString()}\n`);

// Image builds first: the boots below need the tiny image anyway.
const cold = await mkdtemp(join(tmpdir(), 'darlings-bench-cache-'));
let t = Date.now();
await buildTinyImage({ cacheDir: cold });
const tinyCold = Date.now() - t;
t = Date.now();
await buildTinyImage({ cacheDir: cold });
const tinyCached = Date.now() - t;
await rm(cold, { recursive: true, force: true });
rows.push(['tiny image: cold build (A) vs cached (B)', s(tinyCold), s(tinyCached), (tinyCached / tinyCold).toFixed(3), 'B ≤ 1 s']);
// A real build into an empty cache that shares the downloads and the debootstrap tree (a cold
// build adds ~60 s of debootstrap and the kernel downloads), then a call with unchanged inputs.
await debianDriver.buildImage({ cacheDir: defaultCacheDir() });
const fresh = await mkdtemp(join(tmpdir(), 'darlings-bench-cache-'));
await symlink(join(defaultCacheDir(), 'debian-work'), join(fresh, 'debian-work'));
t = Date.now();
await debianDriver.buildImage({ cacheDir: fresh });
const debianBuild = Date.now() - t;
t = Date.now();
await debianDriver.buildImage({ cacheDir: fresh });
const debianCached = Date.now() - t;
await rm(fresh, { recursive: true, force: true });
rows.push(['debian image: build, shared work folder (A) vs cached (B)', s(debianBuild), s(debianCached), (debianCached / debianBuild).toFixed(3), 'B ≤ 1 s']);

// The CLI as users start it: the whole process, compiled JavaScript, images already cached.
const cliRounds = 11;
const help = await cliMedianMs(['--help'], cliRounds);
const cachedBuild = await cliMedianMs(['build-image', 'debian'], cliRounds);
rows.push([`darlings CLI, whole process, median of ${cliRounds}: \`--help\` (A) vs cached \`build-image debian\` (B)`, s(help), s(cachedBuild), '', 'A < 0.3 s; B < 1 s']);

const raw: number[] = [];
const harness: number[] = [];
for (let i = 0; i < rounds; i++) {
  raw.push(await rawBootMs());
  harness.push(await harnessBootMs());
}
rows.push([`boot to prompt, median of ${rounds}: raw QEMU (A) vs harness (B)`, s(median(raw)), s(median(harness)), (median(harness) / median(raw)).toFixed(3), 'B / A ≤ 1.05']);

const rt = await roundTrips(20);
rows.push(['serial `true` round trip, median / p95', `${median(rt.serial)} ms`, `${percentile(rt.serial, 95)} ms`, '', '']);
rows.push(['SSH `true` round trip, median / p95', `${median(rt.ssh)} ms`, `${percentile(rt.ssh, 95)} ms`, '', '']);

let scenario: Awaited<ReturnType<typeof scenarioTimes>> | undefined;
if (args.includes('--scenario')) {
  // Rounds alternate full and from-checkpoint runs, so a slow minute of the host hits both.
  const samples: Awaited<ReturnType<typeof scenarioTimes>>[] = [];
  for (let i = 0; i < scenarioRounds; i++) samples.push((scenario = await scenarioTimes()));
  const med = (pick: (x: (typeof samples)[number]) => number) => median(samples.map(pick));
  const ratios = (b: (x: (typeof samples)[number]) => ScenarioTime) => samples.map((x) => b(x).runMs / x.full.runMs);
  const of = scenarioRounds > 1 ? `, median of ${scenarioRounds}` : '';
  const firstBoot = ratios((x) => x.fromFirstBoot);
  const installed = ratios((x) => x.fromInstalled);
  rows.push([`blog scenario (debian), run time${of}: full (A) vs from @first-boot (B)`, s(med((x) => x.full.runMs)), s(med((x) => x.fromFirstBoot.runMs)), median(firstBoot).toFixed(3), 'A ≤ 360 s; B / A ≤ 0.333']);
  rows.push(['  the same, whole `darlings run` process', s(med((x) => x.full.wallMs)), s(med((x) => x.fromFirstBoot.wallMs)), median(samples.map((x) => x.fromFirstBoot.wallMs / x.full.wallMs)).toFixed(3), '']);
  if (scenarioRounds > 1) rows.push(['  B / A of each round', '', '', firstBoot.map((r) => r.toFixed(3)).join(' '), '']);
  rows.push([`blog scenario (debian), run time${of}: full (A) vs from @installed (B)`, s(med((x) => x.full.runMs)), s(med((x) => x.fromInstalled.runMs)), median(installed).toFixed(3), 'see docs/performance.md']);
}

console.log(table(rows));

if (scenario) {
  // Where the time goes: each phase of the three runs, side by side.
  const runs = [scenario.full, scenario.fromFirstBoot, scenario.fromInstalled];
  const names = [...new Set(runs.flatMap((r) => r.phases.map(([n]) => n)))];
  const cell = (r: ScenarioTime, n: string) => {
    const ms = r.phases.filter(([m]) => m === n).reduce((a, [, v]) => a + v, 0);
    return r.phases.some(([m]) => m === n) ? (ms / 1000).toFixed(1) : '';
  };
  const phaseRows = [['phase (s), last round', 'full', 'from @first-boot', 'from @installed'], ...names.map((n) => [n, ...runs.map((r) => cell(r, n))])];
  console.log(`\n${table(phaseRows)}`);
}
