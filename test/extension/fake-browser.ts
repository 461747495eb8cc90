// WXT's fake browser (the `browser` that `wxt/browser` gives the extension's modules under WxtVitest) lacks the
// permissions and scripting APIs and session storage's access level: in-memory versions of those, per test.
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';

type Listener = () => void;
type Registered = Browser.scripting.RegisteredContentScript;

export interface FakeExtras {
  /** Host permissions granted now (match patterns). */
  granted: Set<string>;
  /** Content scripts registered now, by id. */
  scripts: Map<string, Registered>;
  /** Whether permissions.request grants what it is asked (the person clicks Allow). */
  allow: boolean;
  accessLevels: string[];
}

function event() {
  const listeners: Listener[] = [];
  return {
    addListener: (listener: Listener) => listeners.push(listener),
    removeListener: (listener: Listener) => listeners.splice(listeners.indexOf(listener), 1),
    hasListener: (listener: Listener) => listeners.includes(listener),
    hasListeners: () => listeners.length > 0,
    trigger: () => {
      for (const listener of listeners) listener();
    },
  };
}

/** Resets the fake browser and installs the missing APIs; `granted` lists origins already allowed. */
export function resetFakeBrowser(granted: string[] = []): FakeExtras {
  fakeBrowser.reset();
  const extras: FakeExtras = {
    granted: new Set(granted.map((origin) => `${origin}/*`)),
    scripts: new Map(),
    allow: true,
    accessLevels: [],
  };
  const onAdded = event();
  const onRemoved = event();
  const patterns = (request: { origins?: string[] }) => request.origins ?? [];
  Object.assign(fakeBrowser.permissions, {
    contains: async (request: { origins?: string[] }) => patterns(request).every((p) => extras.granted.has(p)),
    request: async (request: { origins?: string[] }) => {
      if (!extras.allow) return false;
      for (const pattern of patterns(request)) extras.granted.add(pattern);
      onAdded.trigger();
      return true;
    },
    remove: async (request: { origins?: string[] }) => {
      for (const pattern of patterns(request)) extras.granted.delete(pattern);
      onRemoved.trigger();
      return true;
    },
    onAdded,
    onRemoved,
  });
  Object.assign(fakeBrowser.scripting, {
    getRegisteredContentScripts: async (filter?: { ids?: string[] }) =>
      [...extras.scripts.values()].filter((script) => !filter?.ids || filter.ids.includes(script.id)),
    registerContentScripts: async (scripts: Registered[]) => {
      for (const script of scripts) {
        if (extras.scripts.has(script.id)) throw new Error(`Duplicate script ID '${script.id}'`);
        extras.scripts.set(script.id, script);
      }
    },
    updateContentScripts: async (scripts: Registered[]) => {
      for (const script of scripts) extras.scripts.set(script.id, { ...extras.scripts.get(script.id), ...script });
    },
    unregisterContentScripts: async (filter?: { ids?: string[] }) => {
      for (const id of filter?.ids ?? [...extras.scripts.keys()]) extras.scripts.delete(id);
    },
  });
  Object.assign(fakeBrowser.storage.session, {
    setAccessLevel: async ({ accessLevel }: { accessLevel: string }) => {
      extras.accessLevels.push(accessLevel);
    },
  });
  return extras;
}

/** What the browser says about a message from one of the extension's own pages. */
export const fromExtensionPage = (page = 'options.html'): Browser.runtime.MessageSender => ({
  id: fakeBrowser.runtime.id,
  url: fakeBrowser.runtime.getURL(`/${page}` as '/'),
  origin: new URL(fakeBrowser.runtime.getURL('/' as '/')).origin,
});

/** What the browser says about a message from the content script in a tab showing `url`. */
export const fromContentScript = (url: string): Browser.runtime.MessageSender => ({
  id: fakeBrowser.runtime.id,
  url,
  origin: new URL(url).origin,
  tab: { id: 7, index: 0, windowId: 1, highlighted: true, active: true, pinned: false, incognito: false } as never,
  frameId: 0,
});
