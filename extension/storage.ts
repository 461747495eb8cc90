// Storage items, declared once with their types and defaults. Only the background writes them.
//
// Where each lives is a security decision: `session:` is kept in memory, cleared when the browser closes, and (with
// setAccessLevel TRUSTED_CONTEXTS, set by the background) unreadable by content scripts, so the token lives there.
// `local:` survives restarts and content scripts can read it: it holds only what pages may see anyway (rules,
// figures, the list of consoles), plus the token when the admin ticks "remember on this device".
import { storage } from 'wxt/utils/storage';
import type { LicenceSummary, Me } from '../shared/api/extension-contract.ts';
import type { StoredEnvironment } from './environment-rules.ts';
import { t } from './i18n.ts';

/** Filled by the background from the server's /api/v1/environments; content scripts only read it. */
export const environmentRules = storage.defineItem<StoredEnvironment[]>('local:environmentRules', { fallback: [] });

/** The last /api/v1/licence/summary, for the toolbar, the popup and the capacity banner. */
export const licenceSummary = storage.defineItem<LicenceSummary | null>('local:licenceSummary', { fallback: null });

/** The Seatkeeper server's origin, e.g. https://certify.example.com (null until the admin signs in). */
export const serverUrl = storage.defineItem<string | null>('local:serverUrl', { fallback: null });

/** The personal access token for this browser session. */
export const sessionToken = storage.defineItem<string | null>('session:token', { fallback: null });

/** The same token, only when the admin chose "remember on this device". */
export const rememberedToken = storage.defineItem<string | null>('local:rememberedToken', { fallback: null });

export type ConnectionState = 'not-configured' | 'signed-in' | 'signed-out' | 'forbidden' | 'unreachable';

/** What the extension last learnt from the server, shown by the options page, the popup and the toolbar. */
export interface Connection {
  state: ConnectionState;
  /** A sentence for the admin: what happened and what to do. */
  message: string;
  account: Me['account'] | null;
  /** ISO time of the last attempt. */
  checkedAt: string | null;
}

export const connection = storage.defineItem<Connection>('local:connection', {
  fallback: { state: 'not-configured', message: t('connectionNotSignedIn'), account: null, checkedAt: null },
});

/** A web console the admin added: its origin and the environment (id) whose rules apply there. */
export interface ConsoleMapping {
  origin: string;
  environmentId: string;
}

export const consoles = storage.defineItem<ConsoleMapping[]>('local:consoles', { fallback: [] });

/** Banner notices dismissed for the day: notice key → the local calendar day (YYYY-MM-DD) it was dismissed. */
export const dismissedNotices = storage.defineItem<Record<string, string>>('local:dismissedNotices', {
  fallback: {},
});

/**
 * Consoles an admin taught (options page, or by pointing at a row): which elements are the user rows and where in a
 * row the username and the email are, as CSS selectors. The content script reads the console as taught.
 */
export interface TaughtConsole {
  origin: string;
  rows: string;
  username?: string;
  email?: string;
}

export const taughtConsoles = storage.defineItem<TaughtConsole[]>('local:taughtConsoles', { fallback: [] });
