/**
 * Reads a run's ssh.log back into the commands the harness sent, in order, with their exit status
 * and output. The channel writes `$ <command>`, the output, then `# exit <n> (<ms> ms)`; lines may
 * carry a leading `HH:MM:SS.mmm ` time. A command cut off (timeout, reboot) has no exit line.
 *
 * @example
 * parseSshLog('$ sync\n# exit 0 (12 ms)\n') // [{ command: 'sync', exitCode: 0, durationMs: 12, output: '' }]
 */

export interface SentCommand {
  command: string;
  exitCode?: number;
  durationMs?: number;
  output: string;
  /** 1-based line of the `$` line in ssh.log. */
  line: number;
}

const TIME = /^\d\d:\d\d:\d\d(?:\.\d+)? /;
const EXIT = /^(?:# )?exit (\d+) \((\d+) ms\)$/;

/**
 * The command as the plan has it: the persist commands run as `bash -c '<command>'` (the blog's
 * brace expansion needs bash), and a person types the inner command.
 */
export function unwrapBash(command: string): string {
  const m = /^bash -c '((?:[^']|'\\'')*)'$/.exec(command);
  return m ? m[1]!.replace(/'\\''/g, "'") : command;
}

export function parseSshLog(text: string): SentCommand[] {
  const out: SentCommand[] = [];
  let current: SentCommand | undefined;
  let output: string[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(TIME, '');
    // Output that itself starts with `$ ` would read as a command; the harness's commands print none.
    if (line.startsWith('$ ')) {
      if (current && current.exitCode === undefined) current.output = output.join('\n');
      current = { command: unwrapBash(line.slice(2)), output: '', line: i + 1 };
      output = [];
      out.push(current);
      return;
    }
    if (!current || current.exitCode !== undefined) return;
    const exit = EXIT.exec(line);
    if (exit) {
      current.exitCode = Number(exit[1]);
      current.durationMs = Number(exit[2]);
      current.output = output.join('\n');
      return;
    }
    output.push(line);
  });
  if (current && current.exitCode === undefined) current.output = output.join('\n');
  return out;
}
