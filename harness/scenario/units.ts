/** Sizes with units, as scenarios write them (`4GiB`, `512MiB`), to whole MiB and back. */
import { MIB_PER_GIB } from './defaults.ts';

const UNITS: Readonly<Record<string, number>> = { MiB: 1, GiB: MIB_PER_GIB, TiB: MIB_PER_GIB * MIB_PER_GIB };
const SIZE = /^(\d+(?:\.\d+)?)\s*(MiB|GiB|TiB)$/;

/**
 * A size in whole MiB, or undefined when the text is not a positive size with a known unit.
 * @example parseSizeMiB('1.5GiB') // 1536
 */
export function parseSizeMiB(text: string): number | undefined {
  const match = SIZE.exec(text.trim());
  if (!match) return undefined;
  const mib = Number(match[1]) * (UNITS[match[2] ?? ''] ?? Number.NaN);
  return Number.isInteger(mib) && mib > 0 ? mib : undefined;
}

/**
 * A size for people: GiB with up to one decimal from 1 GiB on, else MiB.
 * @example formatMiB(4915) // '4.8 GiB'
 */
export function formatMiB(mib: number): string {
  if (mib < MIB_PER_GIB) return `${mib} MiB`;
  const gib = Math.round((mib / MIB_PER_GIB) * 10) / 10;
  return `${gib} GiB`;
}
