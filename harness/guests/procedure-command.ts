/**
 * The procedure as data (COMMON.md interface 4): one command the harness sends to the guest, as a
 * person would type it. The harness executes these lists and the runbook prints them, so the two
 * cannot drift. It lives beside the guest drivers because each driver contributes its own
 * (configure, install, password); the shared phases are in harness/procedure/commands.ts.
 */
import type { GuestName, Plan } from '../scenario/plan.ts';
import type { GuestShell } from './guest.ts';
import { untilSucceeds } from '../channels/shell.ts';
import { shQuote } from '../util/shell.ts';

/** The secret a command reads on stdin; the runbook shows `<passphrase>` / `<password>`. */
export type SecretKind = 'passphrase' | 'password';

export interface ProcedureCommand {
  phase: string;
  /** What the step does, for the report and the runbook ("cryptsetup luksFormat"). */
  name: string;
  /** Exactly what goes to the guest's `sh -c` (never a secret: those travel on stdin). */
  command: string;
  stdin?: { secret: SecretKind };
  /** Only on this guest (the shared steps leave it out). */
  guest?: GuestName;
  note?: string;
  /** Addition: a non-secret text fed on stdin (the sfdisk script). */
  input?: string;
  /** Addition: the command writes this file from stdin (how the harness uploads files). */
  file?: { path: string; content: string; mode: number };
  /** Addition: runs under the install timeout instead of the per-command one. */
  long?: boolean;
  /** Addition: a wait: sent again every `intervalMs` until it exits 0 (within the command limit). */
  until?: { intervalMs: number; what: string };
}

/**
 * What a secret looks like on stdin: cryptsetup's `--key-file -` takes all of stdin as the key
 * (no newline), the password tools read one line.
 */
export function secretInput(kind: SecretKind, plan: Plan): string {
  return kind === 'passphrase' ? plan.luks.passphrase : `${plan.user.password}\n`;
}

/** The command that writes a file from stdin, byte for byte what the SSH channel's upload sends. */
export function writeFileCommand(path: string, mode: number): string {
  const dir = path.replace(/\/[^/]*$/, '') || '/';
  return `mkdir -p ${shQuote(dir)} && umask 077 && cat > ${shQuote(path)} && chmod ${mode.toString(8)} ${shQuote(path)}`;
}

/** A file step: the upload command, with the content it is fed. */
export function fileCommand(phase: string, path: string, content: string, mode: number, extra: Partial<ProcedureCommand> = {}): ProcedureCommand {
  return { phase, name: `write ${path}`, command: writeFileCommand(path, mode), file: { path, content, mode }, ...extra };
}

/** Runs one command; a non-zero exit throws (the shell's error names the command and stderr). */
export async function executeCommand(shell: GuestShell, plan: Plan, c: ProcedureCommand, signal?: AbortSignal): Promise<string> {
  if (c.file) {
    await shell.upload(c.file.path, c.file.content, c.file.mode);
    return '';
  }
  const stdin = c.stdin ? secretInput(c.stdin.secret, plan) : c.input;
  const timeoutMs = c.long ? plan.timeouts.installMs : plan.timeouts.commandMs;
  if (c.until) return (await untilSucceeds(shell, c.command, { timeoutMs, intervalMs: c.until.intervalMs, what: c.until.what, ...(signal && { signal }) })).stdout;
  return shell.expectSuccess(c.command, { ...(stdin !== undefined && { stdin }), timeoutMs, ...(signal && { signal }) });
}

/** Runs a driver's list in order, letting the driver judge the output it looks at. */
export async function executeCommands(
  shell: GuestShell,
  plan: Plan,
  commands: readonly ProcedureCommand[],
  inspect?: (c: ProcedureCommand, stdout: string, plan: Plan) => void,
  signal?: AbortSignal,
): Promise<void> {
  for (const c of commands) {
    const out = await executeCommand(shell, plan, c, signal);
    inspect?.(c, out, plan);
  }
}
