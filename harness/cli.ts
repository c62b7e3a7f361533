/**
 * `darlings`: wiring only. Parses the command line (commander), turns errors into the DESIGN.md
 * exit codes (2 bad usage or scenario, 3 host lacks something), and hands work to the handlers in
 * cli/, each loaded only when its command runs, so `--help` and `list` start at once.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { exitCodeFor, HarnessError } from './errors.ts';

const commands = () => import('./cli/commands.ts');
import { registerRunbookCommand } from './cli/runbook.ts';
import { registerShellCommands } from './shell/register.ts';

const program = new Command('darlings')
  .description('Test that an encrypted btrfs root with opt-in state installs, unlocks, rolls back and keeps what it should, in real VMs.')
  .showHelpAfterError()
  .exitOverride();

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`Expected a positive number, got \`${v}\``);
  return n;
}

program
  .command('run')
  .description('run scenarios end to end')
  .argument('<scenario...>', 'scenario YAML files')
  .addOption(new Option('--guest <guest>', 'only this guest').choices(['debian', 'nixos']))
  .option('--output <dir>', 'output folder (default darlings-results/<scenario>-<guest>-<timestamp>)')
  .option('--reporter <names>', 'list,junit,json,html', 'list,json,junit,html')
  .option('--grep <re>', 'only runs whose id matches')
  .option('--shard <i/n>', 'run only shard i of n (CI matrices)')
  .addOption(new Option('--accel <accel>', 'accelerator').choices(['auto', 'kvm', 'tcg']).default('auto'))
  .option('--keep-vm', 'keep the VM disk, vars and sockets after the run', false)
  .option('--profile <name>', 'hardware profile instead of the scenario\'s')
  .option('--kernel <name>', 'only this kernel of the scenario\'s matrix')
  .option('--workers <n>', 'runs at once', positiveNumber, 1)
  .option('--timeout-scale <x>', 'multiply every timeout (slow hosts)', positiveNumber, 1)
  .option('--nixpkgs <path>', 'nixpkgs for the nixos guest')
  .addOption(new Option('--debug [when]', 'keep the guest running at a failure (on-failure, the default) or also after passing checks (always); prints how to reach it, Ctrl-C ends').choices(['on-failure', 'always']))
  .option('--pause-before <phase>', 'keep the guest running right before this phase (e.g. checks); prints how to reach it, Ctrl-C ends')
  .action(async (files: string[], opts) => {
    process.exitCode = await (await import('./cli/run.ts')).runCommand(files, opts);
  });

program
  .command('list')
  .description('what would run, for CI matrices')
  .argument('[scenario...]', 'scenario YAML files (default: scenarios/*.yaml)')
  .option('--json', 'machine-readable', false)
  .addOption(new Option('--guest <guest>', 'only this guest').choices(['debian', 'nixos']))
  .option('--grep <re>', 'only runs whose id matches')
  .option('--shard <i/n>', 'only shard i of n')
  .action(async (files: string[], opts) => {
    process.exitCode = await (await commands()).listCommand(files, opts);
  });

program
  .command('build-image')
  .description('build or reuse the cached installer ISO (and payload)')
  .argument('<guest>', 'debian | nixos | tiny')
  .option('--nixpkgs <path>', 'nixpkgs for the nixos guest')
  .action(async (guest: string, opts) => {
    process.exitCode = await (await import('./cli/build-image.ts')).buildImageCommand(guest, opts);
  });

program
  .command('eval')
  .description('nixos guest: evaluate the ISO and the installed system, without building')
  .argument('<scenario>', 'scenario YAML file')
  .option('--nixpkgs <path>', 'nixpkgs tree (default: NIX_PATH)')
  .action(async (file: string, opts) => {
    process.exitCode = await (await commands()).evalCommand(file, opts);
  });

program
  .command('doctor')
  .description('check the host: QEMU, OVMF, KVM, image build tools')
  .option('--fix', 'install what is missing with apt-get (Debian/Ubuntu, as root)', false)
  .action(async (opts: { fix: boolean }) => {
    const { doctor } = await import('./host/doctor.ts');
    process.exitCode = await doctor({ fix: opts.fix, write: (l) => console.log(l) });
  });

program
  .command('init')
  .description('write a starter scenario and a GitHub Actions workflow into this repository (never overwrites)')
  .action(async () => {
    const { init } = await import('./cli/init.ts');
    await init({ dir: process.cwd(), print: (l) => console.log(l) });
  });

program
  .command('show-report')
  .description('serve an output folder\'s report.html on 127.0.0.1')
  .argument('<dir>', 'output folder')
  .option('--port <n>', 'port', positiveNumber)
  .action(async (dir: string, opts: { port?: number }) => {
    process.exitCode = await (await commands()).showReportCommand(dir, opts);
  });

registerRunbookCommand(program);
registerShellCommands(program, positiveNumber);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; every other parse error is bad usage.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof HarnessError) {
    console.error(`darlings: ${error.message}`);
    process.exitCode = exitCodeFor(error);
  } else {
    console.error(error);
    process.exitCode = 1;
  }
}

