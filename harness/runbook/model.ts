/**
 * The runbook as data: sections of steps a person follows, built from the plan (build.ts) and
 * written into each run's folder as procedure.json, so the HTML report renders the same content
 * from the folder alone. Only types here: the report imports this file without the procedure.
 */

export type SecretKind = 'passphrase' | 'password';

export interface RunbookStep {
  /** Stable within one runbook: `partition-1`, `checks-root.blank-not-nested`. */
  id: string;
  /** The harness phase the step belongs to (`partition`, `first-boot-state`, `checks`). */
  phase: string;
  title: string;
  /**
   * Exactly what the harness sends to the guest's shell (the disk as it is in the VM). Absent for
   * what is not a shell command on the guest (typing at the console, pulling the stick).
   */
  command?: string;
  stdin?: { secret: SecretKind } | { text: string };
  file?: { path: string; content: string; mode: number };
  guest?: 'debian' | 'nixos';
  note?: string;
  /** A wait: the harness sends `command` again every `intervalMs` until it exits 0. */
  until?: { intervalMs: number };
  /**
   * Whether the harness sends `command` itself, so a run's ssh.log must show it: `always`, or
   * `if` (only under a condition the note names). `never` for commands shown to a person only
   * (a check's `see` commands, the console).
   */
  sent: 'always' | 'if' | 'never';
  /** A step typed at the machine's console (the passphrase, the login), not in a shell. */
  console?: boolean;
  /** Stands in for the persist commands issue 13 rewrites as the blog's (today's behaviour, described). */
  provisional?: boolean;
  /** Filled in from a run (annotate.ts). */
  run?: StepRun;
}

export interface StepRun {
  status: 'ran' | 'failed' | 'not-run' | 'passed' | 'skipped' | 'expected-failure';
  /** The exit status the transcript shows, for sent steps. */
  exitCode?: number;
  durationMs?: number;
  /** Why: the failing command's output (redacted), a check's message, a known gap's reason. */
  detail?: string;
}

export interface RunbookSection {
  id: string;
  title: string;
  /** One paragraph: what this part does and when. */
  intro?: string;
  steps: RunbookStep[];
  /** Filled in from a run: the phase's status and error. */
  run?: { status: string; error?: string };
}

export interface RunbookCheck {
  id: string;
  holds: string;
  /** The commands a person runs to see what the check sees; absent when the check lists none. */
  see?: string[];
  /** Filled in from a run: the check's result. */
  run?: StepRun;
}

export interface Provenance {
  folder: string;
  scenario: string;
  guest: 'debian' | 'nixos';
  kernel: string;
  /** The kernel release the run booted (from its dmesg or serial log), when it shows one. */
  kernelRelease?: string;
  startedAt?: string;
  status: string;
  accel?: string;
  /** Sent steps the transcript does not show, counted (they are marked not-run). */
  unseen: number;
}

export interface Runbook {
  /** Bumped when the shape changes incompatibly (procedure.json is read back by the report). */
  version: 1;
  scenario: string;
  description?: string;
  guest: 'debian' | 'nixos';
  /** The device the plan installs to; the runbook shows it as $DISK. */
  disk: string;
  sections: RunbookSection[];
  checks: RunbookCheck[];
  /** Set when the runbook was taken from a run (`--from-run`, the HTML report). */
  provenance?: Provenance;
}

export const PROCEDURE_FILE = 'procedure.json';
