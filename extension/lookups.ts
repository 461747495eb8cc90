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
  /** Calls to the server at the same time. */
  concurrency?: number;
}

interface Question {
  environment: string | undefined;
  username?: string;
  email?: string;
}

export function createLookups({
  send,
  environmentOf,
  answered,
  delayMs = 30,
  capacity = 20_000,
  concurrency = 4,
}: LookupsOptions) {
  const answers = new Map<string, ServerFacts>();
  const waiting = new Map<string, FoundAccount[]>();
  const unasked = new Map<string, Question>();
  const asking = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  /** Set when the server cannot be asked (signed out, not allowed): no more questions until restarted. */
  let stopped: string | null = null;

  const keyOf = (account: FoundAccount) => lookupKey(environmentOf(account), account.username, account.email);

  /** Asks one batch; returns the accounts whose answer came. */
  async function askBatch(environment: string | undefined, batch: [string, Question][]): Promise<FoundAccount[]> {
    const answer = await send({
      ...(environment && { environment }),
      accounts: batch.map(([, { username, email }]) => ({ ...(username && { username }), ...(email && { email }) })),
    });
    for (const [key] of batch) asking.delete(key);
    if (!answer.ok) {
      // Signed out or refused: stop asking. Unreachable: these accounts are asked again when they change.
      if (answer.error.kind !== 'unreachable') stopped = answer.error.message;
      for (const [key] of batch) waiting.delete(key);
      return [];
    }
    const ready: FoundAccount[] = [];
    answer.value.results.forEach((result, index) => {
      const key = batch[index]?.[0];
      if (key === undefined) return;
      answers.set(key, factsFromLookup(result, answer.value.environment.name));
      for (const account of waiting.get(key) ?? []) ready.push(account);
      waiting.delete(key);
    });
    return ready;
  }

  /**
   * Asks everything queued, at most `concurrency` calls at a time, and hands the answers over once for the whole
   * round: each hand-over redraws badges, and on a large table each redraw is a layout of the whole table.
   */
  async function ask(): Promise<void> {
    timer = undefined;
    if (running) return;
    running = true;
    try {
      while (unasked.size > 0 && stopped === null) {
        const batches = new Map<string | undefined, [string, Question][][]>();
        for (const entry of unasked) {
          const environment = entry[1].environment;
          const list = batches.get(environment) ?? [];
          batches.set(environment, list);
          const last = list[list.length - 1];
          if (last && last.length < LOOKUP_BATCH) last.push(entry);
          else list.push([entry]);
          unasked.delete(entry[0]);
          asking.add(entry[0]);
        }
        const work = [...batches].flatMap(([environment, list]) => list.map((batch) => ({ environment, batch })));
        const ready: FoundAccount[] = [];
        for (let start = 0; start < work.length; start += concurrency) {
          const rounds = await Promise.all(
            work.slice(start, start + concurrency).map(({ environment, batch }) => askBatch(environment, batch)),
          );
          for (const list of rounds) ready.push(...list);
        }
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
      // Asked for every row as a table is first badged, before any answer: no key to build then.
      return answers.size === 0 ? undefined : answers.get(keyOf(account));
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
