/**
 * The runbook of a plan: the install phases exactly as procedure/commands.ts gives them to the
 * harness, the copies into /persist, the boots, and the checks as commands a person can run.
 * Pure: the same plan gives the same runbook, with secrets only as placeholders.
 *
 * @example
 * const book = buildRunbook(plan, debianDriver);
 * book.sections.map((s) => s.id) // ['partition', 'encrypt', …, 'checks']
 */
import type { GuestDriver } from '../guests/guest.ts';
import type { Plan } from '../scenario/plan.ts';
import { closeInstallerCommand, commandsByPhase, INSTALL_PHASES, type InstallPhase, type ProcedureCommand } from '../procedure/commands.ts';
import { checksForPlan, type Check } from '../checks/index.ts';
import type { Runbook, RunbookCheck, RunbookSection, RunbookStep } from './model.ts';
import { commandsFor } from '../procedure/persist-commands.ts';

const TITLES: Record<InstallPhase, [string, string]> = {
  partition: ['Partition the disk', 'A GPT with the EFI system partition, swap, and the rest for LUKS. This erases $DISK.'],
  encrypt: ['Encrypt', 'LUKS2 on the third partition, opened as the mapping btrfs lives on.'],
  format: ['Make the filesystems', 'FAT for /boot, swap, btrfs on the opened LUKS device.'],
  subvolumes: ['Subvolumes', 'The flat layout, and the read-only empty snapshot of root that every boot rolls back to.'],
  mount: ['Mount', 'Root first, then each subvolume, then /boot, with the plan\'s mount options.'],
  configure: ['Configuration', 'Generate the hardware configuration, then write the configuration files, in full as the harness writes them.'],
  install: ['Install', 'Install the system and set the user\'s password (read from stdin, never on a command line).'],
};

/** A check as the checks helper shapes it (COMMON.md interface 1): `see` may not be there yet. */
type SeeingCheck = Check & { see?: (plan: Plan) => string[] };

/** What the runner checks for this plan, in its order. */
export function checksOf(plan: Plan): readonly Check[] {
  return checksForPlan(plan);
}

/** A ProcedureCommand as a runbook step the harness sends. */
export function stepOf(c: ProcedureCommand): RunbookStep {
  const stdin = c.stdin ? { secret: c.stdin.secret } : c.input !== undefined ? { text: c.input } : undefined;
  return {
    id: '', phase: c.phase, title: c.name, command: c.command, sent: 'always',
    ...(stdin && { stdin }), ...(c.file && { file: c.file }), ...(c.guest && { guest: c.guest }), ...(c.note && { note: c.note }), ...(c.until && { until: { intervalMs: c.until.intervalMs } }),
  };
}

function consoleStep(phase: string, title: string, note?: string): RunbookStep {
  return { id: '', phase, title, sent: 'never', console: true, ...(note && { note }) };
}

/** The passphrase prompt and the console login, as on every boot of the installed system. */
function bootSteps(plan: Plan, phase: string): RunbookStep[] {
  return [
    consoleStep(phase, 'at the passphrase prompt, type `<passphrase>`', `stage 1 opens ${plan.luks.mapping}, then rolls root back to ${plan.btrfs.blankSnapshot}`),
    consoleStep(phase, `log in as ${plan.user.name} with \`<password>\``),
  ];
}

export function buildRunbook(plan: Plan, driver: GuestDriver, checks: readonly Check[] = checksOf(plan)): Runbook {
  const by = commandsByPhase(plan, driver);
  const sections: RunbookSection[] = INSTALL_PHASES.map((phase) => ({
    id: phase, title: TITLES[phase][0], intro: TITLES[phase][1], steps: by[phase].map(stepOf),
  }));
  sections.push({
    id: 'reboot-installer', title: 'Leave the installer',
    intro: 'Unmount, close LUKS, power off; boot the disk without the installer.',
    steps: [
      stepOf(closeInstallerCommand(plan)),
      { id: '', phase: 'power-off-installer', title: 'power off', command: 'poweroff', sent: 'always', note: 'the harness powers off and boots the disk with the installer removed; by hand: reboot and take out the stick' },
    ],
  });
  sections.push({
    id: 'first-boot', title: 'First boot',
    intro: 'Unlock, log in; add the opt-in configuration for the next boot (the blog\'s `nixos-rebuild boot`), then the blog\'s copies into /persist.',
    steps: [
      ...bootSteps(plan, 'first-boot'),
      { id: '', phase: 'first-boot-state', title: 'the harness\'s own test state', sent: 'never', note: 'first the harness saves two NetworkManager connections (joining one once, so NetworkManager writes its timestamp) and writes service state, as using the system would; later canary files and what the checks compare against: its scaffolding, not part of the procedure' },
      ...driver.optInCommands(plan).map(stepOf),
      ...(driver.name === 'debian' ? [{ id: '', phase: 'first-boot-state', title: 'the stand-in\'s nixos-rebuild boot', sent: 'never' as const, note: 'the harness writes the next generation\'s stage-1 files (/boot/darlings/system.cpio) from these files: the stand-in has no cpio tool' }] : []),
      ...commandsFor(plan, driver.name, (n) => driver.etcEntry(n)).map(stepOf),
      { id: '', phase: 'reboot', title: 'reboot', command: 'systemctl reboot', sent: 'always' },
    ],
  });
  sections.push({ id: 'reboot', title: 'After the reboot', intro: 'Root is empty again; what was opted in is still there.', steps: bootSteps(plan, 'reboot') });
  for (const s of sections) s.steps.forEach((step, i) => (step.id = `${s.id}-${i + 1}`));
  return {
    version: 1,
    scenario: plan.name,
    ...(plan.description && { description: plan.description }),
    guest: plan.guest,
    disk: plan.disk.device,
    sections,
    checks: checks.map((c) => runbookCheck(c as SeeingCheck, plan)),
  };
}

function runbookCheck(c: SeeingCheck, plan: Plan): RunbookCheck {
  return { id: c.id, holds: c.holds, ...(typeof c.see === 'function' && { see: c.see(plan) }) };
}

/** The steps the harness sends itself, in order (what a run's ssh.log must show). */
export function sentSteps(book: Runbook): RunbookStep[] {
  return book.sections.flatMap((s) => s.steps).filter((s) => s.sent !== 'never' && s.command !== undefined);
}
