/**
 * Reads a run's output folder into what the HTML page shows. The page is built from the folder
 * alone (results.json and the artifacts), never from live state, so an old folder can be
 * re-rendered and the page shows exactly what was kept (and already redacted).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../results.ts';
import type { Redactor } from '../../util/redact.ts';
import { runbookFromRun } from '../../runbook/from-run.ts';
import type { Runbook } from '../../runbook/model.ts';

/** Screenshots up to this size are inlined as data: URIs, larger ones linked by relative path. */
const INLINE_IMAGE_BYTES = 2 * 1024 * 1024;
/** A log longer than this shows its head; the raw file stays linked. */
export const MAX_LOG_LINES = 20_000;
/** Pictures of the report itself (the HTML test saves one) are not run artifacts. */
const OWN_SCREENSHOTS = new Set(['report-screenshot.png']);

export interface TextArtifact {
  /** Anchor prefix: `serial-2`, `dmesg-2`, `ssh`. */
  id: string;
  file: string;
  title: string;
  lines: string[];
  truncated: boolean;
}

export interface Screenshot {
  file: string;
  src: string;
}

export interface RunFolder {
  dir: string;
  result: RunResult;
  files: { name: string; bytes: number }[];
  serial: (TextArtifact & { boot: number })[];
  dmesg: TextArtifact[];
  ssh?: TextArtifact;
  fsDiff?: string[];
  screenshots: Screenshot[];
  /** The procedure the run followed, proved step by step from its ssh.log (none in older folders). */
  procedure?: Runbook;
}

/** Loads a folder; throws if it has no results.json (then it is not a darlings output folder). */
export async function readRunFolder(dir: string, redactor?: Redactor): Promise<RunFolder> {
  const text = async (name: string): Promise<string> => {
    const t = await readFile(join(dir, name), 'utf8');
    return redactor ? redactor.redact(t) : t;
  };
  let result: RunResult;
  try {
    result = JSON.parse(await text('results.json')) as RunResult;
  } catch (err) {
    throw new Error(`Expected a darlings output folder with results.json in ${dir}`, { cause: err });
  }

  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort(byNumber);
  const files = await Promise.all(names.map(async (name) => ({ name, bytes: (await stat(join(dir, name))).size })));

  const serial: RunFolder['serial'] = [];
  const dmesg: TextArtifact[] = [];
  for (const name of names) {
    let m = /^serial-(\d+)\.log$/.exec(name);
    if (m) {
      const boot = Number(m[1]);
      const label = result.boots?.find((b) => b.index === boot)?.label;
      serial.push({ ...toLines(`serial-${boot}`, name, `Boot ${boot}${label ? ` · ${label}` : ''}`, await text(name)), boot });
      continue;
    }
    m = /^dmesg-(\d+)\.txt$/.exec(name);
    if (m) dmesg.push(toLines(`dmesg-${m[1]}`, name, `dmesg, boot ${m[1]}`, await text(name)));
  }

  const screenshots: Screenshot[] = [];
  for (const f of files) {
    if (!f.name.toLowerCase().endsWith('.png') || OWN_SCREENSHOTS.has(f.name)) continue;
    const src = f.bytes <= INLINE_IMAGE_BYTES
      ? `data:image/png;base64,${(await readFile(join(dir, f.name))).toString('base64')}`
      : encodeURIComponent(f.name);
    screenshots.push({ file: f.name, src });
  }

  const folder: RunFolder = { dir, result, files, serial, dmesg, screenshots };
  if (names.includes('ssh.log')) folder.ssh = toLines('ssh', 'ssh.log', 'SSH transcript', await text('ssh.log'));
  const procedure = await runbookFromRun(dir, undefined, redactor ? (t) => redactor.redact(t) : undefined);
  if (procedure) folder.procedure = procedure;
  if (names.includes('fs-diff.txt')) folder.fsDiff = splitLines(await text('fs-diff.txt')).filter((l) => l.trim() !== '');
  return folder;
}

function toLines(id: string, file: string, title: string, text: string): TextArtifact {
  const all = splitLines(text);
  if (all.length > 0 && all[all.length - 1] === '') all.pop();
  return { id, file, title, lines: all.slice(0, MAX_LOG_LINES), truncated: all.length > MAX_LOG_LINES };
}

/**
 * Lines as a terminal would show them: colors and cursor codes dropped, and for a line redrawn
 * with '\r' (progress bars) only what was drawn last.
 */
export function splitLines(text: string): string[] {
  return text.split('\n').map((raw) => {
    const line = raw.replace(/\r+$/, '');
    const last = line.includes('\r') ? line.slice(line.lastIndexOf('\r') + 1) : line;
    return last.replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78cDEHM]/g, '').replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/g, '');
  });
}

/** `serial-10.log` after `serial-9.log`. */
function byNumber(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** `/var/lib/x` → `/var`; lines that are not absolute paths go to "other". */
export function groupByTopFolder(lines: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const raw of lines) {
    const line = raw.trim();
    const m = /^(\/[^/\s]*)/.exec(line);
    const key = m ? m[1]! : 'other';
    const list = groups.get(key) ?? [];
    list.push(line);
    groups.set(key, list);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => (a === 'other' ? 1 : b === 'other' ? -1 : a.localeCompare(b))));
}
