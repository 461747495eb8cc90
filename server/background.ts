// Work a request starts but does not wait for (the account-dependent half of a password reset, so its answer takes
// the same time whether or not the address has an account). Failures are logged; stopping the server and tests wait
// for what is still running.
import type { Logger } from './logger.ts';

export class BackgroundWork {
  readonly #running = new Set<Promise<void>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Starts `work` after the current request's answer is under way; `what` names it in the log if it fails. */
  run(what: string, work: () => Promise<void>): void {
    const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(work)
      .catch((error: unknown) => this.#logger.error(`${what} failed`, { error: String(error) }))
      .finally(() => this.#running.delete(done));
    this.#running.add(done);
  }

  /** Resolves once nothing started so far (nor anything it started) is still running. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }
}
