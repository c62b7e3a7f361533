/**
 * The one way durations are printed (terminal, JUnit, HTML, error messages), so a phase that took
 * 4m 12s in the list reporter does not read as 252.0 s in an error. Imports nothing: errors.ts
 * builds its messages with it.
 */

/**
 * Human duration: under a minute with one decimal, then minutes and seconds, then hours.
 *
 * @example formatDuration(600) // '0.6 s'; formatDuration(252_000) // '4m 12s'; formatDuration(3_720_000) // '1h 02m'
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const totalS = Math.round(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
}
