/**
 * The one shell quoter: every command the harness builds for a guest's `sh -c` or prints for a
 * person to paste quotes its words here, so there is one rule for what is safe.
 */

/**
 * Single-quotes a word for sh (a `'` inside becomes `'\''`).
 *
 * @example shQuote("it's") // `'it'\''s'`
 */
export function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Words that mean the same to sh bare or quoted. */
const SAFE_WORD = /^[\w@%+=:,./-]+$/;

/**
 * An argv as one shell-pasteable line, quoting only the words that need it (logs, `qemu-N.sh`).
 *
 * @example shellLine(['qemu', '-name', 'a b']) // `qemu -name 'a b'`
 */
export function shellLine(argv: readonly string[]): string {
  return argv.map((a) => (SAFE_WORD.test(a) ? a : shQuote(a))).join(' ');
}
