import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../harness/util/duration.ts';
import { TimeoutError } from '../../harness/errors.ts';

describe('one duration format', () => {
  it('prints seconds with one decimal under a minute, then minutes and seconds, then hours', () => {
    expect(formatDuration(0)).toBe('0.0 s');
    expect(formatDuration(600)).toBe('0.6 s');
    expect(formatDuration(59_900)).toBe('59.9 s');
    // Not "60.0 s": the rounding that would print it is already a minute.
    expect(formatDuration(59_960)).toBe('1m 00s');
    expect(formatDuration(252_000)).toBe('4m 12s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
  });

  it('prints a dash for what is no duration', () => {
    expect(formatDuration(-1)).toBe('–');
    expect(formatDuration(Number.NaN)).toBe('–');
  });

  it('is the format errors use too', () => {
    expect(new TimeoutError('the prompt', 180_000, '').message).toBe('Timed out after 3m 00s waiting for the prompt');
  });
});
