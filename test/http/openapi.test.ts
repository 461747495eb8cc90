// The OpenAPI document as other tools read it: a real linter (Redocly's recommended rules), a real client generator
// (openapi-typescript) whose output is type-checked, and Hono's fastest router accepting every declared route.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenApiDocument, operationsOf } from '../../server/http/openapi.ts';
import { call, createAccount, makeApp, sessionCookieFor, type TestContext } from '../support/server.ts';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
/** openapi-typescript and the TypeScript 5 compiler it needs live in their own workspace (tools/openapi-client). */
const clientTools = createRequire(join(root, 'tools/openapi-client/package.json'));

let ctx: TestContext;
let document: OpenApiDocument;
let dir: string;

beforeAll(async () => {
  ctx = await makeApp();
  document = ctx.openApiDocument();
  dir = await mkdtemp(join(tmpdir(), 'seatkeeper-openapi-'));
  await writeFile(join(dir, 'openapi.json'), JSON.stringify(document));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the OpenAPI document', () => {
  it('is what /api/v1/openapi.json serves', async () => {
    const response = await call(await makeApp(), 'GET', '/api/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('passes Redocly lint with the recommended rules: no errors, every operation named', async () => {
    const lint = await run(
      join(root, 'node_modules/.bin/redocly'),
      ['lint', '--extends=recommended', '--format=json', join(dir, 'openapi.json')],
      { cwd: dir, maxBuffer: 1 << 24 },
    ).catch((failure: { stdout: string }) => failure);
    const { problems } = JSON.parse(lint.stdout) as { problems: { ruleId: string; severity: string }[] };
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(problems.filter((p) => p.ruleId === 'operation-operationId')).toEqual([]);
  });

  it('names every operation uniquely and answers every error with the one error shape', () => {
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(60);
    const ids = operations.map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { operation, method, path } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^[45]/.test(status)) continue;
        expect(response.content?.['application/json']?.schema, `${method} ${path} ${status}`).toEqual({
          $ref: '#/components/schemas/Error',
        });
      }
    }
  });

  it('declares a response schema for every success status that has a body', () => {
    for (const { operation, method, path } of operationsOf(document)) {
      const successes = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      expect(successes.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const [status, response] of successes) {
        if (status === '204') continue;
        const media = Object.values(response.content ?? {});
        expect(media.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
        for (const { schema } of media) expect(schema, `${method} ${path} ${status}`).toBeDefined();
      }
    }
  });

  it('generates a client with openapi-typescript that types every answer, and that client compiles', async () => {
    const { default: openapiTS, astToString } = (await import(clientTools.resolve('openapi-typescript'))) as {
      default: (input: URL) => Promise<unknown>;
      astToString: (ast: unknown) => string;
    };
    const source = astToString(await openapiTS(new URL(`file://${join(dir, 'openapi.json')}`)));
    await writeFile(join(dir, 'api.d.ts'), source);
    // A 2xx answer with a body that the generator could not type would read `content?: never`.
    const untyped = [...source.matchAll(/(\d{3}): \{\s*headers: \{[^}]*\};\s*content\?: never;/g)].map((m) => m[1]);
    expect(untyped.every((status) => status === '204' || /^[45]/.test(status ?? ''))).toBe(true);
    // What a script would write against the generated client: wrong field names fail to compile.
    await writeFile(
      join(dir, 'use.ts'),
      `import type { components, operations, paths } from './api';
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Me = Json<paths['/api/v1/me']['get']['responses'][200]>;
const email: string = ({} as Me).account.email;
type History = Json<operations['history']['responses'][200]>;
const issued: string = ({} as History).certificates[0]!.issuedAt;
type Attempt = components['schemas']['Attempt'];
const left: number = ({} as Attempt).secondsLeft;
type Lookup = Json<operations['lookup']['responses'][200]>;
const environment: string = ({} as Lookup).environment.name;
type Failure = Json<operations['createUser']['responses'][409]>;
const code: string = ({} as Failure).error.code;
export { code, email, environment, issued, left };
`,
    );
    const tsc = clientTools.resolve('typescript/bin/tsc');
    const compiled = await run(
      process.execPath,
      [tsc, '--noEmit', '--strict', '--noUncheckedIndexedAccess', '--skipLibCheck', 'false', 'use.ts'],
      { cwd: dir },
    ).catch((failure: { stdout: string }) => failure);
    expect(compiled.stdout).toBe('');
    expect(await readFile(join(dir, 'api.d.ts'), 'utf8')).toContain('operations');
  });

  it('declares no route that makes Hono fall back from its RegExpRouter', () => {
    const router = new RegExpRouter<number>();
    ctx.app.routes.forEach((route, i) => {
      router.add(route.method, route.path, i);
    });
    expect(router.match('GET', '/api/v1/me')[0].length).toBeGreaterThan(0);
  });
});

describe('/api/docs', () => {
  it('shows each operation with who may call it, its request body and its answers, and the shared schemas', async () => {
    const app = await makeApp();
    const admin = await createAccount(app, 'admin');
    const page = await call(app, 'GET', '/api/docs', { cookie: await sessionCookieFor(app, admin) });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('POST /api/v1/users');
    expect(html).toContain('Who may call it:');
    expect(html).toMatch(/Request body[\s\S]*<code>email<\/code>/);
    expect(html).toContain('id="schema-Account"');
    expect(html).toMatch(/<code>lastSignInAt<\/code>/);
    expect(html).not.toContain('<script');
  });
});
