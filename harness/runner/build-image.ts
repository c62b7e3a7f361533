/** Building (or reusing from the cache) a guest's installer image, for programs and the CLI. */
import { driverFor } from '../guests/drivers.ts';
import { defaultCacheDir } from '../guests/image-cache.ts';
import type { GuestImage } from '../guests/guest.ts';
import { buildTinyImage } from '../guests/tiny.ts';
import { requireHost } from '../host/requirements.ts';
import { ScenarioError } from '../errors.ts';

export const IMAGE_GUESTS = ['debian', 'nixos', 'tiny'] as const;
export type ImageGuest = (typeof IMAGE_GUESTS)[number];

export interface BuildGuestImageOptions {
  /** Default `$XDG_CACHE_HOME/darlings` (or `~/.cache/darlings`). */
  cacheDir?: string;
  /** nixos: the nixpkgs tree (default `<nixpkgs>` from NIX_PATH). */
  nixpkgs?: string;
  /** Build output, a line at a time (nothing is printed otherwise). */
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * The guest's installer ISO from the cache, built first when its inputs changed. Throws a
 * HostError (what to install) when a build tool is missing.
 *
 * @example
 * ```ts
 * const image = await buildGuestImage('debian', { onProgress: (l) => console.log(l) });
 * console.log(image.iso, image.facts.cached); // …/debian/<key>/installer.iso yes
 * ```
 */
export async function buildGuestImage(guest: string, options: BuildGuestImageOptions = {}): Promise<GuestImage> {
  if (!(IMAGE_GUESTS as readonly string[]).includes(guest)) {
    throw new ScenarioError(`Expected the guest to be one of ${IMAGE_GUESTS.join(', ')}, got \`${guest}\``);
  }
  await requireHost(guest === 'nixos' ? ['nixos'] : ['build-debian']);
  const build = {
    cacheDir: options.cacheDir ?? defaultCacheDir(),
    nixpkgs: options.nixpkgs,
    ...(options.onProgress && { onProgress: options.onProgress }),
    ...(options.signal && { signal: options.signal }),
  };
  return guest === 'tiny' ? buildTinyImage(build) : (await driverFor(guest as 'debian' | 'nixos')).buildImage(build);
}
