/**
 * The scenario YAML format (camelCase keys; an unknown key is an error everywhere). Each schema's
 * error text is the phrase after "Expected `key` to be …": `positions.ts` builds the sentence
 * with the key and the value the file has. For an unknown key, the text is the allowed keys.
 * Checks that span keys (partitions fit the disk, guest-only options, files that must exist) are in
 * `rules.ts` and `load.ts`, where the whole file is at hand.
 *
 * @example
 * ```yaml
 * guests: [debian, nixos]            # the only required key
 * profile: xps13-7390                # images/profiles/<name>.yaml (default generic)
 * kernels: [default, latest]         # or kernel: latest; debian also bookworm | backports
 * disk: { size: 4GiB }               # sizes in MiB, GiB or TiB
 * partitions: { esp: 512MiB, swap: 256MiB }
 * luks: { passphrase: correct horse battery staple, wrongPassphrases: [nope], pbkdf: pbkdf2 }
 * rollback: { script: ./my-rollback.sh }   # or builtin | none
 * rollback: { unit: { after: [systemd-cryptsetup@enc.service], before: [sysroot.mount] } }   # initrd: systemd
 * extraPersist: { tmpfiles: ['L /var/lib/docker - - - - /persist/var/lib/docker'] }
 * expect: { failures: [rollback.canary-gone] }
 * ```
 */
import { z } from 'zod';
import { ALL_KERNEL_NAMES } from './defaults.ts';
import { CHECK_ID_PREFIXES, KNOWN_CHECK_IDS, isCheckId } from './checkIds.ts';
import { isTmpfilesRule } from './tmpfiles.ts';
import { parseSizeMiB } from './units.ts';
import { CHECKPOINT_STAGES, GUEST_NAMES, type GuestName } from './plan.ts';

/** A strict mapping whose unknown-key error lists the keys it allows. */
export function strict<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? Object.keys(shape).join(', ') : 'a mapping'),
  });
}

/** `z.enum` whose error names the choices. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `one of ${values.join(', ')}` });
}

function text(phrase: string, test: (value: string) => boolean = () => true) {
  return z.string({ error: phrase }).refine(test, { error: phrase });
}

const nonEmpty = text('a non-empty string', (s) => s.length > 0);
const positiveInteger = z.int({ error: 'a positive integer' }).positive({ error: 'a positive integer' });
const boolean = z.boolean({ error: 'true or false' });
const SLUG = /^[a-z0-9][a-z0-9._-]*$/;
const slug = text('a lower-case name of letters, digits, `.`, `_` and `-`', (s) => SLUG.test(s));

function list<T extends z.ZodType>(element: T, phrase = 'a list') {
  return z.array(element, { error: phrase });
}

const SIZE_PHRASE = 'a positive size in MiB, GiB or TiB, like `512MiB` or `4GiB`';
/** A size with a unit, to whole MiB. */
export const size = text(SIZE_PHRASE, (s) => parseSizeMiB(s) !== undefined).transform((s) => parseSizeMiB(s) ?? 0);

const absolutePath = text('an absolute path', (s) => s.startsWith('/') && !/[\0\n]/.test(s));

function isRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
const regex = text('a valid regular expression', isRegex);

const CHECK_PHRASE =
  `a check id (${KNOWN_CHECK_IDS.join(', ')}) ` + `or one starting with ${CHECK_ID_PREFIXES.join(', ')}`;
const checkId = text(CHECK_PHRASE, isCheckId);

const tmpfilesRule = text('a tmpfiles.d rule like `L /var/lib/docker - - - - /persist/var/lib/docker`', isTmpfilesRule);

const ETC_NAME = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[^\0\n]+$/;
const etcName = text('a path relative to /etc', (s) => ETC_NAME.test(s));

const shellCommand = text('a one-line shell command', (s) => s.trim().length > 0 && !/[\0\n]/.test(s));

const persist = strict({
  /** `environment.etc.<name>.source`. */
  etc: z.record(etcName, absolutePath, { error: 'a mapping of /etc names to absolute paths' }).optional(),
  /** `systemd.tmpfiles.rules`, verbatim. */
  tmpfiles: list(tmpfilesRule).optional(),
  /** The commands that copy state into /persist on the first boot, before the reboot (bash, as root). */
  commands: list(shellCommand).optional(),
});

const reason = text('a non-empty reason', (s) => s.trim().length > 0);

