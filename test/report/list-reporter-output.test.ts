import { describe, expect, it } from 'vitest';
import { ListReporter } from '../../harness/report/list-reporter.ts';
import { sampleRun } from './sample-run.ts';

function capture(): { stream: { write(s: string): void }; text: () => string } {
  const chunks: string[] = [];
  return { stream: { write: (s: string) => void chunks.push(s) }, text: () => chunks.join('') };
}

describe('ListReporter', () => {
  it('prints plain lines without escape codes when not on a TTY', async () => {
    const out = capture();
    const list = new ListReporter({ stream: out.stream, isTTY: false, color: true, width: 80 });
    const { events, result } = sampleRun({ outputDir: 'darlings-results/blog-xps13-debian-x' });
    for (const e of events) list.onEvent(e);
    await list.onEnd([result]);
    const text = out.text();
    expect(text).not.toMatch(/\x1b/);
    expect(text).not.toMatch(/\r/);
    expect(text).toContain('[blog-xps13/debian] install …\n');
    expect(text).toContain('[blog-xps13/debian] partition ▸ run … 0.6 s\n');
    expect(text).toContain('[blog-xps13/debian] ✓ luks 2.0 s\n');
    expect(text).toContain('✗ persist.machine-id: machine-id changed');
    expect(text).toContain('− swap.active skipped: no swap in this profile');
    expect(text).toContain('✓ rollback.blank-not-nested (expected failure)');
    expect(text).toMatch(/Scenario\s+Guest\s+Kernel\s+Status\s+Duration\s+Passed\s+Failed\s+Skipped/);
    expect(text).toMatch(/blog-xps13\s+debian\s+6\.1\.0-37-amd64\s+failed\s+25\.1 s\s+2\s+1\s+1/);
    expect(text).toContain('Output:\n  darlings-results/blog-xps13-debian-x\n');
  });

  it('on a TTY keeps one spinner line per running run and clears it before printing', async () => {
    const out = capture();
    let now = 1_750_000_000_000;
    const list = new ListReporter({ stream: out.stream, isTTY: true, color: false, width: 60, now: () => now, intervalMs: 10_000 });
    const a = sampleRun({ outputDir: '/a', runId: 'a', t0: now });
    const b = sampleRun({ outputDir: '/b', runId: 'b', guest: 'nixos', t0: now });
    list.onEvent(a.events[0]!);
    list.onEvent(b.events[0]!);
    list.onEvent(a.events[2]!); // phase-begin partition
    now += 3_000;
    list.onEvent(b.events[2]!);
    const text = out.text();
    const lastFrame = text.slice(text.lastIndexOf('\x1b[0J') + 4);
    expect(lastFrame.split('\n').filter(Boolean)).toHaveLength(2);
    expect(lastFrame).toContain('[blog-xps13/debian] partition');
    expect(lastFrame).toContain('[blog-xps13/nixos] partition');
    for (const line of lastFrame.split('\n')) expect(line.length).toBeLessThan(60);
    expect(text).toContain('\r\x1b[2A\x1b[0J');
    await list.onEnd([a.result, b.result]);
    expect(out.text().slice(-300)).not.toMatch(/⠋|⠙/);
  });
});
