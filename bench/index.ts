/**
 * `npm run bench`: one table, every number measured in this run on this host, compared as
 * ratios (machines here are noisy; absolute times mean little across runs).
 *   --rounds N      boots per side for the boot ratio (default 3)
 *   --scenario      also time the blog scenario full and from its two checkpoints (~4 min under TCG)
 */
import { mkdtemp, rm } from 'node:fs/promises';
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
import { scenarioTimes } from './scenario.ts';

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 3;
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
t = Date.now();
await debianDriver.buildImage({ cacheDir: defaultCacheDir() });
const debianFirst = Date.now() - t;
t = Date.now();
await debianDriver.buildImage({ cacheDir: defaultCacheDir() });
const debianCached = Date.now() - t;
rows.push(['debian image: first call (A) vs second (B)', s(debianFirst), s(debianCached), (debianCached / debianFirst).toFixed(3), 'B ≤ 1 s']);

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

if (args.includes('--scenario')) {
  const sc = await scenarioTimes();
  const ratio = (b: number, a: number) => (b / a).toFixed(3);
  rows.push(['blog scenario (debian), run time: full (A) vs from @first-boot (B)', s(sc.full.runMs), s(sc.fromFirstBoot.runMs), ratio(sc.fromFirstBoot.runMs, sc.full.runMs), 'A ≤ 360 s; B / A ≤ 0.333']);
  rows.push(['  the same, whole `darlings run` process', s(sc.full.wallMs), s(sc.fromFirstBoot.wallMs), ratio(sc.fromFirstBoot.wallMs, sc.full.wallMs), '']);
  rows.push(['blog scenario (debian), run time: full (A) vs from @installed (B)', s(sc.full.runMs), s(sc.fromInstalled.runMs), ratio(sc.fromInstalled.runMs, sc.full.runMs), 'see docs/performance.md']);
}

console.log(table(rows));
