/**
 * Boot of the installed system as a person does it at the console: wait for the passphrase
 * prompt, type the wrong passphrases the scenario lists (each must be refused), then the right
 * one; follow the rollback; log in on the serial console with the user's password.
 */
import type { Plan } from '../scenario/plan.ts';
import type { SerialConsole } from '../channels/serial.ts';
import { HOSTKEY_LINE } from '../channels/keys.ts';
import { CheckFailed } from '../errors.ts';
import type { StepRunner } from './context.ts';
import type { GuestDriver } from '../guests/guest.ts';

export const LOGIN_PROMPT = /login: *$/m;
export const PASSWORD_PROMPT = /Password: *$/m;
export const SHELL_PROMPT = /[$#] $/m;

export interface UnlockResult {
  /** The ssh host key line the target announced on its console. */
  hostKeyLine: string;
  /** Offset in the serial stream where this boot began. */
  bootOffset: number;
  /** Rollback lines seen in stage 1 (empty when the scenario has none). */
  rollbackLines: string[];
  /** The console from the first passphrase prompt to the login prompt: stage 1 as it ran. */
  stage1Text: string;
}

export async function unlockAndLogIn(
  serial: SerialConsole,
  plan: Plan,
  guestDriver: Pick<GuestDriver, 'passphrasePrompt' | 'passphraseRefused' | 'passphrasePatterns'>,
  step: StepRunner,
  signal?: AbortSignal,
): Promise<UnlockResult> {
  const driver = { ...guestDriver, ...guestDriver.passphrasePatterns?.(plan) };
  const t = plan.timeouts;
  const bootOffset = serial.markBoot();
  let stage1Start: number | undefined;
  for (const [i, wrong] of plan.luks.wrongPassphrases.entries()) {
    await step('wait for the passphrase prompt', () => serial.waitFor(driver.passphrasePrompt, { timeoutMs: t.passphrasePromptMs, signal, what: 'the LUKS passphrase prompt' }));
    stage1Start ??= serial.position;
    serial.typeSecret(wrong);
    // If the wrong one were accepted, the boot would go on and this wait would time out.
    await step(`wrong passphrase ${i + 1} is refused`, () =>
      serial.waitFor(driver.passphraseRefused, { timeoutMs: t.passphrasePromptMs, signal, what: `wrong passphrase ${i + 1} to be refused` }),
    );
  }
  await step('wait for the passphrase prompt', () => serial.waitFor(driver.passphrasePrompt, { timeoutMs: t.passphrasePromptMs, signal, what: 'the LUKS passphrase prompt' }));
  const afterPrompt = serial.position;
  stage1Start ??= afterPrompt;
  serial.typeSecret(plan.luks.passphrase);
  const hostKey = await step('wait for the ssh host key on the console', () =>
    serial.waitFor(HOSTKEY_LINE, { timeoutMs: t.bootMs, signal, what: 'the target to announce its ssh host key (darlings-hostkey:)', from: afterPrompt }),
  );
  const rollbackLines = serial
    .since(afterPrompt)
    .replace(/\r/g, '')
    .split('\n')
    .filter((l) => /deleting \/|restoring blank|darlings-initrd: rollback/.test(l))
    .map((l) => l.trim());
  await step('wait for the login prompt', () => serial.waitFor(LOGIN_PROMPT, { timeoutMs: t.loginMs, signal, what: 'the login prompt on the serial console', from: afterPrompt }));
  const stage1Text = serial.since(stage1Start).replace(/\r/g, '');
  await step(`log in as ${plan.user.name} on the serial console`, async () => {
    serial.sendLine(plan.user.name);
    await serial.waitFor(PASSWORD_PROMPT, { timeoutMs: t.loginMs, signal, what: 'the password prompt' });
    serial.typeSecret(plan.user.password);
    // login flushes typeahead while it sets up the session: type only once the shell prompts.
    await serial.waitFor(SHELL_PROMPT, { timeoutMs: t.loginMs, signal, what: `a shell prompt for ${plan.user.name} after login` });
    const who = await serial.run('id -un', { timeoutMs: t.loginMs, signal, what: `a shell for ${plan.user.name} after login` });
    if (who.output.trim().split('\n').pop()?.trim() !== plan.user.name)
      throw new CheckFailed(`Logged in, but \`id -un\` says ${JSON.stringify(who.output.trim())}`);
  });
  return { hostKeyLine: hostKey[1]!, bootOffset, rollbackLines, stage1Text };
}
