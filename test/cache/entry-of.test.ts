/** Which cache entry a run's image is (it holds it), and how `darlings boot` reads its target. */
import { describe, expect, it } from 'vitest';
import { entryOf } from '../../harness/cache/use.ts';
import { parseBootTarget } from '../../harness/shell/commands.ts';
import { REPO_ROOT } from '../../harness/guests/images.ts';
import { parseCheckpointKey } from '../../harness/cache/entries.ts';

describe('cache entries by path and name', () => {
  it('an ISO in the cache is its entry; one in the Nix store or deeper is none', () => {
    expect(entryOf('/c/darlings', '/c/darlings/debian/a9839e5cee05ee57/installer.iso')).toEqual({ folder: 'debian', key: 'a9839e5cee05ee57' });
    expect(entryOf('/c/darlings', '/nix/store/abc-nixos.iso/iso/nixos.iso')).toBeUndefined();
    expect(entryOf('/c/darlings', '/c/darlings/debian/k/sub/installer.iso')).toBeUndefined();
  });

  it('a checkpoint key names its scenario and stage', () => {
    expect(parseCheckpointKey('blog-xps13-first-boot-36217f57cf336868')).toEqual({ scenario: 'blog-xps13', stage: 'first-boot' });
    expect(parseCheckpointKey('systemd-initrd-installed-0123456789abcdef')).toEqual({ scenario: 'systemd-initrd', stage: 'installed' });
    expect(parseCheckpointKey('not-a-checkpoint')).toBeUndefined();
  });

  it('boot <scenario>@<checkpoint>: a shipped name or a file, and only the two stages', () => {
    expect(parseBootTarget('blog-xps13@first-boot')).toEqual({ file: `${REPO_ROOT}scenarios/blog-xps13.yaml`, stage: 'first-boot' });
    expect(parseBootTarget('my/own.yaml@installed', '/home/u')).toEqual({ file: '/home/u/my/own.yaml', stage: 'installed' });
    expect(() => parseBootTarget('blog-xps13@second-boot')).toThrow(/Expected <scenario>@installed or <scenario>@first-boot, got `blog-xps13@second-boot`/);
  });
});
