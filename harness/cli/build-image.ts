/**
 * `darlings build-image`: a file of its own so the call that CI makes on every job loads only
 * what building (or finding) an image needs, not the scenario loader.
 */
import { defaultCacheDir } from '../guests/image-cache.ts';
import { buildGuestImage } from '../runner/build-image.ts';
import { formatDuration } from '../util/duration.ts';

export async function buildImageCommand(guest: string, o: { nixpkgs?: string }): Promise<number> {
  const started = Date.now();
  const image = await buildGuestImage(guest, {
    cacheDir: defaultCacheDir(process.env),
    ...(o.nixpkgs !== undefined && { nixpkgs: o.nixpkgs }),
    onProgress: (line: string) => console.log(`  ${line}`),
  });
  console.log(`${guest} image: ${image.iso}`);
  for (const [k, v] of Object.entries(image.facts)) console.log(`  ${k}: ${v}`);
  console.log(`  key: ${image.key} (${formatDuration(Date.now() - started)})`);
  return 0;
}
