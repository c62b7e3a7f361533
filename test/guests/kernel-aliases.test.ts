import { describe, expect, it } from 'vitest';
import { debianKernel } from '../../harness/guests/debian/driver.ts';
import { resolveKernel } from '../../harness/scenario/rules.ts';
import { KERNELS } from '../../harness/scenario/defaults.ts';

describe('kernel aliases live in one table', () => {
  it('the debian image builds the kernel the scenario resolves, for every name and alias', () => {
    const known = KERNELS.debian;
    for (const name of [...known.names, ...Object.keys(known.aliases)]) {
      expect(debianKernel(name), name).toBe(resolveKernel('debian', name));
    }
    expect(debianKernel()).toBe('bookworm');
  });

  it('refuses a kernel the stand-in does not have, instead of building bookworm', () => {
    expect(() => debianKernel('trixie')).toThrow(/Expected the debian kernel to be one of debian \(bookworm, backports, default, latest\), got `trixie`/);
  });
});
