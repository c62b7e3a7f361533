/**
 * A step as a person types it: the disk as $DISK (partitions as ${PART}N), secrets as
 * placeholders (markdown) or variables (script) fed on stdin, files and stdin text as heredocs.
 * Pure text functions; the report uses them too.
 */
import type { RunbookStep } from './model.ts';
import { shQuote as q } from '../util/shell.ts';

export type Form = 'md' | 'sh';

/** The end marker of heredocs; a file containing this line could not be shown as one. */
export const EOF_MARK = 'DARLINGS_EOF';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `/dev/nvme0n1p3` -> `${PART}3`, `/dev/nvme0n1` -> `${DISK}` (NVMe and MMC partitions take a `p`). */
export function withDiskVars(text: string, disk: string): string {
  const prefix = /\d$/.test(disk) ? `${disk}p` : disk;
  return text.replace(new RegExp(`${escapeRe(prefix)}(\\d+)`, 'g'), '$${PART}$1').split(disk).join('${DISK}');
}

/** The lines that set the disk variables, for the top of the runbook. */
export function diskLines(disk: string): string[] {
  return [`DISK=${disk}`, `PART=\${DISK}${/\d$/.test(disk) ? 'p' : ''}   # partitions: \${PART}1, \${PART}2, \${PART}3 (for /dev/sda: PART=$DISK)`];
}

/** A compound command (or one that exits, or changes umask) runs in a subshell, as each harness command does. */
function needsSubshell(command: string): boolean {
  return /[;&|]|\bexit\b|\bumask\b|\bcd\b/.test(command);
}

function heredoc(text: string): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  return `${body}\n${EOF_MARK}`;
}

/**
 * What to type for a step, or undefined for a step that is not a command (the console).
 *
 * @example
 * personCommand({ command: 'cryptsetup open --key-file - /dev/nvme0n1p3 enc', stdin: { secret: 'passphrase' }, … }, '/dev/nvme0n1', 'sh')
 * // `printf '%s' "$PASSPHRASE" | cryptsetup open --key-file - ${PART}3 enc`
 */
export function personCommand(step: RunbookStep, disk: string, form: Form): string | undefined {
  if (step.command === undefined) return undefined;
  if (step.file) {
    const { path, content, mode } = step.file;
    const dir = path.replace(/\/[^/]*$/, '') || '/';
    // The harness feeds the file to `cat` on stdin; here the heredoc is that stdin.
    const head = `mkdir -p ${q(dir)} && umask 077 && cat > ${q(path)} <<'${EOF_MARK}' && chmod ${mode.toString(8)} ${q(path)}`;
    return `( ${head}\n${heredoc(content)}\n)`;
  }
  let cmd = withDiskVars(step.command, disk);
  if (step.until) return `until ${cmd}; do sleep ${step.until.intervalMs / 1000}; done`;
  if (needsSubshell(cmd) && (form === 'sh' || step.stdin || /\bexit\b|\bumask\b|\bcd\b/.test(cmd))) cmd = `( ${cmd} )`;
  const stdin = step.stdin;
  if (!stdin) return cmd;
  if ('text' in stdin) return `${cmd} <<'${EOF_MARK}'\n${heredoc(stdin.text)}`;
  const value = form === 'md' ? `'<${stdin.secret}>'` : `"$${stdin.secret.toUpperCase()}"`;
  // printf is a shell builtin: the secret goes down the pipe, never into a process's arguments.
  return `printf '${stdin.secret === 'passphrase' ? '%s' : '%s\\n'}' ${value} | ${cmd}`;
}
