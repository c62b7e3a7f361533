import { describe, expect, it } from 'vitest';
import { isTmpfilesRule, parseLinkRule, parseTmpfilesRule } from '../../harness/scenario/tmpfiles.ts';
import { persistFor } from '../../harness/scenario/load.ts';
import { persistPairs } from '../../harness/procedure/persist-pairs.ts';

describe('one tmpfiles.d reader', () => {
  it('reads an L rule with any of the modifiers tmpfiles.d allows', () => {
    for (const type of ['L', 'L+', 'L!', 'L+!', 'L?', 'L-']) {
      const rule = `${type} /var/lib/docker - - - - /persist/var/lib/docker`;
      expect(parseLinkRule(rule), type).toEqual(type === 'L?' ? null : { path: '/var/lib/docker', target: '/persist/var/lib/docker' });
    }
  });

  it('takes the whole rest of the line as the target, and ignores extra blanks', () => {
    expect(parseLinkRule('  L\t/a  -  - - -   /persist/a b  ')).toEqual({ path: '/a', target: '/persist/a b' });
  });

  it('gives no link for other types, a missing or `-` target, a relative target or path, a comment', () => {
    for (const rule of [
      'd /var/lib/x 0755 root root -',
      'L /etc/foo',
      'L /etc/foo - - - -',
      'L /etc/foo - - - - -',
      'L /etc/foo - - - - relative/target',
      'L etc/foo - - - - /persist/etc/foo',
      '# L /etc/foo - - - - /persist/etc/foo',
      '',
    ]) {
      expect(parseLinkRule(rule), rule).toBeNull();
    }
  });

  it('the schema accepts what the parser reads, and an L rule only with its target', () => {
    expect(isTmpfilesRule('d /persist/tmp 0755 root root -')).toBe(true);
    expect(isTmpfilesRule('L /var/lib/docker - - - - /persist/var/lib/docker')).toBe(true);
    expect(isTmpfilesRule('L /etc/foo')).toBe(false);
    expect(isTmpfilesRule('L /etc/foo - - - - -')).toBe(false);
    expect(isTmpfilesRule('d relative 0755 root root -')).toBe(false);
    expect(isTmpfilesRule('1x /a')).toBe(false);
    expect(parseTmpfilesRule('d /a 0755 root root -')).toEqual({ type: 'd', path: '/a' });
  });

  it('the plan copies exactly the links the procedure pairs up', () => {
    const tmpfiles = ['L+ /var/lib/a - - - - /persist/var/lib/a', 'L /var/lib/b', 'd /var/lib/c 0755 root root -'];
    const persist = persistFor({ persist: { etc: {}, tmpfiles } });
    expect(persist.copy).toEqual(['/var/lib/a']);
    expect(persistPairs(persist).map((p) => p.live)).toEqual(persist.copy);
  });
});
