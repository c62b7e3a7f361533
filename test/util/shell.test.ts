import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { shellLine, shQuote } from '../../harness/util/shell.ts';

/** What sh makes of a line: each word on its own line, as printf sees them. */
function words(line: string): string[] {
  return execFileSync('sh', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' }).split('\n').slice(0, -1);
}

describe('the one shell quoter', () => {
  it('quotes a word so sh reads it back unchanged, whatever it holds', () => {
    for (const w of ["it's", 'a b', '$(reboot)', '`id`', '"x"', '\\n', '*', '', "''", 'ünï', 'a\nb']) {
      expect(words(shQuote(w))).toEqual(w.includes('\n') ? w.split('\n') : [w]);
    }
  });

  it('prints a command people can paste, leaving plain words bare', () => {
    expect(shellLine(['qemu', '-name', 'a b', "it's"])).toBe(`qemu -name 'a b' 'it'\\''s'`);
    expect(shellLine(['-drive', 'file=/a,,b/c.qcow2'])).toBe('-drive file=/a,,b/c.qcow2');
    expect(words(shellLine(['x', '$HOME', ';', 'a&b']))).toEqual(['x', '$HOME', ';', 'a&b']);
  });
});
