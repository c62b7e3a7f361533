import { describe, expect, it } from 'vitest';
import type { HarnessEvent, Reporter } from '../../harness/report/events.ts';
import { Multiplexer } from '../../harness/report/multiplexer.ts';
import { sampleRun } from './sample-run.ts';

describe('Multiplexer', () => {
  it('keeps feeding the other reporters when one throws, and warns once', async () => {
    const { events, result } = sampleRun({ outputDir: '/nonexistent' });
    const seen: HarnessEvent['type'][] = [];
    let ended = false;
    const broken: Reporter = {
      name: 'broken',
      onEvent() {
        throw new Error('boom in onEvent');
      },
      onEnd() {
        throw new Error('boom in onEnd');
      },
    };
    const asyncBroken = {
      name: 'async-broken',
      async onEvent() {
        throw new Error('async boom');
      },
    } as unknown as Reporter;
    const good: Reporter = { onEvent: (e) => void seen.push(e.type), onEnd: async () => void (ended = true) };
    const warnings: string[] = [];
    const mux = new Multiplexer([broken, asyncBroken, {}, good], { warn: (s) => warnings.push(s) });

    for (const e of events) expect(() => mux.onEvent(e)).not.toThrow();
    await expect(mux.onEnd([result])).resolves.toBeUndefined();
    await new Promise((r) => setTimeout(r, 0));

    expect(seen).toEqual(events.map((e) => e.type));
    expect(ended).toBe(true);
    expect(mux.errors.filter((f) => f.reporter === 'broken')).toHaveLength(events.length + 1);
    expect(mux.errors.some((f) => f.reporter === 'async-broken')).toBe(true);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/reporter "broken" failed in onEvent:run-begin: boom in onEvent/);
  });

  it('survives a warn sink that throws', () => {
    const mux = new Multiplexer([{ onEvent: () => { throw new Error('x'); } }], { warn: () => { throw new Error('sink'); } });
    expect(() => mux.onEvent({ type: 'log', runId: 'r', level: 'info', message: '', at: 0 })).not.toThrow();
  });
});
