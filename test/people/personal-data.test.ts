// Issue 22: download my data. One JSON file of everything held about the signed-in person (account, sign-ins, attempts
// with answers and results, certificates, mail), or a zip with it and the certificates' PDFs and signed credentials.
// The zip is read back with Info-ZIP's `unzip`, not with the library that wrote it; the credential is checked with
// jose against the published key.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { personalDataResponse } from '../../server/people/api.ts';
import type { PersonalData } from '../../server/people/personal-data.ts';
import { answerAll, examWorld, startAttempt, submit } from '../support/exams.ts';
import {
  call,
  makeApp,
  outbox,
  STRONG_PASSWORD,
  sessionCookieFrom,
  signInCookie,
  type TestContext,
  tempDir,
} from '../support/server.ts';

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** A candidate with a sign-in, extra time on the exam, a passed attempt (a certificate) and a password link mailed. */
async function candidateWithHistory(ctx: TestContext, exam: Record<string, unknown> = {}) {
  const world = await examWorld(ctx, exam);
  await call(ctx, 'POST', `/api/v1/exams/${world.examId}/accommodations`, {
    cookie: world.adminCookie,
    json: { accountId: world.candidate.id, extraMinutes: 15 },
  });
  const cookie = sessionCookieFrom(await signInCookie(ctx, world.candidate.email, STRONG_PASSWORD));
  const attempt = await startAttempt(ctx, { cookie, examId: world.examId });
  await answerAll(ctx, cookie, attempt);
  const passed = await submit(ctx, cookie, attempt.id);
  await call(ctx, 'POST', '/api/v1/password-resets', { json: { email: world.candidate.email } });
  return { ...world, cookie, attemptId: attempt.id, certificateId: passed.certificateId as string };
}

