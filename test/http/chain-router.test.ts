import { type Context, Hono, type Next } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { ChainRouter } from '../../server/http/chain-router.ts';

// The same app built on Hono's default router and on ChainRouter must answer every request alike; ChainRouter's only
// difference is that a chain in which nothing waits answers synchronously.

function build(router?: ChainRouter): Hono {
  const app = router ? new Hono({ router }) : new Hono();
  const onError = (error: Error, c: Context) => {
    const status = error instanceof HTTPException ? error.status : 500;
    return c.json({ error: error.message }, status);
  };
  app.onError(onError);
  app.notFound((c) => c.json({ error: 'no route' }, 404));
  // An outer layer that marks every answer after the inner ones ran, errors included.
  app.use(async (c, next) => {
    await next();
    c.header('x-outer', 'seen');
  });
  app.use(async (c, next) => {
    if (c.req.header('x-async-layer')) await new Promise((resolve) => setTimeout(resolve, 1));
    await next();
  });
  const guard = (c: Context, next: Next): Promise<void> => {
    if (c.req.header('x-deny')) throw new HTTPException(403, { message: 'denied' });
    if (c.req.header('x-deny-later')) return Promise.reject(new HTTPException(401, { message: 'later' }));
    if (c.req.header('x-throw-string')) throw 'not an error';
    return next();
  };
  app.get('/items/:id', guard, (c) => c.json({ id: c.req.param('id') }, 200));
  app.get('/slow/:id', guard, async (c) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return c.json({ id: c.req.param('id'), slow: true }, 200);
  });
  app.get('/twice', async (_c, next) => {
    await next();
    await next();
  });
  app.get('/falls-through', (_c, next) => next());
  app.get('/crash', () => {
    throw new Error('boom');
  });
  app.post('/items', guard, async (c) => c.json(await c.req.json(), 201));
  return app;
}

const withChain = (): { app: Hono } => {
  // The router asks for the app's error handler when an error happens: the same one build() gives the app.
  const router = new ChainRouter(() => (error, c) => {
    const status = error instanceof HTTPException ? error.status : 500;
    return c.json({ error: error.message }, status);
  });
  return { app: build(router) };
};

async function answer(app: Hono, path: string, init?: RequestInit) {
  let response: Response | undefined;
  let error: unknown;
  try {
    response = await app.request(path, init);
  } catch (thrown) {
    error = thrown;
  }
  if (!response) return { error: String(error) };
  return {
    status: response.status,
    outer: response.headers.get('x-outer'),
    body: response.status === 204 ? '' : await response.text(),
  };
}

const CASES: [string, string, RequestInit?][] = [
  ['plain', '/items/42'],
  ['async layer', '/items/42', { headers: { 'x-async-layer': '1' } }],
  ['async handler', '/slow/7'],
  ['guard throws', '/items/42', { headers: { 'x-deny': '1' } }],
  ['guard rejects', '/items/42', { headers: { 'x-deny-later': '1' } }],
  ['guard throws after an async layer', '/items/42', { headers: { 'x-deny': '1', 'x-async-layer': '1' } }],
  ['handler throws', '/crash'],
  ['next twice', '/twice'],
  ['falls through', '/falls-through'],
  ['no route', '/nowhere'],
  ['HEAD', '/items/42', { method: 'HEAD' }],
  ['POST with a body', '/items', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } }],
  ['thrown non-Error', '/items/42', { headers: { 'x-throw-string': '1' } }],
];

describe('ChainRouter', () => {
  it.each(CASES)('answers like Hono’s own router: %s', async (_name, path, init) => {
    const expected = await answer(build(), path, init);
    const actual = await answer(withChain().app, path, init);
    expect(actual).toEqual(expected);
  });

  it('reads the route’s own parameters behind middleware, also for paths it has matched before', async () => {
    const { app } = withChain();
    for (const id of ['a%20b', '1', '2', '1', 'a%20b', '3']) {
      const response = await app.request(`/items/${id}`);
      expect(await response.json()).toEqual({ id: decodeURIComponent(id) });
    }
  });

  it('keeps answering right once its memory of paths has filled and been cleared', async () => {
    const { app } = withChain();
    for (let n = 0; n < 4100; n++) {
      const response = await app.request(`/items/${n}`);
      expect(((await response.json()) as { id: string }).id).toBe(String(n));
    }
    expect((await app.request('/items/7')).status).toBe(200);
    expect((await app.request(`/items/${'x'.repeat(300)}`)).status).toBe(200);
  });

  it('answers synchronously when no layer waits, and with a promise when one does', () => {
    const router = new ChainRouter(() => (error, c) => c.text(error.message, 403));
    const app = new Hono({ router });
    app.use((c, next) => {
      c.header('x-outer', 'seen');
      return next();
    });
    app.get(
      '/items/:id',
      (c, next) => {
        if (c.req.header('x-deny')) throw new Error('denied');
        return c.req.header('x-wait') ? new Promise((resolve) => setTimeout(resolve, 1)).then(next) : next();
      },
      (c) => c.text(c.req.param('id')),
    );
    const sync = app.fetch(new Request('http://localhost/items/1'));
    expect(sync).toBeInstanceOf(Response);
    expect((sync as Response).headers.get('x-outer')).toBe('seen');
    const refused = app.fetch(new Request('http://localhost/items/1', { headers: { 'x-deny': '1' } }));
    expect(refused).toBeInstanceOf(Response);
    expect((refused as Response).status).toBe(403);
    const waiting = app.fetch(new Request('http://localhost/items/1', { headers: { 'x-wait': '1' } }));
    expect(waiting).toBeInstanceOf(Promise);
    // The same app on Hono's own router always answers with a promise.
    const plain = new Hono();
    plain.use((_c, next) => next());
    plain.get('/items/:id', (c) => c.text(c.req.param('id')));
    expect(plain.fetch(new Request('http://localhost/items/1'))).toBeInstanceOf(Promise);
  });

  it('leaves a single-handler route as Hono would call it', () => {
    const router = new ChainRouter(() => () => new Response('error'));
    const app = new Hono({ router }).get('/only', (c) => c.text('only'));
    const response = app.fetch(new Request('http://localhost/only'));
    expect(response).toBeInstanceOf(Response);
  });
});
