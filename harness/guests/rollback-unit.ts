/**
 * The rollback as a systemd stage-1 unit, one description for both guests: `[Unit]`/`[Service]`
 * text for the Debian stand-in's systemd initrd and `boot.initrd.systemd.services.<name>` for
 * NixOS, so both order it the same way (after the mapping's systemd-cryptsetup@ unit, before
 * sysroot.mount, no default dependencies, oneshot, output on journal and console). Pure.
 */
import type { Plan, PlanRollbackUnit } from '../scenario/plan.ts';
import { builtinRollbackScript } from './rollback-script.ts';

export const ROLLBACK_BEGIN = 'darlings-initrd: rollback begin';
export const ROLLBACK_END = 'darlings-initrd: rollback end';
export const DEFAULT_ROLLBACK_UNIT_NAME = 'rollback';

/**
 * systemd's unit-name escaping (`systemd-escape`, or `systemd-escape --path` with `path`): `/`
 * becomes `-`; a leading `.` and every byte outside `[A-Za-z0-9:_.]` become `\xNN` (UTF-8 bytes).
 * A path is normalised first (no `//`, no trailing `/`); `/` alone is `-`.
 *
 * @example
 * systemdEscape('crypt-root')                             // 'crypt\\x2droot'
 * systemdEscape('/dev/disk/by-label/nixos', { path: true }) // 'dev-disk-by\\x2dlabel-nixos'
 */
export function systemdEscape(value: string, options: { path?: boolean } = {}): string {
  let text = value;
  if (options.path) {
    const parts = value.split('/').filter((p) => p !== '');
    if (parts.some((p) => p === '.' || p === '..')) throw new Error(`Expected a normalized path to escape, got \`${value}\``);
    if (parts.length === 0) return '-';
    text = parts.join('/');
  }
  let out = '';
  for (const [i, ch] of [...text].entries()) {
    if (/[A-Za-z0-9:_]/.test(ch) || (ch === '.' && i > 0)) out += ch;
    else if (ch === '/') out += '-';
    else out += [...Buffer.from(ch, 'utf8')].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
  }
  return out;
}

/** The stage-1 unit that opens LUKS mapping `mapping`: `systemd-cryptsetup@<escaped>.service`. */
export function cryptsetupUnit(mapping: string): string {
  return `systemd-cryptsetup@${systemdEscape(mapping)}.service`;
}

/** The device unit of the open mapping: `dev-mapper-<escaped>.device`. */
export function mappingDeviceUnit(mapping: string): string {
  return `${systemdEscape(`/dev/mapper/${mapping}`, { path: true })}.device`;
}

/** The ordering and dependency keys of the rollback unit. */
export interface RollbackUnitKeys {
  after: string[];
  before: string[];
  requires: string[];
  bindsTo: string[];
  wantedBy: string[];
  requiredBy: string[];
}

/** The rollback unit for a plan: its name, keys and the shell script it runs. */
export interface RollbackUnit {
  /** Unit name without `.service`. */
  name: string;
  description: string;
  keys: RollbackUnitKeys;
  /** The script the unit runs (bash on NixOS, sh on the stand-in), with the console markers. */
  script: string;
  /** True when the scenario brought its own ordering keys. */
  custom: boolean;
}

/**
 * The keys darlings writes unless the scenario brings its own: after (and requiring) the
 * mapping's cryptsetup unit, before sysroot.mount, wanted by initrd.target. `wantedBy`, not
 * `requiredBy`: like the scripted stage 1, a failed rollback does not stop the boot.
 */
export function defaultRollbackUnitKeys(plan: Pick<Plan, 'luks'>): RollbackUnitKeys {
  const unlock = cryptsetupUnit(plan.luks.mapping);
  return { after: [unlock], before: ['sysroot.mount'], requires: [unlock], bindsTo: [], wantedBy: ['initrd.target'], requiredBy: [] };
}

/**
 * The body framed by the console markers of docs/guest-contract.md (interface 2): `begin`, the
 * script's own output, `end status=<its exit status>`. A subshell, so a user's `exit` or `set -e`
 * cannot end the wrapper. `exitWithStatus`: the unit fails when the script did (systemd records
 * it); the scripted stage 1 is sourced by stage 1 itself and must not exit.
 *
 * @example
 * wrapRollback('btrfs …', { exitWithStatus: true }).split('\n')[0] // 'set +e'
 */
export function wrapRollback(body: string, options: { exitWithStatus: boolean }): string {
  return [
    // NixOS runs `script` under `bash -e`: one failing step must not skip the end marker.
    'set +e',
    `echo "${ROLLBACK_BEGIN}"`,
    '(',
    body.replace(/\n+$/, ''),
    ')',
    'darlings_status=$?',
    `echo "${ROLLBACK_END} status=$darlings_status"`,
    ...(options.exitWithStatus ? ['exit $darlings_status'] : []),
  ].join('\n');
}