/** An expected failure: a check id with why it fails; `gap: true` when the recipe itself falls short. */
const expectedFailure = z.strictObject(
  { id: checkId, reason, gap: boolean.optional() },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'id, reason, gap' : 'a mapping `{ id, reason }` (an expected failure says why it fails)') },
);
/** A procedure command expected to exit non-zero (matched by its text), with why. */
const expectedCommandFailure = z.strictObject(
  { command: shellCommand, reason, gap: boolean.optional(), guests: list(oneOf(['debian', 'nixos'])).optional() },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'command, reason, gap, guests' : 'a mapping `{ command, reason }`') },
);
/** A unit name as systemd writes it: no spaces or slashes, a known unit type suffix. */
const UNIT_NAME = /^[^\s/]+\.(service|target|mount|device|socket|path|swap|slice|scope|automount|timer)$/;
const unitName = text('a unit name like `systemd-cryptsetup@enc.service` or `sysroot.mount`', (s) => UNIT_NAME.test(s));
const unitList = list(unitName, 'a list of unit names');
/** `rollback.unit`: the ordering keys of the user's own stage-1 rollback unit. */
const rollbackUnit = strict({
  name: text('a service name of letters, digits, `-`, `_` and `.` (without `.service`)', (s) => /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(s) && !s.endsWith('.service')).optional(),
  after: unitList.optional(),
  before: unitList.optional(),
  requires: unitList.optional(),
  bindsTo: unitList.optional(),
  wantedBy: unitList.optional(),
  requiredBy: unitList.optional(),
});

