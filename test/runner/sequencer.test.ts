import { describe, expect, it } from 'vitest';
import { Sequencer } from '../../harness/runner/sequencer.ts';
import { CheckFailed, InfraError } from '../../harness/errors.ts';
import type { HarnessEvent } from '../../harness/report/events.ts';

function sequencer(controller = new AbortController()) {
  const events: HarnessEvent[] = [];
  const seq = new Sequencer({ runId: 'r', emit: (e) => events.push(e), signal: controller.signal, startedAt: Date.now(), redact: (t) => t.replaceAll('hunter2', '***') });
  return { seq, events, controller };
}

describe('the phase sequencer', () => {
  it('runs phases in order and stops at the first failure, which it records with its status', async () => {
    const { seq } = sequencer();
    const ran: string[] = [];
    await expect(
      seq.run([
        { name: 'a', run: async () => void ran.push('a') },
        { name: 'b', run: async () => { throw new CheckFailed('wrong system (hunter2)'); } },
        { name: 'c', run: async () => void ran.push('c') },
      ]),
    ).rejects.toThrow(CheckFailed);
    expect(ran).toEqual(['a']);
    expect(seq.phases.map((p) => [p.name, p.status])).toEqual([['a', 'passed'], ['b', 'failed']]);
    expect(seq.phases[1]!.error).toBe('wrong system (***)');
    expect(seq.failed?.phase).toBe('b');
  });

  it('gives an infrastructure fault the status error, not failed', async () => {
    const { seq } = sequencer();
    await expect(seq.phase('boot', async () => { throw new InfraError('QEMU died'); })).rejects.toThrow();
    expect(seq.phases[0]!.status).toBe('error');
  });

  it('runs teardowns in reverse order after a failure, each even when another throws', async () => {
    const { seq } = sequencer();
    const order: string[] = [];
    await seq.phase('setup', async () => {
      seq.teardowns.add('first', () => void order.push('first'));
      seq.teardowns.add('second', () => { order.push('second'); throw new Error('teardown broke'); });
      seq.teardowns.add('third', () => void order.push('third'));
    });
    await expect(seq.phase('work', async () => { throw new InfraError('x'); })).rejects.toThrow();
    await seq.teardowns.run();
    expect(order).toEqual(['third', 'second', 'first']);
    expect(seq.teardowns.errors.map((e) => e.name)).toEqual(['second']);
  });

  it('refuses to start a phase once aborted, and records why', async () => {
    const { seq, controller } = sequencer();
    controller.abort(new Error('interrupted by SIGINT'));
    await expect(seq.phase('install', async () => undefined)).rejects.toThrow(/interrupted by SIGINT/);
    expect(seq.failed?.phase).toBe('install');
  });

  it('records an error that escaped every phase as a phase of its own, never as nothing', () => {
    const { seq } = sequencer();
    seq.recordOutside(new Error('a bug between phases'));
    expect(seq.phases).toEqual([expect.objectContaining({ name: 'run', status: 'error', error: 'a bug between phases' })]);
  });

  it('times nested steps with their depth inside the current phase', async () => {
    const { seq, events } = sequencer();
    await seq.phase('p', async () => void (await seq.step('outer', () => seq.step('inner', async () => 1))));
    const ends = events.filter((e) => e.type === 'step-end').map((e) => e.type === 'step-end' && [e.step, e.depth, e.phase, e.ok]);
    expect(ends).toEqual([['inner', 1, 'p', true], ['outer', 0, 'p', true]]);
  });

  it('lets a pause before a phase fail that phase', async () => {
    const events: HarnessEvent[] = [];
    const seq = new Sequencer({ runId: 'r', emit: (e) => events.push(e), signal: new AbortController().signal, startedAt: Date.now(), redact: (t) => t, beforePhase: async (p) => { if (p === 'checks') throw new InfraError('paused and stopped'); } });
    await seq.phase('install', async () => undefined);
    await expect(seq.phase('checks', async () => undefined)).rejects.toThrow(/paused and stopped/);
    expect(seq.phases.map((p) => p.status)).toEqual(['passed', 'error']);
  });
});
