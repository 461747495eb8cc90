import type { Context, ErrorHandler, Next } from 'hono';
import type { ParamIndexMap, Params, Result, Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';
import type { H, RouterRoute } from 'hono/types';

// Hono runs a request's matched handlers (middleware, guards, validators, the route) through its compose, which
// awaits at every layer, so any route with a middleware in front answers a microtask turn or more later, even when
// nothing in the chain waits for anything; a route with one handler is called directly. This router hands Hono the
// whole chain as one handler, run by `runChain` below: Hono's compose semantics, but a layer that returns a plain
// value is continued at once, so a chain that never waits answers in the same turn. Measured: ~5 us of CPU per
// request on the 2-core machine (docs/server.md).

/** What Hono stores per route in its router: the handler and the route's description. */
type Stored = [H, RouterRoute];
/** A layer as this file calls it: a plain value or a promise, whatever its declared type. */
type Layer = (c: Context, next: Next) => unknown;
type Entry = [Stored, Params | ParamIndexMap];

const notFinalized = () =>
  new Error('Context is not finalized. Did you forget to return a Response object or `await next()`?');

/**
 * One run of a chain. A class rather than closures: this is made per request, and the methods are shared (the dev
 * runner also wraps every closure it creates to keep its name).
 */
class ChainRun {
  #index = -1;
  constructor(
    readonly handlers: readonly Layer[],
    readonly c: Context,
    readonly last: Next,
    readonly onError: ErrorHandler,
  ) {}

  dispatch(i: number): Context | Promise<Context> {
    if (i <= this.#index) throw new Error('next() called multiple times');
    this.#index = i;
    const { handlers } = this;
    const handler = i < handlers.length ? handlers[i] : i === handlers.length ? this.last : undefined;
    if (!handler) return this.c;
    let result: unknown;
    try {
      // Hono types next() as a promise; awaiting a plain value works the same, and that is what keeps it synchronous.
      result = handler(this.c, this.nextAfter(i));
    } catch (error) {
      return this.failed(error);
    }
    if (result instanceof Promise) {
      return result.then(
        (response) => this.settle(response, false),
        (error) => this.failed(error),
      );
    }
    return this.settle(result, false);
  }

  nextAfter(i: number): Next {
    return () => this.dispatch(i + 1) as unknown as Promise<void>;
  }

  settle(response: unknown, isError: boolean): Context {
    if (response instanceof Response && (!this.c.finalized || isError)) this.c.res = response;
    return this.c;
  }

  failed(error: unknown): Context | Promise<Context> {
    if (!(error instanceof Error)) throw error;
    this.c.error = error;
    const response = this.onError(error, this.c);
    return response instanceof Promise ? response.then((r) => this.settle(r, true)) : this.settle(response, true);
  }
}

function responseOf(context: Context): Response {
  if (!context.finalized) throw notFinalized();
  return context.res;
}

/**
 * Runs `handlers` in order as Hono's compose would: `next()` runs the following one (after the last, `last`), an
 * `Error` thrown or rejected in a layer becomes `onError`'s response in that layer (so outer layers still see it),
 * a returned response is kept unless a later one already answered. Synchronous while every layer is; returns the
 * response, or a promise of it.
 */
export function runChain(
  handlers: readonly Layer[],
  c: Context,
  last: Next,
  onError: ErrorHandler,
): Response | Promise<Response> {
  const outcome = new ChainRun(handlers, c, last, onError).dispatch(0);
  return outcome instanceof Promise ? outcome.then(responseOf) : responseOf(outcome);
}

/** Matches remembered (per method and path): enough for every hot path, bounded against floods of odd paths. */
const CACHE_ENTRIES = 2000;
const CACHE_PATH_LENGTH = 200;

/**
 * Hono's default router (RegExpRouter, TrieRouter where it cannot) that answers every match with a single handler
 * running the matched chain through `runChain`, and remembers its answers for recent paths (the routes are fixed
 * once the app is built; a match is only read). Route parameters are the route's own (the last matched entry's):
 * middleware here is registered for all paths and reads none.
 */
export class ChainRouter implements Router<Stored> {
  readonly name = 'ChainRouter';
  readonly #inner: Router<Stored>;
  readonly #onError: () => ErrorHandler;
  readonly #cache = new Map<string, Result<Stored>>();

  /** `onError` is read at each error, so the app may set its handler after creating the router. */
  constructor(onError: () => ErrorHandler, inner?: Router<Stored>) {
    this.#onError = onError;
    this.#inner = inner ?? new SmartRouter<Stored>({ routers: [new RegExpRouter(), new TrieRouter()] });
  }

  add(method: string, path: string, handler: Stored): void {
    this.#cache.clear();
    this.#inner.add(method, path, handler);
  }

  match(method: string, path: string): Result<Stored> {
    const cacheable = path.length <= CACHE_PATH_LENGTH;
    const key = `${method} ${path}`;
    const known = cacheable ? this.#cache.get(key) : undefined;
    if (known) return known;
    const result = this.#collapse(this.#inner.match(method, path));
    if (cacheable) {
      if (this.#cache.size >= CACHE_ENTRIES) this.#cache.clear();
      this.#cache.set(key, result);
    }
    return result;
  }

  #collapse(result: Result<Stored>): Result<Stored> {
    const entries = result[0] as Entry[];
    if (entries.length <= 1) return result;
    const handlers = entries.map((entry) => entry[0][0] as Layer);
    const final = entries[entries.length - 1] as Entry;
    const onError = this.#onError;
    const collapsed: Entry[] = [
      [[((c: Context, next: Next) => runChain(handlers, c, next, onError())) as H, final[0][1]], final[1]],
    ];
    return (result.length === 2 ? [collapsed, result[1]] : [collapsed]) as Result<Stored>;
  }
}
