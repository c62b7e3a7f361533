/**
 * Loading a scenario: YAML with positions, the schema, the checks that span keys, the files it
 * names (rollback and fs-diff scripts, its profile), then one Plan per guest and kernel. Pure but
 * for reading files: nothing here starts a process.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { ScenarioError } from '../errors.ts';
import * as D from './defaults.ts';
import type { CheckpointStage, GuestName, Plan, PlanNixosOwn, PlanProfile, PlanRollback, PlanRollbackUnit, PlanTimeouts } from './plan.ts';
import { readOwnNixos } from './nixos-own.ts';
import { loadProfile, PROFILES_DIR } from './profile.ts';
import { issueToError, parseSource, showValue, type KeyPath, type SourceFile } from './positions.ts';
import { readNixpkgsRelease, stage1Support, type NixosRelease } from './nixos-release.ts';
import { applyDeviations, checkAcrossKeys, kernelChoices, persistCommandsOf, resolveKernel, scenarioKernels } from './rules.ts';
import { parseLinkRule } from './tmpfiles.ts';
import { scenarioSchema, TIMEOUT_KEYS, type ScenarioInput } from './schema.ts';
import { findBaseFile, mergeOntoBase } from './from.ts';

/** A loaded, validated scenario: what `expandPlans` turns into Plans. */
export interface Scenario {
  name: string;
  /** Absolute path of the scenario file. */
  file: string;
  input: ScenarioInput;
  /** The scenario's own profile and any loaded for an override, by name. */
  profiles: Record<string, PlanProfile>;
  profileName: string;
  rollback: PlanRollback;
  /** `rollback.unit`: the scenario's own ordering keys for the systemd stage-1 unit. */
  rollbackUnit?: PlanRollbackUnit;
  fsDiffScript?: { path: string; source: string };
  /** `nixos.configuration` or `nixos.flake`, read. */
  nixosOwn?: PlanNixosOwn;
  /** nixos: the release of the nixpkgs it will use, when that is known at load time. */
  nixosRelease?: NixosRelease;
  /** `from:`: the base scenario, loaded with this one. */
  base?: Scenario;
  /** Line and column of a key path in the file, for errors found later (e.g. `--guest`). */
  locate(path: KeyPath): { line: number; column: number };
}

export interface LoadOptions {
  /** Where profiles live (default `images/profiles/`). */
  profilesDir?: string;
  /** A profile to load besides the scenario's, for `expandPlans(…, { profile })`. */
  profile?: string;
  /** nixos: the nixpkgs tree the run or evaluation will use (beats the scenario's `nixos.nixpkgs`). */
  nixpkgs?: string;
}

export interface ExpandOptions {
  /** Only this guest (`--guest`); it must be one the scenario lists. */
  guest?: string;
  /** Another profile (`--profile`): a name loaded by `loadScenario(…, { profile })`, or the profile. */
  profile?: string | PlanProfile;
  /** Multiplies every timeout (slow hosts). */
  timeoutScale?: number;
  /** Only this kernel instead of the scenario's list. */
  kernel?: string;
}

const SECRET_PATHS: readonly KeyPath[] = [['luks', 'passphrase'], ['luks', 'wrongPassphrases'], ['user', 'password']];
/** A secret's key, anything inside it, or a mapping that holds one (`luks: "hunter2"`): never shown. */
function isSecretPath(path: KeyPath): boolean {
  if (path.length === 0) return false;
  return SECRET_PATHS.some((secret) => secret.every((key, i) => i >= path.length || path[i] === key));
}

/**
 * Reads and validates a scenario file. Every problem is a `ScenarioError` at `file:line:col`.
 * @example const scenario = await loadScenario('scenarios/blog-xps13.yaml');
 */
