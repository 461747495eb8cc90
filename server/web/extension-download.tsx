// The browser extension, offered to staff from the portal (issue 7, "Build and proof"): the Chrome zip that
// `npm run build:ext` leaves in EXTENSION_DIR, and a page that says how to install it and connect it to this server.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { RouteSpec } from '../api/routes.ts';
import type { Config } from '../config.ts';
import { guard, principalOf } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { Alert, Layout } from './layout.tsx';
import { html, requirePage } from './page-helpers.ts';

export const EXTENSION_ROUTES = {
  extensionPackage: {
    method: 'GET',
    path: '/api/v1/extension/chrome.zip',
    tag: 'Extension',
    access: 'staffRead',
    summary: 'The browser extension for Chrome and Edge (a zip to load unpacked); 404 until it is built',
    success: { status: 200, description: 'application/zip' },
  },
} as const satisfies Record<string, RouteSpec>;

const BUILD_HINT =
  'Build it on the server with `npm run build:ext` in the Seatkeeper directory, then reload this page.';

export interface ExtensionPackage {
  path: string;
  fileName: string;
  bytes: number;
  builtAt: Date;
}

/** The newest Chrome zip in the configured directory (wxt names it seatkeeper-<version>-chrome.zip), if any. */
export async function findChromePackage(config: Pick<Config, 'extensionDir'>): Promise<ExtensionPackage | null> {
  let names: string[];
  try {
    names = await readdir(config.extensionDir);
  } catch {
    return null; // never built here
  }
  let newest: ExtensionPackage | null = null;
  for (const fileName of names.filter((name) => /-chrome\.zip$/.test(name))) {
    const path = join(config.extensionDir, fileName);
    const info = await stat(path);
    if (info.isFile() && (!newest || info.mtime > newest.builtAt)) {
      newest = { path, fileName, bytes: info.size, builtAt: info.mtime };
    }
  }
  return newest;
}

export const extensionApi = new Hono<AppEnv>().get(
  '/chrome.zip',
  guard(EXTENSION_ROUTES.extensionPackage.access),
  async (c) => {
    const found = await findChromePackage(c.get('deps').config);
    if (!found) throw new ApiError(404, 'not_built', `The browser extension has not been built. ${BUILD_HINT}`);
    const body = Readable.toWeb(createReadStream(found.path)) as ReadableStream<Uint8Array>;
    return c.body(body, 200, {
      'content-type': 'application/zip',
      'content-length': String(found.bytes),
      'content-disposition': `attachment; filename="${found.fileName}"`,
      'cache-control': 'no-store',
    });
  },
);

function InstallSteps({ publicUrl }: { publicUrl: string }) {
  return (
    <section class="card" aria-labelledby="install">
      <h2 id="install">Install in Chrome or Edge</h2>
      <ol>
        <li>Download the zip and unzip it into a folder you will keep (the browser loads the extension from it).</li>
        <li>
          Open <code>chrome://extensions</code> (Edge: <code>edge://extensions</code>) and switch on{' '}
          <strong>Developer mode</strong>.
        </li>
        <li>
          Choose <strong>Load unpacked</strong> and select the unzipped folder. Pin Seatkeeper to the toolbar.
        </li>
        <li>
          Open the extension's options, type this server's address, <code>{publicUrl}</code>, and a personal access
          token (<a href="/portal/tokens">Access tokens</a>, scope <code>read</code>); allow access when the browser
          asks.
        </li>
        <li>
          Badges appear on this portal's Users page at once. For another console (an OutSystems Users app, Service
          Center, …) add its address in the options and choose the environment whose rules apply there.
        </li>
      </ol>
      <p class="hint">
        The token stays in the browser's memory until it closes, unless you tick “remember on this device”. The
        extension asks for access to each site only when you add it.
      </p>
    </section>
  );
}

export const extensionPages = new Hono<AppEnv>().get('/', requirePage('staffRead'), async (c) => {
  const { config } = c.get('deps');
  const found = await findChromePackage(config);
  return html(
    c,
    <Layout title="Browser extension" principal={principalOf(c)}>
      <p>
        The Seatkeeper extension shows, next to every user on an admin console, whether the account counts as an
        Internal or External seat and why, warns when capacity runs low, and looks people up for support staff.
      </p>
      {found ? (
        <section class="card" aria-labelledby="download">
          <h2 id="download">Download</h2>
          <p>
            <a href={EXTENSION_ROUTES.extensionPackage.path} download={found.fileName} id="extension-download">
              {found.fileName}
            </a>{' '}
            ({Math.round(found.bytes / 1024)} KiB, built {found.builtAt.toISOString().slice(0, 16).replace('T', ' ')}{' '}
            UTC)
          </p>
        </section>
      ) : (
        <Alert kind="error">
          <p>The extension has not been built on this server yet, so there is nothing to download.</p>
          <p>{BUILD_HINT}</p>
        </Alert>
      )}
      <InstallSteps publicUrl={config.publicUrl} />
    </Layout>,
  );
});
