// The one protocol between the extension's pages, its content scripts and the background. Every request is
// validated with zod on arrival (a content script runs in a hostile page's renderer, so its messages are untrusted),
// and `SENDERS` says who may send each kind.
import { z } from 'zod';
import type { LookupResponse } from '../shared/api/extension-contract.ts';
import { LOOKUP_BATCH } from '../shared/api/limits.ts';
import type { Connection } from './storage.ts';

const text = (max: number) => z.string().max(max);
const lookupAccount = z.strictObject({ username: text(320).optional(), email: text(320).optional() });
// A CSS selector the admin gave or the picker made: one line of printable text (the content script checks its syntax).
const selector = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .regex(/^\P{Cc}+$/u, 'must be one line of text');

export const requestSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('status') }),
  z.strictObject({ type: z.literal('refresh') }),
  z.strictObject({
    type: z.literal('signIn'),
    serverUrl: text(2048),
    token: text(512),
    remember: z.boolean(),
  }),
  z.strictObject({ type: z.literal('signOut') }),
  z.strictObject({ type: z.literal('addConsole'), origin: text(2048), environmentId: text(100) }),
  z.strictObject({ type: z.literal('removeConsole'), origin: text(2048) }),
  z.strictObject({
    type: z.literal('lookup'),
    environment: text(100).optional(),
    accounts: z.array(lookupAccount).min(1).max(LOOKUP_BATCH),
  }),
  z.strictObject({ type: z.literal('pageContext') }),
  z.strictObject({ type: z.literal('dismissNotice'), key: text(100) }),
  z.strictObject({
    type: z.literal('teachConsole'),
    /** Extension pages name the console; a content script teaches its own page's origin and names none. */
    origin: text(2048).optional(),
    rows: selector,
    username: selector.optional(),
    email: selector.optional(),
  }),
  z.strictObject({ type: z.literal('forgetTaught'), origin: text(2048) }),
]);

export type Request = z.infer<typeof requestSchema>;
export type RequestType = Request['type'];
export type RequestOf<T extends RequestType> = Extract<Request, { type: T }>;

/** What a content script learns about the page it runs on. */
export interface PageContext {
  /** True on the Seatkeeper server's own portal, where each row names its environment. */
  portal: boolean;
  /** The environment (id) whose rules apply on this console; null on the portal. */
  environmentId: string | null;
  /** Whether lookups can reach the server now. */
  signedIn: boolean;
}

export interface Responses {
  status: Connection;
  refresh: Connection;
  signIn: Connection;
  signOut: Connection;
  addConsole: { origin: string };
  removeConsole: { origin: string };
  lookup: LookupResponse;
  pageContext: PageContext;
  dismissNotice: { key: string; day: string };
  teachConsole: { origin: string };
  forgetTaught: { origin: string };
}

export type MessageFailureKind = 'invalid' | 'forbidden' | 'signed-out' | 'unreachable' | 'rejected' | 'failed';

export interface Failure {
  ok: false;
  error: { kind: MessageFailureKind; message: string };
}

export type Response<T extends RequestType> = { ok: true; value: Responses[T] } | Failure;

/** Who may send what: extension pages (options, popup) everything a person does; content scripts three reads. */
export const SENDERS: Record<RequestType, readonly ('extension-page' | 'content-script')[]> = {
  status: ['extension-page'],
  refresh: ['extension-page'],
  signIn: ['extension-page'],
  signOut: ['extension-page'],
  addConsole: ['extension-page'],
  removeConsole: ['extension-page'],
  lookup: ['extension-page', 'content-script'],
  pageContext: ['content-script'],
  dismissNotice: ['content-script'],
  teachConsole: ['extension-page', 'content-script'],
  forgetTaught: ['extension-page'],
};
