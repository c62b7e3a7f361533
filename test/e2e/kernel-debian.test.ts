/**
 * Kernel and hardware checks (issue 8) on the debian guest, from the blog's checkpoints:
 * a two-kernel matrix gives two results, and a deny pattern matching a real line fails
 * kernel.log-clean quoting it.
 */
import { describe, expect, it } from 'vitest';
import { darlings, outputDir, readResults } from './support/run-cli.ts';

describe('kernels and hardware on the debian guest', () => {
  it('runs a two-kernel matrix as two results, each with the XPS 13 DMI strings, and catches a denied kernel line', async () => {
    const out = await outputDir('kernels');
    const r = await darlings(['run', 'scenarios/kernel-matrix.yaml', 'scenarios/kernel-log-deny.yaml', '--guest', 'debian', '--workers', '2', '--output', out]);
    const log = r.all?.slice(-4000);
    const bookworm = await readResults(`${out}/kernel-matrix-debian-bookworm`);
    const backports = await readResults(`${out}/kernel-matrix-debian-backports`);
    for (const [res, kernel] of [[bookworm, 'bookworm'], [backports, 'backports']] as const) {
      expect(res.kernel).toBe(kernel);
      const byId = Object.fromEntries(res.checks.map((c) => [c.id, c]));
      for (const id of ['kernel.boots', 'kernel.nvme', 'kernel.log-clean', 'hardware.dmi']) expect(byId[id]?.status, `${kernel} ${id}: ${byId[id]?.message}\n${log}`).toBe('passed');
      expect(byId['hardware.dmi']!.message).toContain('product_name=XPS 13 7390 2-in-1');
    }
    // Two different kernels really ran.
    const running = (res: typeof bookworm) => res.checks.find((c) => c.id === 'kernel.boots')!.message;
    expect(running(bookworm)).not.toBe(running(backports));
    const deny = await readResults(`${out}/kernel-log-deny-debian-bookworm`);
    const clean = deny.checks.find((c) => c.id === 'kernel.log-clean')!;
    expect(clean.status).toBe('failed');
    expect(clean.expectedFailure).toBe(true);
    expect(clean.message).toMatch(/nvme nvme0: \d+\/\d+\/\d+ default\/read\/poll queues/);
    expect(r.exitCode, log).toBe(0);
  });
});
