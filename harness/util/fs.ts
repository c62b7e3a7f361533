/** Small file-system questions asked in many places, answered once. */
import { access, constants } from 'node:fs/promises';

/**
 * Whether `path` exists (following links) and, given `mode`, is readable/writable/executable.
 *
 * @example await exists('/dev/kvm', constants.R_OK | constants.W_OK)
 */
export async function exists(path: string, mode: number = constants.F_OK): Promise<boolean> {
  return access(path, mode).then(
    () => true,
    () => false,
  );
}

