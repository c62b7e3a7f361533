/**
 * Puts `shell`, `boot` and `cache list|prune|keys` on the CLI's program. The handlers are imported
 * when a command runs, so every other command starts as fast as before.
 */
import { Option, type Command } from 'commander';
import type { SessionOpts } from './commands.ts';

async function cacheDir(): Promise<string> {
  return (await import('../guests/image-cache.ts')).defaultCacheDir();
}

export function registerShellCommands(program: Command, positive: (v: string) => number): void {
  const consoleOpt = () => new Option('--console <kind>', 'the session: ssh (root, pinned host key) or serial').choices(['ssh', 'serial']).default('ssh');
  const accelOpt = () => new Option('--accel <accel>', 'accelerator').choices(['auto', 'kvm', 'tcg']).default('auto');
  program
    .command('shell')
    .description('boot a disk kept with --keep-vm on a fresh overlay, unlock it, and open a shell in it')
    .argument('<output-dir>', 'output folder of a run made with --keep-vm')
    .addOption(consoleOpt())
    .addOption(accelOpt())
    .action(async (dir: string, opts: SessionOpts) => {
      process.exitCode = await (await import('./commands.ts')).shellCommand(dir, opts);
    });
  program
    .command('boot')
    .description('boot a cached checkpoint on a fresh overlay, unlock it, and open a shell in it')
    .argument('<scenario@checkpoint>', 'e.g. blog-xps13@first-boot or scenarios/blog-xps13.yaml@installed')
    .addOption(new Option('--guest <guest>', 'guest').choices(['debian', 'nixos']))
    .option('--kernel <name>', 'kernel of the scenario\'s matrix')
    .option('--nixpkgs <path>', 'nixpkgs for the nixos guest')
    .addOption(consoleOpt())
    .addOption(accelOpt())
    .action(async (target: string, opts: SessionOpts & { guest?: string; kernel?: string; nixpkgs?: string }) => {
      process.exitCode = await (await import('./commands.ts')).bootCommand(target, opts);
    });
  const cache = program.command('cache').description('images and checkpoints in the cache');
  cache
    .command('list')
    .description('entries with their keys, sizes, ages, what made them, what uses them')
    .option('--json', 'machine-readable', false)
    .action(async (opts: { json: boolean }) => {
      const { cacheListCommand } = await import('../cache/commands.ts');
      process.exitCode = await cacheListCommand(await cacheDir(), { json: opts.json, write: (l) => console.log(l) });
    });
  cache
    .command('prune')
    .description('remove old entries; never one in use')
    .option('--older-than <age>', 'entries older than this (e.g. 7d, 12h)')
    .option('--keep <n>', 'keep the n newest of each image guest and checkpoint scenario@stage', (v) => (v === '0' ? 0 : positive(v)))
    .option('--dry-run', 'print the plan, remove nothing', false)
    .action(async (opts: { olderThan?: string; keep?: number; dryRun: boolean }) => {
      const { cachePruneCommand } = await import('../cache/commands.ts');
      process.exitCode = await cachePruneCommand(await cacheDir(), { ...opts, write: (l) => console.log(l) });
    });
  cache
    .command('keys')
    .description('the cache folders a run of these scenarios uses (builds or reuses the image), one a line: a CI cache key and path list')
    .argument('[scenario...]', 'scenario YAML files')
    .addOption(new Option('--guest <guest>', 'only this guest').choices(['debian', 'nixos']))
    .option('--nixpkgs <path>', 'nixpkgs for the nixos guest')
    .option('--json', 'machine-readable', false)
    .action(async (files: string[], opts: { guest?: string; nixpkgs?: string; json: boolean }) => {
      process.exitCode = await (await import('./commands.ts')).cacheKeysCommand(files, opts);
    });
}