describe('download my data', () => {
  it('is one JSON file of everything held about the person, as the API declares it', async () => {
    const ctx = await makeApp();
    const who = await candidateWithHistory(ctx);
    const response = await call(ctx, 'GET', '/api/v1/me/personal-data', { cookie: who.cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="seatkeeper-data-2026-11-24.json"');
    const data = await json<PersonalData>(response);
    expect(personalDataResponse.safeParse(data).success).toBe(true);

    expect(data.account).toMatchObject({
      id: who.candidate.id,
      email: who.candidate.email,
      name: 'Candidate Person',
      active: true,
      deactivationReason: null,
    });
    expect(data.signIns).toEqual([{ at: ctx.now().toISOString(), ip: 'unknown', userAgent: null }]);
    expect(data.events.map((e) => [e.action, e.by])).toEqual(
      expect.arrayContaining([
        ['account.created', 'system'],
        ['sign_in.succeeded', 'you'],
      ]),
    );
    // Staff who acted on the account are not named.
    expect(JSON.stringify(data.events)).not.toContain(who.admin.email);

    const [attempt] = data.attempts;
    expect(attempt).toMatchObject({ id: who.attemptId, status: 'submitted', examTitle: 'Safety basics' });
    // Options are answered by the attempt's own ids; the download names them with the options' texts beside.
    const chosen = attempt?.questions.map((q) => {
      const text = (id: string) => q.options?.find((o) => o.id === id)?.text ?? id;
      return Array.isArray(q.answer) ? q.answer.map(text) : text(q.answer ?? '');
    });
    expect(chosen).toEqual(['Red', ['2', '3'], 'True', 'Paris']);
    expect(attempt?.result).toMatchObject({ released: true, scorePercent: 100, passed: true });
    expect(data.accommodations).toEqual([{ examId: who.examId, extraMinutes: 15, createdAt: expect.any(String) }]);

    expect(data.certificates).toEqual([
      {
        id: who.certificateId,
        examId: who.examId,
        status: 'valid',
        examTitle: 'Safety basics',
        holderName: 'Candidate Person',
        scorePercent: 100,
        issuedAt: ctx.now().toISOString(),
        expiresAt: expect.any(String),
        revokedAt: null,
        revokedReason: null,
        replacedBy: null,
        verifyUrl: `http://seatkeeper.test/verify/${who.certificateId}`,
        files: { pdf: `certificates/${who.certificateId}.pdf`, credential: `certificates/${who.certificateId}.jwt` },
      },
    ]);

    // Mail sent, without the single-use secret its link carried.
    const [reset] = await outbox(ctx, who.candidate.email);
    const secret = /token=([^\s]+)/.exec(reset?.body ?? '')?.[1] as string;
    expect(secret.length).toBeGreaterThan(20);
    expect(data.mail.map((m) => m.subject)).toEqual(['Reset your Seatkeeper password']);
    expect(data.mail[0]?.body).toContain('/reset-password?token=(removed)');
    expect(JSON.stringify(data)).not.toContain(decodeURIComponent(secret));
    expect(JSON.stringify(data)).not.toContain(secret);
  });

  it("is also a zip with the JSON file, each certificate's PDF and its signed credential, as unzip reads it", async () => {
    const ctx = await makeApp();
    const who = await candidateWithHistory(ctx);
    const response = await call(ctx, 'GET', '/api/v1/me/personal-data.zip', { cookie: who.cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="seatkeeper-data-2026-11-24.zip"');
    const file = join(await tempDir(), 'data.zip');
    await writeFile(file, new Uint8Array(await response.arrayBuffer()));

    expect(execFileSync('unzip', ['-t', file], { encoding: 'utf8' })).toContain('No errors detected');
    const names = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(names).toEqual(
      ['personal-data.json', `certificates/${who.certificateId}.jwt`, `certificates/${who.certificateId}.pdf`].sort(),
    );
    const inZip = JSON.parse(execFileSync('unzip', ['-p', file, 'personal-data.json'], { encoding: 'utf8' }));
    const fromApi = await json(await call(ctx, 'GET', '/api/v1/me/personal-data', { cookie: who.cookie }));
    expect(inZip).toEqual(fromApi);
    const pdf = execFileSync('unzip', ['-p', file, `certificates/${who.certificateId}.pdf`]);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const jwt = execFileSync('unzip', ['-p', file, `certificates/${who.certificateId}.jwt`], { encoding: 'utf8' });
    const jwks = await json<Parameters<typeof createLocalJWKSet>[0]>(await call(ctx, 'GET', '/.well-known/jwks.json'));
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), { currentDate: ctx.now() });
    expect(payload.jti).toBe(`http://seatkeeper.test/verify/${who.certificateId}`);
  });

  it('hands out no credential for a revoked certificate, and nothing to anyone signed out', async () => {
    const ctx = await makeApp();
    const who = await candidateWithHistory(ctx);
    await call(ctx, 'POST', `/api/v1/certificates/${who.certificateId}/revoke`, {
      cookie: who.adminCookie,
      json: { reason: 'Issued in error.' },
    });
    const data = await json<PersonalData>(await call(ctx, 'GET', '/api/v1/me/personal-data', { cookie: who.cookie }));
    expect(data.certificates[0]).toMatchObject({ revokedReason: 'Issued in error.', files: { credential: null } });
    const file = join(await tempDir(), 'data.zip');
    await writeFile(
      file,
      new Uint8Array(
        await (await call(ctx, 'GET', '/api/v1/me/personal-data.zip', { cookie: who.cookie })).arrayBuffer(),
      ),
    );
    expect(execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' })).not.toContain('.jwt');
    for (const path of ['/api/v1/me/personal-data', '/api/v1/me/personal-data.zip']) {
      expect((await call(ctx, 'GET', path)).status).toBe(401);
    }
  });

  it('holds back what the person could not see yet: a result and certificate before their release date', async () => {
    const ctx = await makeApp();
    const who = await candidateWithHistory(ctx, {
      reviewPolicy: 'after_date',
      reviewAfter: '2027-01-01T00:00:00.000Z',
    });
    const data = await json<PersonalData>(await call(ctx, 'GET', '/api/v1/me/personal-data', { cookie: who.cookie }));
    expect(data.attempts[0]?.result).toEqual({ released: false, releasedAt: '2027-01-01T00:00:00.000Z' });
    expect(data.certificates).toEqual([]);
    ctx.advance(40 * 86_400);
    const cookie = sessionCookieFrom(await signInCookie(ctx, who.candidate.email, STRONG_PASSWORD));
    const later = await json<PersonalData>(await call(ctx, 'GET', '/api/v1/me/personal-data', { cookie }));
    expect(later.attempts[0]?.result).toMatchObject({ released: true, passed: true });
    const issued = await ctx.deps.db
      .selectFrom('certificates')
      .select('id')
      .where('attempt_id', '=', who.attemptId)
      .executeTakeFirstOrThrow();
    expect(later.certificates.map((c) => c.id)).toEqual([issued.id]);
  });
});
