// The content script's questions to the server (through the background): accounts found on the page are asked about
// once per environment and identity, in batches, and the badges waiting for an answer are redrawn when it comes.
import { LOOKUP_BATCH } from '../shared/api/limits.ts';
import type { FoundAccount } from './consoles/types.ts';
import type { Response } from './messages.ts';
import { factsFromLookup, lookupKey, type ServerFacts } from './server-facts.ts';

export type SendLookup = (request: {
  environment?: string;
  accounts: { username?: string; email?: string }[];
}) => Promise<Response<'lookup'>>;

export interface LookupsOptions {
  send: SendLookup;
  /** The environment an account is asked about in (a console's mapped one; the portal row's own). */
  environmentOf: (account: FoundAccount) => string | undefined;
  /** Accounts whose answer arrived: their badges can be redrawn. */
  answered: (accounts: FoundAccount[]) => void;
  /** Waits this long for more accounts before asking (a page rarely renders all its rows in one task). */
  delayMs?: number;
  /** Answers kept at most (the oldest go first). */
  capacity?: number;
}

interface Question {
  environment: string | undefined;
  username?: string;
  email?: string;
}

export function createLookups({ send, environmentOf, answered, delayMs = 30, capacity = 20_000 }: LookupsOptions) {
  const answers = new Map<string, ServerFacts>();
  const waiting = new Map<string, FoundAccount[]>();
  const unasked = new Map<string, Question>();
  const asking = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  /** Set when the server cannot be asked (signed out, not allowed): no more questions until restarted. */
  let stopped: string | null = null;

  const keyOf = (account: FoundAccount) => lookupKey(environmentOf(account), account.username, account.email);

  async function ask(): Promise<void> {
    timer = undefined;
    if (running) return;
    running = true;
    try {
      while (unasked.size > 0 && stopped === null) {
        // One environment per call, at most the server's batch size.
        const first = unasked.values().next().value as Question;
        const batch: [string, Question][] = [];
        for (const entry of unasked) {
          if (entry[1].environment !== first.environment) continue;
          batch.push(entry);
          if (batch.length === LOOKUP_BATCH) break;
        }
        for (const [key] of batch) {
          unasked.delete(key);
          asking.add(key);
        }
        const answer = await send({
          ...(first.environment && { environment: first.environment }),
          accounts: batch.map(([, { username, email }]) => ({
            ...(username && { username }),
            ...(email && { email }),
          })),
        });
        for (const [key] of batch) asking.delete(key);
        if (!answer.ok) {
          // Signed out or refused: stop asking. Unreachable: these accounts are asked again when they change.
          if (answer.error.kind !== 'unreachable') stopped = answer.error.message;
          for (const [key] of batch) waiting.delete(key);
          continue;
        }
        const ready: FoundAccount[] = [];
        answer.value.results.forEach((result, index) => {
          const key = batch[index]?.[0];
          if (key === undefined) return;
          answers.set(key, factsFromLookup(result, answer.value.environment.name));
          for (const account of waiting.get(key) ?? []) ready.push(account);
          waiting.delete(key);
        });
        for (const key of answers.keys()) {
          if (answers.size <= capacity) break;
          answers.delete(key);
        }
        if (ready.length > 0) answered(ready);
      }
    } finally {
      running = false;
    }
    if (unasked.size > 0 && stopped === null) schedule();
  }

  function schedule(): void {
    timer ??= setTimeout(() => void ask(), delayMs);
  }

  return {
    factsFor(account: FoundAccount): ServerFacts | undefined {
      return answers.get(keyOf(account));
    },
    /** Queues questions about accounts not answered yet. */
    add(accounts: readonly FoundAccount[]): void {
      if (stopped !== null) return;
      for (const account of accounts) {
        if (!account.username && !account.email) continue;
        const key = keyOf(account);
        if (answers.has(key)) continue;
        const list = waiting.get(key);
        if (list) list.push(account);
        else waiting.set(key, [account]);
        if (!unasked.has(key) && !asking.has(key)) {
          unasked.set(key, {
            environment: environmentOf(account),
            ...(account.username && { username: account.username }),
            ...(account.email && { email: account.email }),
          });
        }
      }
      if (unasked.size > 0) schedule();
    },
    /** Why the server is not being asked, or null. */
    stoppedBecause: (): string | null => stopped,
    stop(): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      stopped ??= 'stopped';
      unasked.clear();
      waiting.clear();
    },
  };
}

export type Lookups = ReturnType<typeof createLookups>;
