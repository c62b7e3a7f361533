/**
 * Starts the tiny guest and prints QEMU's pid, then waits forever: the SIGKILL test kills this
 * process and expects QEMU to die with it.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Machine } from '../../../harness/vm/machine.ts';
import { Redactor } from '../../../harness/util/redact.ts';
import { generateClientKey } from '../../../harness/channels/keys.ts';
import { tinySpec } from '../../../harness/guests/tiny-machine.ts';

const dir = await mkdtemp(join(tmpdir(), 'darlings-hold-'));
const machine = await Machine.start(await tinySpec(dir, generateClientKey()), { redactor: new Redactor() });
await machine.serial.waitFor(/BdsDxe|darlings/, { timeoutMs: 120_000 });
process.stdout.write(`qemu-pid ${machine.pid}\n`);
setInterval(() => {}, 1 << 30);
