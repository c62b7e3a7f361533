/**
 * power-cut: with everything before it synced, start writing to /persist and to / without
 * syncing, watch the writer make progress, and pull the plug while it still runs. What the run
 * records (facts.powerCut) lets the checks after the next boot show that the cut really came
 * mid-write, and that what was synced before it survived.
 */
import { shQuote } from '../util/shell.ts';
import { CheckFailed } from '../errors.ts';
import type { PowerCutFacts, StepContext } from './context.ts';

/** Written and synced before the unsynced writes start: must survive the cut byte for byte. */
export const SYNCED_FILE = '/persist/darlings-synced';
/** The unsynced writes' targets, on /persist and on the root that the next boot rolls back. */
export const UNSYNCED_FILES = ['/persist/darlings-unsynced', '/darlings-unsynced'] as const;
const PID_FILE = '/run/darlings-writer.pid';
/** How often the writer's progress is looked at before the cut. */
const LOOK_EVERY_MS = 300;

/** The writer: dd each target in turn, never syncing; its pid is kept to see it still runs. */
export function writerCommand(writeMiB: number): string {
  const dds = UNSYNCED_FILES.map((f) => `dd if=/dev/urandom of=${f} bs=1M count=${writeMiB} 2>/dev/null`).join('; ');
  return `nohup sh -c ${shQuote(dds)} >/dev/null 2>&1 & echo $! > ${PID_FILE}`;
}

/** One look: the writer's liveness and each target's size, as `alive <0|1>` then `<bytes> <path>` lines. */
export function lookCommand(): string {
  const sizes = UNSYNCED_FILES.map((f) => `if [ -e ${f} ]; then echo "$(stat -c %s ${f}) ${f}"; else echo "0 ${f}"; fi`).join('; ');
  return `if kill -0 "$(cat ${PID_FILE})" 2>/dev/null; then echo alive 1; else echo alive 0; fi; ${sizes}`;
}

/** Parses a look's output. */
export function parseLook(text: string): { alive: boolean; bytes: Record<string, number> } {
  const bytes: Record<string, number> = {};
  let alive = false;
  for (const line of text.trim().split('\n')) {
    const [a, b] = line.trim().split(/\s+/);
    if (a === 'alive') alive = b === '1';
    else if (a !== undefined && b !== undefined && /^\d+$/.test(a)) bytes[b] = Number(a);
  }
  return { alive, bytes };
}

/**
 * Writes and syncs SYNCED_FILE, starts the writer, looks at it until `afterMs`, then calls `cut`
 * (QMP quit: no shutdown, no sync). A writer that is done or has written nothing by then makes the
 * phase fail: a cut that came after the writes, or before any, shows nothing.
 */
export async function cutPowerMidWrite(ctx: StepContext, cut: { writeMiB: number; afterMs: number }, pullPlug: () => Promise<void>): Promise<PowerCutFacts> {
  const t = { timeoutMs: ctx.plan.timeouts.commandMs, signal: ctx.signal };
  const sha = await ctx.step(`write and sync ${SYNCED_FILE}`, () =>
    ctx.shell.expectSuccess(`head -c 1048576 /dev/urandom > ${SYNCED_FILE} && sync && sha256sum < ${SYNCED_FILE}`, t),
  );
  const synced = [{ path: SYNCED_FILE, sha256: sha.trim().split(/\s+/)[0]! }];
  const started = Date.now();
  await ctx.step(`start writing ${cut.writeMiB} MiB to each of ${UNSYNCED_FILES.join(', ')} without syncing`, () => ctx.shell.expectSuccess(writerCommand(cut.writeMiB), t));
  const progress: PowerCutFacts['progress'] = [];
  let alive = false;
  await ctx.step('watch the writer until the cut', async () => {
    do {
      await new Promise((r) => setTimeout(r, Math.min(LOOK_EVERY_MS, Math.max(0, cut.afterMs - (Date.now() - started)))));
      const look = parseLook(await ctx.shell.expectSuccess(lookCommand(), t));
      alive = look.alive;
      progress.push({ atMs: Date.now() - started, bytes: look.bytes });
    } while (Date.now() - started < cut.afterMs && alive);
  });
  const last = progress.at(-1);
  const written = last ? Object.values(last.bytes).reduce((a, b) => a + b, 0) : 0;
  if (!alive) throw new CheckFailed(`the writer had finished (${written} bytes) before the cut at ${cut.afterMs} ms: the cut would not come mid-write; raise powerCut.writeMiB or lower afterMs`);
  if (written === 0) throw new CheckFailed(`the writer had written nothing by ${cut.afterMs} ms: the cut would not come mid-write; raise powerCut.afterMs`);
  const cutAtMs = Date.now() - started;
  await ctx.step('pull the plug (QMP quit)', pullPlug);
  return { synced, progress, cutAtMs, inFlight: alive };
}
