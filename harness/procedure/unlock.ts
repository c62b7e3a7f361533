/**
 * Boot of the installed system as a person does it at the console: wait for the passphrase
 * prompt, type the wrong passphrases the scenario lists (each must be refused), then the right
 * one; follow the rollback; log in on the serial console with the user's password. The login is
 * recorded (facts.login, COMMON.md interface 3), not fatal: whether the user can still log in
 * after the rollback is what persist.login judges; root's SSH key lets the run go on.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Plan } from '../scenario/plan.ts';
import type { SerialConsole } from '../channels/serial.ts';
import { HOSTKEY_LINE } from '../channels/keys.ts';
import type { StepRunner } from './context.ts';
import type { GuestDriver } from '../guests/guest.ts';

export const LOGIN_PROMPT = /login: *$/m;
export const PASSWORD_PROMPT = /Password: *$/m;
export const SHELL_PROMPT = /[$#] $/m;
/** What login(1) says for a wrong password or a locked account, before it asks again. */
export const LOGIN_REFUSED = /Login incorrect/;

/** One console login attempt with the user's password. */
export interface LoginOutcome {
  ok: boolean;
  message: string;
}

export interface UnlockResult {
  /** The ssh host key line the target announced on its console. */
  hostKeyLine: string;
  /** Offset in the serial stream where this boot began. */
  bootOffset: number;
  /** Rollback lines seen in stage 1 (empty when the scenario has none). */
  rollbackLines: string[];
  /** The console from the first passphrase prompt to the login prompt: stage 1 as it ran. */
  stage1Text: string;
  /** The console login as the user, after `beforeLogin`. */
  login: LoginOutcome;
}

/**
 * systemd's password agent prints its prompt first and turns the terminal's echo off after: keys
 * typed in between are echoed as typed, and a passphrase split over echo chunks escapes the
 * redaction of whole lines (a real run's serial log held a wrong passphrase's first 18 characters).
 */
const PROMPT_SETTLE_MS = 1000;
const settle = (signal?: AbortSignal) => delay(PROMPT_SETTLE_MS, undefined, { signal });

export async function unlockAndLogIn(
  serial: SerialConsole,
  plan: Plan,
  guestDriver: Pick<GuestDriver, 'passphrasePrompt' | 'passphraseRefused' | 'passphrasePatterns'>,
  step: StepRunner,
  signal?: AbortSignal,
  /** Runs once the login prompt is up, before the login (the blog's `passwd delta` as root). */
  beforeLogin?: (hostKeyLine: string) => Promise<void>,
): Promise<UnlockResult> {
  const driver = { ...guestDriver, ...guestDriver.passphrasePatterns?.(plan) };
  const t = plan.timeouts;
  const bootOffset = serial.markBoot();
  let stage1Start: number | undefined;
  // The next prompt is looked for from where the last passphrase was typed: systemd's password
  // agent can print it before systemd-cryptsetup logs the refusal (two writers, one console).
  let typedAt: number | undefined;
  for (const [i, wrong] of plan.luks.wrongPassphrases.entries()) {
    await step('wait for the passphrase prompt', () => serial.waitFor(driver.passphrasePrompt, { timeoutMs: t.passphrasePromptMs, signal, what: 'the LUKS passphrase prompt', from: typedAt }));
    stage1Start ??= serial.position;
    await settle(signal);
    typedAt = serial.position;
    serial.typeSecret(wrong);
    // If the wrong one were accepted, the boot would go on and this wait would time out.
    await step(`wrong passphrase ${i + 1} is refused`, () =>
      serial.waitFor(driver.passphraseRefused, { timeoutMs: t.passphrasePromptMs, signal, what: `wrong passphrase ${i + 1} to be refused`, from: typedAt }),
    );
  }
  await step('wait for the passphrase prompt', () => serial.waitFor(driver.passphrasePrompt, { timeoutMs: t.passphrasePromptMs, signal, what: 'the LUKS passphrase prompt', from: typedAt }));
  const afterPrompt = serial.position;
  stage1Start ??= afterPrompt;
  await settle(signal);
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
  await beforeLogin?.(hostKey[1]!);
  const login = await step(`log in as ${plan.user.name} on the serial console`, () => logIn(serial, plan, signal));
  return { hostKeyLine: hostKey[1]!, bootOffset, rollbackLines, stage1Text, login };
}

/**
 * Types the user's name and password at the console's login prompt. A refused password
 * ("Login incorrect") is an outcome, not an error; a console that says neither within the login
 * timeout is an error (the machine is not there).
 */
export async function logIn(serial: SerialConsole, plan: Plan, signal?: AbortSignal): Promise<LoginOutcome> {
  const t = plan.timeouts;
  serial.sendLine(plan.user.name);
  await serial.waitFor(PASSWORD_PROMPT, { timeoutMs: t.loginMs, signal, what: 'the password prompt' });
  const from = serial.position;
  serial.typeSecret(plan.user.password);
  // login flushes typeahead while it sets up the session: type only once the shell prompts.
  const answer = await serial.waitFor(new RegExp(`${SHELL_PROMPT.source}|${LOGIN_REFUSED.source}`, 'm'), {
    timeoutMs: t.loginMs,
    signal,
    what: `a shell prompt or "Login incorrect" for ${plan.user.name}`,
    from,
  });
  if (LOGIN_REFUSED.test(answer[0])) return { ok: false, message: `login as ${plan.user.name} with the scenario's password: Login incorrect` };
  const who = await serial.run('id -un', { timeoutMs: t.loginMs, signal, what: `a shell for ${plan.user.name} after login` });
  const name = who.output.trim().split('\n').pop()?.trim();
  if (name !== plan.user.name) return { ok: false, message: `logged in, but \`id -un\` says ${JSON.stringify(who.output.trim())}` };
  return { ok: true, message: `logged in as ${plan.user.name} on the console` };
}
