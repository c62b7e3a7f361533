/**
 * Hardware profiles (`images/profiles/<name>.yaml`): what QEMU can make the guest see of a real
 * machine (SMBIOS, NVMe serial), and the list of what it cannot.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScenarioError } from '../errors.ts';
import type { PlanProfile } from './plan.ts';
import { issueToError, parseSource } from './positions.ts';
import { profileSchema } from './schema.ts';

/** Where the shipped profiles live, from this file's place in the repository. */
export const PROFILES_DIR = fileURLToPath(new URL('../../images/profiles/', import.meta.url));

/** Names of the profiles in `dir`, sorted. */
export async function listProfiles(dir = PROFILES_DIR): Promise<string[]> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => basename(f, '.yaml'))
    .sort();
}

/**
 * Loads and validates one profile; an unknown name fails at `where` (the `profile:` key) or, from
 * the command line, without a position.
 * @example const xps = await loadProfile('xps13-7390'); xps.smbios.type1?.product
 */
export async function loadProfile(
  name: string,
  options: { dir?: string; where?: { file: string; line: number; column: number } } = {},
): Promise<PlanProfile> {
  const dir = options.dir ?? PROFILES_DIR;
  const file = join(dir, `${name}.yaml`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    const known = await listProfiles(dir);
    const message = `Unknown profile \`${name}\`; available: ${known.join(', ') || 'none'} (in ${dir})`;
    const where = options.where;
    throw where ? new ScenarioError(message, where.file, where.line, where.column) : new ScenarioError(message);
  }
  const source = parseSource(file, text);
  const parsed = profileSchema.safeParse(source.data ?? {});
  if (!parsed.success) throw issueToError(source, parsed.error.issues, 'the profile', () => false);
  const input = parsed.data;
  if (input.name !== undefined && input.name !== name) {
    throw source.error(`Expected \`name\` to be the file's name \`${name}\`, got \`${input.name}\``, ['name']);
  }
  const smbios: PlanProfile['smbios'] = {};
  for (const type of ['type0', 'type1', 'type2'] as const) {
    const fields = input.smbios?.[type];
    if (!fields) continue;
    const set = Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined);
    smbios[type] = Object.fromEntries(set);
  }
  return {
    name,
    smbios,
    cannotEmulate: input.cannotEmulate ?? [],
    ...(input.nvme?.model !== undefined && { nvmeModel: input.nvme.model }),
    ...(input.nvme?.serial !== undefined && { nvmeSerial: input.nvme.serial }),
    ...(input.vm?.memory !== undefined && { memoryMiB: input.vm.memory }),
    ...(input.vm?.cpus !== undefined && { cpus: input.vm.cpus }),
  };
}
