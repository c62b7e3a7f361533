/**
 * Kernel and hardware checks (people validate kernels and DMI quirks before touching the real
 * laptop): the kernel reached userspace, found the NVMe and its partitions, logged nothing bad,
 * and the guest reads the profile's DMI strings.
 */
import { fail, lookAll, pass, readFiles, skip, type AnyCheck, type Check, type JudgePlan, type Looked, type SeenFile } from './check.ts';
import { partitionPath } from '../procedure/install.ts';
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

export const kernelBoots: Check<{ release: Looked; systemd: Looked }> = {
  id: 'kernel.boots',
  holds: 'the planned kernel reached userspace (systemd runs, `uname -r` is the kernel the image carries)',
  gather: (ctx) => lookAll(ctx, { release: 'uname -r', systemd: 'test -d /run/systemd/system' }),
  judge(g, { facts }) {
    const running = g.release.out.trim();
    if (g.systemd.status !== 0) return fail(`no systemd userspace (running ${running || '?'})`);
    if (!facts.expectedKernel) return fail(`running ${running}, but the image did not say which kernel it carries, so the planned one is not shown`);
    return running === facts.expectedKernel
      ? pass(`running ${running} under systemd, the planned kernel`)
      : fail(`running ${running}, but the plan's image carries ${facts.expectedKernel}`);
  },
  see: () => ['uname -r'],
};

/** What QEMU 7.2's nvme device reports as model: it has no property to set one. */
export const QEMU_NVME_MODEL = 'QEMU NVMe Ctrl';

export const kernelNvme: Check<{ parts: Looked; model: Looked; serial: Looked }> = {
  id: 'kernel.nvme',
  holds: "the NVMe and its partitions are present, with the plan's serial (and model, where QEMU can set it)",
  gather(ctx) {
    const dev = ctx.plan.disk.device.replace(/^\/dev\//, '');
    return lookAll(ctx, {
      parts: `ls -d /sys/block/${dev}/${dev}p*`,
      model: `cat /sys/block/${dev}/device/model`,
      serial: `cat /sys/block/${dev}/device/serial`,
    });
  },
  judge(g, { plan }) {
    const parts = g.parts.out.split('\n').filter((l) => l.startsWith('/sys/block')).map((l) => l.replace(/.*\//, ''));
    const want = [1, 2, 3].map((n) => partitionPath(plan.disk.device, n).replace(/^\/dev\//, ''));
    const missing = want.filter((p) => !parts.includes(p));
    const problems: string[] = [];
    if (missing.length) problems.push(`missing: ${missing.join(', ')} (found ${parts.join(', ') || 'nothing'})`);
    const serial = g.serial.out.trim();
    if (serial !== plan.disk.serial) problems.push(`serial is "${serial}", the plan says "${plan.disk.serial}"`);
    const model = g.model.out.trim();
    const wantModel = plan.profile.nvmeModel;
    let modelNote = `model "${model}"`;
    if (wantModel && model === wantModel) modelNote = `model "${model}" as profiled`;
    else if (wantModel && model === QEMU_NVME_MODEL) modelNote = `model not judged: QEMU's nvme device (7.2) cannot set one, so the guest reads "${model}" (the profile says "${wantModel}")`;
    else if (wantModel) problems.push(`model is "${model}", the profile says "${wantModel}"`);
    return problems.length ? fail(problems.join('; ')) : pass(`${parts.join(', ')}; serial ${serial}; ${modelNote}`);
  },
  see: (plan) => [`lsblk ${plan.disk.device}`, `cat /sys/block/${plan.disk.device.replace(/^\/dev\//, '')}/device/{model,serial}`],
};

export const kernelLogClean: Check<{ boot: number; dmesg: Looked }> = {
  id: 'kernel.log-clean',
  holds: 'no panic, oops, BUG, call trace or denied line in the kernel log of each boot',
  async gather(ctx) {
    const dmesg = (await lookAll(ctx, { dmesg: 'dmesg' })).dmesg;
    const boot = ctx.facts.currentBoot ?? 0;
    await ctx.writeArtifact(`dmesg-${boot}.txt`, dmesg.out);
    return { boot, dmesg };
  },
  judge(g, { plan, facts }) {
    if (g.dmesg.status !== 0) return fail(`dmesg failed (exit ${g.dmesg.status}): ${g.dmesg.out.trim()}`);
    const logs: KernelLog[] = [...(facts.kernelLogs ?? []), { boot: g.boot, text: g.dmesg.out }];
    const bad: string[] = [];
    for (const log of logs) {
      for (const line of badKernelLines(log.text, [...DEFAULT_DENY, ...plan.kernelLog.deny], plan.kernelLog.allow)) bad.push(`${log.label ?? `boot ${log.boot}`}: ${line.trim()}`);
    }
    return bad.length ? fail(`${bad.length} line(s): ${bad.slice(0, 5).join(' | ')}`) : pass(`${logs.length} boot(s) clean`);
  },
  see: () => ['dmesg --level=err,warn'],
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

const dmiWanted = (plan: Pick<JudgePlan, 'profile'>) =>
  DMI_FILES.flatMap(([t, f, file]) => {
    const v = plan.profile.smbios[t]?.[f];
    return v ? [{ path: `/sys/class/dmi/id/${file}`, file, v }] : [];
  });

export const hardwareDmi: Check<Record<string, SeenFile>> = {
  id: 'hardware.dmi',
  holds: "the guest reads the profile's DMI strings",
  gather: (ctx) => readFiles(ctx, dmiWanted(ctx.plan).map((w) => w.path)),
  judge(seen, { plan }) {
    const want = dmiWanted(plan);
    if (!want.length) return skip(`profile ${plan.profile.name} sets no DMI strings`);
    const bad: string[] = [];
    for (const w of want) {
      const f = seen[w.path];
      const got = f?.exists ? f.text.trim() : '(no such file)';
      if (got !== w.v) bad.push(`${w.file} is "${got}", expected "${w.v}"`);
    }
    return bad.length ? fail(bad.join('; ')) : pass(want.map((w) => `${w.file}=${w.v}`).join(', '));
  },
  see: () => ['grep . /sys/class/dmi/id/{bios_*,sys_vendor,product_*,board_*}'],
};

export const KERNEL_CHECKS: readonly AnyCheck[] = [kernelBoots, kernelNvme, kernelLogClean, hardwareDmi];
