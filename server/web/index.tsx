import { Hono } from 'hono';
import { jwksApp } from '../certificates/api.ts';
import type { AppEnv } from '../http/env.ts';
import { apiDocsPage } from './api-docs.tsx';
import { certificateAdminPages, verificationPages } from './certificate-pages.tsx';
import { examAdminPages, examPages } from './exam-pages.tsx';
import { extensionPages } from './extension-download.tsx';
import { licensingPages } from './licensing-pages.tsx';
import { candidatePages, portalPages } from './portal-pages.tsx';
import { publicPages } from './public-pages.tsx';

/** Server-rendered pages: plain forms, no scripts. */
export function createWeb() {
  return new Hono<AppEnv>()
    .route('/', publicPages)
    .route('/', examPages)
    .route('/portal/exams', examAdminPages)
    .route('/portal/certificates', certificateAdminPages)
    .route('/portal/extension', extensionPages)
    .route('/verify', verificationPages)
    .route('/.well-known/jwks.json', jwksApp)
    .route('/my', candidatePages)
    .route('/portal', licensingPages)
    .route('/portal', portalPages)
    .route('/api/docs', apiDocsPage);
}
