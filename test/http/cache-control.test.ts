// Nothing a signed-in person reads is kept by browsers or shared caches (issue 23, item 8): signed-in pages, every
// API answer, CSV exports, certificate PDFs and the exam export (which holds the answer keys) say `no-store`, through
// app.request and over real HTTP; only public, unchanging files say otherwise.
import { describe, expect, it } from 'vitest';
import { startNodeServer } from '../../server/http/node-server.ts';
import { operationsOf } from '../../server/http/openapi.ts';
import { answerAll, examWorld, startAttempt, submit } from '../support/exams.ts';
import { call, makeApp, type TestContext } from '../support/server.ts';

async function world(ctx: TestContext) {
  const exam = await examWorld(ctx);
  const attempt = await startAttempt(ctx, exam);
  await answerAll(ctx, exam.cookie, attempt);
  const done = await submit(ctx, exam.cookie, attempt.id);
  return { ...exam, certificateId: done.certificateId as string, attemptId: attempt.id };
}

describe('Cache-Control', () => {
  it('is no-store on signed-in pages, exports, PDFs and the exam export', async () => {
    const ctx = await makeApp();
    const w = await world(ctx);
    const cases: [string, string, string][] = [
      ['admin', '/portal/users', 'text/html'],
      ['admin', '/portal/users.csv', 'text/csv'],
      ['admin', `/api/v1/exams/${w.examId}/report?format=csv`, 'text/csv'],
      ['admin', `/api/v1/exams/${w.examId}/export`, 'application/json'],
      ['admin', '/portal/outbox', 'text/html'],
      ['admin', '/portal/licence', 'text/html'],
      ['candidate', '/my', 'text/html'],
      ['candidate', `/api/v1/certificates/${w.certificateId}/pdf`, 'application/pdf'],
      ['candidate', `/api/v1/certificates/${w.certificateId}/credential`, 'application/vc+jwt'],
      ['candidate', '/api/v1/me', 'application/json'],
    ];
    for (const [who, path, type] of cases) {
      const response = await call(ctx, 'GET', path, { cookie: who === 'admin' ? w.adminCookie : w.cookie });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toContain(type);
      expect(response.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('is no-store on every GET of the API, whoever asks and whatever the answer', async () => {
    const ctx = await makeApp();
    const w = await world(ctx);
    for (const { method, path } of operationsOf(ctx.openApiDocument())) {
      if (method !== 'get') continue;
      const concrete = path.replace('{id}', w.examId).replace(/\{\w+\}/g, 'x');
      for (const cookie of [w.adminCookie, undefined]) {
        const response = await call(ctx, 'GET', concrete, cookie ? { cookie } : {});
        expect(response.headers.get('cache-control'), `${path} (${cookie ? 'admin' : 'anonymous'})`).toBe('no-store');
      }
    }
  });

  it('says the same over real HTTP, where the Node layer sets it, and lets public files be cached', async () => {
    const ctx = await makeApp();
    const w = await world(ctx);
    const server = await startNodeServer(ctx.app, ctx.config, { port: 0, host: '127.0.0.1' });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      for (const path of ['/portal/users', '/portal/users.csv', `/api/v1/exams/${w.examId}/export`]) {
        const response = await fetch(`${base}${path}`, { headers: { cookie: w.adminCookie } });
        expect(response.status, path).toBe(200);
        expect(response.headers.get('cache-control'), path).toBe('no-store');
      }
      const pdf = await fetch(`${base}/api/v1/certificates/${w.certificateId}/pdf`, { headers: { cookie: w.cookie } });
      expect(pdf.headers.get('cache-control')).toBe('no-store');
      const css = await fetch(`${base}/assets/app.css`);
      expect(css.headers.get('cache-control')).toBe('public, max-age=3600');
    } finally {
      await server.close();
    }
  });
});
