/**
 * Reads every import of every .ts file (static, dynamic, `import type`, `export … from`,
 * `import('x').T` in types) with the TypeScript parser, and the DEPS.list files beside them, for
 * the import-rule test and for docs/architecture.md's table.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(import.meta.dirname, '../..');
export const HARNESS = join(ROOT, 'harness');

export interface ImportRef {
  /** Repo-relative path of the importing file. */
  from: string;
  /** Repo-relative path the specifier resolves to (relative specifiers only). */
  to: string;
  specifier: string;
  line: number;
}

/** Every .ts file under `dir`, repo-relative, sorted. */
export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) out.push(relative(ROOT, p).split(sep).join('/'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** The relative imports of one file, and the specifiers that cannot be read (non-literal `import(x)`). */
export function importsOf(file: string): { refs: ImportRef[]; unreadable: string[] } {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const refs: ImportRef[] = [];
  const unreadable: string[] = [];
  const add = (node: ts.Node, specifier: string) => {
    if (!specifier.startsWith('.')) return; // node: builtins and packages are not harness folders
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    const to = relative(ROOT, resolve(ROOT, dirname(file), specifier)).split(sep).join('/');
    refs.push({ from: file, to, specifier, line });
  };
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) add(node, node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const e = node.moduleReference.expression;
      if (ts.isStringLiteral(e)) add(node, e.text);
    } else if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteralLike(arg)) add(node, arg.text);
      else unreadable.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText()}`);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { refs, unreadable };
}

/**
 * The unit an import belongs to: a top folder of harness/ (`guests` for guests/nixos/x.ts), the
 * top-level file itself (`errors.ts`), or, outside harness/, the repo's top folder (`test`, `bench`).
 */
export function unitOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] !== 'harness') return parts.length > 1 ? parts[0]! : path;
  return parts[1]!;
}

/** The folders directly under harness/. */
export function harnessFolders(): string[] {
  return readdirSync(HARNESS)
    .filter((n) => statSync(join(HARNESS, n)).isDirectory())
    .sort();
}

/** A DEPS.list: one name a line, `#` starts a comment. Undefined when the file is missing. */
export function readDepsList(dir: string): string[] | undefined {
  const file = join(dir, 'DEPS.list');
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

/** A cycle in a graph given as adjacency lists, as the path that closes it, or undefined. */
export function findCycle(graph: Map<string, Iterable<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const dfs = (n: string): string[] | undefined => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 'open') return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = dfs(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of [...graph.keys()].sort()) {
    if (!state.has(n)) {
      const c = dfs(n);
      if (c) return c;
    }
  }
  return undefined;
}

/** The layers in order, lowest first, each with what its DEPS.list allows. */
export interface Layer {
  name: string;
  mayImport: string[];
}

/** The name of the top-level files' row (cli.ts, index.ts) in the layer table. */
export const TOP = 'harness/*.ts';
/** The base vocabulary: every folder may import it without listing it; it imports only leaves of util/. */
export const BASE = 'errors.ts';

/**
 * Every broken import rule, as one line each: an arrow a DEPS.list does not allow, a DEPS.list
 * entry that points up (or sideways) the layer order, report reaching the runner or the machine,
 * bench reaching into test/, and any cycle between folders.
 */
export function violations(refs: readonly ImportRef[], layers: readonly Layer[]): string[] {
  const out: string[] = [];
  const rank = new Map(layers.map((l, i) => [l.name, i]));
  const allowed = new Map(layers.map((l) => [l.name, new Set(l.mayImport)]));
  for (const l of layers) {
    for (const d of l.mayImport) {
      if (!rank.has(d) || d === TOP) out.push(`${l.name}/DEPS.list names \`${d}\`, which is no folder of harness/`);
      else if (rank.get(d)! >= rank.get(l.name)!) out.push(`${l.name}/DEPS.list allows \`${d}\`, which is not below it in the layer order (an arrow up)`);
    }
    if (l.name === 'report') for (const d of l.mayImport.filter((x) => ['runner', 'vm', 'channels'].includes(x))) out.push(`report/DEPS.list allows \`${d}\`: reporters never import the runner, the machine or the channels`);
  }
  const graph = new Map<string, Set<string>>();
  for (const r of refs) {
    const from = r.from.startsWith('harness/') && !r.from.slice(8).includes('/') ? (r.from === `harness/${BASE}` ? BASE : TOP) : unitOf(r.from);
    const to = unitOf(r.to);
    const where = `${r.from}:${r.line} imports ${r.specifier}`;
    if (from === 'bench') {
      if (to === 'test') out.push(`${where}: bench/ must not import test/ (move what it needs into harness/)`);
      continue;
    }
    if (!r.from.startsWith('harness/')) continue;
    if (!r.to.startsWith('harness/')) {
      out.push(`${where}: harness/ imports only harness/ (and packages)`);
      continue;
    }
    if (from === BASE) {
      // Its messages may use a leaf of util/ (durations), one that itself imports nothing.
      if (!(unitOf(r.to) === 'util' && !refs.some((x) => x.from === r.to)))
        out.push(`${where}: errors.ts is the base and imports nothing of the harness but leaves of util/`);
      continue;
    }
    if (from === to || to === BASE) continue;
    if (!r.to.slice(8).includes('/')) {
      out.push(`${where}: no folder imports the entry files (cli.ts, index.ts)`);
      continue;
    }
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from)!.add(to);
    if (!allowed.get(from)?.has(to)) {
      const up = (rank.get(to) ?? -1) > (rank.get(from) ?? -1);
      out.push(`${where}: \`${to}\` is not in ${from === TOP ? 'harness' : from}/DEPS.list${up ? ' (and it is above it: an arrow that runs back up)' : ''}`);
    }
  }
  const cycle = findCycle(graph);
  if (cycle) out.push(`the folders import each other in a cycle: ${cycle.join(' -> ')}`);
  return out;
}

/**
 * The layer table in docs/architecture.md, between `<!-- layers:begin -->` and
 * `<!-- layers:end -->`: `| folder | job | may import |` rows, lowest layer first.
 */
export function readLayerTable(markdown: string): { name: string; job: string; mayImport: string[] }[] {
  const m = /<!-- layers:begin -->([\s\S]*?)<!-- layers:end -->/.exec(markdown);
  if (!m) return [];
  return m[1]!
    .split('\n')
    .filter((l) => /^\|\s*`/.test(l))
    .map((l) => {
      const [name, job, deps] = l.split('|').slice(1, 4).map((c) => c.trim());
      return {
        name: name!.replace(/`/g, ''),
        job: job!,
        mayImport: deps!.replace(/`/g, '').split(',').map((d) => d.trim()).filter((d) => d && d !== '–'),
      };
    });
}
