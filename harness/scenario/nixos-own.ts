/**
 * `nixos.configuration` and `nixos.flake`: the user's own NixOS system, found relative to the
 * scenario file and read at load time (a typo fails at load with file:line:column, and the plan
 * carries exactly what will be installed). The whole folder travels, so the configuration's own
 * relative imports (`./hosts/laptop.nix`) work in the guest; only `.nix` files and `flake.lock`,
 * never `node_modules`, dot-folders or `result` links.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { PlanNixosOwn } from './plan.ts';
import { showValue, type SourceFile } from './positions.ts';
import type { ScenarioInput } from './schema.ts';

/** More than this is not a NixOS configuration folder but a whole repository by mistake. */
export const OWN_NIXOS_MAX_FILES = 500;
export const OWN_NIXOS_MAX_BYTES = 4 * 1024 * 1024;

const SKIP_DIRS = new Set(['node_modules', 'result', 'darlings-results', 'dist']);

/** The user's configuration or flake of `input`, or undefined when the blog's is generated. */
export async function readOwnNixos(source: SourceFile, scenarioDir: string, input: ScenarioInput): Promise<PlanNixosOwn | undefined> {
  const nixos = input.nixos;
  if (nixos?.configuration !== undefined) {
    const file = resolve(scenarioDir, nixos.configuration);
    if (!(await isFile(file))) {
      throw source.error(`Expected \`nixos.configuration\` to name a readable file relative to the scenario, got ${showValue(nixos.configuration)} (no file at ${file})`, ['nixos', 'configuration']);
    }
    const dir = dirname(file);
    return { kind: 'configuration', dir, entry: basename(file), optIn: nixos.optIn ?? true, files: await nixFiles(source, dir, ['nixos', 'configuration']) };
  }
  if (nixos?.flake !== undefined) {
    const hash = nixos.flake.lastIndexOf('#');
    const dir = resolve(scenarioDir, nixos.flake.slice(0, hash) || '.');
    const name = nixos.flake.slice(hash + 1);
    if (!(await isFile(join(dir, 'flake.nix')))) {
      throw source.error(`Expected \`nixos.flake\` to name a folder with a flake.nix relative to the scenario, got ${showValue(nixos.flake)} (no ${join(dir, 'flake.nix')})`, ['nixos', 'flake']);
    }
    return { kind: 'flake', dir, entry: 'flake.nix', name, optIn: false, files: await nixFiles(source, dir, ['nixos', 'flake']) };
  }
  return undefined;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** `.nix` files and flake.lock under `dir`, by relative path, sorted. */
async function nixFiles(source: SourceFile, dir: string, at: ['nixos', string]): Promise<Record<string, string>> {
  const found: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory() && !SKIP_DIRS.has(e.name)) await walk(p);
      else if (e.isFile() && (e.name.endsWith('.nix') || e.name === 'flake.lock')) found.push(p);
      if (found.length > OWN_NIXOS_MAX_FILES) {
        throw source.error(`Expected \`${at.join('.')}\` to be in a folder of at most ${OWN_NIXOS_MAX_FILES} .nix files (it is copied whole into the guest), got more under ${dir}`, at);
      }
    }
  };
  await walk(dir);
  const files: Record<string, string> = {};
  let bytes = 0;
  for (const p of found.sort()) {
    const text = await readFile(p, 'utf8');
    bytes += text.length;
    files[relative(dir, p)] = text;
  }
  if (bytes > OWN_NIXOS_MAX_BYTES) {
    throw source.error(`Expected \`${at.join('.')}\` to be in a folder of at most ${OWN_NIXOS_MAX_BYTES / 1024 / 1024} MiB of .nix files, got ${(bytes / 1024 / 1024).toFixed(1)} MiB under ${dir}`, at);
  }
  return files;
}
