/**
 * From YAML text to plain data, keeping where each node came from, and from a schema issue to one
 * `ScenarioError` at the offending node: `file:line:col: Expected `luks.passphrase` to be …`.
 */
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { ScenarioError } from '../errors.ts';

export type KeyPath = readonly (string | number)[];

/** A parsed YAML file that can say where a key path is. */
export interface SourceFile {
  file: string;
  data: unknown;
  /**
   * Line and column (1-based) of the node at `path`, or of its nearest ancestor that exists;
   * with `atKey`, of the last key itself rather than its value.
   */
  locate(path: KeyPath, atKey?: boolean): { line: number; column: number };
  /** A `ScenarioError` at the node at `path` (at its key with `atKey`). */
  error(message: string, path: KeyPath, atKey?: boolean): ScenarioError;
}

/**
 * Parses YAML, failing with yaml's own message and position (duplicate keys included).
 * @example const source = parseSource('/s/a.yaml', 'guests: [debian]'); source.locate(['guests'])
 */
export function parseSource(file: string, text: string): SourceFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    const message = first.message.split('\n')[0] ?? first.message;
    throw new ScenarioError(`Invalid YAML: ${message}`, file, line, col);
  }
  const locate = (path: KeyPath, atKey = false) => {
    const { line, col } = lineCounter.linePos(offsetOf(doc, path, atKey));
    return { line, column: col };
  };
  return {
    file,
    data: doc.toJS({ maxAliasCount: 100 }),
    locate,
    error(message, path, atKey) {
      const { line, column } = locate(path, atKey);
      return new ScenarioError(message, file, line, column);
    },
  };
}

/** Offset of the node at `path`; a missing key points at its parent, an empty value at its key. */
function offsetOf(doc: Document, path: KeyPath, atKey: boolean): number {
  let offset = doc.contents?.range?.[0] ?? 0;
  let node: unknown = doc.contents;
  for (const [index, key] of path.entries()) {
    if (!node || typeof node !== 'object' || !('items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    let next: unknown;
    let keyNode: Node | undefined;
    if (isMap(node)) {
      const pair = items.find((item) => isPair(item) && keyText(item.key) === String(key));
      if (!isPair(pair)) break;
      keyNode = pair.key as Node;
      next = pair.value;
    } else {
      next = typeof key === 'number' ? items[key] : undefined;
    }
    const range = (next as Node | null)?.range;
    const empty = !next || (isScalar(next) && next.value === null && (next.source ?? '') === '');
    const last = index === path.length - 1;
    const at = empty || (atKey && last) ? keyNode?.range?.[0] : range?.[0];
    if (at === undefined) break;
    offset = at;
    node = next;
  }
  return offset;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return typeof key === 'string' ? key : undefined;
}

/** The value at `path` in plain data. */
export function valueAt(data: unknown, path: KeyPath): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** `luks.passphrase`, `skip[0].check`; `the scenario` for the root. */
export function pathText(path: KeyPath, root = 'the scenario'): string {
  if (path.length === 0) return root;
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/** How a value reads inside backticks in a message: short, one line. */
export function showValue(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  let shown: string;
  if (typeof value === 'string') shown = value;
  else if (value instanceof RegExp) shown = String(value);
  else shown = JSON.stringify(value) ?? String(value);
  shown = shown.replace(/\s+/g, ' ');
  if (shown.length > 60) shown = `${shown.slice(0, 57)}…`;
  return `\`${shown}\``;
}

type Issue = z.core.$ZodIssue;

/**
 * The first issue in file order as a `ScenarioError`, in the one message shape.
 * `secretPaths` name keys whose values never appear in a message.
 */
export function issueToError(
  source: SourceFile,
  issues: readonly Issue[],
  root: string,
  isSecret: (path: KeyPath) => boolean,
): ScenarioError {
  const all = issues.flatMap((issue) => flatten(issue, keyPath(issue.path), source.data));
  // A misspelt key also leaves a required key missing: report the misspelling.
  const unknownIn = new Set(all.filter((e) => e.issue.code === 'unrecognized_keys').map((e) => e.path.join('\0')));
  const ordered = all
    .filter((e) => !(valueAt(source.data, e.path) === undefined && unknownIn.has(e.path.slice(0, -1).join('\0'))))
    .map((entry) => ({ ...entry, at: locateIssue(source, entry) }))
    .sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column);
  const first = ordered[0];
  if (!first) return source.error(`Invalid ${root}`, []);
  const { issue, path } = first;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return source.error(`Unknown key \`${key}\` in ${pathText(path, root)}; allowed: ${issue.message}`, [...path, key], true);
  }
  const value = valueAt(source.data, path);
  const secret = isSecret(path) && value !== undefined && value !== null && value !== '';
  const got = secret ? 'a secret (not shown)' : showValue(value);
  const subject = path.length === 0 ? root : `\`${pathText(path, root)}\``;
  return source.error(`Expected ${subject} to be ${issue.message}, got ${got}`, path);
}

/** Where an issue is reported: an unknown key at the key itself, anything else at its value. */
function locateIssue(source: SourceFile, { issue, path }: { issue: Issue; path: KeyPath }) {
  if (issue.code === 'unrecognized_keys') return source.locate([...path, issue.keys[0] ?? ''], true);
  return source.locate(path);
}

function keyPath(path: readonly PropertyKey[]): KeyPath {
  return path.filter((k): k is string | number => typeof k !== 'symbol');
}

const SHAPE_MISMATCH = new Set(['invalid_type', 'invalid_value', 'invalid_union']);

/** A union's own issue, or the issues of the branch that matched the value's shape. */
function flatten(issue: Issue, path: KeyPath, data: unknown): { issue: Issue; path: KeyPath }[] {
  if (issue.code !== 'invalid_union') return [{ issue, path }];
  const value = valueAt(data, path);
  if (value !== null && typeof value === 'object') {
    const branch = issue.errors.find((errors) => !errors.some((e) => e.path.length === 0 && SHAPE_MISMATCH.has(e.code)));
    if (branch) return branch.flatMap((e) => flatten(e, [...path, ...keyPath(e.path)], data));
  }
  return [{ issue, path }];
}
