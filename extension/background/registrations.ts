// The content script runs only where the admin said: the Seatkeeper server's own portal and the consoles added in
// the options page, each with its host permission granted at that moment. Registered at run time (nothing in the
// manifest), kept in step with storage and with what the browser grants, and registered again at every start.
import { browser } from 'wxt/browser';
import { originPattern } from '../console-origins.ts';
import { consoles, serverUrl } from '../storage.ts';

export const CONTENT_SCRIPT_ID = 'seatkeeper-pages';
const CONTENT_SCRIPT_FILE = 'content-scripts/seatkeeper.js';

export async function hasOriginPermission(origin: string): Promise<boolean> {
  try {
    return await browser.permissions.contains({ origins: [originPattern(origin)] });
  } catch {
    return false; // not a pattern the browser accepts: certainly not granted
  }
}

/** The server's origin and every console's, as configured (granted or not). */
export async function configuredOrigins(): Promise<string[]> {
  const server = await serverUrl.getValue();
  const origins = (await consoles.getValue()).map((mapping) => mapping.origin);
  return [...new Set(server ? [server, ...origins] : origins)];
}

/** The configured origins the browser lets the extension into right now. */
export async function grantedOrigins(): Promise<string[]> {
  const origins = await configuredOrigins();
  const granted = await Promise.all(origins.map(hasOriginPermission));
  return origins.filter((_, index) => granted[index]);
}

let queue: Promise<unknown> = Promise.resolve();

/** Registers, updates or removes the one content script so it matches the granted origins. Calls run one at a time. */
export function syncRegistrations(): Promise<string[]> {
  const run = queue.then(async () => {
    const origins = await grantedOrigins();
    const registered = await browser.scripting.getRegisteredContentScripts({ ids: [CONTENT_SCRIPT_ID] });
    if (origins.length === 0) {
      if (registered.length > 0) await browser.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
      return origins;
    }
    const script = {
      id: CONTENT_SCRIPT_ID,
      js: [CONTENT_SCRIPT_FILE],
      // Without ports in the patterns (Firefox) two origins on one host share a pattern.
      matches: [...new Set(origins.map((origin) => originPattern(origin)))],
      runAt: 'document_idle' as const,
      allFrames: false,
      // Registered again by the background at every start, from storage and the granted permissions.
      persistAcrossSessions: false,
    };
    if (registered.length > 0) await browser.scripting.updateContentScripts([script]);
    else await browser.scripting.registerContentScripts([script]);
    return origins;
  });
  queue = run.catch(() => undefined);
  return run;
}
