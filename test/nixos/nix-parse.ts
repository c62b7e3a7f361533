/** `nix-instantiate --parse` for tests: null when the text parses, nix's error otherwise. */
import { execFileSync, spawnSync } from 'node:child_process';

export const hasNixInstantiate = (() => {
  try {
    execFileSync('nix-instantiate', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export function nixParseError(text: string): string | null {
  const result = spawnSync('nix-instantiate', ['--parse', '-'], { input: text, encoding: 'utf8' });
  return result.status === 0 ? null : result.stderr;
}

export function nixParseFileError(file: string): string | null {
  const result = spawnSync('nix-instantiate', ['--parse', file], { encoding: 'utf8' });
  return result.status === 0 ? null : result.stderr;
}
