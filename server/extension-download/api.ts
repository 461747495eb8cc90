import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Deps } from '../deps.ts';
import { ApiError } from '../http/errors.ts';
import { apiRoute, createApi } from '../http/routes.ts';
import { findChromePackage } from './package.ts';

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

export const extensionApi = (deps: Deps) =>
  createApi().openapi(extensionPackageRoute, async (c) => {
    const found = await findChromePackage(deps.config);
    if (!found) throw new ApiError(404, 'not_built', 'errors.not_built');
    const body = Readable.toWeb(createReadStream(found.path)) as ReadableStream<Uint8Array>;
    return c.body(body, 200, {
      'content-type': 'application/zip',
      'content-length': String(found.bytes),
      'content-disposition': `attachment; filename="${found.fileName}"`,
      'cache-control': 'no-store',
    });
  });
