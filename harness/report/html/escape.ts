/**
 * Escaping for the HTML page. Every text from the folder (logs, messages, file names) goes
 * through `esc`: a serial log can contain anything, including `<script>`.
 */
const MAP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => MAP[c]!);
}

/** A relative href to a file in the folder (names may hold spaces or '#'). */
export function fileHref(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

/** A check id as an element id (`check-persist.machine-id`; ids may hold dots, not spaces). */
export function idFor(prefix: string, s: string): string {
  return `${prefix}-${s.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}
