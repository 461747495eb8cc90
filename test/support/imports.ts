// Imports answer at once (202) and work in the background: these helpers send one and wait for this app's work on it
// to end (an event, not a timer), then read the import as the API shows it.
import { expect } from 'vitest';
import type { ImportView } from '../../server/licensing/import.ts';
import { importSettled } from '../../server/licensing/import-run.ts';
import { type CallOptions, call, createAccount, PUBLIC_URL, sessionCookieFor, type TestContext } from './server.ts';

type Credentials = Pick<CallOptions, 'cookie' | 'token'>;

/** The import as GET /api/v1/imports/{id} shows it, once this app has finished working on it. */
export async function settledImport(ctx: TestContext, id: string, who: Credentials): Promise<ImportView> {
  await importSettled(id);
  await ctx.licensing.licensing.current();
  const response = await call(ctx, 'GET', `/api/v1/imports/${id}`, who);
  expect(response.status).toBe(200);
  return (await response.json()) as ImportView;
}

/**
 * An admin (root@mycompany.com) signed in, and a production environment "Directory" whose internal domain is
 * mycompany.com: where most import tests start.
 */
export async function adminWithDirectory(ctx: TestContext): Promise<{ cookie: string; envId: string }> {
  const admin = await createAccount(ctx, 'admin', 'root@mycompany.com');
  const cookie = await sessionCookieFor(ctx, admin);
  const created = await call(ctx, 'POST', '/api/v1/environments', {
    cookie,
    json: { name: 'Directory', production: true, internalDomains: 'mycompany.com' },
  });
  expect(created.status).toBe(201);
  const envId = ((await created.json()) as { environment: { id: string } }).environment.id;
  return { cookie, envId };
}

/** PUT a JSON list of one provider's users; answered 202 with the import's address. */
export async function importJson(
  ctx: TestContext,
  who: Credentials,
  environmentId: string,
  provider: string,
  users: unknown[],
): Promise<ImportView> {
  const response = await call(ctx, 'PUT', `/api/v1/environments/${environmentId}/users`, {
    ...who,
    json: { provider, users },
  });
  expect(response.status, await response.clone().text()).toBe(202);
  const { id } = (await response.json()) as { id: string };
  expect(response.headers.get('location')).toBe(`/api/v1/imports/${id}`);
  return settledImport(ctx, id, who);
}

/** PUT a CSV body (a string or raw bytes) replacing `provider`; `query` adds e.g. encoding. */
export async function importCsv(
  ctx: TestContext,
  who: Credentials,
  environmentId: string,
  provider: string,
  body: string | Uint8Array,
  query: Record<string, string> = {},
): Promise<ImportView> {
  const response = await putCsv(ctx, who, environmentId, provider, body, query);
  expect(response.status, await response.clone().text()).toBe(202);
  const { id } = (await response.json()) as { id: string };
  return settledImport(ctx, id, who);
}

export async function putCsv(
  ctx: TestContext,
  who: Credentials,
  environmentId: string,
  provider: string,
  body: string | Uint8Array | ReadableStream<Uint8Array>,
  query: Record<string, string> = {},
): Promise<Response> {
  const params = new URLSearchParams({ provider, ...query });
  const headers: Record<string, string> = { origin: PUBLIC_URL, 'content-type': 'text/csv' };
  if (who.cookie) headers.cookie = who.cookie;
  if (who.token) headers.authorization = `Bearer ${who.token}`;
  return ctx.app.request(`${PUBLIC_URL}/api/v1/environments/${environmentId}/users?${params}`, {
    method: 'PUT',
    headers,
    body: body as BodyInit,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
}

/**
 * The portal's upload form, as a browser sends it: answered with a redirect to the import's page. The import is
 * awaited; one that stops at its preview is confirmed (as the admin would), unless `confirm` is false.
 */
export async function portalImport(
  ctx: TestContext,
  cookie: string,
  environmentId: string,
  csv: string,
  { confirm = true }: { confirm?: boolean } = {},
): Promise<{ response: Response; id: string; view: ImportView }> {
  const form = new FormData();
  form.set('file', new File([csv], 'users.csv', { type: 'text/csv' }));
  const response = await ctx.app.request(`${PUBLIC_URL}/portal/environments/${environmentId}/import`, {
    method: 'POST',
    headers: { cookie, origin: PUBLIC_URL },
    body: form,
  });
  const id = (response.headers.get('location') ?? '').split('/').pop() ?? '';
  let view = await settledImport(ctx, id, { cookie });
  if (confirm && view.status === 'preview') {
    await call(ctx, 'POST', `/api/v1/imports/${id}/confirmation`, { cookie });
    view = await settledImport(ctx, id, { cookie });
  }
  return { response, id, view };
}
