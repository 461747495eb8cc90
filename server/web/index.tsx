import { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { apiDocsPage } from './api-docs.tsx';
import { candidatePages, portalPages } from './portal-pages.tsx';
import { publicPages } from './public-pages.tsx';

/** Server-rendered pages: plain forms, no scripts. */
export function createWeb() {
  return new Hono<AppEnv>()
    .route('/', publicPages)
    .route('/my', candidatePages)
    .route('/portal', portalPages)
    .route('/api/docs', apiDocsPage);
}