const HOSTNAME = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const SERIAL = /^[A-Za-z0-9_-]{1,20}$/;
const FAT_LABEL = /^[A-Za-z0-9_-]{1,11}$/;
const FILE_NAME = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[^\0\n]+$/;
const FLAKE = /^[^#\0\n]*#[A-Za-z0-9_][A-Za-z0-9_'-]*$/;
const FROM = new RegExp(`^[a-z0-9][a-z0-9._-]*@(${CHECKPOINT_STAGES.join('|')})$`);

export const TIMEOUT_KEYS = [
  'bootMs',
  'passphrasePromptMs',
  'loginMs',
  'commandMs',
  'installMs',
  'sshConnectMs',
  'shutdownMs',
] as const;

const GUEST_CHOICES = ['debian', 'nixos'] as const satisfies readonly GuestName[];

export const scenarioSchema = strict({
  name: slug.optional(),
  description: z.string({ error: 'a string' }).optional(),
  guests: list(oneOf(GUEST_CHOICES), `a list of guests (${GUEST_NAMES.join(', ')})`).min(1, {
    error: `a non-empty list of guests (${GUEST_NAMES.join(', ')})`,
  }),
  profile: slug.optional(),
  kernels: list(oneOf(ALL_KERNEL_NAMES)).min(1, { error: 'a non-empty list' }).optional(),
  kernel: oneOf(ALL_KERNEL_NAMES).optional(),
  hostname: text('a host name (letters, digits and `-`, at most 63)', (s) => HOSTNAME.test(s)).optional(),
  disk: strict({
    size: size.optional(),
    serial: text('an NVMe serial of 1 to 20 letters, digits, `_` or `-`', (s) => SERIAL.test(s)).optional(),
    device: absolutePath.optional(),
  }).optional(),
  partitions: strict({
    esp: size.optional(),
    swap: size.optional(),
    espLabel: text('a FAT label of 1 to 11 letters, digits, `_` or `-`', (s) => FAT_LABEL.test(s)).optional(),
  }).optional(),
  luks: strict({
    passphrase: nonEmpty.optional(),
    wrongPassphrases: list(nonEmpty).optional(),
    pbkdf: oneOf(['pbkdf2', 'argon2id', 'argon2i']).optional(),
    iterTimeMs: positiveInteger.optional(),
    mapping: slug.optional(),
  }).optional(),
  user: strict({
    name: text('a user name (lower-case, starting with a letter or `_`)', (s) => USER_NAME.test(s)).optional(),
    password: nonEmpty.optional(),
    /** How the password survives: a hash in the configuration, or the blog's `passwd` after the install. */
    passwordVia: oneOf(['configuration', 'passwd']).optional(),
  }).optional(),
  btrfs: strict({
    subvolumes: list(
      strict({ name: slug, mountPoint: absolutePath, neededForBoot: boolean.optional() }),
    ).min(1, { error: 'a non-empty list' }).optional(),
    blankSnapshot: slug.optional(),
    mountOptions: list(nonEmpty).optional(),
  }).optional(),
  rollback: z
    .union([oneOf(['builtin', 'none']), strict({ script: nonEmpty.optional(), unit: rollbackUnit.optional() })], {
      error: 'builtin, none or a mapping `{ script: PATH, unit: { after: [...], ... } }`',
    })
    .optional(),
  initrd: oneOf(['scripted', 'systemd']).optional(),
  persist: persist.optional(),
  extraPersist: persist.optional(),
  nixos: strict({
    extraConfig: z.string({ error: 'a string of Nix code' }).optional(),
    offlineInstall: boolean.optional(),
    nixpkgs: nonEmpty.optional(),
    /** The user's own configuration.nix (relative to the scenario), instead of the blog's. */
    configuration: text('a path to a .nix file relative to the scenario', (s) => /\.nix$/.test(s)).optional(),
    /** The user's own flake: `PATH#NAME` for `nixosConfigurations.NAME`, PATH relative to the scenario. */
    flake: text('a flake `PATH#NAME` relative to the scenario, like `../#laptop`', (s) => FLAKE.test(s)).optional(),
    /** With `configuration`: add the harness's opt-in module (default true). */
    optIn: boolean.optional(),
  }).optional(),
  serviceState: list(
    strict({
      path: absolutePath,
      files: list(text('a relative file name', (s) => FILE_NAME.test(s))).optional(),
      /** nixos: the daemon's unit, which must be active after the reboot (services.active). */
      unit: text('a systemd unit name like `docker.service`', (s) => /^[A-Za-z0-9:_.@-]+\.(service|socket)$/.test(s)).optional(),
    }),
  ).optional(),
  canaries: list(strict({ path: absolutePath, expect: oneOf(['gone', 'kept']).optional() })).optional(),
  powerCut: strict({ writeMiB: positiveInteger.optional(), afterMs: positiveInteger.optional() }).optional(),
  fsDiff: strict({ script: nonEmpty.optional(), allow: list(regex).optional() }).optional(),
  expect: strict({
    failures: list(expectedFailure, 'a list of `{ id, reason }` mappings').optional(),
    commands: list(expectedCommandFailure, 'a list of `{ command, reason }` mappings').optional(),
  }).optional(),
  /** Steps of the blog this scenario mends: `blog` is replaced by `instead`, for `reason`. */
  deviations: list(strict({ blog: shellCommand, instead: shellCommand, reason })).optional(),
  skip: list(strict({ check: checkId, reason: nonEmpty })).optional(),
  kernelLog: strict({ deny: list(regex).optional(), allow: list(regex).optional() }).optional(),
  timeouts: strict(
    Object.fromEntries(TIMEOUT_KEYS.map((key) => [key, positiveInteger.optional()])) as Record<
      (typeof TIMEOUT_KEYS)[number],
      z.ZodOptional<typeof positiveInteger>
    >,
  ).optional(),
  vm: strict({
    memory: size.optional(),
    cpus: positiveInteger.optional(),
    bootMedium: oneOf(['usb', 'cdrom']).optional(),
  }).optional(),
  from: text(CHECKPOINT_STAGES.map((s) => `\`<scenario>@${s}\``).join(' or '), (s) => FROM.test(s)).optional(),
});

/** A scenario file as validated, before defaults. */
export type ScenarioInput = z.output<typeof scenarioSchema>;

const smbiosField = text('a single-line string (quote numbers)', (s) => !/[\n\0]/.test(s));
function smbiosType<const K extends readonly string[]>(keys: K) {
  const shape = Object.fromEntries(keys.map((k) => [k, smbiosField.optional()]));
  return strict(shape as Record<K[number], z.ZodOptional<typeof smbiosField>>);
}

/** A hardware profile: what QEMU can make the guest see of a real machine, and what it cannot. */
export const profileSchema = strict({
  name: slug.optional(),
  description: z.string({ error: 'a string' }).optional(),
  /** Field names are QEMU's `-smbios type=N,…` option names. */
  smbios: strict({
    type0: smbiosType(['vendor', 'version', 'date', 'release'] as const).optional(),
    type1: smbiosType(['manufacturer', 'product', 'version', 'serial', 'uuid', 'sku', 'family'] as const).optional(),
    type2: smbiosType(['manufacturer', 'product', 'version', 'serial', 'asset', 'location'] as const).optional(),
  }).optional(),
  nvme: strict({
    model: smbiosField.optional(),
    serial: text('an NVMe serial of 1 to 20 letters, digits, `_` or `-`', (s) => SERIAL.test(s)).optional(),
  }).optional(),
  vm: strict({ memory: size.optional(), cpus: positiveInteger.optional() }).optional(),
  cannotEmulate: list(nonEmpty).optional(),
});

export type ProfileInput = z.output<typeof profileSchema>;
