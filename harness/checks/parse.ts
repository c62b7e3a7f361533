/** Pure parsers for what the checks read from the guest; unit-tested with real outputs. */

export interface MountEntry {
  mountPoint: string;
  source: string;
  fsType: string;
  /** Per-mount and superblock options together. */
  options: string[];
  /** The per-mount (VFS) options only: noatime, ro, nosuid… (btrfs's own are per filesystem). */
  mountOptions: string[];
  /** btrfs: the subvolume path from `subvol=`. */
  subvol?: string;
}

/** /proc/self/mountinfo -> entries (fields per proc(5); octal escapes decoded). */
export function parseMountinfo(text: string): MountEntry[] {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const l = left.split(' ');
    const r = right.split(' ');
    const mountOptions = (l[5] ?? '').split(',').filter(Boolean);
    const options = [...mountOptions, ...(r[2] ?? '').split(',')].filter(Boolean);
    const subvol = options.find((o) => o.startsWith('subvol='))?.slice('subvol='.length);
    out.push({ mountPoint: unescape(l[4] ?? ''), source: unescape(r[1] ?? ''), fsType: r[0] ?? '', options, mountOptions, subvol });
  }
  return out;
}

/** `btrfs subvolume list <path>` -> subvolume paths (relative to the top). */
export function parseSubvolumeList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /\bpath (.+)$/.exec(l.trim())?.[1])
    .filter((p): p is string => Boolean(p));
}

/** `journalctl --list-boots` -> boot ids (32 hex, no dashes), oldest first. */
export function parseListBoots(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /^\s*-?\d+\s+([0-9a-f]{32})\b/.exec(l)?.[1])
    .filter((b): b is string => Boolean(b));
}

/** /proc/swaps -> device paths in use. */
export function parseSwaps(text: string): string[] {
  return text
    .split('\n')
    .slice(1)
    .map((l) => l.split(/\s+/)[0])
    .filter((d): d is string => Boolean(d));
}

/** Lines of fs-diff output not matched by any allow pattern. */
export function unexpectedDrift(lines: string[], allow: string[]): string[] {
  const res = allow.map((a) => new RegExp(a));
  return lines.filter((l) => l.trim() && !res.some((re) => re.test(l)));
}

export interface FstabEntry {
  spec: string;
  mountPoint: string;
  fsType: string;
  options: string[];
}

/** /etc/fstab -> entries (comments and blank lines skipped; `\040` escapes decoded). */
export function parseFstab(text: string): FstabEntry[] {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(/\s+/))
    .filter((f) => f.length >= 3)
    .map((f) => ({ spec: unescape(f[0]!), mountPoint: unescape(f[1]!), fsType: f[2]!, options: (f[3] ?? 'defaults').split(',') }));
}

/** One row of `compsize -b`: how a file's bytes are stored (TOTAL, none, zstd, lzo, zlib). */
export interface CompsizeRow {
  type: string;
  diskBytes: number;
  uncompressedBytes: number;
}

/** `compsize -b FILE` -> its rows. */
export function parseCompsize(text: string): CompsizeRow[] {
  return text
    .split('\n')
    .map((l) => /^(\S+)\s+\d+%\s+(\d+)\s+(\d+)\s+\d+\s*$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => Boolean(m))
    .map((m) => ({ type: m[1]!, diskBytes: Number(m[2]), uncompressedBytes: Number(m[3]) }));
}
