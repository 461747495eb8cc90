import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeServer } from '../../server/http/node-server.ts';
import { makeApp, ORIGIN, type TestContext } from '../support/server.ts';

// Over real HTTP: the body limit trusts Content-Length (Node's parser holds the body to it) and falls back to
// counting the stream when the body is chunked. app.request() in the other tests sends neither.

let ctx: TestContext;
let server: Awaited<ReturnType<typeof startNodeServer>>;

beforeAll(async () => {
  ctx = await makeApp({ env: { BODY_LIMIT_BYTES: '2048' } });
  server = await startNodeServer(ctx.app, ctx.config, { port: 0, host: '127.0.0.1' });
});
afterAll(() => server.close());

function post(body: string, chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/api/v1/registrations',
        headers: {
          'content-type': 'application/json',
          origin: ORIGIN,
          ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    if (chunked) {
      // Several chunks, so the limit has to add them up.
      for (let at = 0; at < body.length; at += 500) req.write(body.slice(at, at + 500));
      req.end();
    } else {
      req.end(body);
    }
  });
}

const registration = (name: string) =>
  JSON.stringify({ name, email: 'limit@example.com', password: 'correct horse battery staple' });

describe('body limit over HTTP', () => {
  it.each([false, true])('refuses an oversized body with 413 and the error shape (chunked: %s)', async (chunked) => {
    const response = await post(registration('x'.repeat(5000)), chunked);
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).error).toMatchObject({ code: 'payload_too_large' });
    expect(JSON.parse(response.body).error.message).toContain('2,048');
  });

  it.each([false, true])('lets a body under the limit through to validation (chunked: %s)', async (chunked) => {
    const response = await post(registration(''), chunked);
    // The name is empty: refused by validation, which means the body was read and parsed.
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).error.fields).toHaveProperty('name');
  });
});
