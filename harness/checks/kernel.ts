/**
 * Kernel and hardware checks (people validate kernels and DMI quirks before touching the real
 * laptop): the kernel reached userspace, found the NVMe and its partitions, logged nothing bad,
 * and the guest reads the profile's DMI strings.
 */
import { fail, look, pass, readFiles, skip, type Check } from './check.ts';
import type { Facts } from '../procedure/context.ts';

type KernelLog = NonNullable<Facts['kernelLogs']>[number];

/** Lines that mean the kernel is unwell, whatever the scenario says. */
export const DEFAULT_DENY = ['Kernel panic', '\\bOops\\b', '\\bBUG:', 'Call Trace:', 'general protection fault', 'WARNING: CPU:'];

/** Lines of `log` matching a deny pattern and no allow pattern. */
export function badKernelLines(log: string, deny: string[], allow: string[]): string[] {
  const d = deny.map((p) => new RegExp(p));
  const a = allow.map((p) => new RegExp(p));
  return log.split('\n').filter((l) => d.some((re) => re.test(l)) && !a.some((re) => re.test(l)));
}

export const kernelBoots: Check = {
  id: 'kernel.boots',
  holds: 'the kernel reached userspace (a shell answered after login)',
  async run(ctx) {
    const r = await look(ctx, 'uname -r && test -d /run/systemd/system');
    return r.ok ? pass(`running ${r.out.split('\n')[0]} under systemd`) : fail(`no systemd userspace: ${r.out}`);
  },
};

export const kernelNvme: Check = {
  id: 'kernel.nvme',
  holds: 'nvme0n1 and its partitions are present',
  async run(ctx) {
    const r = await look(ctx, 'ls -d /sys/block/nvme0n1/nvme0n1p* && cat /sys/block/nvme0n1/device/model /sys/block/nvme0n1/device/serial');
    const parts = r.out.split('\n').filter((l) => l.startsWith('/sys/block')).map((l) => l.replace(/.*\//, ''));
    const want = ['nvme0n1p1', 'nvme0n1p2', 'nvme0n1p3'];
    const missing = want.filter((p) => !parts.includes(p));
    const [model, serial] = r.out.split('\n').filter((l) => !l.startsWith('/sys/block')).map((l) => l.trim());
    return missing.length ? fail(`missing: ${missing.join(', ')} (found ${parts.join(', ') || 'nothing'})`) : pass(`${parts.join(', ')} on "${model}" serial ${serial}`);
  },
};

export const kernelLogClean: Check = {
  id: 'kernel.log-clean',
  holds: 'no panic, oops, BUG, call trace or denied line in the kernel log of each boot',
  async run(ctx) {
    const logs = ctx.facts.kernelLogs ?? [];
    const now = await look(ctx, 'dmesg');
    const current: KernelLog = { boot: ctx.facts.currentBoot ?? 0, text: now.out };
    await ctx.writeArtifact(`dmesg-${current.boot}.txt`, current.text);
    const bad: string[] = [];
    for (const log of [...logs, current]) {
      for (const line of badKernelLines(log.text, [...DEFAULT_DENY, ...ctx.plan.kernelLog.deny], ctx.plan.kernelLog.allow)) bad.push(`${log.label ?? `boot ${log.boot}`}: ${line.trim()}`);
    }
    return bad.length ? fail(`${bad.length} line(s): ${bad.slice(0, 5).join(' | ')}`) : pass(`${logs.length + 1} boot(s) clean`);
  },
};

/** Profile SMBIOS field -> /sys/class/dmi/id file. */
const DMI_FILES: [type: 'type0' | 'type1' | 'type2', field: string, file: string][] = [
  ['type0', 'vendor', 'bios_vendor'],
  ['type0', 'version', 'bios_version'],
  ['type0', 'date', 'bios_date'],
  ['type1', 'manufacturer', 'sys_vendor'],
  ['type1', 'product', 'product_name'],
  ['type1', 'family', 'product_family'],
  ['type1', 'sku', 'product_sku'],
  ['type2', 'manufacturer', 'board_vendor'],
  ['type2', 'product', 'board_name'],
];

export const hardwareDmi: Check = {
  id: 'hardware.dmi',
  holds: "the guest reads the profile's DMI strings",
  async run(ctx) {
    const want = DMI_FILES.flatMap(([t, f, file]) => {
      const v = ctx.plan.profile.smbios[t]?.[f];
      return v ? [{ file, v }] : [];
    });
    if (!want.length) return skip(`profile ${ctx.plan.profile.name} sets no DMI strings`);
    const seen = await readFiles(ctx, want.map((w) => `/sys/class/dmi/id/${w.file}`));
    const bad: string[] = [];
    for (const w of want) {
      const f = seen.get(`/sys/class/dmi/id/${w.file}`)!;
      const got = f.exists ? f.text.trim() : '(no such file)';
      if (got !== w.v) bad.push(`${w.file} is "${got}", expected "${w.v}"`);
    }
    return bad.length ? fail(bad.join('; ')) : pass(want.map((w) => `${w.file}=${w.v}`).join(', '));
  },
};

export const KERNEL_CHECKS: readonly Check[] = [kernelBoots, kernelNvme, kernelLogClean, hardwareDmi];
