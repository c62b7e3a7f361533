/**
 * The tiny test guest (images/tiny): a kernel, busybox, dropbear and the NVMe driver, for the
 * harness's own tests. Not a GuestDriver: it installs nothing.
 */
import { join } from 'node:path';
import { cachedBuild, hashInputs, hostPackageVersions, runBuildScript } from './image-cache.ts';
import { IMAGE_HOST_PACKAGES, IMAGES_DIR, REPO_ROOT } from './images.ts';
import type { BuildImageOptions, GuestImage } from './guest.ts';

export async function buildTinyImage(options: BuildImageOptions): Promise<GuestImage> {
  const key = await hashInputs([join(IMAGES_DIR, 'tiny'), join(IMAGES_DIR, 'common')], REPO_ROOT, await hostPackageVersions(IMAGE_HOST_PACKAGES));
  const built = await cachedBuild({
    cacheDir: options.cacheDir,
    name: 'tiny',
    key,
    outputs: ['tiny.iso'],
    signal: options.signal,
    build: (out) => runBuildScript(join(IMAGES_DIR, 'tiny', 'build.sh'), out, options.onProgress, options.signal, {
      DARLINGS_WORK: join(options.cacheDir, 'tiny-work'),
    }),
  });
  return { iso: join(built.dir, 'tiny.iso'), key, facts: { cached: built.cached ? 'yes' : 'no', buildMs: built.durationMs } };
}
