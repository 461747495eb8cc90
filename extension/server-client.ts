// The only code that talks to the Seatkeeper server (the background calls it; pages never do). Every answer is
// validated against the shared contract, and every failure becomes one of a few states the UI can explain.
import type { z } from 'zod';
import {
  environmentsSchema,
  type LicenceSummary,
  type LookupRequest,
  type LookupResponse,
  licenceSummarySchema,
  lookupResponseSchema,
  type Me,
  meSchema,
  type ServerEnvironment,
} from '../shared/api/extension-contract.ts';
import { t, uiLanguage } from './i18n.ts';

export type ServerFailure =
  | { kind: 'signed-out'; message: string }
  | { kind: 'forbidden'; message: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'bad-answer'; message: string }
  | { kind: 'rejected'; message: string };

export type ServerResult<T> = { ok: true; value: T } | { ok: false; failure: ServerFailure };

export interface ServerClientOptions {
  /** The server's base URL, e.g. https://certify.example.com */
  baseUrl: string;
  /** A personal access token (read scope is enough). */
  token: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

async function serverMessage(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown; fields?: Record<string, unknown> } };
    const fields = Object.values(body.error?.fields ?? {}).filter((value) => typeof value === 'string');
    const message = typeof body.error?.message === 'string' ? body.error.message : undefined;
    return fields.length > 0 ? fields.join(' ') : message;
  } catch {
    return undefined;
  }
}

export function createServerClient(options: ServerClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call<T extends z.ZodType>(
    path: string,
    schema: T,
    init?: RequestInit,
  ): Promise<ServerResult<z.output<T>>> {
    let response: Response;
    try {
      response = await doFetch(`${options.baseUrl}${path}`, {
        ...init,
        // The token is the only credential: no cookies, so the server's cross-site guard never sees a session.
        credentials: 'omit',
        headers: {
          accept: 'application/json',
          // The server words its own messages (a rejected request's reason) in the browser's language.
          'accept-language': uiLanguage(),
          authorization: `Bearer ${options.token}`,
          ...init?.headers,
        },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const message =
        (error as Error).name === 'TimeoutError' ? t('serverTimeout', timeoutMs / 1000) : (error as Error).message;
      return { ok: false, failure: { kind: 'unreachable', message } };
    }
    if (response.status === 401) {
      return { ok: false, failure: { kind: 'signed-out', message: t('serverTokenRefused') } };
    }
    if (response.status === 403) {
      return { ok: false, failure: { kind: 'forbidden', message: t('serverTokenForbidden') } };
    }
    if (response.status === 400) {
      // The server's one error shape names what was wrong with the request (e.g. an unknown environment).
      const message = await serverMessage(response);
      return { ok: false, failure: { kind: 'rejected', message: message ?? t('serverRefused') } };
    }
    if (!response.ok) {
      return { ok: false, failure: { kind: 'unreachable', message: t('serverStatus', response.status) } };
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return { ok: false, failure: { kind: 'bad-answer', message: t('serverNotJson', path) } };
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      return {
        ok: false,
        failure: { kind: 'bad-answer', message: `${path}: ${first?.path.join('.') || 'body'} ${first?.message ?? ''}` },
      };
    }
    return { ok: true, value: parsed.data };
  }

  return {
    me: (): Promise<ServerResult<Me>> => call('/api/v1/me', meSchema),
    summary: (): Promise<ServerResult<LicenceSummary>> => call('/api/v1/licence/summary', licenceSummarySchema),
    environments: (): Promise<ServerResult<ServerEnvironment[]>> => call('/api/v1/environments', environmentsSchema),
    lookup: (request: LookupRequest): Promise<ServerResult<LookupResponse>> =>
      call('/api/v1/lookup', lookupResponseSchema, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      }),
  };
}

export type ServerClient = ReturnType<typeof createServerClient>;