/** The rollback body of a plan (the blog's or the user's), or null for `rollback: none`. */
export function rollbackBody(plan: Plan): string | null {
  if (plan.rollback.kind === 'none') return null;
  return plan.rollback.kind === 'script' ? plan.rollback.source : builtinRollbackScript(plan);
}

/**
 * The plan's rollback unit, or null for `rollback: none`. The scenario's `rollback.unit` keys
 * replace the defaults key by key; `requires` goes with `after` (a unit of one's own ordered
 * after something else is not also made to require the cryptsetup unit behind one's back), and
 * `wantedBy` with `requiredBy`.
 *
 * @example
 * rollbackUnit(plan)?.keys.after // ['systemd-cryptsetup@enc.service']
 */
export function rollbackUnit(plan: Plan): RollbackUnit | null {
  const body = rollbackBody(plan);
  if (body === null) return null;
  const own: PlanRollbackUnit | undefined = plan.rollbackUnit;
  const defaults = defaultRollbackUnitKeys(plan);
  const keys: RollbackUnitKeys = {
    after: [...(own?.after ?? defaults.after)],
    before: [...(own?.before ?? defaults.before)],
    requires: [...(own?.requires ?? (own?.after !== undefined ? [] : defaults.requires))],
    bindsTo: [...(own?.bindsTo ?? defaults.bindsTo)],
    wantedBy: [...(own?.wantedBy ?? (own?.requiredBy !== undefined ? [] : defaults.wantedBy))],
    requiredBy: [...(own?.requiredBy ?? defaults.requiredBy)],
  };
  return {
    name: own?.name ?? DEFAULT_ROLLBACK_UNIT_NAME,
    description: 'Roll back the btrfs root subvolume to its blank snapshot',
    keys,
    script: wrapRollback(body, { exitWithStatus: true }),
    custom: own !== undefined,
  };
}

const UNIT_KEYS: [keyof RollbackUnitKeys, string][] = [
  ['requires', 'Requires'],
  ['bindsTo', 'BindsTo'],
  ['after', 'After'],
  ['before', 'Before'],
];

/**
 * The stand-in's unit file: `[Unit]`, `[Service]` running `scriptPath` with `shell`, `[Install]`
 * (read by the stand-in's initrd generator to link it into initrd.target.wants).
 *
 * @example
 * unitFileText(unit, '/etc/darlings/rollback-unit.sh') // '[Unit]\nDescription=…\nDefaultDependencies=no\n…'
 */
export function unitFileText(unit: RollbackUnit, scriptPath: string, shell = '/bin/sh'): string {
  const line = (key: string, values: string[]) => (values.length > 0 ? [`${key}=${values.join(' ')}`] : []);
  return [
    '# Generated by darlings: the rollback in systemd stage 1 (harness/guests/rollback-unit.ts).',
    '[Unit]',
    `Description=${unit.description}`,
    'DefaultDependencies=no',
    ...UNIT_KEYS.flatMap(([k, name]) => line(name, unit.keys[k])),
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${shell} ${scriptPath}`,
    // The markers and the script's output reach the serial console the harness reads.
    'StandardOutput=journal+console',
    'StandardError=journal+console',
    '',
    '[Install]',
    ...line('WantedBy', unit.keys.wantedBy),
    ...line('RequiredBy', unit.keys.requiredBy),
    '',
  ].join('\n');
}

/** What the Nix text needs from nix-text.ts (passed in: procedure/ does not import guests/). */
export interface NixWriters {
  nixString(value: string): string;
  nixStringList(values: readonly string[]): string;
  nixAttrName(name: string): string;
  nixIndentedString(text: string, indent: string): string;
}

/**
 * `boot.initrd.systemd.services.<name> = { … };` with the same keys as `unitFileText`.
 *
 * @example
 * nixServiceLines(unit, writers)[0] // 'boot.initrd.systemd.services.rollback = {'
 */
export function nixServiceLines(unit: RollbackUnit, w: NixWriters): string[] {
  const list = (key: string, values: string[]) => (values.length > 0 ? [`  ${key} = ${w.nixStringList(values)};`] : []);
  return [
    `boot.initrd.systemd.services.${w.nixAttrName(unit.name)} = {`,
    `  description = ${w.nixString(unit.description)};`,
    ...list('wantedBy', unit.keys.wantedBy),
    ...list('requiredBy', unit.keys.requiredBy),
    ...list('requires', unit.keys.requires),
    ...list('bindsTo', unit.keys.bindsTo),
    ...list('after', unit.keys.after),
    ...list('before', unit.keys.before),
    '  unitConfig.DefaultDependencies = "no";',
    '  serviceConfig.Type = "oneshot";',
    '  # The markers and the script\'s output reach the serial console the harness reads.',
    '  serviceConfig.StandardOutput = "journal+console";',
    '  serviceConfig.StandardError = "journal+console";',
    `  script = ${w.nixIndentedString(unit.script, '  ')};`,
    '};',
  ];
}
