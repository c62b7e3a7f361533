/**
 * Writing Nix source text safely: string literals, indented strings, attribute names and lists.
 * Every generator goes through these, so a hostname or a user's script can never break the syntax.
 */

/** A `"…"` Nix string literal. */
export function nixString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, '\\${').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/**
 * A `''…''` indented string holding `text` verbatim (shell scripts), indented by `indent`.
 * Escapes `''` as `'''` and `${` as `''${`, so the shell sees exactly `text`.
 */
export function nixIndentedString(text: string, indent: string): string {
  const escaped = text.replace(/''/g, "'''").replace(/\$\{/g, "''${");
  const body = escaped
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : indent + '  ' + line))
    .join('\n');
  return `''\n${body}\n${indent}''`;
}

/** An attribute name: bare when it is an identifier, quoted otherwise (`"NetworkManager/…"`). */
export function nixAttrName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_'-]*$/.test(name) && !NIX_KEYWORDS.has(name) ? name : nixString(name);
}

/** A list of strings on one line: `[ "a" "b" ]`. */
export function nixStringList(values: readonly string[]): string {
  return values.length === 0 ? '[ ]' : `[ ${values.map(nixString).join(' ')} ]`;
}

/** Indents every non-empty line of `text` by `indent`. */
export function indentLines(text: string, indent: string): string {
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : indent + line))
    .join('\n');
}

const NIX_KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);

/**
 * A NixOS module file: comment lines, the argument set, and the body inside `{ … }`.
 *
 * @example
 * nixModule(['# made by darlings'], '{ ... }', 'boot.loader.systemd-boot.enable = true;')
 */
export function nixModule(comments: readonly string[], args: string, body: string): string {
  return [...comments, `${args}:`, '', '{', ...(body.trim() === '' ? [] : [indentLines(body, '  ')]), '}', ''].join('\n');
}
