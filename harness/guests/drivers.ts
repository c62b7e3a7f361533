/** The guest drivers by name; nixos is loaded only when asked for. */
import type { GuestName } from '../scenario/plan.ts';
import type { GuestDriver } from './guest.ts';

export async function driverFor(guest: GuestName): Promise<GuestDriver> {
  if (guest === 'debian') return (await import('./debian/driver.ts')).debianDriver;
  return (await import('./nixos/index.ts')).nixosDriver;
}
