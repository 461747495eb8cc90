// The background's link to the Seatkeeper server: signing in with a token, refreshing the cached rules and figures,
// lookups, and the toolbar icon that sums it all up. Nothing else in the extension makes a network request.
import { browser } from 'wxt/browser';
import type { WxtStorageItem } from 'wxt/utils/storage';
import type { LicenceSummary, LookupRequest, LookupResponse } from '../../shared/api/extension-contract.ts';
import { t } from '../i18n.ts';
import type { RequestOf, Response } from '../messages.ts';
import { failure as fail } from '../messaging.ts';
import { createServerClient, type ServerClient, type ServerFailure } from '../server-client.ts';
import { parseSignIn } from '../sign-in-input.ts';
import { type Connection, connection, environmentRules, licenceSummary, serverUrl } from '../storage.ts';
import { toolbarBadge } from '../toolbar.ts';
import { hasOriginPermission, syncRegistrations } from './registrations.ts';
import { currentToken, forgetToken, keepToken } from './token.ts';

export interface ConnectionOptions {
  /** The network, replaceable in tests (the real server app's `app.request`). */
  fetch?: typeof fetch;
  now?: () => Date;
}

const ROLE_WORDS = { admin: 'roleAdmin', support: 'roleSupport', candidate: 'roleCandidate' } as const;

/** One sentence per failure: what happened and what the admin can do about it. */
export function explainFailure(
  origin: string,
  failure: ServerFailure,
): { state: Connection['state']; message: string } {
  switch (failure.kind) {
    case 'signed-out':
      return {
        state: 'signed-out',
        message: t('connectionRefusedToken', origin, `${origin}/portal/tokens`),
      };
    case 'forbidden':
      return {
        state: 'forbidden',
        message: t('connectionForbidden', origin),
      };
    case 'bad-answer':
      return {
        state: 'unreachable',
        message: t('connectionBadAnswer', origin, failure.message),
      };
    case 'rejected':
      return { state: 'unreachable', message: t('connectionRejected', origin, failure.message) };
    case 'unreachable':
      return {
        state: 'unreachable',
        message: t('connectionUnreachable', origin, failure.message),
      };
  }
}

async function writeIfChanged<T>(item: WxtStorageItem<T, Record<string, never>>, value: T): Promise<void> {
  if (JSON.stringify(await item.getValue()) !== JSON.stringify(value)) await item.setValue(value);
}

export function createConnection(options: ConnectionOptions = {}) {
  const now = options.now ?? (() => new Date());
  const clientFor = (baseUrl: string, token: string): ServerClient =>
    createServerClient({ baseUrl, token, ...(options.fetch && { fetch: options.fetch }) });

  async function showOnToolbar(state: Connection, summary: LicenceSummary | null): Promise<void> {
    const badge = toolbarBadge(state, summary);
    // MV3 has `action`; Firefox's MV2 build has `browserAction` with the same methods.
    const action = browser.action ?? browser.browserAction;
    await Promise.all([
      action.setBadgeText({ text: badge.text }),
      action.setBadgeBackgroundColor({ color: badge.color }),
      action.setTitle({ title: badge.title }),
    ]);
  }

  async function record(state: Connection): Promise<Connection> {
    await connection.setValue(state);
    await redrawToolbar();
    return state;
  }

  /** Reads who the token belongs to, the environments' rules and the licence figures, and caches them. */
  async function refresh(): Promise<Connection> {
    const origin = await serverUrl.getValue();
    const token = await currentToken();
    const previous = await connection.getValue();
    const checkedAt = now().toISOString();
    if (!origin)
      return record({ state: 'not-configured', message: t('connectionNotSignedIn'), account: null, checkedAt });
    if (!token) {
      return record({
        state: 'signed-out',
        message: t('connectionSignedOutOf', origin),
        account: previous.account,
        checkedAt,
      });
    }
    const client = clientFor(origin, token);
    const [me, environments, summary] = await Promise.all([client.me(), client.environments(), client.summary()]);
    const failed = (failure: ServerFailure) =>
      record({ ...explainFailure(origin, failure), account: previous.account, checkedAt });
    if (!me.ok) return failed(me.failure);
    if (!environments.ok) return failed(environments.failure);
    if (!summary.ok) return failed(summary.failure);
    // Written only when changed: every page with badges redraws them all when the rules change.
    await writeIfChanged(environmentRules, environments.value);
    await writeIfChanged(licenceSummary, summary.value);
    const { account } = me.value;
    return record({
      state: 'signed-in',
      message: t('connectionSignedIn', origin, account.name, account.email, t(ROLE_WORDS[account.role])),
      account,
      checkedAt,
    });
  }

  async function signIn(request: RequestOf<'signIn'>): Promise<Response<'signIn'>> {
    const input = parseSignIn(request.serverUrl, request.token);
    if (!input.ok) return fail('invalid', input.message);
    const { origin, token } = input;
    if (!(await hasOriginPermission(origin))) {
      return fail('forbidden', t('connectionNoPermission', origin));
    }
    const me = await clientFor(origin, token).me();
    if (!me.ok) {
      const explained = explainFailure(origin, me.failure);
      return fail(explained.state === 'unreachable' ? 'unreachable' : 'signed-out', explained.message);
    }
    const { account } = me.value;
    if (account.role === 'candidate') {
      return fail('forbidden', t('connectionCandidate', account.email));
    }
    const previousOrigin = await serverUrl.getValue();
    if (previousOrigin !== origin) {
      // Rules and figures of another server must not classify anything on this one.
      await environmentRules.removeValue();
      await licenceSummary.removeValue();
    }
    await serverUrl.setValue(origin);
    await keepToken(token, request.remember);
    const state = await refresh();
    await syncRegistrations();
    return state.state === 'signed-in' ? { ok: true, value: state } : fail('failed', state.message);
  }

  async function signOut(): Promise<Connection> {
    await forgetToken();
    const origin = await serverUrl.getValue();
    return record({
      state: origin ? 'signed-out' : 'not-configured',
      message: t('connectionSignedOut'),
      account: null,
      checkedAt: now().toISOString(),
    });
  }

  async function lookup(request: LookupRequest): Promise<Response<'lookup'>> {
    const origin = await serverUrl.getValue();
    const token = await currentToken();
    if (!origin || !token) {
      return fail('signed-out', t('connectionSignInToLookUp'));
    }
    const answer = await clientFor(origin, token).lookup(request);
    if (answer.ok) return { ok: true, value: answer.value satisfies LookupResponse };
    if (answer.failure.kind === 'rejected') return fail('rejected', answer.failure.message);
    const explained = explainFailure(origin, answer.failure);
    // A refused token is news for the toolbar and the options page too.
    if (explained.state !== 'unreachable') {
      await record({ ...explained, account: null, checkedAt: now().toISOString() });
    }
    return fail(explained.state === 'unreachable' ? 'unreachable' : 'signed-out', explained.message);
  }

  /** The toolbar as last recorded (the browser forgets badge text when it restarts). */
  async function redrawToolbar(): Promise<void> {
    const state = await connection.getValue();
    await showOnToolbar(state, state.state === 'signed-in' ? await licenceSummary.getValue() : null);
  }

  return { refresh, signIn, signOut, lookup, redrawToolbar };
}

export type ServerConnection = ReturnType<typeof createConnection>;
