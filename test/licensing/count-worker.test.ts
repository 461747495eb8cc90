import { describe, expect, it } from 'vitest';
import { ownRef } from '../../server/licensing/records.ts';
import { importJson } from '../support/imports.ts';
import { call, createAccount, makeApp, sessionCookieFor, useBulkReads } from '../support/server.ts';

// Hygiene and the retention preview read every account; with a database file or server they run in the count worker
// (the request thread keeps answering). Both paths must answer the same.
describe('work over every account in the count worker', () => {
  it('gives the same hygiene findings and retention preview as in-process', async () => {
    const ctx = await makeApp();
    const admin = await createAccount(ctx, 'admin', 'root@mycompany.com');
    const cookie = await sessionCookieFor(ctx, admin);
    const leaving = await createAccount(ctx, 'candidate', 'leaving@gmail.com');
    await createAccount(ctx, 'candidate', 'staying@gmail.com');
    const created = await call(ctx, 'POST', '/api/v1/environments', {
      cookie,
      json: { name: 'Legacy PRD', production: true, internalDomains: 'mycompany.com' },
    });
    const env = ((await created.json()) as { environment: { id: string } }).environment;
    const imported = await importJson(ctx, { cookie }, env.id, 'Directory', [
      // The same person as an own account (a duplicate across environments), one without an email.
      { username: 'staying', email: 'staying@gmail.com' },
      { username: 'no-mail', email: '' },
      { username: 'ops', email: 'ops@ops.mycompany.com' },
    ]);
    expect(imported).toMatchObject({ status: 'done', rowsWritten: 3 });
    const { licensing } = ctx.licensing;
    await licensing.current();
    const before = licensing.live.totals();

    const hygieneHere = await licensing.fullCountTask({ kind: 'hygiene', organisationDomains: ['mycompany.com'] });
    const retentionHere = await licensing.fullCountTask({ kind: 'retention', leavingRefs: [ownRef(leaving.id)] });
    const restore = useBulkReads(ctx);
    try {
      const hygiene = await licensing.fullCountTask({ kind: 'hygiene', organisationDomains: ['mycompany.com'] });
      const retention = await licensing.fullCountTask({ kind: 'retention', leavingRefs: [ownRef(leaving.id)] });
      expect([hygieneHere.via, retentionHere.via, hygiene.via, retention.via]).toEqual([
        'in-process',
        'in-process',
        'worker',
        'worker',
      ]);
      expect(hygiene.answer).toEqual(hygieneHere.answer);
      expect(retention.answer).toEqual(retentionHere.answer);
    } finally {
      restore();
    }
    // What the answers say, not only that they agree.
    // The own environment has no internal domains yet, so everyone there counts as internal (rule 5).
    expect(retentionHere.answer.after).toEqual({ internal: before.internal - 1, external: before.external });
    const codes = hygieneHere.answer.report.findings.map((f) => f.code);
    expect(codes).toContain('no-valid-email');
    expect(hygieneHere.answer.report.accounts).toBe(6);
    const noEmail = hygieneHere.answer.report.findings.find((f) => f.code === 'no-valid-email');
    const labels = new Map(hygieneHere.answer.report.labels);
    expect(noEmail?.accounts.map((ref) => labels.get(ref))).toEqual(['no-mail (Legacy PRD, Directory)']);
  });
});