export async function loadScenario(file: string, options: LoadOptions = {}): Promise<Scenario> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ScenarioError(`Cannot read the scenario file (${code})`, path);
  }
  const source = parseSource(path, text);
  const parsed = scenarioSchema.safeParse(source.data);
  if (!parsed.success) throw issueToError(source, parsed.error.issues, 'the scenario', isSecretPath);
  const input = parsed.data;
  checkAcrossKeys(source, input);

  const dir = dirname(path);
  const profileName = input.profile ?? D.DEFAULT_PROFILE;
  const profilesDir = options.profilesDir ?? PROFILES_DIR;
  const profiles: Record<string, PlanProfile> = {};
  const where = input.profile === undefined ? undefined : { file: path, ...source.locate(['profile']) };
  profiles[profileName] = await loadProfile(profileName, { dir: profilesDir, ...(where && { where }) });
  if (options.profile !== undefined && !(options.profile in profiles)) {
    profiles[options.profile] = await loadProfile(options.profile, { dir: profilesDir });
  }

  const rollback: PlanRollback =
    input.rollback === undefined || input.rollback === 'builtin'
      ? { kind: 'builtin' }
      : input.rollback === 'none'
        ? { kind: 'none' }
        : input.rollback.script === undefined
          ? { kind: 'builtin' }
          : { kind: 'script', ...(await readScript(source, dir, input.rollback.script, ['rollback', 'script'])) };
  const rollbackUnit = typeof input.rollback === 'object' ? input.rollback.unit : undefined;
  const fsDiff = input.fsDiff?.script;
  const fsDiffScript = fsDiff === undefined ? undefined : await readScript(source, dir, fsDiff, ['fsDiff', 'script']);
  const nixosOwn = await readOwnNixos(source, dir, input);

  const nixosRelease = input.guests.includes('nixos') ? await releaseFor(source, input, dir, options.nixpkgs) : undefined;
  const base = input.from === undefined ? undefined : await loadBase(source, path, input.from, options);

  return {
    name: input.name ?? basename(path).replace(/\.ya?ml$/, ''),
    file: path,
    input,
    profiles,
    profileName,
    rollback,
    ...(rollbackUnit && { rollbackUnit: copyUnitKeys(rollbackUnit) }),
    ...(fsDiffScript && { fsDiffScript }),
    ...(nixosOwn && { nixosOwn }),
    ...(nixosRelease && { nixosRelease }),
    ...(base && { base }),
    locate: source.locate,
  };
}

/**
 * The NixOS release of the nixpkgs the scenario will use, if it can be read; a scripted stage 1
 * asked of a release that no longer has one is refused here, at the `initrd` key.
 */
async function releaseFor(source: SourceFile, input: ScenarioInput, dir: string, override: string | undefined) {
  const pinned = input.nixos?.nixpkgs;
  const tree = override ?? (pinned === undefined ? undefined : resolveNixpkgs(dir, pinned));
  if (tree === undefined || tree.startsWith('<') || /^[a-z]+:/.test(tree)) return undefined;
  const release = await readNixpkgsRelease(tree);
  if (release && input.initrd === 'scripted' && stage1Support(release).scripted === 'removed') {
    throw source.error(
      `Expected \`initrd: systemd\`: NixOS ${release.text} (nixpkgs at ${tree}) has no scripted stage 1 any more, so \`initrd: scripted\` cannot run there`,
      ['initrd'],
    );
  }
  return release;
}

/** `nixos.nixpkgs`: relative to the scenario file when it starts with `./` or `../`. */
function resolveNixpkgs(dir: string, nixpkgs: string): string {
  return /^\.\.?\//.test(nixpkgs) ? resolve(dir, nixpkgs) : nixpkgs;
}

/** The unit keys as the Plan holds them (own arrays, no undefined keys). */
function copyUnitKeys(unit: PlanRollbackUnit): PlanRollbackUnit {
  return Object.fromEntries(Object.entries(unit).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]));
}

/**
 * The `from:` base, loaded now: a name that finds no file, a base that fails to load, a chain of
 * bases, or a first-boot checkpoint of a base that never reboots are errors at the `from:` key.
 */
