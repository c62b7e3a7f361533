/**
 * The one reader of systemd-tmpfiles.d lines (`TYPE PATH MODE USER GROUP AGE ARGUMENT`), so the
 * schema's validation, the plan's copy list and the procedure's persist pairs agree on what an `L`
 * rule is. Pure.
 */

export interface TmpfilesRule {
  /** The type letter with its modifiers, e.g. `L+`. */
  type: string;
  path: string;
  /** The rest of the line after the age field, or undefined when absent or `-`. */
  argument?: string;
}

/** A type letter and the modifiers tmpfiles.d(5) allows after it (`+ ! - = ~ ^`). */
const TYPE = /^[a-zA-Z][+!=~^-]*$/;

/**
 * Reads one line; null for what is not a rule (blank, comment, relative path, bad type).
 *
 * @example parseTmpfilesRule('L+ /etc/x - - - - /persist/etc/x') // { type: 'L+', path: '/etc/x', argument: '/persist/etc/x' }
 */
export function parseTmpfilesRule(line: string): TmpfilesRule | null {
  const fields = line.trim().split(/\s+/);
  const [type, path] = fields;
  if (!type || !path || type.startsWith('#') || !TYPE.test(type) || !path.startsWith('/')) return null;
  const argument = fields.slice(6).join(' ');
  return { type, path, ...(argument && argument !== '-' && { argument }) };
}

/**
 * An `L` rule's link and target: what lives at `path` is kept at `target`. Null for any other
 * rule, and for an `L` rule without an absolute target (tmpfiles would link to /usr/share/factory:
 * nothing under /persist).
 *
 * @example parseLinkRule('L /var/lib/docker - - - - /persist/var/lib/docker') // { path: '/var/lib/docker', target: '/persist/var/lib/docker' }
 */
export function parseLinkRule(line: string): { path: string; target: string } | null {
  const rule = parseTmpfilesRule(line);
  if (!rule || rule.type[0] !== 'L' || !rule.argument?.startsWith('/')) return null;
  return { path: rule.path, target: rule.argument };
}

/** What the schema accepts: any well-formed rule, and an `L` rule only with its target. */
export function isTmpfilesRule(line: string): boolean {
  const rule = parseTmpfilesRule(line);
  if (!rule) return false;
  return rule.type[0] !== 'L' || parseLinkRule(line) !== null;
}
