/**
 * Typing wrong passphrases at the initrd prompt, against a scripted fake console. In systemd
 * stage 1 two writers share the console (the password agent's prompt, systemd-cryptsetup's
 * refusal), so the next prompt can come before the refusal of the last one: the right passphrase
 * must still be typed at that prompt, not waited for past the refusal (the agent then times out
 * and the boot drops to emergency mode, as a real run did).
 */
import { describe, expect, it } from 'vitest';
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { SerialConsole } from '../../harness/channels/serial.ts';
import { Redactor } from '../../harness/util/redact.ts';
import { unlockAndLogIn } from '../../harness/procedure/unlock.ts';
import { testPlan } from '../support/plan.ts';

const PROMPT = 'Please enter passphrase for disk enc: (press TAB for no echo) ';
const REFUSED = 'systemd-cryptsetup[245]: Failed to activate with specified passphrase. (Passphrase incorrect?)\n';
const driver = { passphrasePrompt: /Please enter passphrase for disk/, passphraseRefused: /Failed to activate with specified passphrase/ };

/** A console that answers each typed line with `reply(n)` (n: how many lines were typed). */
function scripted(reply: (n: number) => string) {
  const typed: string[] = [];
  let duplex: Duplex;
  duplex = new Duplex({
    read() {},
    write(chunk, _enc, cb) {
      typed.push(chunk.toString());
      const text = reply(typed.length);
      if (text) setImmediate(() => duplex.push(Buffer.from(text)));
      cb();
    },
  });
  const serial = new SerialConsole(duplex as unknown as Socket, new Redactor([]));
  return { serial, typed, emit: (t: string) => duplex.push(Buffer.from(t)) };
}

async function typedBeforeAbort(order: 'refusal first' | 'prompt first'): Promise<string[]> {
  const plan = testPlan();
  plan.luks = { ...plan.luks, passphrase: 'right one', wrongPassphrases: ['wrong one', 'wrong two'] };
  plan.timeouts = { ...plan.timeouts, passphrasePromptMs: 8000, bootMs: 8000 };
  const { serial, typed, emit } = scripted((n) => {
    if (n === 1) return `\n${REFUSED}${PROMPT}`;
    if (n === 2) return order === 'prompt first' ? `\n${PROMPT}${REFUSED}` : `\n${REFUSED}${PROMPT}`;
    return '';
  });
  const abort = new AbortController();
  const step = async <T>(_name: string, fn: () => Promise<T>) => fn();
  const run = unlockAndLogIn(serial, plan, driver, step, abort.signal).catch(() => undefined);
  emit(PROMPT);
  // The right passphrase typed is all this test is about: stop there.
  for (let i = 0; i < 400 && !typed.some((t) => t.includes('right one')); i++) await new Promise((r) => setTimeout(r, 20));
  abort.abort();
  await run;
  return typed.map((t) => t.trim());
}

describe('wrong passphrases at the initrd prompt', () => {
  it('types the right one at the next prompt when the refusal comes first', async () => {
    expect(await typedBeforeAbort('refusal first')).toEqual(['wrong one', 'wrong two', 'right one']);
  });

  it('types the right one at the next prompt when the prompt comes before the refusal', async () => {
    expect(await typedBeforeAbort('prompt first')).toEqual(['wrong one', 'wrong two', 'right one']);
  });
});