async function loadBase(source: SourceFile, path: string, from: string, options: LoadOptions): Promise<Scenario> {
  const [name = '', stage] = from.split('@');
  const found = await findBaseFile(path, name);
  if (!found) throw source.error(`Expected \`from\` to name a scenario beside this one or shipped with darlings, got ${showValue(from)} (no ${name}.yaml)`, ['from']);
  let base: Scenario;
  try {
    // A shipped base uses the shipped profiles; one beside the scenario, the scenario's.
    base = await loadScenario(found.file, found.shipped ? {} : { ...options, profile: undefined });
  } catch (error) {
    throw source.error(`The base of \`from: ${from}\` does not load: ${error instanceof Error ? error.message : String(error)}`, ['from']);
  }
  if (stage === 'first-boot' && base.input.powerCut !== undefined) {
    throw source.error(`Expected \`from: …@first-boot\` to name a scenario that reboots, got ${showValue(from)}: ${name} cuts the power instead, so it has no first-boot checkpoint`, ['from']);
  }
  if (base.input.from !== undefined) throw source.error(`Expected \`from\` to name a scenario that installs, got ${showValue(from)}, which itself starts from ${base.input.from} (chains are not supported)`, ['from']);
  return base;
}

/** A script the scenario names, relative to the scenario file, read now so a typo fails at load. */
async function readScript(source: SourceFile, dir: string, name: string, at: KeyPath) {
  const path = resolve(dir, name);
  try {
    return { path, source: await readFile(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    const expected = `Expected \`${at.join('.')}\` to name a readable file relative to the scenario`;
    throw source.error(`${expected}, got ${showValue(name)} (${code} at ${path})`, at);
  }
}

/**
 * One Plan per guest and kernel of the scenario, narrowed by `--guest`, `--kernel`, `--profile`.
 * @example expandPlans(scenario, { guest: 'debian' }).map((p) => p.kernel.name) // ['bookworm']
 */
export function expandPlans(scenario: Scenario, options: ExpandOptions = {}): Plan[] {
  const { input } = scenario;
  const at = (path: KeyPath) => ({ file: scenario.file, ...scenario.locate(path) });
  const fail = (message: string, path: KeyPath) => {
    const where = at(path);
    return new ScenarioError(message, where.file, where.line, where.column);
  };

  let guests: GuestName[] = input.guests;
  if (options.guest !== undefined) {
    const chosen = guests.find((g) => g === options.guest);
    if (!chosen) {
      throw fail(`Guest \`${options.guest}\` is not one this scenario runs on; allowed: ${guests.join(', ')}`, ['guests']);
    }
    guests = [chosen];
  }

  const profile = pickProfile(scenario, options.profile);
  const scale = options.timeoutScale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new ScenarioError(`Expected \`timeoutScale\` to be a positive number, got \`${scale}\``);
  }

  const kernels = options.kernel !== undefined ? [options.kernel] : scenarioKernels(input);
  if (options.kernel !== undefined && !guests.some((g) => resolveKernel(g, options.kernel ?? ''))) {
    const allowed = guests.map(kernelChoices).join('; ');
    throw new ScenarioError(`Kernel \`${options.kernel}\` is not one these guests have; allowed: ${allowed}`);
  }

  const plans: Plan[] = [];
  for (const guest of guests) {
    const resolved = kernels.map((k) => resolveKernel(guest, k)).filter((k): k is string => k !== undefined);
    const names = [...new Set(resolved)];
    for (const kernel of names) plans.push(withBase(scenario, buildPlan(scenario, guest, kernel, profile, scale), fail));
  }
  return plans;
}

/** A `from:` plan merged onto its base's plan for the same guest and kernel. */
function withBase(scenario: Scenario, plan: Plan, fail: (message: string, path: KeyPath) => ScenarioError): Plan {
  if (scenario.input.from === undefined) return plan;
  const [name = '', stage] = scenario.input.from.split('@');
  if (!scenario.base) throw fail(`The base of \`from: ${scenario.input.from}\` was not loaded (load the scenario with loadScenario)`, ['from']);
  // The base's install with this run's kernel: a kernel matrix shares the base's procedure.
  const base = scenario.base.input.guests.includes(plan.guest) ? expandPlans(scenario.base, { guest: plan.guest, kernel: plan.kernel.name })[0] : undefined;
  if (!base) throw fail(`Expected \`from\` to name a scenario that runs on ${plan.guest} with kernel ${plan.kernel.name}; ${name} runs on ${scenario.base.input.guests.join(', ')}`, ['from']);
  return mergeOntoBase({ ...plan, from: { scenario: name, checkpoint: stage as CheckpointStage, base } }, base);
}

function pickProfile(scenario: Scenario, override: string | PlanProfile | undefined): PlanProfile {
  if (override !== undefined && typeof override !== 'string') return override;
  const name = override ?? scenario.profileName;
  const profile = scenario.profiles[name];
  if (!profile) {
    throw new ScenarioError(`Profile \`${name}\` was not loaded; pass it as \`profile\` to loadScenario`);
  }
  return profile;
}

function buildPlan(scenario: Scenario, guest: GuestName, kernel: string, profile: PlanProfile, scale: number): Plan {
  const { input } = scenario;
  const luks = {
    passphrase: input.luks?.passphrase ?? D.DEFAULT_LUKS.passphrase,
    wrongPassphrases: [...(input.luks?.wrongPassphrases ?? D.DEFAULT_LUKS.wrongPassphrases)],
    pbkdf: input.luks?.pbkdf ?? D.DEFAULT_LUKS.pbkdf,
    iterTimeMs: input.luks?.iterTimeMs ?? D.DEFAULT_LUKS.iterTimeMs,
    mapping: input.luks?.mapping ?? D.DEFAULT_LUKS.mapping,
  };
  const user = {
    name: input.user?.name ?? D.DEFAULT_USER.name,
    password: input.user?.password ?? D.DEFAULT_USER.password,
    passwordVia: input.user?.passwordVia ?? D.DEFAULT_PASSWORD_VIA,
  };
  const timeouts = Object.fromEntries(
    TIMEOUT_KEYS.map((key) => [key, Math.round((input.timeouts?.[key] ?? D.DEFAULT_TIMEOUTS[key]) * scale)]),
  ) as unknown as PlanTimeouts;
  const nixpkgs = input.nixos?.nixpkgs;

  return {
    name: scenario.name,
    description: input.description ?? '',
    file: scenario.file,
    guests: [...input.guests],
    guest,
    hostname: input.hostname ?? D.DEFAULT_HOSTNAME,
    disk: {
      sizeMiB: input.disk?.size ?? D.GUEST_VM_DEFAULTS[guest].diskMiB,
      serial: input.disk?.serial ?? profile.nvmeSerial ?? D.DEFAULT_DISK.serial,
      device: input.disk?.device ?? D.DEFAULT_DISK.device,
    },
    partitions: {
      espMiB: input.partitions?.esp ?? D.DEFAULT_PARTITIONS.espMiB,
      swapMiB: input.partitions?.swap ?? D.DEFAULT_PARTITIONS.swapMiB,
      espLabel: input.partitions?.espLabel ?? D.DEFAULT_PARTITIONS.espLabel,
    },
    luks,
    btrfs: {
      subvolumes: (input.btrfs?.subvolumes ?? D.DEFAULT_SUBVOLUMES).map((s) => ({
        name: s.name,
        mountPoint: s.mountPoint,
        neededForBoot: s.neededForBoot ?? false,
      })),
      blankSnapshot: input.btrfs?.blankSnapshot ?? D.DEFAULT_BLANK_SNAPSHOT,
      mountOptions: [...(input.btrfs?.mountOptions ?? D.DEFAULT_MOUNT_OPTIONS)],
    },
    user,
    rollback: scenario.rollback,
    ...(scenario.rollbackUnit && { rollbackUnit: copyUnitKeys(scenario.rollbackUnit) }),
    // nixos: the default of its release; the stand-in: scripted unless asked (both forms built).
    initrd: input.initrd ?? (guest === 'nixos' ? stage1Support(scenario.nixosRelease).defaultInitrd : D.DEFAULT_INITRD),
    kernel: { name: kernel },
    persist: persistFor(input),
    nixosExtraConfig: input.nixos?.extraConfig ?? '',
    serviceState: (input.serviceState ?? []).map((s) => ({ path: s.path, files: [...(s.files ?? [])], ...(s.unit && { unit: s.unit }) })),
    canaries: { extra: (input.canaries ?? []).map((c) => ({ path: c.path, expect: c.expect ?? 'gone' })) },
    fsDiff: {
      ...(scenario.fsDiffScript && { script: scenario.fsDiffScript }),
      allow: [...D.DEFAULT_FS_DIFF_ALLOW, ...(input.fsDiff?.allow ?? [])],
    },
    expectedFailures: (input.expect?.failures ?? []).map((f) => f.id),
    expectations: (input.expect?.failures ?? []).map((f) => ({ id: f.id, reason: f.reason, gap: f.gap ?? false })),
    // `guests` narrows an expected command failure to the guests where it happens.
    expectedCommandFailures: (input.expect?.commands ?? [])
      .filter((c) => !c.guests || c.guests.includes(guest))
      .map((c) => ({ command: c.command, reason: c.reason, gap: c.gap ?? false })),
    deviations: (input.deviations ?? []).map((d) => ({ ...d })),
    skipChecks: (input.skip ?? []).map((s) => ({ id: s.check, reason: s.reason })),
    kernelLog: { deny: [...(input.kernelLog?.deny ?? [])], allow: [...(input.kernelLog?.allow ?? [])] },
    timeouts,
    vm: {
      // A profile describes the hardware; the guest's own floor still holds (nixos: 2 GiB).
      memoryMiB: input.vm?.memory ?? Math.max(profile.memoryMiB ?? D.GUEST_VM_DEFAULTS[guest].memoryMiB, D.GUEST_VM_DEFAULTS[guest].minMemoryMiB),
      cpus: input.vm?.cpus ?? profile.cpus ?? D.DEFAULT_VM.cpus,
      bootMedium: input.vm?.bootMedium ?? D.DEFAULT_VM.bootMedium,
    },
    profile,
    offlineInstall: input.nixos?.offlineInstall ?? false,
    ...(input.powerCut && { powerCut: { writeMiB: input.powerCut.writeMiB ?? D.POWER_CUT_WRITE_MIB, afterMs: input.powerCut.afterMs ?? D.POWER_CUT_AFTER_MS } }),
    ...(nixpkgs !== undefined && { nixpkgs: resolveNixpkgs(dirname(scenario.file), nixpkgs) }),
    ...(guest === 'nixos' && scenario.nixosOwn && { nixosOwn: scenario.nixosOwn }),
    ...(guest === 'nixos' && scenario.nixosRelease && { nixosRelease: scenario.nixosRelease.text }),
    secrets: [...new Set([luks.passphrase, ...luks.wrongPassphrases, user.password])],
  };
}

/**
 * The opt-in state: `persist` replaces the blog's defaults key by key, `extraPersist` adds to them.
 * `copy` is derived: what the procedure copies into /persist before the persisting reboot.
 * @example persistFor({ guests: ['debian'] }).copy[0] // '/etc/nixos'
 */
export function persistFor(input: Pick<ScenarioInput, 'persist' | 'extraPersist' | 'deviations'>): Plan['persist'] {
  const etc = { ...(input.persist?.etc ?? D.DEFAULT_PERSIST_ETC), ...(input.extraPersist?.etc ?? {}) };
  const rules = [...(input.persist?.tmpfiles ?? D.DEFAULT_PERSIST_TMPFILES), ...(input.extraPersist?.tmpfiles ?? [])];
  const tmpfiles = [...new Set(rules)];
  const copy = [
    ...Object.keys(etc).map((name) => `/etc/${name.replace(/\/+$/, '')}`),
    ...tmpfiles.flatMap((rule) => parseLinkRule(rule)?.path ?? []),
  ];
  const commands = applyDeviations(persistCommandsOf(input), input.deviations ?? []);
  return { etc, tmpfiles, copy: [...new Set(copy)], commands };
}
