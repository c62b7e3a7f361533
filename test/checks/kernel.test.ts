import { describe, expect, it } from 'vitest';
import { badKernelLines, DEFAULT_DENY } from '../../harness/checks/kernel.ts';

const LOG = `[    0.000000] Linux version 6.1.0-41-amd64
[    1.234567] nvme nvme0: 2/0/0 default/read/poll queues
[    2.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008
[    2.100000] Call Trace:
[    3.000000] ACPI BIOS Error (bug): Could not resolve symbol [\\_SB.PCI0.XHC.RHUB.HS11]`;

describe('kernel.log-clean', () => {
  it('finds BUG and call traces by default', () => {
    expect(badKernelLines(LOG, DEFAULT_DENY, [])).toEqual([
      '[    2.000000] BUG: kernel NULL pointer dereference, address: 0000000000000008',
      '[    2.100000] Call Trace:',
    ]);
  });

  it('quotes a line matching a scenario deny pattern', () => {
    expect(badKernelLines(LOG, ['ACPI BIOS Error'], [])).toEqual([expect.stringContaining('Could not resolve symbol')]);
  });

  it('lets the allow list pass known-harmless lines', () => {
    expect(badKernelLines(LOG, [...DEFAULT_DENY, 'ACPI BIOS Error'], ['NULL pointer', 'Call Trace', 'HS11'])).toEqual([]);
  });
});
