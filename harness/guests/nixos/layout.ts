/**
 * Names and paths the NixOS files derive from the Plan, in one place: where /persist is mounted,
 * which subvolume is the root, where the user's password hash lives.
 */
import type { Plan } from '../../scenario/plan.ts';

/** The subvolume mounted on `/` (`root` in the blog). */
export function rootSubvolume(plan: Plan): string {
  return plan.btrfs.subvolumes.find((s) => s.mountPoint === '/')?.name ?? 'root';
}

/** Where the `persist` subvolume is mounted (`/persist` in the blog). */
export function persistMount(plan: Plan): string {
  return plan.btrfs.subvolumes.find((s) => s.name === 'persist')?.mountPoint ?? '/persist';
}

/**
 * The user's password hash file, read by NixOS at every activation (`hashedPasswordFile`).
 * It lives under /persist because / (and with it /etc/shadow) is rolled back at each boot.
 */
export function passwordFile(plan: Plan): string {
  return `${persistMount(plan)}/passwords/${plan.user.name}`;
}

/** `/dev/mapper/<mapping>`, the opened LUKS device btrfs lives on. */
export function mapperDevice(plan: Plan): string {
  return `/dev/mapper/${plan.luks.mapping}`;
}

/** Mount points the scenario marks neededForBoot (mounted in stage 1, before activation). */
export function neededForBootMounts(plan: Plan): string[] {
  return plan.btrfs.subvolumes.filter((s) => s.neededForBoot && s.mountPoint !== '/').map((s) => s.mountPoint);
}
