// Every message the background accepts passes here: who sent it (the extension's own pages, or the content script
// on an origin the admin configured and the browser granted), whether it is well formed, and whether that sender
// may ask for it (SENDERS). Anything else is answered with a refusal and never reaches the server.
import { type Browser, browser } from 'wxt/browser';
import { originPattern, parseConsoleOrigin } from '../console-origins.ts';
import { t } from '../i18n.ts';
import { type RequestOf, type RequestType, type Response, requestSchema, SENDERS } from '../messages.ts';
import { failure as refuse } from '../messaging.ts';
import { localDay } from '../notices.ts';
import {
  connection,
  consoles,
  dismissedNotices,
  environmentRules,
  serverUrl,
  type TaughtConsole,
  taughtConsoles,
} from '../storage.ts';
import type { ServerConnection } from './connection.ts';
import { configuredOrigins, hasOriginPermission, syncRegistrations } from './registrations.ts';

export type Sender = { kind: 'extension-page' } | { kind: 'content-script'; origin: string };

function parseUrl(url: string | undefined): URL | null {
  if (!url) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Classifies a message's sender from what the browser (not the message) says about it. */
export function identifySender(sender: Browser.runtime.MessageSender): Sender | null {
  if (sender.id !== browser.runtime.id) return null;
  const url = parseUrl(sender.url);
  if (!url) return null;
  const ownOrigin = new URL(browser.runtime.getURL('/')).origin;
  if (url.origin === ownOrigin) return { kind: 'extension-page' };
  // A content script: it runs in a tab, on a web page.
  if (!sender.tab || (url.protocol !== 'https:' && url.protocol !== 'http:')) return null;
  return { kind: 'content-script', origin: sender.origin ?? url.origin };
}

export function createRouter(server: ServerConnection, { now = () => new Date() }: { now?: () => Date } = {}) {
  async function contentOriginAllowed(origin: string): Promise<boolean> {
    return (await configuredOrigins()).includes(origin) && (await hasOriginPermission(origin));
  }

  async function addConsole(origin: string, environmentId: string): Promise<Response<'addConsole'>> {
    const parsed = parseConsoleOrigin(origin);
    if (!parsed.ok) return refuse('invalid', parsed.message);
    if (parsed.origin === (await serverUrl.getValue())) {
      return refuse('invalid', t('routerServerItself', parsed.origin));
    }
    const environments = await environmentRules.getValue();
    if (!environments.some((environment) => environment.id === environmentId)) {
      return refuse('invalid', t('routerChooseEnvironment'));
    }
    if (!(await hasOriginPermission(parsed.origin))) {
      return refuse('forbidden', t('routerNoPermission', parsed.origin));
    }
    const others = (await consoles.getValue()).filter((mapping) => mapping.origin !== parsed.origin);
    await consoles.setValue([...others, { origin: parsed.origin, environmentId }]);
    await syncRegistrations();
    return { ok: true, value: { origin: parsed.origin } };
  }

  async function removeConsole(origin: string): Promise<Response<'removeConsole'>> {
    const list = await consoles.getValue();
    if (!list.some((mapping) => mapping.origin === origin)) return refuse('invalid', `${origin} is not in the list.`);
    await consoles.setValue(list.filter((mapping) => mapping.origin !== origin));
    await taughtConsoles.setValue((await taughtConsoles.getValue()).filter((entry) => entry.origin !== origin));
    await syncRegistrations();
    // The permission was asked for this console only; the server's own origin keeps its grant, and so does an origin
    // that shares the console's pattern (in Firefox, another port of the same host).
    const pattern = originPattern(origin);
    if (!(await configuredOrigins()).some((other) => originPattern(other) === pattern)) {
      await browser.permissions.remove({ origins: [pattern] }).catch(() => false);
    }
    return { ok: true, value: { origin } };
  }

  /** Keeps how to read a console: for a content script its own origin, for an extension page a configured console. */
  async function teachConsole(request: RequestOf<'teachConsole'>, sender: Sender): Promise<Response<'teachConsole'>> {
    const origin = sender.kind === 'content-script' ? sender.origin : request.origin;
    if (sender.kind === 'content-script' && request.origin !== undefined && request.origin !== sender.origin) {
      return refuse('forbidden', 'A console can only teach how to read itself.');
    }
    if (!origin || !(await consoles.getValue()).some((mapping) => mapping.origin === origin)) {
      return refuse('invalid', t('routerNotAConsole', origin ?? t('routerThatConsole')));
    }
    if (!request.username && !request.email) {
      return refuse('invalid', t('routerSayWhere'));
    }
    const taught: TaughtConsole = {
      origin,
      rows: request.rows,
      ...(request.username && { username: request.username }),
      ...(request.email && { email: request.email }),
    };
    const others = (await taughtConsoles.getValue()).filter((entry) => entry.origin !== origin);
    await taughtConsoles.setValue([...others, taught]);
    return { ok: true, value: { origin } };
  }

  async function dispatch(request: ReturnType<typeof requestSchema.parse>, sender: Sender) {
    switch (request.type) {
      case 'status':
        return { ok: true, value: await connection.getValue() } as const;
      case 'refresh':
        return { ok: true, value: await server.refresh() } as const;
      case 'signIn':
        return server.signIn(request);
      case 'signOut':
        return { ok: true, value: await server.signOut() } as const;
      case 'addConsole':
        return addConsole(request.origin, request.environmentId);
      case 'removeConsole':
        return removeConsole(request.origin);
      case 'lookup': {
        let environment = request.environment;
        if (sender.kind === 'content-script' && sender.origin !== (await serverUrl.getValue())) {
          // On a console the environment is the one the admin mapped, whatever the page says.
          environment = (await consoles.getValue()).find((mapping) => mapping.origin === sender.origin)?.environmentId;
        }
        return server.lookup({ accounts: request.accounts, ...(environment && { environment }) });
      }
      case 'pageContext': {
        if (sender.kind !== 'content-script') return refuse('forbidden', 'Only pages have a page context.');
        const portal = sender.origin === (await serverUrl.getValue());
        const mapping = (await consoles.getValue()).find((entry) => entry.origin === sender.origin);
        const { state } = await connection.getValue();
        return {
          ok: true,
          value: {
            portal,
            environmentId: portal ? null : (mapping?.environmentId ?? null),
            signedIn: state === 'signed-in',
          },
        } as const;
      }
      case 'teachConsole':
        return teachConsole(request, sender);
      case 'forgetTaught': {
        const list = await taughtConsoles.getValue();
        if (!list.some((entry) => entry.origin === request.origin)) {
          return refuse('invalid', `${request.origin} was not taught.`);
        }
        await taughtConsoles.setValue(list.filter((entry) => entry.origin !== request.origin));
        return { ok: true, value: { origin: request.origin } } as const;
      }
      case 'dismissNotice': {
        const day = localDay(now());
        const kept = Object.entries(await dismissedNotices.getValue()).filter(([, on]) => on === day);
        await dismissedNotices.setValue({ ...Object.fromEntries(kept), [request.key]: day });
        return { ok: true, value: { key: request.key, day } } as const;
      }
    }
  }

  /** Answers one message; never throws (a failure becomes a response the sender can show). */
  async function handle(raw: unknown, rawSender: Browser.runtime.MessageSender): Promise<Response<RequestType>> {
    const sender = identifySender(rawSender);
    if (!sender) return refuse('forbidden', 'Seatkeeper answers only its own pages and the consoles set up for it.');
    const parsed = requestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return refuse(
        'invalid',
        `Malformed message: ${issue?.path.join('.') || 'message'} ${issue?.message ?? ''}`.trim(),
      );
    }
    const request = parsed.data;
    if (!SENDERS[request.type].includes(sender.kind)) {
      return refuse('forbidden', `A ${sender.kind} may not send “${request.type}”.`);
    }
    if (sender.kind === 'content-script' && !(await contentOriginAllowed(sender.origin))) {
      return refuse('forbidden', t('routerNotSetUp', sender.origin));
    }
    try {
      return await dispatch(request, sender);
    } catch (error) {
      return refuse('failed', t('routerFailed', (error as Error).message));
    }
  }

  return { handle };
}
