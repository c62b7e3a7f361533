/** Where the image build scripts live, and what (besides them) keys each image's cache entry. */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const IMAGES_DIR = join(REPO_ROOT, 'images');

/** Host packages whose binaries are copied into the Debian-built images. */
export const IMAGE_HOST_PACKAGES = [
  'busybox-static',
  'cryptsetup-bin',
  'btrfs-progs',
  'dropbear-bin',
  'systemd-boot-efi',
  'kmod',
  'fdisk',
  'gdisk',
  'dosfstools',
  'util-linux',
  'xorriso',
  'mtools',
];
