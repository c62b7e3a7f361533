/**
 * Every setup registers its teardown; they run in reverse order, also after a failure or an
 * abort, and one failing teardown does not stop the others (Playwright's fixtures do the same).
 */
export class Teardowns {
  #stack: { name: string; fn: () => Promise<void> | void }[] = [];
  readonly errors: { name: string; error: unknown }[] = [];

  add(name: string, fn: () => Promise<void> | void): void {
    this.#stack.push({ name, fn });
  }

  async run(): Promise<void> {
    while (this.#stack.length) {
      const { name, fn } = this.#stack.pop()!;
      try {
        await fn();
      } catch (error) {
        this.errors.push({ name, error });
      }
    }
  }
}
