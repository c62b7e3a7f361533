/**
 * The installed CLI's start-up, as a whole process (node, module loading, the work, exit):
 * `bin/darlings.js` runs the compiled dist/ (npm run bench builds it first).
 */
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { median } from './stats.ts';

const BIN = fileURLToPath(new URL('../bin/darlings.js', import.meta.url));

/** Median wall time of `darlings <args>` over `rounds` runs; a failing run throws with its output. */
export async function cliMedianMs(args: string[], rounds: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = process.hrtime.bigint();
    const r = await execa(process.execPath, [BIN, ...args], { reject: false, all: true, env: { CI: 'true' } });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (r.exitCode !== 0) throw new Error(`darlings ${args.join(' ')} exited ${r.exitCode}:\n${r.all}`);
  }
  return median(times);
}
