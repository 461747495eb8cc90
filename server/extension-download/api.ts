import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';
import { apiRoute, createApi } from '../http/routes.ts';
import { type ExtensionPackage, findChromePackage } from './package.ts';
import {
  chromePackage,
  chromeUpdateManifest,
  firefoxPackage,
  firefoxUpdateManifest,
  type PackageFacts,
} from './self-hosted.ts';

export const extensionPackageRoute = apiRoute({
  operationId: 'extensionPackage',
  method: 'get',
  path: '/extension/chrome.zip',
  tag: 'Extension',
  access: 'staffRead',
  summary: 'The browser extension for Chrome and Edge (a zip to load unpacked); 404 until it is built',
  responses: {
    200: { description: 'The zip.', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } },
  },
  errors: [404],
});

const binary = (type: string, description: string) => ({
  description,
  content: { [type]: { schema: { type: 'string' as const, format: 'binary' } } },
});

// Browsers fetch updates without anyone's session: these four answer anyone, and hold nothing secret.
const selfHosted = { tag: 'Extension', access: 'public', errors: [404] } as const;

export const chromeUpdatesRoute = apiRoute({
  ...selfHosted,
  operationId: 'extensionChromeUpdates',
  method: 'get',
  path: '/extension/updates.xml',
  summary: "Chrome's update manifest for the self-hosted CRX in EXTENSION_DIR (ExtensionInstallForcelist)",
  responses: { 200: { description: 'The manifest.', content: { 'application/xml': { schema: z.string() } } } },
});

export const chromeCrxRoute = apiRoute({
  ...selfHosted,
  operationId: 'extensionChromeCrx',
  method: 'get',
  path: '/extension/seatkeeper.crx',
  summary: 'The packed, signed extension for Chrome and Edge (self-hosted installs)',
  responses: { 200: binary('application/x-chrome-extension', 'The CRX.') },
});

export const firefoxUpdatesRoute = apiRoute({
  ...selfHosted,
  operationId: 'extensionFirefoxUpdates',
  method: 'get',
  path: '/extension/updates.json',
  summary: "Firefox's update manifest for the Mozilla-signed XPI in EXTENSION_DIR",
  responses: {
    200: {
      description: 'The manifest.',
      content: { 'application/json': { schema: z.object({ addons: z.record(z.string(), z.unknown()) }) } },
    },
  },
});

export const firefoxXpiRoute = apiRoute({
  ...selfHosted,
  operationId: 'extensionFirefoxXpi',
  method: 'get',
  path: '/extension/seatkeeper.xpi',
  summary: 'The Mozilla-signed add-on for Firefox (self-hosted installs, policies.json)',
  responses: { 200: binary('application/x-xpinstall', 'The XPI.') },
});

const notThere = (what: string) =>
  new ApiError(
    404,
    'not_built',
    `No ${what} in EXTENSION_DIR. docs/extension-deployment.md says how to pack and sign it for self-hosting.`,
  );

const download = (file: ExtensionPackage, type: string, cache: string) => ({
  body: Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>,
  headers: {
    'content-type': type,
    'content-length': String(file.bytes),
    'content-disposition': `attachment; filename="${file.fileName}"`,
    'cache-control': cache,
  },
});

async function facts(find: () => Promise<PackageFacts | null>, what: string): Promise<PackageFacts> {
  const found = await find();
  if (!found) throw notThere(what);
  return found;
}

export const extensionApi = (deps: Deps) => {
  const base = `${deps.config.publicUrl}/api/v1/extension`;
  // Update checks come often; a minute of caching keeps them cheap and a new release visible soon.
  const polled = 'public, max-age=60';
  return createApi()
    .openapi(extensionPackageRoute, async (c) => {
      const found = await findChromePackage(deps.config);
      if (!found) throw new ApiError(404, 'not_built', 'errors.not_built');
      const { body, headers } = download(found, 'application/zip', 'no-store');
      return c.body(body, 200, headers);
    })
    .openapi(chromeUpdatesRoute, async (c) => {
      const crx = await facts(() => chromePackage(deps.config), 'packed CRX (*.crx)');
      return c.body(chromeUpdateManifest(crx, `${base}/seatkeeper.crx`), 200, {
        'content-type': 'application/xml; charset=utf-8',
        'cache-control': polled,
      });
    })
    .openapi(chromeCrxRoute, async (c) => {
      const crx = await facts(() => chromePackage(deps.config), 'packed CRX (*.crx)');
      const { body, headers } = download(crx.file, 'application/x-chrome-extension', polled);
      return c.body(body, 200, headers);
    })
    .openapi(firefoxUpdatesRoute, async (c) => {
      const xpi = await facts(() => firefoxPackage(deps.config), 'signed XPI (*.xpi)');
      c.header('cache-control', polled);
      return c.json(firefoxUpdateManifest(xpi, `${base}/seatkeeper.xpi`), 200);
    })
    .openapi(firefoxXpiRoute, async (c) => {
      const xpi = await facts(() => firefoxPackage(deps.config), 'signed XPI (*.xpi)');
      const { body, headers } = download(xpi.file, 'application/x-xpinstall', polled);
      return c.body(body, 200, headers);
    });
};
