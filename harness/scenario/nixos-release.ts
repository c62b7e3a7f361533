/**
 * Which NixOS release a nixpkgs tree is, and what that means for stage 1: from 26.05 systemd
 * stage 1 is the default (nixpkgs PR #435781) and `boot.initrd.systemd.enable = false` is
 * deprecated; from 26.11 the scripted stage 1 is gone. Pure but for reading the version file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface NixosRelease {
  major: number;
  minor: number;
  /** `YY.MM`, as `system.stateVersion` wants it. */
  text: string;
}

/** The first release whose stage 1 is systemd by default. */
export const SYSTEMD_DEFAULT_RELEASE = { major: 26, minor: 5 } as const;
/** The first release without the scripted stage 1. */
export const SCRIPTED_REMOVED_RELEASE = { major: 26, minor: 11 } as const;

/**
 * A nixpkgs version string (`24.05`, `24.05pre-git`, `26.11.20261120.abcdef`) as a release.
 *
 * @example
 * parseNixosRelease('25.11pre-git')?.text // '25.11'
 */
export function parseNixosRelease(version: string): NixosRelease | undefined {
  const match = /^\s*(\d{2})\.(\d{2})(?:\D|$)/.exec(version);
  if (!match) return undefined;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (minor < 1 || minor > 12) return undefined;
  return { major, minor, text: `${match[1]}.${match[2]}` };
}

function atLeast(r: NixosRelease, than: { major: number; minor: number }): boolean {
  return r.major > than.major || (r.major === than.major && r.minor >= than.minor);
}

/** What a release offers in stage 1. */
export interface Stage1Support {
  /** The form a scenario without `initrd:` gets. */
  defaultInitrd: 'scripted' | 'systemd';
  /**
   * The scripted stage 1: there and the default (`default`), there but deprecated behind
   * `boot.initrd.systemd.enable = false` (`deprecated`), or gone (`removed`). `unknown` when the
   * release is not known: the scripted form is written for a release that still has it.
   */
  scripted: 'default' | 'deprecated' | 'removed' | 'unknown';
}

/**
 * Stage 1 of `release` (undefined: not known, e.g. `<nixpkgs>` from NIX_PATH at load time; then
 * systemd stage 1, what current NixOS runs).
 *
 * @example
 * stage1Support(parseNixosRelease('26.05')) // { defaultInitrd: 'systemd', scripted: 'deprecated' }
 */
export function stage1Support(release: NixosRelease | undefined): Stage1Support {
  if (release === undefined) return { defaultInitrd: 'systemd', scripted: 'unknown' };
  if (atLeast(release, SCRIPTED_REMOVED_RELEASE)) return { defaultInitrd: 'systemd', scripted: 'removed' };
  if (atLeast(release, SYSTEMD_DEFAULT_RELEASE)) return { defaultInitrd: 'systemd', scripted: 'deprecated' };
  return { defaultInitrd: 'scripted', scripted: 'default' };
}

/**
 * The release of the nixpkgs tree at `dir` (`lib/.version`, else `.version`), or undefined when
 * neither file is there (a tree that is not nixpkgs, or a `<nixpkgs>` search-path entry).
 *
 * @example
 * await readNixpkgsRelease('/work/nixpkgs-24.05') // { major: 24, minor: 5, text: '24.05' }
 */
export async function readNixpkgsRelease(dir: string): Promise<NixosRelease | undefined> {
  for (const file of [join(dir, 'lib', '.version'), join(dir, '.version')]) {
    try {
      const release = parseNixosRelease(await readFile(file, 'utf8'));
      if (release) return release;
    } catch (error) {
      // Only a missing file means "try the next one"; anything else is a real problem.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return undefined;
}
