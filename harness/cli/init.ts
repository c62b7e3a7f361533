/**
 * `darlings init`: what `npm init playwright` does for Playwright. Writes a starter scenario and a
 * GitHub Actions workflow into the current repository. It never overwrites: if any file it would
 * write exists, it writes none of them and names the file (exit 2).
 */
import { constants } from 'node:fs';
import { access, mkdir, open, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { ScenarioError } from '../errors.ts';

export const STARTER_SCENARIO = 'darlings/laptop.yaml';
export const STARTER_WORKFLOW = '.github/workflows/darlings.yml';

/** The files `darlings init` writes, by path relative to the repository. */
export function initFiles(): Record<string, string> {
  return {
    [STARTER_SCENARIO]: `# A darlings scenario: the blog's encrypted btrfs root with opt-in state, tested in a VM.
# Every key: node_modules/darlings/README.md (Scenarios) and docs/; unknown keys are errors.
# Paths in this file (rollback.script, fsDiff.script, nixos.configuration, nixos.flake) are
# relative to this file.
description: My laptop's erase-your-darlings setup
# debian: a NixOS-shaped stand-in that runs anywhere (no Nix, no KVM needed).
# nixos: the real thing (needs Nix and, to be quick, KVM). Add it once the debian run passes.
guests: [debian]
disk: { size: 4GiB }
luks:
  passphrase: correct horse battery staple   # a test passphrase: it never appears in the results
  pbkdf: pbkdf2
  iterTimeMs: 100
user: { name: me, password: darlings test password }
# Without more, this is the blog's recipe as written, which has known gaps (machine-id and the
# journal's past boots, NetworkManager's timestamps): the first run fails on them, saying why.
# node_modules/darlings/scenarios/blog-xps13-fixed.yaml shows the fixes (persist.commands, tmpfiles).
# What your configuration keeps across the rollback at every boot:
extraPersist:
  tmpfiles: []
# To test your own NixOS configuration (guests: [nixos] only):
# nixos:
#   configuration: ../configuration.nix     # or: flake: ../#my-laptop
`,
    [STARTER_WORKFLOW]: `# darlings: the erase-your-darlings setup of this repository, installed and rebooted in a VM.
name: darlings

on:
  push:
  pull_request:
  workflow_dispatch:

env:
  # darlings keeps built images and checkpoints under $XDG_CACHE_HOME/darlings.
  XDG_CACHE_HOME: \${{ github.workspace }}/.cache

jobs:
  darlings:
    runs-on: ubuntu-latest
    timeout-minutes: 60
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - name: Enable KVM
        run: |
          echo 'KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"' | sudo tee /etc/udev/rules.d/99-kvm4all.rules
          sudo udevadm control --reload-rules
          sudo udevadm trigger --name-match=kvm
      # QEMU, OVMF and the tools the debian guest's image is built from.
      - run: sudo bash node_modules/darlings/ci/setup-host.sh
      - uses: actions/cache@v4
        with:
          path: .cache/darlings/debian
          key: darlings-debian-\${{ hashFiles('node_modules/darlings/images/**') }}
      # The debian image is built as root (debootstrap); later steps reuse it from the cache.
      - run: sudo -E env "PATH=$PATH" npx darlings build-image debian
      - run: sudo -E env "PATH=$PATH" npx darlings run ${STARTER_SCENARIO} --guest debian --output darlings-results/laptop
      - uses: actions/upload-artifact@v4
        if: \${{ always() }}
        with:
          name: darlings-results
          path: darlings-results/
`,
  };
}

export interface InitOptions {
  /** The repository to write into (the CLI passes the current directory). */
  dir: string;
  print?: (line: string) => void;
}

/**
 * Writes the starter files into `dir`; refuses, writing nothing, when any of them exists.
 *
 * @example
 * await init({ dir: process.cwd(), print: console.log }); // darlings/laptop.yaml, .github/workflows/darlings.yml
 */
export async function init(options: InitOptions): Promise<string[]> {
  const files = initFiles();
  for (const name of Object.keys(files)) {
    const exists = await access(join(options.dir, name), constants.F_OK).then(() => true, () => false);
    if (exists) throw new ScenarioError(`${name} exists already; darlings init writes nothing over a file (move it away, or edit it by hand)`);
  }
  const written: string[] = [];
  const made: string[] = [];
  try {
    for (const [name, text] of Object.entries(files)) {
      const path = join(options.dir, name);
      const first = await mkdir(dirname(path), { recursive: true });
      if (first) made.push(first);
      // `wx`: a file that appeared since the check above is not overwritten either.
      const handle = await open(path, 'wx', 0o644);
      written.push(path);
      try {
        await handle.writeFile(text);
      } finally {
        await handle.close();
      }
    }
  } catch (error) {
    // Nothing half-written: what this call created goes again.
    for (const path of written) await rm(path, { force: true });
    for (const folder of made.reverse()) await rm(folder, { recursive: true, force: true });
    throw error;
  }
  for (const path of written) options.print?.(`wrote ${relative(options.dir, path)}`);
  options.print?.(`next: npx darlings run ${STARTER_SCENARIO} --guest debian`);
  return written.map((p) => relative(options.dir, p));
}
